/**
 * The release rules (lib/release/rules.ts): each one broken and kept, and the
 * same message from synth and from the `switchyard` CLI for the same broken rule.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, BlueGreenService, Cache, Postgres, Queue, ReleaseLedger } from '../../lib';
import { LedgerData } from '../../lib/exports/ledger';
import { CliIo } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';
import { formatLedger } from '../../lib/release/ledger-format';
import * as ops from '../../lib/release/ledger-ops';
import {
  approval, disagreeingReleases, idleTraffic, messageOf, Problem, promotionOrder, requiredDependency, requiredEngineVersion, requiredSetting,
  undeclaredService, weightOnWorker, weightRange, weightWithoutRoute,
} from '../../lib/release/rules';
import { appStack, ledgerOf, tiers } from '../fixtures';
import { errorOf, tempDir } from '../helpers';

const shown = (p: Problem | undefined) => (p ? messageOf('releases.json', p) : undefined);
const orders = { name: 'orders', kind: 'db', engine: 'postgres' as const, engineVersion: '17' };
const sessions = { name: 'sessions', kind: 'cache', engine: 'valkey' as const, engineVersion: '9.0' };
const events = { name: 'events', kind: 'queue' };

describe('each rule: broken, and kept', () => {
  test.each<[string, Problem | undefined, string | undefined]>([
    ['a weight out of range', weightRange('tiers.dev.api.weight', 101),
      '[releases.json: tiers.dev.api.weight] weight 101 is not a percentage: use a whole number from 0 to 100 (the share of traffic sent to the idle slot)'],
    ['a whole percentage', weightRange('tiers.dev.api.weight', 100), undefined],
    ['traffic to an empty idle slot', idleTraffic('tiers.dev.api', { tier: 'dev', service: 'api', weight: 5, slot: 'green' }),
      '[releases.json: tiers.dev.api] weight 5 sends traffic to idle slot green, which holds no version: stage a version into green first (switchyard stage api <version> --tier dev), or keep the weight at 0'],
    ['traffic to a retired idle slot', idleTraffic('tiers.dev.api', { tier: 'dev', service: 'api', weight: 5, slot: 'green', version: '1.0.0', retired: true }),
      '[releases.json: tiers.dev.api] weight 5 sends traffic to idle slot green (1.0.0), which is retired: stage a version into green again first (switchyard stage api <version> --tier dev), or keep the weight at 0'],
    ['traffic to an idle slot that serves', idleTraffic('tiers.dev.api', { tier: 'dev', service: 'api', weight: 5, slot: 'green', version: '1.0.0' }), undefined],
    ['no traffic to an empty slot', idleTraffic('tiers.dev.api', { tier: 'dev', service: 'api', weight: 0, slot: 'green' }), undefined],
    ['a version never live in the tier before', promotionOrder('tiers.staging.api', { tier: 'staging', previous: 'dev', version: '1.1.0', wasLiveBefore: false }),
      '[releases.json: tiers.staging.api] version "1.1.0" was never live in tier "dev": release it in "dev" first (stage, then switch), then promote it to "staging"'],
    ['a version live in the tier before', promotionOrder('tiers.staging.api', { tier: 'staging', previous: 'dev', version: '1.1.0', wasLiveBefore: true }), undefined],
    ['a version in the first tier', promotionOrder('tiers.dev.api', { tier: 'dev', version: '1.1.0', wasLiveBefore: false }), undefined],
    ['a version without the approval its tier asks for', approval('tiers.prod.api', { tier: 'prod', service: 'api', version: '1.1.0', approvalRequired: true, approved: false }),
      '[releases.json: tiers.prod.api] version "1.1.0" has no approval for tier "prod": record one: switchyard approve api 1.1.0 --tier prod --by <name>'],
    ['an approved version', approval('tiers.prod.api', { tier: 'prod', service: 'api', version: '1.1.0', approvalRequired: true, approved: true }), undefined],
    ['a tier without approvals', approval('tiers.dev.api', { tier: 'dev', service: 'api', version: '1.1.0', approvalRequired: false, approved: false }), undefined],
    ['a weight on a service without a route', weightWithoutRoute('dev', 'worker', 10, false),
      '[releases.json: tiers.dev.worker] the ledger sends 10% of the traffic to the idle slot of "worker", but the service has no route: give the service a route (the weight splits the HTTPRoute\'s traffic), or keep the weight at 0: switch to move all traffic'],
    ['a weight on a routed service', weightWithoutRoute('dev', 'api', 10, true), undefined],
    ['a weight where the model does not say (an older model)', weightWithoutRoute('dev', 'worker', 10, undefined), undefined],
    ['no weight without a route', weightWithoutRoute('dev', 'worker', 0, false), undefined],
    ['a weight on a worker', weightOnWorker('dev', 'consumer', 10, 'worker'),
      '[releases.json: tiers.dev.consumer] the ledger sends 10% of the traffic to the idle slot of "consumer", but "consumer" is a worker: it takes no traffic, and only its live slot consumes: keep the weight at 0; to move the consumption to the other slot, switch: switchyard switch consumer --tier dev'],
    ['no weight on a worker', weightOnWorker('dev', 'consumer', 0, 'worker'), undefined],
    ['a weight on a service', weightOnWorker('dev', 'api', 10, undefined), undefined],
    ['a change of a dependency the app does not have', requiredDependency({ tier: 'dev', app: 'shop', service: 'api', dependency: 'ordrs', dependencies: ['orders', 'sessions'], connections: ['orders'] }),
      '[releases.json: tiers.dev.api.requires.ordrs] "ordrs" is not a dependency of app "shop" in tier "dev": require a change of one of its dependencies: orders, sessions'],
    ['a change of a dependency the service does not connect to', requiredDependency({ tier: 'dev', app: 'shop', service: 'api', dependency: 'sessions', dependencies: ['orders', 'sessions'], connections: ['orders'] }),
      '[releases.json: tiers.dev.api.requires.sessions] the release of "api" requires a change of "sessions", which the service does not connect to: connect the service to "sessions" (its rollout then waits for the change), or require only changes of orders'],
    ['a change by a service that connects to nothing', requiredDependency({ tier: 'dev', app: 'shop', service: 'api', dependency: 'orders', dependencies: ['orders'], connections: [] }),
      '[releases.json: tiers.dev.api.requires.orders] the release of "api" requires a change of "orders", which the service does not connect to: connect the service to "orders" (its rollout then waits for the change), or require no change: it connects to no dependency'],
    ['a change of a connected dependency', requiredDependency({ tier: 'dev', app: 'shop', service: 'api', dependency: 'orders', dependencies: ['orders'], connections: ['orders'] }), undefined],
    ['a setting a release cannot change', requiredSetting('dev', 'api', orders, 'storage'),
      '[releases.json: tiers.dev.api.requires.orders] setting "storage" cannot be required of a release: require only engineVersion of "orders"'],
    ['a setting of a queue', requiredSetting('dev', 'worker', events, 'engineVersion'),
      '[releases.json: tiers.dev.worker.requires.events] setting "engineVersion" cannot be required of a queue: require engineVersion, of a database or a cache only'],
    ['the engine version of a cache', requiredSetting('dev', 'api', sessions, 'engineVersion'), undefined],
    ['an engine version that is not supported', requiredEngineVersion('dev', 'api', sessions, '6.2'),
      '[releases.json: tiers.dev.api.requires.sessions.engineVersion] engineVersion "6.2" is not a supported Valkey version: use one of 7.2, 8.0, 8.1, 8.2, 9.0 (major.minor)'],
    ['a downgrade', requiredEngineVersion('dev', 'api', orders, '16'),
      '[releases.json: tiers.dev.api.requires.orders.engineVersion] the release requires engineVersion "16", older than the declared 17: databases are never downgraded: require a version at least 17'],
    ['an upgrade', requiredEngineVersion('dev', 'api', orders, '17.11'), undefined],
    ['a version of an engine the model does not name', requiredEngineVersion('dev', 'api', { name: 'orders', kind: 'db' }, '16'), undefined],
    ['releases that disagree', disagreeingReleases('dev', { worker: { requires: { orders: { engineVersion: '17.11' } } }, api: { requires: { orders: { engineVersion: '18' } } } }, 'orders'),
      '[releases.json: tiers.dev.worker.requires.orders.engineVersion] the releases of "api" and "worker" in tier "dev" require different engineVersion of "orders": ["18","17.11"]: make the releases of the tier agree on the dependency change'],
    ['releases that agree', disagreeingReleases('dev', { api: { requires: { orders: { engineVersion: '18' } } }, worker: { requires: { orders: { engineVersion: '18' } } }, web: {} }, 'orders'), undefined],
    ['a release of a service the app does not declare', undeclaredService('dev', 'shop', 'web', ['api', 'worker']),
      '[releases.json: tiers.dev.web] service "web" is not a service of app "shop" in tier "dev": declare it in the program (a BlueGreenService) and synthesize, or remove the entry (declared: api, worker)'],
    ['a release of a declared service', undeclaredService('dev', 'shop', 'api', ['api', 'worker']), undefined],
  ])('%s', (_what, problem, message) => {
    expect(shown(problem)).toBe(message);
  });
});

describe('synth and the CLI refuse a broken rule with the same message', () => {
  const t = tiers();
  const at = (minute: number) => `2026-11-01T10:${String(minute).padStart(2, '0')}:00Z`;
  const live = (version: string) => ({ blue: version, live: 'blue', weight: 0, approvals: [], history: [{ at: at(0), verb: 'switch', version, slot: 'blue', by: 'ci' }] });
  /** The ledger of the program below: api, worker and consumer live in dev. */
  const base: LedgerData = ledgerOf({ app: 'shop', tiers: { dev: { api: live('1.0.0'), worker: live('2.0.0'), consumer: live('3.0.0') } } }).data;

  /**
   * api (routed) connects to orders and sessions; worker (a service with no route) to orders, and
   * consumes events; consumer is a worker (kind), consuming events too. Returns the output folder.
   */
  function program(ledger: ReleaseLedger): string {
    const outdir = path.join(tempDir(), 'cdktf.out');
    const app = new App({ outdir });
    const stack = appStack(app, t.get('dev'), ledger);
    const db = new Postgres(stack, 'orders', { engineVersion: '17' });
    const cache = new Cache(stack, 'sessions');
    const queue = new Queue(stack, 'events');
    new BlueGreenService(stack, 'api', { image: 'ghcr.io/acme/api', port: 8080, route: {}, connections: [db, cache] });
    const worker = new BlueGreenService(stack, 'worker', { image: 'ghcr.io/acme/worker', port: 8081, connections: [db] });
    worker.grantConsume(queue);
    new BlueGreenService(stack, 'consumer', { kind: 'worker', image: 'ghcr.io/acme/consumer', port: 8082 }).grantConsume(queue);
    app.synth();
    return outdir;
  }

  /** The delivery model of a good synth, for the CLI. */
  let modelText: string;
  beforeAll(() => {
    modelText = fs.readFileSync(path.join(program(ledgerOf(base)), 'switchyard.json'), 'utf8');
  });

  /** Runs CLI steps on a project with `ledger`; returns the last step's message on stderr. */
  function cli(ledger: LedgerData, ...steps: string[][]): string {
    const dir = tempDir('switchyard-rules-');
    fs.writeFileSync(path.join(dir, 'releases.json'), formatLedger(ledger, t));
    fs.mkdirSync(path.join(dir, 'cdktf.out'));
    fs.writeFileSync(path.join(dir, 'cdktf.out', 'switchyard.json'), modelText);
    let err: string[] = [];
    for (const argv of steps) {
      err = [];
      const io: CliIo = { out: () => undefined, err: (l) => err.push(l), cwd: dir, now: () => new Date('2026-12-01T10:00:00Z') };
      main([...argv, '--by', 'ana'], io);
    }
    expect(err).toHaveLength(1);
    return err[0];
  }

  const ctx = { tiers: t, source: 'releases.json' };
  const step = { tier: 'dev', by: 'ana', at: '2026-12-01T10:00:00Z' };
  const staged = (data: LedgerData, service: string, version: string, requires?: Record<string, Record<string, string>>) =>
    ops.stage(data, ctx, { ...step, service, version, ...(requires ? { requires } : {}) });
  const stage = (service: string, version: string, requires?: string) => ['stage', service, version, '--tier', 'dev', ...(requires ? ['--requires', requires] : [])];

  test.each<[string, () => string, LedgerData]>([
    ['a weight on a service without a route', () => cli(staged(base, 'worker', '2.1.0'), ['weight', 'worker', '10', '--tier', 'dev']),
      ops.setWeight(staged(base, 'worker', '2.1.0'), ctx, { ...step, service: 'worker', percent: 10 })],
    ['a weight on a worker', () => cli(staged(base, 'consumer', '3.1.0'), ['weight', 'consumer', '10', '--tier', 'dev']),
      ops.setWeight(staged(base, 'consumer', '3.1.0'), ctx, { ...step, service: 'consumer', percent: 10 })],
    ['a change of a dependency the app does not have', () => cli(base, stage('api', '1.1.0', 'ordrs.engineVersion=18')),
      staged(base, 'api', '1.1.0', { ordrs: { engineVersion: '18' } })],
    ['a change of a dependency the service does not connect to', () => cli(base, stage('worker', '2.1.0', 'sessions.engineVersion=9.0')),
      staged(base, 'worker', '2.1.0', { sessions: { engineVersion: '9.0' } })],
    ['a setting a release cannot change', () => cli(base, stage('api', '1.1.0', 'orders.storage=100')),
      staged(base, 'api', '1.1.0', { orders: { storage: '100' } })],
    ['a setting of a queue', () => cli(base, stage('worker', '2.1.0', 'events.engineVersion=1')),
      staged(base, 'worker', '2.1.0', { events: { engineVersion: '1' } })],
    ['an engine version that is not supported', () => cli(base, stage('api', '1.1.0', 'sessions.engineVersion=6.2')),
      staged(base, 'api', '1.1.0', { sessions: { engineVersion: '6.2' } })],
    ['a downgrade', () => cli(base, stage('api', '1.1.0', 'orders.engineVersion=16')),
      staged(base, 'api', '1.1.0', { orders: { engineVersion: '16' } })],
    ['releases that disagree', () => cli(base, stage('api', '1.1.0', 'orders.engineVersion=18'), stage('worker', '2.1.0', 'orders.engineVersion=17.11')),
      staged(staged(base, 'api', '1.1.0', { orders: { engineVersion: '18' } }), 'worker', '2.1.0', { orders: { engineVersion: '17.11' } })],
    ['a release of a service the app does not declare', () => cli({ ...base, tiers: { dev: { ...base.tiers.dev, web: base.tiers.dev.api } } }, stage('api', '1.1.0')),
      { ...base, tiers: { dev: { ...base.tiers.dev, web: base.tiers.dev.api } } }],
  ])('%s', (_what, refusedByCli, ledger) => {
    const message = refusedByCli();
    expect(message).toMatch(/^\[releases\.json: tiers\.dev\.[a-z]+[\].]/);
    // Synth refuses the ledger the step would have written: at construction, or in its validations.
    expect(errorOf(() => program(ReleaseLedger.parse(formatLedger(ledger, t), t, 'releases.json')))).toContain(message);
  });

  /** The example's ledger with api's entry changed. */
  const withApi = (entry: Record<string, unknown>) => ({ ...base, tiers: { dev: { ...base.tiers.dev, api: { ...base.tiers.dev.api, ...entry } } } });

  test.each<[string, () => string, unknown]>([
    ['a weight out of range', () => cli(staged(base, 'api', '1.1.0'), ['weight', 'api', '120', '--tier', 'dev']), withApi({ green: '1.1.0', weight: 120 })],
    ['traffic to an empty idle slot', () => cli(base, ['weight', 'api', '10', '--tier', 'dev']), withApi({ weight: 10 })],
    ['traffic to a retired idle slot', () => cli(base, stage('api', '1.1.0'), ['switch', 'api', '--tier', 'dev'], ['retire', 'api', '--tier', 'dev'], ['weight', 'api', '5', '--tier', 'dev']),
      withApi({ green: '1.1.0', live: 'green', retired: true, weight: 5 })],
  ])('%s (the ledger read at synth, a step in the CLI)', (_what, refusedByCli, ledger) => {
    expect(errorOf(() => ledgerOf(ledger))).toBe(refusedByCli());
  });

  test('a version never live in the tier before: the same words, at the slot when the ledger is read, at the entry in a step', () => {
    const refused = cli(base, ['stage', 'api', '1.1.0', '--tier', 'staging']);
    expect(refused).toBe('[releases.json: tiers.staging.api] version "1.1.0" was never live in tier "dev": release it in "dev" first (stage, then switch), then promote it to "staging"');
    expect(errorOf(() => ledgerOf({ ...base, tiers: { ...base.tiers, staging: { api: live('1.1.0') } } })))
      .toBe(refused.replace('tiers.staging.api]', 'tiers.staging.api.blue]'));
  });
});
