/**
 * The `switchyard` CLI, called as `main(argv, io)` with a fake io (collected
 * output, a fixed clock) on temporary copies of the shop example's ledger,
 * against the delivery model of one synth of the shop example; and what its
 * steps change in the synthesized stacks.
 *
 * One file on purpose: loading cdktf and synthesizing the example is the
 * expensive part, done once here for both.
 */
import { smokeJobName } from '../../lib/release/blue-green/smoke';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { shop } from '../../examples/shop/shop';
import { ReleaseLedger } from '../../lib';
import { CliIo } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';
import { resources, StackJson, synth, Synth, tempDir } from '../helpers';
import { tiers } from '../fixtures';
import { useFakeKubectl } from '../support/kubectl';

const EXAMPLE = path.join(__dirname, '../../examples/shop/releases.json');
const NOW = '2026-12-01T10:00:00.000Z';
/** The shop example synthesized from its own ledger, and the model that synth wrote. */
let base: Synth;
let modelText: string;

// A cluster where every smoke Job passed: switches check them (test/cli/smoke-check.test.ts tests the check).
let cluster: ReturnType<typeof useFakeKubectl>;
beforeAll(() => {
  base = synth((app) => shop(app));
  modelText = fs.readFileSync(path.join(base.outdir, 'switchyard.json'), 'utf8');
  cluster = useFakeKubectl();
  cluster.allSucceeded(true);
});
afterAll(() => cluster.restore());

/** A project folder: releases.json (a copy of the example's) and cdktf.out/switchyard.json, the CLI's defaults. */
function project(): string {
  const dir = tempDir('switchyard-cli-');
  fs.copyFileSync(EXAMPLE, path.join(dir, 'releases.json'));
  fs.mkdirSync(path.join(dir, 'cdktf.out'));
  fs.writeFileSync(path.join(dir, 'cdktf.out', 'switchyard.json'), modelText);
  return dir;
}

/** Runs the CLI in `cwd` with a fixed clock; returns the exit code and what it printed. */
function run(cwd: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), cwd, now: () => new Date(NOW) };
  const code = main(argv, io);
  return { code, out, err };
}

const ledgerOf = (dir: string) => ReleaseLedger.parse(fs.readFileSync(path.join(dir, 'releases.json'), 'utf8'), tiers());

