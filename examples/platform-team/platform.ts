/**
 * A platform team's repository: it builds and publishes the platform of every
 * tier (the cluster and its add-ons) for app teams, which deploy from their own
 * repositories (see examples/app-team).
 *
 * - dev: the team's shared local cluster (a kubeconfig context), add-ons only;
 * - staging and prod: a VPC, an EKS cluster named `acme-<tier>` and the add-ons;
 *   state in S3, one bucket per tier, so app teams may read the outputs.
 */
import { AddonsStack, App, Backend, PlatformRef, PlatformStack, standardAddons, Tier, Tiers } from '../../lib';

/** The platform's tiers: staging and prod in their own regions, each with its state bucket. */
export function platformTiers(): Tiers {
  const s3 = (tier: string, region: string) => Backend.s3({ bucket: `acme-platform-${tier}-tfstate`, region, keyPrefix: 'platform/' });
  return new Tiers([
    Tier.dev(),
    Tier.staging({ region: 'eu-west-1', backend: s3('staging', 'eu-west-1'), tags: { 'cost-center': 'platform' } }),
    Tier.prod({ region: 'eu-central-1', backend: s3('prod', 'eu-central-1'), tags: { 'cost-center': 'platform' } }),
  ]);
}

/** The public DNS of each managed tier. */
export const PLATFORM_DNS = {
  staging: { domain: 'staging.acme.example.com', hostedZoneId: 'Z0STAGINGACMEEXAMPLE', acmeEmail: 'platform@acme.example.com' },
  prod: { domain: 'acme.example.com', hostedZoneId: 'Z0PRODACMEEXAMPLE', acmeEmail: 'platform@acme.example.com' },
} as const;

/** Declares the platform of every tier in `app`. */
export function platform(app: App): void {
  for (const tier of platformTiers()) {
    const cluster = tier.managed
      ? new PlatformStack(app, {
        tier,
        network: { cidr: tier.name === 'prod' ? '10.64.0.0/16' : '10.32.0.0/16' },
        cluster: {
          clusterName: `acme-${tier.name}`,
          publicAccessCidrs: ['198.51.100.0/24'],
          admins: ['arn:aws:iam::123456789012:role/platform-admins'],
        },
      }).ref
      : PlatformRef.fromKubeconfig({ context: 'acme-dev' });
    const dns = tier.name === 'staging' || tier.name === 'prod' ? PLATFORM_DNS[tier.name] : undefined;
    new AddonsStack(app, { tier, platform: cluster, addons: standardAddons(tier, { dns }) });
  }
}
