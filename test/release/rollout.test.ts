import { BlueGreenService, Cache, Postgres } from '../../lib';
import { appStack, ledgerOf, released, tiers } from '../fixtures';
import { errorOf, k8s, manifests, resources, StackJson, synth } from '../helpers';

const t = tiers();
const liveIn = (version: string, extra: Record<string, unknown> = {}) =>
  released(version, { history: [{ at: '2026-11-01T10:00:00Z', verb: 'switch', version, slot: 'blue' }], ...extra });

/** The shop app in `tier` with one service `api`, whose release there is `entry`. */
function build(tier: string, entry: Record<string, unknown>, declare: (s: ReturnType<typeof appStack>) => void, lower: Record<string, unknown> = {}): StackJson {
  const data = { app: 'shop', tiers: { ...lower, [tier]: { api: entry } } };
  return synth((app) => declare(appStack(app, t.get(tier), ledgerOf(data)))).stacks[`shop-${tier}`];
}

const addressOf = (s: StackJson, type: string, name: string) =>
  `${type}.${Object.entries(resources(s, type)).find(([, r]) => (r.metadata ?? r.manifest?.metadata)?.name === name)![0]}`;

describe('one apply, in order: migration, rollout, switch', () => {
  const s = build('dev', { blue: '1.0.0', green: '1.1.0', live: 'green' }, (stack) => {
    const db = new Postgres(stack, 'orders');
    new BlueGreenService(stack, 'api', {
      image: 'ghcr.io/acme/api', port: 8080, connections: [db], migration: { command: ['./migrate', 'up'], timeoutSeconds: 300 },
    });
  });

  test('each slot runs its migration with its own version, waits for it to finish, and only then rolls out', () => {
    const job = k8s(s, 'kubernetes_job_v1', 'api-migrate-green');
    expect(job.wait_for_completion).toBe(true);
    expect(job.spec).toMatchObject({ backoff_limit: 1, active_deadline_seconds: 300 });
    const pod = job.spec.template.spec;
    expect(pod.restart_policy).toBe('Never');
    expect(pod.container[0]).toMatchObject({ image: 'ghcr.io/acme/api:1.1.0', command: ['./migrate', 'up'] });
    expect(pod.container[0].env.map((e: any) => e.name)).toContain('ORDERS_DB_URL'); // eslint-disable-line @typescript-eslint/no-explicit-any
    // The migration waits for the database; the slot waits for the migration; the switch waits for the slot.
    expect(job.depends_on).toContain('kubernetes_manifest.orders_postgres');
    expect(k8s(s, 'kubernetes_deployment_v1', 'api-green').depends_on).toContain(addressOf(s, 'kubernetes_job_v1', 'api-migrate-green'));
    expect(k8s(s, 'kubernetes_service_v1', 'api').depends_on).toContain(addressOf(s, 'kubernetes_deployment_v1', 'api-green'));
    // A migration pod is never an endpoint of a slot's Service.
    expect(job.spec.template.metadata.labels['switchyard.dev/slot']).toBeUndefined();
  });
});

describe('canary weights', () => {
  const lower = { dev: { api: { blue: '1.0.0', green: '1.1.0', live: 'green', history: [
    { at: '2026-11-01T10:00:00Z', verb: 'switch', version: '1.0.0', slot: 'blue' },
    { at: '2026-11-02T10:00:00Z', verb: 'switch', version: '1.1.0', slot: 'green' },
  ] } } };
  const withRoute = (stack: ReturnType<typeof appStack>) => {
    new BlueGreenService(stack, 'api', { image: 'ghcr.io/acme/api', port: 8080, route: { hostnames: ['shop.example.com'], path: '/' } });
  };

  test('the ledger\'s weight lands in the HTTPRoute on the platform\'s Gateway', () => {
    const s = build('staging', { ...liveIn('1.0.0'), green: '1.1.0', weight: 20 }, withRoute, lower);
    const [route] = manifests(s, 'HTTPRoute');
    expect(route.manifest.spec).toEqual({
      parentRefs: [{ name: 'switchyard', namespace: 'gateway-system' }],
      hostnames: ['shop.example.com'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'api-blue', port: 80, weight: 80 }, { name: 'api-green', port: 80, weight: 20 }] }],
    });
    // The canary waits for the staged slot to roll out.
    expect(route.depends_on).toContain(addressOf(s, 'kubernetes_deployment_v1', 'api-green'));
  });

  test('weight 0 sends everything to the live slot', () => {
    const s = build('staging', { ...liveIn('1.0.0'), green: '1.1.0', weight: 0 }, withRoute, lower);
    expect(manifests(s, 'HTTPRoute')[0].manifest.spec.rules[0].backendRefs).toEqual([{ name: 'api-blue', port: 80, weight: 100 }]);
  });

  test.each<[string, Record<string, unknown>, (s: ReturnType<typeof appStack>) => void, string]>([
    ['a weight on a service without a route', { ...liveIn('1.0.0'), green: '1.1.0', weight: 10 },
      (stack) => { new BlueGreenService(stack, 'api', { image: 'ghcr.io/acme/api', port: 8080 }); },
      '[releases.json: tiers.staging.api] the ledger sends 10% of the traffic to the idle slot of "api", but the service has no route: give the service a route (the weight splits the HTTPRoute\'s traffic), or keep the weight at 0: switch to move all traffic'],
  ])('refuses %s', (_what, entry, declare, message) => {
    expect(errorOf(() => build('staging', entry, declare, lower))).toBe(message);
  });
});