const savedEnv = { SWITCHYARD_USER: process.env.SWITCHYARD_USER, USER: process.env.USER };
beforeEach(() => {
  process.env.SWITCHYARD_USER = 'ana';
});
afterEach(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('switchyard CLI: steps', () => {
  test('a step keeps the ledger\'s own fields (x-...) and writes through a symlinked ledger', () => {
    const dir = project();
    const real = path.join(dir, 'ledgers', 'shop.json');
    fs.mkdirSync(path.dirname(real));
    const data = JSON.parse(fs.readFileSync(path.join(dir, 'releases.json'), 'utf8'));
    fs.writeFileSync(real, JSON.stringify({ ...data, 'x-owner': 'payments-team' }, null, 2));
    fs.rmSync(path.join(dir, 'releases.json'));
    fs.symlinkSync(path.join('ledgers', 'shop.json'), path.join(dir, 'releases.json'));
    expect(run(dir, 'retire', 'api', '--tier', 'dev')).toMatchObject({ code: 0, err: [] });
    expect(fs.lstatSync(path.join(dir, 'releases.json')).isSymbolicLink()).toBe(true);
    const after = JSON.parse(fs.readFileSync(real, 'utf8'));
    expect(after['x-owner']).toBe('payments-team');
    expect(after.tiers.dev.api.retired).toBe(true);
  });

  test('init writes an empty, valid ledger that the program and the steps read', () => {
    const dir = tempDir('switchyard-init-');
    expect(run(dir, 'init', '--app', 'shop')).toEqual({
      code: 0,
      out: [
        'wrote releases.json: the release ledger of app shop, with no release yet',
        'next: load it in the program (ReleaseLedger.load(\'releases.json\', tiers)), synthesize, then switchyard stage <service> <version> --tier <first tier>',
      ],
      err: [],
    });
    expect(ReleaseLedger.load(path.join(dir, 'releases.json'), tiers()).data).toEqual({ app: 'shop', tiers: {} });
    expect(run(dir, 'init', '--app', 'Shop!').err).toEqual(['[--app] app name "Shop!" is not valid: use the name of the AppStack: a DNS label of at most 24 characters, e.g. "shop"']);
  });

  test('stage writes the ledger, says what changed and prints the deploy command of the tier', () => {
    const dir = project();
    const r = run(dir, 'stage', 'api', '1.6.0', '--tier', 'dev', '--commit-time', '2026-12-01T09:30:00Z');
    expect(r).toEqual({
      code: 0,
      out: [
        'staged api 1.6.0 into blue in dev (idle; green 1.5.0 stays live until switchyard switch api --tier dev)',
        'next: npx cdktf deploy shop-dev --ignore-missing-stack-dependencies',
      ],
      err: [],
    });
    const api = ledgerOf(dir).release('dev', 'api')!;
    expect(api).toMatchObject({ blue: '1.6.0', green: '1.5.0', live: 'green' });
    expect(api.history.slice(-1)).toEqual([{ at: '2026-12-01T10:00:00Z', verb: 'stage', version: '1.6.0', slot: 'blue', by: 'ana', commitAt: '2026-12-01T09:30:00Z' }]);
  });

  test('changes only the lines of the step: the file keeps its format', () => {
    const dir = project();
    expect(run(dir, 'switch', 'api', '--tier', 'staging').code).toBe(0);
    const example = fs.readFileSync(EXAMPLE, 'utf8');
    const expected = example
      .replace('"green": "1.5.0",\n        "live": "blue",', '"green": "1.5.0",\n        "live": "green",')
      .replace('"by": "maria", "from": "dev" }\n', '"by": "maria", "from": "dev" },\n          { "at": "2026-12-01T10:00:00Z", "verb": "switch", "version": "1.5.0", "slot": "green", "by": "ana" }\n');
    expect(expected).not.toBe(example);
    expect(fs.readFileSync(path.join(dir, 'releases.json'), 'utf8')).toBe(expected);
  });

  test('a release from dev to prod: each step prints the command to run next', () => {
    const dir = project();
    const steps: Array<[string[], string[]]> = [
      [['stage', 'api', '1.6.0', '--tier', 'dev'], ['staged api 1.6.0 into blue in dev (idle; green 1.5.0 stays live until switchyard switch api --tier dev)', 'next: npx cdktf deploy shop-dev --ignore-missing-stack-dependencies']],
      [['switch', 'api', '--tier', 'dev'], ['switched api in dev to blue: 1.6.0 is live; green keeps 1.5.0 for a rollback', 'next: npx cdktf deploy shop-dev --ignore-missing-stack-dependencies']],
      [['promote', 'api', '--from', 'dev', '--to', 'staging'], ['promoted api 1.6.0 from dev into green in staging (idle; blue 1.4.0 stays live until switchyard switch api --tier staging)', 'next: npx cdktf deploy shop-staging --ignore-missing-stack-dependencies']],
      [['switch', 'api', '--tier', 'staging'], ['switched api in staging to green: 1.6.0 is live; blue keeps 1.4.0 for a rollback', 'next: npx cdktf deploy shop-staging --ignore-missing-stack-dependencies']],
      [['approve', 'api', '1.6.0', '--tier', 'prod', '--by', 'dana'], ['approved api 1.6.0 for prod (by dana)', 'next: switchyard promote api --from staging --to prod']],
      [['promote', 'api', '--from', 'staging', '--to', 'prod'], ['promoted api 1.6.0 from staging into green in prod (idle; blue 1.4.0 stays live until switchyard switch api --tier prod)', 'next: npx cdktf deploy shop-prod --ignore-missing-stack-dependencies']],
      [['weight', 'api', '10', '--tier', 'prod'], ['api in prod sends 10% of its traffic to green (1.6.0), the rest to blue (1.4.0)', 'next: npx cdktf deploy shop-prod --ignore-missing-stack-dependencies']],
      [['switch', 'api', '--tier', 'prod'], ['switched api in prod to green: 1.6.0 is live; blue keeps 1.4.0 for a rollback', 'next: npx cdktf deploy shop-prod --ignore-missing-stack-dependencies']],
      [['rollback', 'api', '--tier', 'prod'], ['rolled back api in prod to blue: 1.4.0 is live again; green keeps 1.6.0', 'next: npx cdktf deploy shop-prod --ignore-missing-stack-dependencies']],
      [['rollback', 'api', '--tier', 'prod'], ['rolled back api in prod to green: 1.6.0 is live again; blue keeps 1.4.0', 'next: npx cdktf deploy shop-prod --ignore-missing-stack-dependencies']],
      [['retire', 'api', '--tier', 'prod'], ['retired blue of api in prod: 1.4.0 scales to 0 replicas; no rollback target until the next stage', 'next: npx cdktf deploy shop-prod --ignore-missing-stack-dependencies']],
    ];
    for (const [argv, out] of steps) {
      expect([argv.join(' '), run(dir, ...argv)]).toEqual([argv.join(' '), { code: 0, out, err: [] }]);
    }
    const l = ledgerOf(dir);
    expect(l.release('prod', 'api')).toMatchObject({ blue: '1.4.0', green: '1.6.0', live: 'green', weight: 0, retired: true });
    expect(l.release('prod', 'api')!.history.slice(-7).map((e) => `${e.verb} ${e.version} ${e.by}`)).toEqual([
      'approve 1.6.0 dana', 'promote 1.6.0 ana', 'weight 1.6.0 ana', 'switch 1.6.0 ana', 'rollback 1.4.0 ana', 'rollback 1.6.0 ana', 'retire 1.4.0 ana',
    ]);
  });

  test('the first release of a service in a tier goes live directly, and says so', () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'releases.json'), '{"app": "shop", "tiers": {}}\n');
    expect(run(dir, 'stage', 'api', '1.0.0', '--tier', 'dev')).toEqual({
      code: 0,
      out: ['staged api 1.0.0 into blue in dev: the first release of api in dev, live at once', 'next: npx cdktf deploy shop-dev --ignore-missing-stack-dependencies'],
      err: [],
    });
    expect(ledgerOf(dir).release('dev', 'api')).toMatchObject({ blue: '1.0.0', live: 'blue' });
  });

  test('--by defaults to $SWITCHYARD_USER, then $USER, then "unknown"', () => {
    const dir = project();
    const lastBy = () => ledgerOf(dir).release('dev', 'api')!.history.slice(-1)[0].by;
    run(dir, 'rollback', 'api', '--tier', 'dev');
    expect(lastBy()).toBe('ana');
    delete process.env.SWITCHYARD_USER;
    process.env.USER = 'bo';
    run(dir, 'rollback', 'api', '--tier', 'dev');
    expect(lastBy()).toBe('bo');
    delete process.env.USER;
    run(dir, 'rollback', 'api', '--tier', 'dev');
    expect(lastBy()).toBe('unknown');
    run(dir, 'rollback', 'api', '--tier', 'dev', '--by', 'cy');
    expect(lastBy()).toBe('cy');
  });

  test('--ledger and --model take paths relative to the working folder', () => {
    const dir = project();
    fs.mkdirSync(path.join(dir, 'ops'));
    fs.renameSync(path.join(dir, 'releases.json'), path.join(dir, 'ops', 'shop.json'));
    fs.renameSync(path.join(dir, 'cdktf.out'), path.join(dir, 'out'));
    expect(run(dir, 'retire', 'api', '--tier', 'dev', '--ledger', 'ops/shop.json', '--model', 'out/switchyard.json').code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'ops', 'shop.json'), 'utf8')).tiers.dev.api.retired).toBe(true);
  });
});

