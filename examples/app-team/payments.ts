/**
 * An app team's repository: the `payments` app, deployed onto the platform the
 * platform team publishes (examples/platform-team), which it finds by name:
 * the dev cluster by its kubeconfig context, the EKS clusters `acme-staging`
 * and `acme-prod` by name and region. Nothing of the platform is built here.
 */
import * as path from 'path';
import {
  App, AppStack, Backend, BlueGreenService, PlatformRef, Postgres, ReleaseLedger, standardPlatform, Tier, Tiers,
} from '../../lib';

/**
 * The roles this repository's generated pipelines assume in a tier. The platform team gives them
 * access to its cluster (examples/platform-team lists them as deployRoles and planRoles).
 */
export function paymentsRoles(tier: string): { deployRole: string; planRole: string } {
  return {
    deployRole: `arn:aws:iam::123456789012:role/payments-deploy-${tier}`,
    planRole: `arn:aws:iam::123456789012:role/payments-plan-${tier}`,
  };
}

/** The same tiers as the platform, with the app's own state buckets and pipeline roles. */
export function paymentsTiers(): Tiers {
  const s3 = (tier: string, region: string) => Backend.s3({ bucket: `acme-payments-${tier}-tfstate`, region, keyPrefix: 'payments/' });
  return new Tiers([
    Tier.dev(),
    Tier.staging({ region: 'eu-west-1', backend: s3('staging', 'eu-west-1'), clusterAccess: paymentsRoles('staging') }),
    Tier.prod({ region: 'eu-central-1', backend: s3('prod', 'eu-central-1'), clusterAccess: paymentsRoles('prod') }),
  ]);
}

/** The domains the platform team serves each managed tier under (it publishes them; see examples/platform-team). */
export const ACME_DOMAINS = { staging: 'staging.acme.example.com', prod: 'acme.example.com' } as const;

/** Declares the payments app of every tier in `app`. */
export function payments(app: App, ledgerFile = path.join(__dirname, 'releases.json')): void {
  const tiers = paymentsTiers();
  const ledger = ReleaseLedger.load(ledgerFile, tiers);
  for (const tier of tiers) {
    // What the platform team's standard platform offers: its add-ons, and its Gateway with the domain it serves.
    const domain = tier.name === 'staging' || tier.name === 'prod' ? ACME_DOMAINS[tier.name] : undefined;
    const offered = standardPlatform(tier, { dns: domain ? { domain } : undefined });
    const platform = tier.managed
      // The platform team's PlatformStack gives pods security groups: the database admits the gateway's pods only.
      ? PlatformRef.fromEksCluster({ clusterName: `acme-${tier.name}`, region: tier.region!, podSecurityGroups: true, ...offered })
      : PlatformRef.fromKubeconfig({ context: 'acme-dev', ...offered });

    const stack = new AppStack(app, 'payments', { tier, platform, ledger });
    const ledgerDb = new Postgres(stack, 'ledger', { engineVersion: '16', databaseName: 'payments' });
    new BlueGreenService(stack, 'gateway', {
      image: 'ghcr.io/acme/payments-gateway',
      port: 8443,
      healthPath: '/health',
      connections: [ledgerDb],
      // Under the platform's domain (dev: the local cluster's HTTP Gateway, no DNS).
      route: { hostnames: [`payments.${domain ?? 'dev.acme.example.com'}`] },
    });
  }
}
