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

/** The same tiers as the platform, with the app's own state buckets. */
export function paymentsTiers(): Tiers {
  const s3 = (tier: string, region: string) => Backend.s3({ bucket: `acme-payments-${tier}-tfstate`, region, keyPrefix: 'payments/' });
  return new Tiers([
    Tier.dev(),
    Tier.staging({ region: 'eu-west-1', backend: s3('staging', 'eu-west-1') }),
    Tier.prod({ region: 'eu-central-1', backend: s3('prod', 'eu-central-1') }),
  ]);
}

/** Declares the payments app of every tier in `app`. */
export function payments(app: App, ledgerFile = path.join(__dirname, 'releases.json')): void {
  const tiers = paymentsTiers();
  const ledger = ReleaseLedger.load(ledgerFile, tiers);
  for (const tier of tiers) {
    // What the platform team's standard platform offers: its add-ons and its Gateway.
    const offered = standardPlatform(tier);
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
    });
  }
}