describe('switchyard CLI: refusals leave the ledger byte-identical', () => {
  test.each<[string, string[][], string[], string]>([
    ['a promotion that skips a tier', [], ['promote', 'api', '--from', 'dev', '--to', 'prod'],
      '[releases.json: tiers.prod.api] promoting from "dev" to "prod" would skip tier "staging": promote one tier at a time: switchyard promote api --from dev --to staging'],
    ['a promotion without approval', [['switch', 'api', '--tier', 'staging']], ['promote', 'api', '--from', 'staging', '--to', 'prod'],
      '[releases.json: tiers.prod.api] version "1.5.0" has no approval for tier "prod": record one: switchyard approve api 1.5.0 --tier prod --by <name>'],
    ['a promotion of the version live already', [], ['promote', 'api', '--from', 'staging', '--to', 'prod'],
      '[releases.json: tiers.prod.api] version "1.4.0" is already live in slot blue: stage a different version (to go back to an earlier one: switchyard rollback api --tier prod)'],
    ['a version never live in the tier before', [], ['stage', 'api', '1.5.0', '--tier', 'prod'],
      '[releases.json: tiers.prod.api] version "1.5.0" was never live in tier "staging": release it in "staging" first (stage, then switch), then promote it to "prod"'],
    ['a rollback with nothing to roll back to', [], ['rollback', 'api', '--tier', 'staging'],
      '[releases.json: tiers.staging.api] nothing to roll back to: idle slot green holds "1.5.0", staged after the last switch: to put 1.5.0 live use switchyard switch api --tier staging'],
    ['a rollback after a retire', [['retire', 'api', '--tier', 'dev']], ['rollback', 'api', '--tier', 'dev'],
      '[releases.json: tiers.dev.api] nothing to roll back to: idle slot "blue" (1.4.0) was retired: stage it again to bring it back (switchyard stage api 1.4.0 --tier dev), then switch: switchyard switch api --tier dev'],
    ['an approval of a version not live in the tier before', [], ['approve', 'api', '1.5.0', '--tier', 'prod', '--by', 'dana'],
      '[releases.json: tiers.prod.api] version "1.5.0" was never live in tier "staging", so there is nothing to approve yet: release it in "staging" first (stage or promote, then switch), then approve it for "prod"'],
    ['a second approval', [], ['approve', 'api', '1.4.0', '--tier', 'prod', '--by', 'dana'],
      '[releases.json: tiers.prod.api.approvals] version "1.4.0" is already approved for tier "prod" (by dana at 2026-11-05T16:00:00Z): each version is approved once per tier; release it with switchyard stage api 1.4.0 --tier prod'],
    ['a weight over 100', [], ['weight', 'api', '120', '--tier', 'dev'],
      '[releases.json: tiers.dev.api.weight] weight 120 is not a percentage: use a whole number from 0 to 100 (the share of traffic sent to the idle slot)'],
    ['a switch to an empty slot', [], ['switch', 'api', '--tier', 'prod'],
      '[releases.json: tiers.prod.api] idle slot "green" holds no version: stage one first: switchyard stage api <version> --tier prod'],
    ['a tier the model does not have', [], ['stage', 'api', '1.6.0', '--tier', 'qa'],
      '[releases.json: tiers] tier "qa" is not known: use one of dev, staging, prod (the tiers of cdktf.out/switchyard.json)'],
    ['a promotion from a tier the model does not have', [], ['promote', 'api', '--from', 'qa', '--to', 'staging'],
      '[releases.json: tiers] tier "qa" is not known: use one of dev, staging, prod (the tiers of cdktf.out/switchyard.json)'],
    ['a service the app does not declare', [], ['stage', 'web', '1.0.0', '--tier', 'dev'],
      '[releases.json: tiers.dev.web] service "web" is not declared by app "shop" in tier "dev" (cdktf.out/switchyard.json): use one of api, worker; or declare it (a BlueGreenService) and run `npm run synth`'],
    // What synth would refuse and the model knows: the CLI refuses it before writing.
    ['a weight on a worker (it takes no traffic)', [['stage', 'worker', '2.1.0', '--tier', 'dev']], ['weight', 'worker', '10', '--tier', 'dev'],
      '[releases.json: tiers.dev.worker] the ledger sends 10% of the traffic to the idle slot of "worker", but "worker" is a worker: it takes no traffic, and only its live slot consumes: keep the weight at 0; to move the consumption to the other slot, switch: switchyard switch worker --tier dev'],
    ['a required downgrade of a database', [], ['stage', 'api', '1.6.0', '--tier', 'dev', '--requires', 'orders.engineVersion=16'],
      '[releases.json: tiers.dev.api.requires.orders.engineVersion] the release requires engineVersion "16", older than the declared 17: databases are never downgraded: require a version at least 17'],
    ['a required engine version that is not supported', [], ['stage', 'api', '1.6.0', '--tier', 'dev', '--requires', 'sessions.engineVersion=6.2'],
      '[releases.json: tiers.dev.api.requires.sessions.engineVersion] engineVersion "6.2" is not a supported Valkey version: use one of 7.2, 8.0, 8.1, 8.2, 9.0 (major.minor)'],
    ['a required change of a dependency the service does not connect to', [], ['stage', 'worker', '2.1.0', '--tier', 'dev', '--requires', 'sessions.engineVersion=9.0'],
      '[releases.json: tiers.dev.worker.requires.sessions] the release of "worker" requires a change of "sessions", which the service does not connect to: connect the service to "sessions" (its rollout then waits for the change), or require only changes of orders, fulfilment'],
    ['a required change of a dependency the app does not have', [], ['stage', 'api', '1.6.0', '--tier', 'dev', '--requires', 'ordrs.engineVersion=18'],
      '[releases.json: tiers.dev.api.requires.ordrs] "ordrs" is not a dependency of app "shop" in tier "dev": require a change of one of its dependencies: orders, sessions, order-events, fulfilment'],
    ['a required setting that cannot be required', [], ['stage', 'api', '1.6.0', '--tier', 'dev', '--requires', 'orders.storage=100'],
      '[releases.json: tiers.dev.api.requires.orders] setting "storage" cannot be required of a release: require only engineVersion of "orders"'],
    ['releases of a tier that require different versions', [['stage', 'api', '1.6.0', '--tier', 'dev', '--requires', 'orders.engineVersion=18']],
      ['stage', 'worker', '2.1.0', '--tier', 'dev', '--requires', 'orders.engineVersion=17.11'],
      '[releases.json: tiers.dev.worker.requires.orders.engineVersion] the releases of "api" and "worker" in tier "dev" require different engineVersion of "orders": ["18","17.11"]: make the releases of the tier agree on the dependency change'],
  ])('refuses %s: exit 1, the message on stderr, the ledger untouched', (_what, setup, argv, message) => {
    const dir = project();
    const file = path.join(dir, 'releases.json');
    for (const s of setup) expect(run(dir, ...s).code).toBe(0);
    const before = fs.readFileSync(file);
    const ino = fs.statSync(file).ino;
    expect(run(dir, ...argv)).toEqual({ code: 1, out: [], err: [message] });
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.statSync(file).ino).toBe(ino);
    expect(fs.readdirSync(dir).sort()).toEqual(['cdktf.out', 'releases.json']);
  });

  test('refuses a step dated before the last event (a clock behind the ledger)', () => {
    const dir = project();
    const before = fs.readFileSync(path.join(dir, 'releases.json'));
    const err: string[] = [];
    // The last event of api in dev is at 2026-11-16T10:20:00Z.
    const code = main(['stage', 'api', '1.6.0', '--tier', 'dev'], { out: () => undefined, err: (l) => err.push(l), cwd: dir, now: () => new Date('2026-11-16T10:00:00Z') });
    expect([code, err]).toEqual([1, [
      '[releases.json: tiers.dev.api.history] time "2026-11-16T10:00:00Z" is before the last event (switch at 2026-11-16T10:20:00Z): history stays in time order: check the clock of this machine, or wait until after the last event',
    ]]);
    expect(fs.readFileSync(path.join(dir, 'releases.json')).equals(before)).toBe(true);
  });

  test('refuses a ledger that breaks the rules already, as synth would', () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'releases.json'), '{"app": "shop", "tiers": {"staging": {"api": {"blue": "9.9.9", "live": "blue"}}}}\n');
    expect(run(dir, 'stage', 'api', '1.0.0', '--tier', 'dev')).toEqual({ code: 1, out: [], err: [
      '[releases.json: tiers.staging.api.blue] version "9.9.9" was never live in tier "dev": release it in "dev" first (stage, then switch), then promote it to "staging"',
    ] });
  });

  test('refuses a ledger of an app the model does not have', () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'releases.json'), '{"app": "billing", "tiers": {}}\n');
    expect(run(dir, 'status')).toEqual({ code: 1, out: [], err: [
      '[releases.json: app] app "billing" is not an app of the delivery model cdktf.out/switchyard.json: pass the ledger of one of its apps with --ledger: "shop" (examples/shop/releases.json); or, if the app is new, run `npm run synth` first',
    ] });
  });

  test('refuses to run without a delivery model, asking for a synth first', () => {
    const dir = project();
    fs.rmSync(path.join(dir, 'cdktf.out'), { recursive: true });
    const before = fs.readFileSync(path.join(dir, 'releases.json'));
    expect(run(dir, 'stage', 'api', '1.6.0', '--tier', 'dev')).toEqual({ code: 1, out: [], err: [
      `[cdktf.out/switchyard.json] the delivery model does not exist (${JSON.stringify(path.join(dir, 'cdktf.out', 'switchyard.json'))}): run \`npm run synth\` (or \`cdktf synth\`) first: synth writes the model beside cdktf's manifest; or pass --model PATH`,
    ] });
    expect(fs.readFileSync(path.join(dir, 'releases.json')).equals(before)).toBe(true);
  });

  test('refuses a missing ledger, pointing at the one the model names', () => {
    const dir = project();
    fs.rmSync(path.join(dir, 'releases.json'));
    expect(run(dir, 'status')).toEqual({ code: 1, out: [], err: [
      '[releases.json] the release ledger "releases.json" cannot be read (ENOENT): pass the ledger\'s path: --ledger examples/shop/releases.json (app "shop" in cdktf.out/switchyard.json)',
    ] });
  });

  test('a failed write leaves the ledger as it was and no temporary file behind', () => {
    const dir = project();
    const file = path.join(dir, 'releases.json');
    const before = fs.readFileSync(file);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const spy = jest.spyOn(require('fs') as typeof fs, 'renameSync').mockImplementation(() => { throw new Error('EIO: i/o error, rename'); });
    try {
      const r = run(dir, 'stage', 'api', '1.6.0', '--tier', 'dev');
      expect(r.code).toBe(1);
      expect(r.err).toEqual(['[releases.json] the release ledger "releases.json" cannot be written: the ledger was left as it was; free disk space or check the folder and its limits, then run the command again (EIO: i/o error, rename)']);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(['cdktf.out', 'releases.json']);
  });

  test('the write replaces the file by a rename and keeps its mode', () => {
    const dir = project();
    const file = path.join(dir, 'releases.json');
    fs.chmodSync(file, 0o640);
    const ino = fs.statSync(file).ino;
    expect(run(dir, 'retire', 'api', '--tier', 'dev').code).toBe(0);
    expect(fs.statSync(file).ino).not.toBe(ino);
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
  });
});