describe('a release that requires a dependency change', () => {
  const entry = { ...liveIn('2.0.0'), requires: { orders: { engineVersion: '18' } } };

  test('the dependency changes (a major upgrade allowed), and the release waits for it', () => {
    const s = build('staging', entry, (stack) => {
      const db = new Postgres(stack, 'orders', { engineVersion: '17' });
      new BlueGreenService(stack, 'api', { image: 'ghcr.io/acme/api', port: 8080, connections: [db] });
    }, { dev: { api: liveIn('2.0.0') } });
    const db = resources(s, 'aws_db_instance').orders_postgres;
    expect(db).toMatchObject({ engine_version: '18', allow_major_version_upgrade: true });
    expect(Object.values(resources(s, 'aws_db_parameter_group'))[0].family).toBe('postgres18');
    expect(k8s(s, 'kubernetes_deployment_v1', 'api-blue').depends_on).toContain('aws_db_instance.orders_postgres');
  });

  test('without one, the major never changes', () => {
    const s = build('staging', liveIn('2.0.0'), (stack) => { new Postgres(stack, 'orders', { engineVersion: '17' }); new BlueGreenService(stack, 'api', { image: 'ghcr.io/acme/api', port: 8080 }); }, { dev: { api: liveIn('2.0.0') } });
    expect(resources(s, 'aws_db_instance').orders_postgres).toMatchObject({ engine_version: '17', allow_major_version_upgrade: false });
  });

  test.each<[string, Record<string, unknown>, (s: ReturnType<typeof appStack>) => void, string]>([
    ['a downgrade', { ...liveIn('2.0.0'), requires: { orders: { engineVersion: '16' } } },
      (stack) => { new Postgres(stack, 'orders', { engineVersion: '17' }); new BlueGreenService(stack, 'api', { image: 'ghcr.io/acme/api', port: 8080 }); },
      '[releases.json: tiers.dev.api.requires.orders.engineVersion] the release requires engineVersion "16", older than the declared 17: databases are never downgraded: require a version at least 17'],
    ['a setting that cannot be required', { ...liveIn('2.0.0'), requires: { sessions: { nodeType: 'cache.r7g.large' } } },
      (stack) => { new Cache(stack, 'sessions'); new BlueGreenService(stack, 'api', { image: 'ghcr.io/acme/api', port: 8080 }); },
      '[releases.json: tiers.dev.api.requires.sessions] setting "nodeType" cannot be required of a release: require only engineVersion of "sessions"'],
  ])('refuses %s', (_what, e, declare, message) => {
    expect(errorOf(() => build('dev', e, declare))).toBe(message);
  });

  test('refuses a change of a dependency the service does not wait for', () => {
    expect(errorOf(() => build('dev', entry, (stack) => { new Postgres(stack, 'orders', { engineVersion: '17' }); new BlueGreenService(stack, 'api', { image: 'ghcr.io/acme/api', port: 8080 }); })))
      .toContain('[shop-dev/api] [releases.json: tiers.dev.api.requires.orders] the release of "api" requires a change of "orders", which the service does not connect to: connect the service to "orders" (its rollout then waits for the change), or require no change: it connects to no dependency');
  });
});
