/**
 * The main example: a shop released blue-green through dev, staging and prod.
 * Its `api` keeps orders in Postgres and sessions in a cache and publishes
 * order events to a topic; the topic fans out to a queue that the `worker`
 * consumes (a worker: no Services, scaled on the queue's depth). Every dependency is bound in the cluster in dev and to a managed
 * AWS service (RDS, SNS/SQS, ElastiCache) in staging and prod.
 * `main.ts` synthesizes it; the tests build it too.
 */
import * as path from 'path';
import {
  AddonsStack, App, AppStack, BlueGreenService, Cache, PlatformRef, PlatformStack, Postgres, Queue, ReleaseLedger, standardAddons,
  Tier, Tiers, Topic,
} from '../../lib';

/** Options of the example, for tests that vary it. */
export interface ShopOptions {
  /** @default - examples/shop/releases.json */
  readonly ledgerFile?: string;
  /** @default - the standard tiers in eu-west-1 */
  readonly tiers?: Tiers;
}

/**
 * PLACEHOLDER: the public range allowed to reach the clusters' API endpoints. 203.0.113.0/24 is
 * TEST-NET-3 (RFC 5737), nobody's network: replace it with the public CIDRs of your offices, VPN or
 * CI runners, and drop `allowDocumentationRanges` below (prod refuses a documentation range without it).
 */
export const API_ENDPOINT_CIDRS = ['203.0.113.0/24'];

/** The AWS account of the example (a placeholder too). */
const ACCOUNT = '123456789012';

/**
 * The tiers of the example. Staging and prod name the roles their generated pipelines assume
 * (OIDC): the deploy role gets cluster-admin on the tier's cluster, the plan role read access.
 */
export function shopTiers(): Tiers {
  const access = (tier: string) => ({
    admins: [`arn:aws:iam::${ACCOUNT}:role/platform-admins`],
    deployRole: `arn:aws:iam::${ACCOUNT}:role/shop-deploy-${tier}`,
    planRole: `arn:aws:iam::${ACCOUNT}:role/shop-plan-${tier}`,
  });
  return Tiers.standard({
    staging: { region: 'eu-west-1', clusterAccess: access('staging') },
    prod: { region: 'eu-west-1', clusterAccess: access('prod') },
  });
}

/**
 * The platform of a tier, as the example builds it: an EKS cluster in managed tiers (an existing
 * one from a kubeconfig context in dev) and the standard add-ons, DNS under `<tier>.<domain>`.
 */
export function shopPlatform(app: App, tier: Tier, domain: string): PlatformRef {
  const cluster = tier.managed
    ? new PlatformStack(app, { tier, cluster: { publicAccessCidrs: API_ENDPOINT_CIDRS, allowDocumentationRanges: true } }).ref
    : PlatformRef.fromKubeconfig({ context: 'kind-switchyard' });
  return new AddonsStack(app, {
    tier,
    platform: cluster,
    addons: standardAddons(tier, {
      dns: { domain: `${tier.name}.${domain}`, hostedZoneId: 'Z0123456789EXAMPLE', acmeEmail: 'platform@example.com' },
    }),
  }).ref;
}

/** Declares the shop in `app`: per tier a platform, its add-ons and the app. */
export function shop(app: App, options: ShopOptions = {}): void {
  const tiers = options.tiers ?? shopTiers();
  const ledger = ReleaseLedger.load(options.ledgerFile ?? path.join(__dirname, 'releases.json'), tiers);

  for (const tier of tiers) {
    // The platform team's part: a cluster per tier (dev: an existing one) and its add-ons.
    // Every app of the tier is served under <tier>.example.com (a wildcard certificate, external-dns records there).
    const platform = shopPlatform(app, tier, 'example.com');

    // The app team's part, declared once and bound per tier.
    const stack = new AppStack(app, 'shop', {
      tier, platform, ledger,
      // Alarms of the managed dependencies reach the on-call rota (managed tiers).
      alerts: { email: ['oncall@example.com'], https: ['https://hooks.example.com/alerts/shop'] },
    });
    const orders = new Postgres(stack, 'orders', { engineVersion: '17' });
    const sessions = new Cache(stack, 'sessions');
    const orderEvents = new Topic(stack, 'order-events');
    const fulfilment = new Queue(stack, 'fulfilment', { visibilityTimeoutSeconds: 120 });
    orderEvents.subscribe(fulfilment);

    const api = new BlueGreenService(stack, 'api', {
      image: 'ghcr.io/acme/shop-api',
      port: 8080,
      healthPath: '/healthz',
      // Schema changes run with the new version before its slot rolls out.
      migration: { command: ['/app/shop-api', 'migrate', 'up'] },
      // Served through the platform's Gateway under its certificate and DNS domain; the ledger's weight makes a canary.
      route: { hostnames: [`shop.${tier.name}.example.com`] },
      // Burn-rate alerts on a 99.9% availability objective, besides the per-slot ones.
      metrics: { port: 9090, availabilityObjective: 0.999 },
      // Checked before a staged version takes traffic: the deploy waits for these, and fails with them.
      smoke: { checks: [{ http: { path: '/healthz' } }, { http: { path: '/api/products?limit=1', expectBody: '"products"' } }] },
    });
    api.connect(orders);
    api.connect(sessions);
    api.grantPublish(orderEvents);

    // A queue consumer: no Services; only its live slot runs, scaled by KEDA on the queue's depth
    // (its port serves metrics and health only).
    const worker = new BlueGreenService(stack, 'worker', {
      kind: 'worker',
      image: 'ghcr.io/acme/shop-worker',
      port: 8081,
      healthPath: '/healthz',
      queueScaling: { messagesPerReplica: 20 },
    });
    worker.connect(orders);
    worker.grantConsume(fulfilment);
  }
}