describe('switchyard CLI: usage', () => {
  test.each<[string, string[], string[]]>([
    ['an unknown verb', ['deploy'], ['switchyard: unknown verb "deploy" (known: init, status, stage, switch, rollback, weight, approve, promote, retire, abort, analyze, rollout, graph, pipeline, metrics)']],
    ['no verb', [], ['switchyard: no verb given']],
    ['a missing argument', ['stage', 'api', '--tier', 'dev'], ['switchyard stage: missing <version>', 'usage: switchyard stage <service> <version> --tier TIER [--by NAME] [--commit-time ISO] [--requires DEP.SETTING=VALUE[,...]]']],
    ['an extra argument', ['switch', 'api', 'now', '--tier', 'dev'], ['switchyard switch: unexpected argument "now"', 'usage: switchyard switch <service> --tier TIER [--by NAME] [--verify-smoke] [--context NAME]']],
    ['an unknown flag', ['switch', 'api', '--tier', 'dev', '--force'], ['switchyard switch: unknown option --force (known: --ledger, --model, --tier, --by, --break-lock, --verify-smoke, --context)', 'usage: switchyard switch <service> --tier TIER [--by NAME] [--verify-smoke] [--context NAME]']],
    ['a missing --tier', ['rollback', 'api'], ['switchyard rollback: --tier is required', 'usage: switchyard rollback <service> --tier TIER [--by NAME]']],
    ['an approval without --by', ['approve', 'api', '1.6.0', '--tier', 'prod'], ['switchyard approve: --by is required', 'usage: switchyard approve <service> <version> --tier TIER --by NAME']],
    ['a promotion without --to', ['promote', 'api', '--from', 'dev'], ['switchyard promote: --to is required', 'usage: switchyard promote <service> --from TIER --to TIER [--by NAME]']],
    ['a weight that is not a whole number', ['weight', 'api', '12.5', '--tier', 'dev'], ['switchyard weight: <percent> "12.5" is not a whole number: give 0 to 100, the share of traffic sent to the idle slot', 'usage: switchyard weight <service> <percent> --tier TIER [--by NAME]']],
    ['a commit time that is not a time', ['stage', 'api', '1.6.0', '--tier', 'dev', '--commit-time', 'today'], ['switchyard stage: --commit-time "today" is not an ISO 8601 time: give it like 2026-11-20T14:00:00Z', 'usage: switchyard stage <service> <version> --tier TIER [--by NAME] [--commit-time ISO] [--requires DEP.SETTING=VALUE[,...]]']],
    ['a dependency change that is not DEP.SETTING=VALUE', ['stage', 'api', '1.6.0', '--tier', 'dev', '--requires', 'orders=18'], ['switchyard stage: --requires "orders=18" is not DEPENDENCY.SETTING=VALUE: give it like orders.engineVersion=18', 'usage: switchyard stage <service> <version> --tier TIER [--by NAME] [--commit-time ISO] [--requires DEP.SETTING=VALUE[,...]]']],
    ['a flag without its value', ['status', '--ledger'], ['switchyard status: --ledger needs a value', 'usage: switchyard status']],
  ])('refuses %s: exit 2, the message on stderr, nothing read or written', (_what, argv, err) => {
    const dir = project();
    fs.rmSync(path.join(dir, 'cdktf.out'), { recursive: true });
    const before = fs.readFileSync(path.join(dir, 'releases.json'));
    const r = run(dir, ...argv);
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err.slice(0, err.length)).toEqual(err);
    expect(fs.readFileSync(path.join(dir, 'releases.json')).equals(before)).toBe(true);
  });

  test('help lists every verb and exits 0', () => {
    const r = run(project(), 'help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('  switchyard promote <service> --from TIER --to TIER [--by NAME]');
    expect(r.out.filter((l) => l.startsWith('  switchyard '))).toHaveLength(15);
  });
});

