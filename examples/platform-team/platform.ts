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

/**
 * PLACEHOLDER: the public range allowed to reach the clusters' API endpoints. 198.51.100.0/24 is
 * TEST-NET-2 (RFC 5737), nobody's network: replace it with the public CIDRs of your offices, VPN or
 * CI runners, and drop `allowDocumentationRanges` below.
 */
export const API_ENDPOINT_CIDRS = ['198.51.100.0/24'];

/**
 * The app teams that deploy onto the platform from their own repositories, and the roles their
 * pipelines assume in a tier (each app repository declares the same ARNs as its tiers' clusterAccess).
 */
export const APP_TEAMS = ['payments'];
function appTeamRole(team: string, purpose: 'deploy' | 'plan', tier: string): string {
  return `arn:aws:iam::123456789012:role/${team}-${purpose}-${tier}`;
}

/** Who may reach a tier's cluster: the platform admins, and the roles of this repository's pipelines. */
function platformAccess(tier: string) {
  return {
    admins: ['arn:aws:iam::123456789012:role/platform-admins'],
    deployRole: `arn:aws:iam::123456789012:role/platform-deploy-${tier}`,
    planRole: `arn:aws:iam::123456789012:role/platform-plan-${tier}`,
  };
}

/** The platform's tiers: staging and prod in their own regions, each with its state bucket. */
export function platformTiers(): Tiers {
  const s3 = (tier: string, region: string) => Backend.s3({ bucket: `acme-platform-${tier}-tfstate`, region, keyPrefix: 'platform/' });
  return new Tiers([
    Tier.dev(),
    Tier.staging({ region: 'eu-west-1', backend: s3('staging', 'eu-west-1'), tags: { 'cost-center': 'platform' }, clusterAccess: platformAccess('staging') }),
    Tier.prod({ region: 'eu-central-1', backend: s3('prod', 'eu-central-1'), tags: { 'cost-center': 'platform' }, clusterAccess: platformAccess('prod') }),
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
          publicAccessCidrs: API_ENDPOINT_CIDRS,
          allowDocumentationRanges: true,
          // The app teams' pipelines deploy to the cluster too (each app repository names its roles).
          deployRoles: APP_TEAMS.map((team) => appTeamRole(team, 'deploy', tier.name)),
          planRoles: APP_TEAMS.map((team) => appTeamRole(team, 'plan', tier.name)),
        },
      }).ref
      : PlatformRef.fromKubeconfig({ context: 'acme-dev' });
    const dns = tier.name === 'staging' || tier.name === 'prod' ? PLATFORM_DNS[tier.name] : undefined;
    new AddonsStack(app, { tier, platform: cluster, addons: standardAddons(tier, { dns }) });
  }
}
