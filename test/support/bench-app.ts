/**
 * The benchmark's generated app: `services` services, each with its own Postgres and either a
 * queue it consumes or a cache (alternately), through the same tiers, platform and add-ons as
 * examples/shop. Every service has a release live in every tier (dev, then staging, then prod
 * with an approval), so each tier deploys all of it.
 *
 *   <runner> test/support/bench-app.ts N     # synthesizes it into $CDKTF_OUTDIR (default cdktf.out)
 */
import { App, AppStack, BlueGreenService, Cache, Postgres, Queue, ReleaseLedger } from '../../lib';
import { shopPlatform, shopTiers } from '../../examples/shop/shop';

export const BENCH_APP = 'bench';

/** The ledger: every service released as 1.0.0 in every tier, in promotion order, approved for prod. */
export function benchLedgerText(services: number): string {
  const at = '2026-11-02T09:00:00Z';
  const release = (extra: object) => ({ blue: '1.0.0', live: 'blue', weight: 0, approvals: [], history: [], ...extra });
  const tiers: Record<string, Record<string, object>> = { dev: {}, staging: {}, prod: {} };
  for (const name of serviceNames(services)) {
    tiers.dev[name] = release({ history: [{ at, verb: 'stage', version: '1.0.0', slot: 'blue', by: 'ci' }, { at, verb: 'switch', version: '1.0.0', slot: 'blue', by: 'ci' }] });
    tiers.staging[name] = release({ history: [{ at, verb: 'promote', version: '1.0.0', slot: 'blue', by: 'ci', from: 'dev' }] });
    tiers.prod[name] = release({ approvals: [{ version: '1.0.0', by: 'dana', at }], history: [{ at, verb: 'promote', version: '1.0.0', slot: 'blue', by: 'ci', from: 'staging' }] });
  }
  return `${JSON.stringify({ app: BENCH_APP, tiers }, null, 2)}\n`;
}

/** `svc-1` ... `svc-<n>`. */
export function serviceNames(services: number): string[] {
  return Array.from({ length: services }, (_, i) => `svc-${i + 1}`);
}

/** Declares the generated app in `app` (its ledger parsed in memory). */
export function benchApp(app: App, services: number): void {
  if (!Number.isInteger(services) || services < 1 || services > 99) {
    throw new Error(`bench app: the number of services ${JSON.stringify(services)} is not valid: use a whole number from 1 to 99`);
  }
  const tiers = shopTiers();
  const ledger = ReleaseLedger.parse(benchLedgerText(services), tiers, 'bench-releases.json');
  for (const tier of tiers) {
    const platform = shopPlatform(app, tier, 'bench.example.com');
    const stack = new AppStack(app, BENCH_APP, { tier, platform, ledger, alerts: { email: ['oncall@example.com'] } });
    serviceNames(services).forEach((name, i) => {
      const n = i + 1;
      const db = new Postgres(stack, `db-${n}`, { engineVersion: '17' });
      const service = new BlueGreenService(stack, name, {
        image: `ghcr.io/acme/${name}`,
        port: 8080,
        healthPath: '/healthz',
        route: { hostnames: [`${name}.${tier.name}.bench.example.com`] },
      });
      service.connect(db);
      if (n % 2 === 1) {
        const jobs = new Queue(stack, `jobs-${n}`);
        service.grantConsume(jobs);
      } else {
        service.connect(new Cache(stack, `cache-${n}`));
      }
    });
  }
}

if (require.main === module) {
  const arg = process.argv[2];
  const app = new App();
  benchApp(app, Number(arg));
  app.synth();
}