describe('switchyard status', () => {
  test('a table per tier in promotion order and service, with pending approvals', () => {
    const dir = project();
    expect(run(dir, 'status')).toEqual({ code: 0, err: [], out: [
      'app shop, ledger releases.json',
      'TIER     SERVICE  LIVE   BLUE   GREEN  WEIGHT TO IDLE  RETIRED  PENDING APPROVALS',
      'dev      api      green  1.4.0  1.5.0  0%              no       -',
      'dev      worker   blue   2.0.0  -      0%              no       -',
      'staging  api      blue   1.4.0  1.5.0  0%              no       -',
      'staging  worker   blue   2.0.0  -      0%              no       -',
      'prod     api      blue   1.4.0  -      0%              no       none',
      'prod     worker   blue   2.0.0  -      0%              no       none',
    ] });
    run(dir, 'switch', 'api', '--tier', 'staging');
    run(dir, 'weight', 'api', '5', '--tier', 'staging');
    run(dir, 'retire', 'api', '--tier', 'dev');
    expect(run(dir, 'status').out.slice(1)).toEqual([
      'TIER     SERVICE  LIVE   BLUE   GREEN  WEIGHT TO IDLE  RETIRED     PENDING APPROVALS',
      'dev      api      green  1.4.0  1.5.0  0%              yes (blue)  -',
      'dev      worker   blue   2.0.0  -      0%              no          -',
      'staging  api      green  1.4.0  1.5.0  5%              no          -',
      'staging  worker   blue   2.0.0  -      0%              no          -',
      'prod     api      blue   1.4.0  -      0%              no          1.5.0',
      'prod     worker   blue   2.0.0  -      0%              no          none',
    ]);
  });

  test('lists the services the app declares before their first release, and approvals waiting for one', () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'releases.json'), '{"app": "shop", "tiers": {}}\n');
    for (const argv of [['stage', 'api', '2.0.0', '--tier', 'dev'], ['promote', 'api', '--from', 'dev', '--to', 'staging']]) expect(run(dir, ...argv).code).toBe(0);
    expect(run(dir, 'status').out.slice(1)).toEqual([
      'TIER     SERVICE  LIVE  BLUE   GREEN  WEIGHT TO IDLE  RETIRED  PENDING APPROVALS',
      'dev      api      blue  2.0.0  -      0%              no       -',
      'dev      worker   -     -      -      -               -        -',
      'staging  api      blue  2.0.0  -      0%              no       -',
      'staging  worker   -     -      -      -               -        -',
      'prod     api      -     -      -      -               -        2.0.0',
      'prod     worker   -     -      -      -               -        none',
    ]);
    expect(run(dir, 'approve', 'api', '2.0.0', '--tier', 'prod', '--by', 'dana').out).toEqual([
      'approved api 2.0.0 for prod (by dana)', 'next: switchyard promote api --from staging --to prod',
    ]);
    expect(run(dir, 'status').out.slice(-2)).toEqual(['prod     api      -     -      -      -               -        none', 'prod     worker   -     -      -      -               -        none']);
    expect(run(dir, 'promote', 'api', '--from', 'staging', '--to', 'prod').out[0]).toBe(
      'promoted api 2.0.0 from staging into blue in prod: the first release of api in prod, live at once');
  });
});

describe('the switchyard program', () => {
  const root = path.join(__dirname, '../..');

  test('is the package\'s bin, and `npm run switchyard` runs it from source', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ switchyard: 'build/lib/cli/main.js' });
    expect(pkg.scripts.switchyard).toBe('node --require @switchyard-iac/cdktf/register lib/cli/main.ts');
    expect(fs.readFileSync(path.join(root, 'lib/cli/main.ts'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  test('runs as the entry module: the exit code and stderr of a refused step', () => {
    const dir = project();
    const r = spawnSync(process.execPath, ['--require', path.join(root, 'register.js'), path.join(root, 'lib/cli/main.ts'), 'promote', 'api', '--from', 'dev', '--to', 'prod'], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect([r.status, r.stdout, r.stderr]).toEqual([1, '',
      '[releases.json: tiers.prod.api] promoting from "dev" to "prod" would skip tier "staging": promote one tier at a time: switchyard promote api --from dev --to staging\n']);
  });
});

let dir: string;
let ledger: string;
let model: string;

function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), cwd: dir, now: () => new Date('2026-12-01T10:00:00Z') };
  return { code: main([...argv, '--model', model, '--by', 'ana'], io), out, err };
}

const build = (): Synth => synth((app) => shop(app, { ledgerFile: ledger }));

/** Every leaf of a JSON value, by path (`resource.kubernetes_service_v1.api_xxx.spec.selector.switchyard.dev/slot`). */
function leaves(value: unknown, prefix = '', into = new Map<string, unknown>()): Map<string, unknown> {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, into);
  } else {
    into.set(prefix, value);
  }
  return into;
}

/** The leaf paths that differ between two stacks. */
function changed(a: StackJson, b: StackJson): string[] {
  const la = leaves(a);
  const lb = leaves(b);
  return [...new Set([...la.keys(), ...lb.keys()])].filter((k) => la.get(k) !== lb.get(k)).sort();
}

/** The Terraform address (`type.logical_name`) of the Kubernetes object `name` of a type. */
function address(stack: StackJson, typeAndKind: string, name: string): string {
  // `kubernetes_manifest:HTTPRoute` picks manifests of one kind.
  const [type, kind] = typeAndKind.split(':');
  const found = Object.entries(resources(stack, type))
    .filter(([, r]) => (r.metadata ?? r.manifest?.metadata)?.name === name && (!kind || r.manifest?.kind === kind));
  if (found.length !== 1) throw new Error(`expected one ${typeAndKind} named ${name}, found ${found.length}`);
  return `resource.${type}.${found[0][0]}`;
}

/** The resource of a type whose Kubernetes name is `name`. */
function object(stack: StackJson, type: string, name: string) {
  return resources(stack, type.split(':')[0])[address(stack, type, name).split('.')[2]];
}

/** The `terraform_data` address whose change replaces a slot's Deployment (its serving/retired marker). */
function markerOf(synth: Synth, stack: string, deployment: string): string {
  const triggers: string[] = object(synth.stacks[stack], DEPLOY, deployment).lifecycle.replace_triggered_by;
  expect(triggers).toHaveLength(1);
  expect(triggers[0]).toMatch(/^terraform_data\.[\w-]+$/);
  return triggers[0];
}

/** Changed leaves relative to the resources they belong to: `<k8s name> <path inside>`. */
function changesByObject(a: StackJson, b: StackJson, objects: Array<[string, string]>): string[] {
  const prefixes = objects.map(([type, name]) => [address(b, type, name), `${type} ${name}`] as const);
  return changed(a, b).map((leaf) => {
    const owner = prefixes.find(([addr]) => leaf.startsWith(`${addr}.`));
    return owner ? `${owner[1]}: ${leaf.slice(owner[0].length + 1)}` : leaf;
  }).sort();
}

/** The stacks other than `except` are the same in both synths. */
function othersUnchanged(a: Synth, b: Synth, except: string[]): void {
  for (const name of Object.keys(a.stacks).filter((n) => !except.includes(n))) {
    expect([name, changed(a.stacks[name], b.stacks[name])]).toEqual([name, []]);
  }
}

const DEPLOY = 'kubernetes_deployment_v1';
/** The pod template annotation Reloader writes (managed tiers): Terraform ignores it. */
const RELOADED = 'spec[0].template[0].metadata[0].annotations[\"reloader.stakater.com/last-reloaded-from\"]';
const SERVICE = 'kubernetes_service_v1';
const JOB = 'kubernetes_job_v1';
const ROUTE = 'kubernetes_manifest:HTTPRoute';
/** What changes in a slot's Deployment when it gets another version. */
const VERSION_LEAVES = [
  'spec.template.metadata.labels.app.kubernetes.io/version',
  'spec.template.spec.container.0.env.1.value', // SWITCHYARD_VERSION
  'spec.template.spec.container.0.image',
];

// One chain of steps on one copy of the example ledger; each synth is compared with the one before.
// Steps on two tiers share a synth where they show in different stacks.
let s0: Synth;
let s1: Synth;
let s2: Synth;
let s3: Synth;
let s4: Synth;
let s5: Synth;

describe('synth before and after a CLI step', () => {
  beforeAll(() => {
    dir = tempDir('switchyard-steps-');
    ledger = path.join(dir, 'releases.json');
    fs.copyFileSync(EXAMPLE, ledger);
    s0 = base; // the same ledger content
    model = path.join(base.outdir, 'switchyard.json');

    // dev: 1.6.0 into blue (green 1.5.0 is live); staging: green 1.5.0 goes live.
    expect(cli('stage', 'api', '1.6.0', '--tier', 'dev').code).toBe(0);
    expect(cli('switch', 'api', '--tier', 'staging').code).toBe(0);
    s1 = build();
    // dev: blue 1.6.0 goes live; staging: blue 1.4.0 (idle) is retired.
    expect(cli('switch', 'api', '--tier', 'dev').code).toBe(0);
    expect(cli('retire', 'api', '--tier', 'staging').code).toBe(0);
    s2 = build();
    // dev: back to green 1.5.0.
    expect(cli('rollback', 'api', '--tier', 'dev').code).toBe(0);
    s3 = build();
    // staging: 1.6.0 (live in dev before) into the retired blue slot.
    expect(cli('stage', 'api', '1.6.0', '--tier', 'staging').code).toBe(0);
    s4 = build();
    // staging: a canary, 20% to the staged blue 1.6.0.
    expect(cli('weight', 'api', '20', '--tier', 'staging').code).toBe(0);
    s5 = build();
  });

  test('the CLI reads the model that synth wrote', () => {
    expect(JSON.parse(fs.readFileSync(model, 'utf8')).tiers.map((t: { name: string }) => t.name)).toEqual(['dev', 'staging', 'prod']);
  });

  test('stage changes only the idle slot\'s Deployment, its migration Job and its smoke Job, and in them only the version', () => {
    // dev: green 1.5.0 is live, so 1.6.0 goes into blue; its smoke Job is another one (its name carries the version).
    const smoke = smokeJobName('api', 'blue', '1.6.0');
    expect(changesByObject(s0.stacks['shop-dev'], s1.stacks['shop-dev'], [[DEPLOY, 'api-blue'], [JOB, 'api-migrate-blue'], [JOB, smoke]]))
      .toEqual([...VERSION_LEAVES.map((l) => `${DEPLOY} api-blue: ${l}`), ...VERSION_LEAVES.map((l) => `${JOB} api-migrate-blue: ${l}`),
        ...['metadata.labels.app.kubernetes.io/version', 'metadata.name', 'spec.template.metadata.labels.app.kubernetes.io/version'].map((l) => `${JOB} ${smoke}: ${l}`)].sort());
    expect(object(s1.stacks['shop-dev'], JOB, smoke).spec.template.spec.container[0].env).toEqual([{ name: 'BASE_URL', value: 'http://api-blue.shop.svc.cluster.local' }]);
    expect(object(s1.stacks['shop-dev'], JOB, 'api-migrate-blue').spec.template.spec.container[0].image).toBe('ghcr.io/acme/shop-api:1.6.0');
    const blue = object(s1.stacks['shop-dev'], DEPLOY, 'api-blue');
    expect(blue.spec.template.spec.container[0].image).toBe('ghcr.io/acme/shop-api:1.6.0');
    expect(blue.spec.template.spec.container[0].env[1]).toEqual({ name: 'SWITCHYARD_VERSION', value: '1.6.0' });
    othersUnchanged(s0, s1, ['shop-dev', 'shop-staging']);
  });

  test('switch changes only the Services and the route: the selectors, the route\'s backend (and what the active Service waits for), no Deployment', () => {
    expect(changesByObject(s1.stacks['shop-dev'], s2.stacks['shop-dev'], [[SERVICE, 'api'], [SERVICE, 'api-preview'], [ROUTE, 'api']])).toEqual([
      `${ROUTE} api: manifest.spec.rules.0.backendRefs.0.name`,
      `${SERVICE} api-preview: spec.selector.switchyard.dev/slot`,
      `${SERVICE} api: depends_on.1`,
      `${SERVICE} api: spec.selector.switchyard.dev/slot`,
    ]);
    expect(object(s2.stacks['shop-dev'], ROUTE, 'api').manifest.spec.rules[0].backendRefs).toEqual([{ name: 'api-blue', port: 80, weight: 100 }]);
    const active = object(s2.stacks['shop-dev'], SERVICE, 'api');
    expect(active.spec.selector['switchyard.dev/slot']).toBe('blue');
    expect(object(s2.stacks['shop-dev'], SERVICE, 'api-preview').spec.selector['switchyard.dev/slot']).toBe('green');
    // The switch waits for the new live slot's rollout.
    expect(active.depends_on[1]).toBe(address(s2.stacks['shop-dev'], DEPLOY, 'api-blue').replace(/^resource\./, ''));
    othersUnchanged(s1, s2, ['shop-dev', 'shop-staging']);
  });

  test('rollback restores the previous selector: the stack is the one before the switch', () => {
    expect(changed(s2.stacks['shop-dev'], s3.stacks['shop-dev'])).not.toEqual([]);
    expect(changed(s1.stacks['shop-dev'], s3.stacks['shop-dev'])).toEqual([]);
    expect(object(s3.stacks['shop-dev'], SERVICE, 'api').spec.selector['switchyard.dev/slot']).toBe('green');
    othersUnchanged(s2, s3, ['shop-dev']);
  });

  test('in staging too, where both slots autoscale with the same bounds, a switch touches no Deployment and no autoscaler', () => {
    expect(changesByObject(s0.stacks['shop-staging'], s1.stacks['shop-staging'], [
      [SERVICE, 'api'], [SERVICE, 'api-preview'], [ROUTE, 'api'],
    ])).toEqual([
      `${ROUTE} api: manifest.spec.rules.0.backendRefs.0.name`,
      `${SERVICE} api-preview: spec.selector.switchyard.dev/slot`,
      `${SERVICE} api: depends_on.1`,
      `${SERVICE} api: spec.selector.switchyard.dev/slot`,
    ]);
    expect([object(s1.stacks['shop-staging'], DEPLOY, 'api-green').spec.replicas, object(s1.stacks['shop-staging'], DEPLOY, 'api-blue').spec.replicas]).toEqual(['2', '2']);
  });

  test('retire scales the idle slot\'s Deployment to zero, removes its autoscaler and changes nothing else', () => {
    const hpa = address(s1.stacks['shop-staging'], 'kubernetes_horizontal_pod_autoscaler_v2', 'api-blue');
    const marker = markerOf(s1, 'shop-staging', 'api-blue');
    const smoke = address(s1.stacks['shop-staging'], JOB, smokeJobName('api', 'blue', '1.4.0'));
    const changes = changesByObject(s1.stacks['shop-staging'], s2.stacks['shop-staging'], [[DEPLOY, 'api-blue']]);
    // A retired slot runs no smoke tests: its Job goes.
    expect(changes.some((c) => c.startsWith(`${smoke}.`))).toBe(true);
    expect(resources(s2.stacks['shop-staging'], JOB)).not.toHaveProperty(smoke.split('.')[2]);
    expect(changes.filter((c) => !c.startsWith(`${hpa}.`) && !c.startsWith(`${smoke}.`))).toEqual([
      `${DEPLOY} api-blue: depends_on.2`, // a slot smaller than the live one changes only after the switch
      `${DEPLOY} api-blue: lifecycle.ignore_changes.0`, // the replicas entry went; Reloader's annotation stays
      `${DEPLOY} api-blue: lifecycle.ignore_changes.1`,
      `${DEPLOY} api-blue: spec.replicas`,
      `resource.${marker}.input.state`,
    ]);
    expect(changes.some((c) => c.startsWith(`${hpa}.`))).toBe(true);
    expect(resources(s2.stacks['shop-staging'], 'kubernetes_horizontal_pod_autoscaler_v2')).not.toHaveProperty(hpa.split('.')[2]);
    // No ignore_changes any more: Terraform sets the 0; the marker says "retired", which replaces the Deployment.
    expect(object(s2.stacks['shop-staging'], DEPLOY, 'api-blue').lifecycle).toEqual({ ignore_changes: [RELOADED], replace_triggered_by: [marker] });
    expect(resources(s2.stacks['shop-staging'], 'terraform_data')[marker.split('.')[1]].input).toEqual({ state: 'retired' });
    expect(object(s2.stacks['shop-staging'], DEPLOY, 'api-blue').spec.replicas).toBe('0');
    expect(object(s2.stacks['shop-staging'], DEPLOY, 'api-blue').spec.template.spec.container[0].image).toBe('ghcr.io/acme/shop-api:1.4.0');
  });

  test('weight sends its share to the idle slot through the HTTPRoute, and changes nothing else', () => {
    expect(object(s5.stacks['shop-staging'], ROUTE, 'api').manifest.spec.rules[0].backendRefs).toEqual([
      { name: 'api-green', port: 80, weight: 80 },
      { name: 'api-blue', port: 80, weight: 20 },
    ]);
    expect(changesByObject(s4.stacks['shop-staging'], s5.stacks['shop-staging'], [[ROUTE, 'api']]).every((c) => c.startsWith(`${ROUTE} api: `))).toBe(true);
    othersUnchanged(s4, s5, ['shop-staging']);
  });

  test('staging into a retired slot brings it back: a new Deployment at the autoscaler\'s minimum, its autoscaler again', () => {
    const marker = markerOf(s4, 'shop-staging', 'api-blue');
    expect(marker).toBe(markerOf(s2, 'shop-staging', 'api-blue'));
    // The marker goes back to "serving": Terraform replaces the Deployment, so it is created with the
    // replicas below (an ignore_changes alone would keep the 0 that retire left in state).
    expect(resources(s4.stacks['shop-staging'], 'terraform_data')[marker.split('.')[1]].input).toEqual({ state: 'serving' });
    const blue = object(s4.stacks['shop-staging'], DEPLOY, 'api-blue');
    expect(blue.lifecycle).toEqual({ ignore_changes: ['spec[0].replicas', RELOADED], replace_triggered_by: [marker] });
    expect(blue.spec.replicas).toBe('2');
    expect(blue.spec.template.spec.container[0].image).toBe('ghcr.io/acme/shop-api:1.6.0');
    expect(object(s4.stacks['shop-staging'], 'kubernetes_horizontal_pod_autoscaler_v2', 'api-blue').spec.min_replicas).toBe(2);
    // The live slot keeps its Deployment: its marker never changed.
    const green = markerOf(s4, 'shop-staging', 'api-green');
    expect(resources(s4.stacks['shop-staging'], 'terraform_data')[green.split('.')[1]].input).toEqual({ state: 'serving' });
    expect(changed(s3.stacks['shop-staging'], s4.stacks['shop-staging']).filter((l) => l.includes(green))).toEqual([]);
  });

  test.each<[string, string[], string]>([
    ['skipping a tier', ['promote', 'api', '--from', 'dev', '--to', 'prod'],
      'promoting from "dev" to "prod" would skip tier "staging": promote one tier at a time: switchyard promote api --from dev --to staging'],
    ['lacking an approval', ['promote', 'api', '--from', 'staging', '--to', 'prod'],
      'version "1.5.0" has no approval for tier "prod": record one: switchyard approve api 1.5.0 --tier prod --by <name>'],
  ])('a promotion %s is refused, naming the tier, and the ledger stays as it was', (_what, argv, message) => {
    const before = fs.readFileSync(ledger);
    expect(cli(...argv, '--ledger', ledger)).toEqual({ code: 1, out: [], err: [`[${ledger}: tiers.prod.api] ${message}`] });
    expect(fs.readFileSync(ledger).equals(before)).toBe(true);
  });
});
