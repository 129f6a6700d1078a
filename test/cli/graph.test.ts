/**
 * `switchyard graph`: the Mermaid diagram of the main example (the model of
 * the run's synth, its own ledger) and of hand-made models, read back with a
 * strict reader of the flowchart subset, so each test checks the syntax too.
 */
import * as fs from 'fs';
import * as path from 'path';
import { mermaidLabel, renderGraph } from '../../lib/cli/graph';
import { main } from '../../lib/cli/main';
import type { DeliveryModel } from '../../lib/model';
import { exampleOutput, tempDir } from '../helpers';
import { captureIo } from './capture-io';
import { edgeNames, Flowchart, nameOf, nodeNamed, parseFlowchart, subgraphLabelled } from './mermaid';

const ROOT = path.resolve(__dirname, '../..');
let shopModel: string;

beforeAll(() => {
  shopModel = path.join(exampleOutput('shop').outdir, 'switchyard.json');
});

/** Runs `switchyard` in `cwd`; returns the exit code and what it printed. */
function run(cwd: string, ...argv: string[]) {
  const io = captureIo(cwd);
  const code = main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

/** The graph of the main example (from the repository's root, where the model names its ledger). */
function shopGraph(...argv: string[]): Flowchart {
  const r = run(ROOT, 'graph', '--model', shopModel, ...argv);
  expect(r.err).toEqual([]);
  expect(r.code).toBe(0);
  return parseFlowchart(r.out);
}

describe('switchyard graph: the main example', () => {
  test('the tiers in promotion order, each a subgraph, linked by promotions (prod asks for an approval)', () => {
    const f = shopGraph();
    expect(f.direction).toBe('TB');
    expect(f.top.map((id) => f.subgraphs.get(id)!.label)).toEqual([
      ['tier dev (in-cluster)'],
      ['tier staging (managed, eu-west-1)'],
      ['tier prod (managed, eu-west-1, highly available, approval required)'],
    ]);
    expect(edgeNames(f, (e) => e.style === 'thick')).toEqual([
      'tier dev (in-cluster) ==> tier staging (managed, eu-west-1) [promote]',
      'tier staging (managed, eu-west-1) ==> tier prod (managed, eu-west-1, highly available, approval required) [promote, approval required]',
    ]);
  });

  test('each tier holds its stacks; arrows say which deploys after which, without the ones implied by others', () => {
    const f = shopGraph();
    const inTier = (label: string) => subgraphLabelled(f, label).children.map((id) => nameOf(f, id));
    expect(inTier('tier dev (in-cluster)')).toEqual(['addons-dev', 'addons-config-dev', 'shop-dev']);
    expect(inTier('tier prod (managed, eu-west-1, highly available, approval required)')).toEqual(['platform-prod', 'addons-prod', 'addons-config-prod', 'shop-prod']);
    const stackEdges = edgeNames(f, (e) => e.from.startsWith('stack__'));
    expect(stackEdges).toEqual([
      'addons-dev --> addons-config-dev',
      'addons-config-dev --> shop-dev',
      'platform-staging --> addons-staging',
      'addons-staging --> addons-config-staging',
      'addons-config-staging --> shop-staging',
      'platform-prod --> addons-prod',
      'addons-prod --> addons-config-prod',
      'addons-config-prod --> shop-prod',
    ]);
    // shop-prod depends on platform-prod too (the model says so), but through addons-prod already.
    const model = JSON.parse(fs.readFileSync(shopModel, 'utf8')) as DeliveryModel;
    expect(model.stacks.find((s) => s.name === 'shop-prod')!.dependencies).toContain('platform-prod');
  });

  test('the app stack holds its dependencies with what runs them and their binding in the tier', () => {
    const f = shopGraph();
    expect(subgraphLabelled(f, 'shop-dev').label).toEqual(['shop-dev', 'app shop, namespace shop']);
    const dep = (stack: string, name: string) => nodeNamed(f, subgraphLabelled(f, stack).id, name);
    expect(dep('shop-dev', 'orders: db')).toMatchObject({ label: ['orders: db', 'CloudNativePG (PostgreSQL 17)', 'in-cluster'], shape: 'cylinder', cls: 'incluster' });
    expect(dep('shop-prod', 'orders: db')).toMatchObject({ label: ['orders: db', 'RDS PostgreSQL 17', 'managed'], shape: 'cylinder', cls: 'managed' });
    expect(dep('shop-staging', 'sessions: cache').label).toEqual(['sessions: cache', 'ElastiCache Valkey 9.0', 'managed']);
    expect(dep('shop-dev', 'sessions: cache').label).toEqual(['sessions: cache', 'Valkey (official chart)', 'in-cluster']);
    expect(dep('shop-dev', 'order-events: topic')).toMatchObject({ label: ['order-events: topic', 'messaging server (SNS API)', 'in-cluster'], shape: 'hexagon' });
    expect(dep('shop-prod', 'fulfilment: queue')).toMatchObject({ label: ['fulfilment: queue', 'SQS', 'managed'], shape: 'lean' });
  });

  test('services point to the dependencies they connect to, with what they may do; the topic to the queue it delivers to', () => {
    const f = shopGraph('--tier', 'staging');
    expect(edgeNames(f, (e) => !e.to.startsWith('slot__') && !e.from.startsWith('stack__'))).toEqual([
      'api --> orders: db',
      'api --> sessions: cache',
      'api --> order-events: topic [publish]',
      'worker --> orders: db',
      'worker --> fulfilment: queue [consume]',
      'order-events: topic --> fulfilment: queue [delivers to]',
    ]);
  });

  test('each service shows its slots: the live one takes 100% less the canary, the idle one the canary weight', () => {
    const f = shopGraph();
    const slots = (stack: string) => {
      const id = subgraphLabelled(f, stack).id;
      return [...f.nodes.values()].filter((n) => n.parent === id && n.id.startsWith('slot__')).map((n) => `${n.label.join(' ')} (${n.cls})`);
    };
    // The example's ledger: api 1.5.0 live in dev (green), 1.4.0 in staging and prod (blue); worker 2.0.0 in blue everywhere.
    expect(slots('shop-dev')).toEqual(['api-blue 1.4.0 idle (idle)', 'api-green 1.5.0 live (live)', 'worker-blue 2.0.0 live (live)', 'worker-green empty (empty)']);
    expect(slots('shop-staging')).toEqual(['api-blue 1.4.0 live (live)', 'api-green 1.5.0 idle (idle)', 'worker-blue 2.0.0 live (live)', 'worker-green empty (empty)']);
    expect(slots('shop-prod')).toEqual(['api-blue 1.4.0 live (live)', 'api-green empty (empty)', 'worker-blue 2.0.0 live (live)', 'worker-green empty (empty)']);
    const traffic = (e: { to: string }) => e.to.startsWith('slot__');
    expect(edgeNames(f, (e) => traffic(e) && e.to.includes('shop_dev'))).toEqual([
      'api -.-> api-blue [0%]', 'api --> api-green [100%]', 'worker --> worker-blue [100%]',
    ]);
    // An empty slot takes no traffic: no edge to it.
    expect(edgeNames(f, (e) => traffic(e) && e.to.includes('shop_prod'))).toEqual(['api --> api-blue [100%]', 'worker --> worker-blue [100%]']);
  });

  test('a canary weight from the ledger (--ledger) splits the traffic and is named on the service', () => {
    const dir = tempDir('switchyard-graph-');
    fs.copyFileSync(path.join(ROOT, 'examples/shop/releases.json'), path.join(dir, 'releases.json'));
    const w = run(dir, 'weight', 'api', '10', '--tier', 'dev', '--model', shopModel, '--by', 'ana');
    expect(w.code).toBe(0);
    const f = parseFlowchart(run(dir, 'graph', '--model', shopModel, '--ledger', 'releases.json', '--tier', 'dev').out);
    expect(nodeNamed(f, subgraphLabelled(f, 'shop-dev').id, 'api').label).toEqual(['api', 'ghcr.io/acme/shop-api', 'canary: 10% to blue']);
    expect(edgeNames(f, (e) => e.to.startsWith('slot__') && e.from.includes('api'))).toEqual(['api -.-> api-blue [10%]', 'api --> api-green [90%]']);
    // The example's own ledger is untouched and still says 0%.
    expect(edgeNames(shopGraph('--tier', 'dev'), (e) => e.to.startsWith('slot__') && e.from.includes('api'))).toEqual(['api -.-> api-blue [0%]', 'api --> api-green [100%]']);
  });

  test('--tier draws one tier and no promotion', () => {
    const f = shopGraph('--tier', 'prod');
    expect(f.top.map((id) => f.subgraphs.get(id)!.label[0])).toEqual(['tier prod (managed, eu-west-1, highly available, approval required)']);
    expect(f.edges.filter((e) => e.style === 'thick')).toEqual([]);
    expect([...f.nodes.values()].every((n) => !n.id.includes('dev') && !n.id.includes('staging'))).toBe(true);
  });

  test('the same model and ledger give the same bytes; --out writes them to a file', () => {
    const first = run(ROOT, 'graph', '--model', shopModel).out;
    expect(run(ROOT, 'graph', '--model', shopModel).out).toEqual(first);
    const dir = tempDir('switchyard-graph-out-');
    const r = run(ROOT, 'graph', '--model', shopModel, '--out', path.join(dir, 'docs', 'delivery.mmd'));
    expect(r).toEqual({ code: 0, out: [`wrote ${path.join(dir, 'docs', 'delivery.mmd')}`], err: [] });
    // The file says it was generated (a Mermaid comment), so a later run may replace it and nothing else.
    expect(fs.readFileSync(path.join(dir, 'docs', 'delivery.mmd'), 'utf8')).toBe(`%% Generated by switchyard graph\n${first.join('\n')}\n`);
  });
});

/** A hand-made model: names that need sanitizing, an older model's shape, a tier without stacks, a stack depending across tiers. */
function handMade(): DeliveryModel {
  return {
    version: 1,
    tiers: [
      { name: 'live', order: 2, binding: 'managed', approvalRequired: true, highAvailability: false },
      { name: 'qa', order: 1, binding: 'in-cluster', approvalRequired: false, highAvailability: false },
      { name: 'perf', order: 3, binding: 'managed', approvalRequired: false, highAvailability: true, region: 'us-east-2' },
    ],
    stacks: [
      { name: 'base-qa', tier: 'qa', kind: 'platform', dependencies: [] },
      { name: 'web.app-qa', tier: 'qa', kind: 'app', dependencies: ['base-qa'] },
      { name: 'web_app-qa', tier: 'qa', kind: 'other', dependencies: ['web.app-qa', 'base-qa'] },
      { name: 'web.app-live', tier: 'live', kind: 'app', dependencies: ['base-qa'] },
    ],
    apps: [{
      name: 'web',
      ledger: 'web.json',
      tiers: {
        qa: {
          stack: 'web.app-qa', namespace: 'web',
          // An older model: no runsOn, subscribers or grants; a dependency of the user's own kind.
          dependencies: [{ name: 'orders', kind: 'db', binding: 'in-cluster' }, { name: 'search', kind: 'opensearch', binding: 'in-cluster' }],
          services: [
            { name: 'ui', image: 'registry.example.com/ui', connections: ['orders', 'gone'] },
            { name: 'api', image: 'registry.example.com/api', connections: ['search'] },
          ],
        },
        live: {
          stack: 'web.app-live', namespace: 'web',
          dependencies: [{ name: 'orders', kind: 'db', binding: 'managed', runsOn: 'Aurora PostgreSQL 17' }],
          services: [{ name: 'ui', image: 'registry.example.com/ui', connections: ['orders'] }],
        },
      },
    }],
  };
}

const HAND_LEDGER = {
  app: 'web',
  tiers: {
    qa: {
      ui: { blue: '2.0.0', green: '1.9.0', live: 'blue', weight: 0, retired: true, approvals: [], history: [
        { at: '2026-11-01T10:00:00Z', verb: 'switch', version: '2.0.0', slot: 'blue', by: 'ci' }] },
      api: { blue: '0.9.0', green: '1.0.0', live: 'green', weight: 25, approvals: [], history: [
        { at: '2026-11-01T10:00:00Z', verb: 'switch', version: '1.0.0', slot: 'green', by: 'ci' }] },
    },
  },
};

function handProject(): string {
  const dir = tempDir('switchyard-graph-hand-');
  fs.mkdirSync(path.join(dir, 'cdktf.out'));
  fs.writeFileSync(path.join(dir, 'cdktf.out', 'switchyard.json'), JSON.stringify(handMade()));
  fs.writeFileSync(path.join(dir, 'web.json'), JSON.stringify(HAND_LEDGER));
  return dir;
}

describe('switchyard graph: a hand-made model', () => {
  test('tiers in promotion order whatever the model lists first; a tier without stacks says so', () => {
    const r = run(handProject(), 'graph');
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const f = parseFlowchart(r.out);
    expect(f.top.map((id) => f.subgraphs.get(id)!.label[0])).toEqual([
      'tier qa (in-cluster)', 'tier live (managed, approval required)', 'tier perf (managed, us-east-2, highly available)',
    ]);
    expect(subgraphLabelled(f, 'tier perf (managed, us-east-2, highly available)').children.map((id) => nameOf(f, id))).toEqual(['no stack in this program']);
    expect(edgeNames(f, (e) => e.style === 'thick').map((e) => e.replace(/ \(.*?\)/g, ''))).toEqual([
      'tier qa ==> tier live [promote, approval required]', 'tier live ==> tier perf [promote]',
    ]);
  });

  test('names that sanitize alike get distinct ids; every id is letters, digits and _', () => {
    const f = parseFlowchart(run(handProject(), 'graph').out);
    const app = subgraphLabelled(f, 'web.app-qa');
    const other = nodeNamed(f, subgraphLabelled(f, 'tier qa (in-cluster)').id, 'web_app-qa');
    expect(app.id).not.toBe(other.id);
    for (const id of [...f.nodes.keys(), ...f.subgraphs.keys()]) expect(id).toMatch(/^[A-Za-z0-9_]+$/);
    expect(edgeNames(f, (e) => e.from.startsWith('stack__') || e.to.startsWith('stack__'))).toEqual([
      'base-qa --> web.app-qa',
      'web.app-qa --> web_app-qa',
      'base-qa --> web.app-live',
    ]);
  });

  test('an older model: no labels it lacks; a dependency of another kind; a connection to an undeclared name is left out', () => {
    const f = parseFlowchart(run(handProject(), 'graph', '--tier', 'qa').out);
    const qa = subgraphLabelled(f, 'web.app-qa').id;
    expect(nodeNamed(f, qa, 'orders: db').label).toEqual(['orders: db', 'in-cluster']);
    expect(nodeNamed(f, qa, 'search: opensearch')).toMatchObject({ shape: 'subroutine', label: ['search: opensearch', 'in-cluster'] });
    expect(edgeNames(f, (e) => e.to.startsWith('dep__'))).toEqual(['ui --> orders: db', 'api --> search: opensearch']);
  });

  test('a retired idle slot takes no traffic; a canary weight splits it', () => {
    const f = parseFlowchart(run(handProject(), 'graph', '--tier', 'qa').out);
    const qa = subgraphLabelled(f, 'web.app-qa').id;
    expect(nodeNamed(f, qa, 'ui-green')).toMatchObject({ label: ['ui-green', '1.9.0', 'retired: 0 replicas'], cls: 'retired' });
    expect(nodeNamed(f, qa, 'api').label).toEqual(['api', 'registry.example.com/api', 'canary: 25% to blue']);
    expect(edgeNames(f, (e) => e.to.startsWith('slot__'))).toEqual(['ui --> ui-blue [100%]', 'api -.-> api-blue [25%]', 'api --> api-green [75%]']);
  });

  test('a service without a release in a tier: empty slots, no traffic', () => {
    const f = parseFlowchart(run(handProject(), 'graph', '--tier', 'live').out);
    const live = subgraphLabelled(f, 'web.app-live').id;
    expect(nodeNamed(f, live, 'ui').label).toEqual(['ui', 'registry.example.com/ui', 'no release in live']);
    expect(nodeNamed(f, live, 'ui-blue')).toMatchObject({ label: ['ui-blue', 'empty'], cls: 'empty' });
    expect(nodeNamed(f, live, 'orders: db').label).toEqual(['orders: db', 'Aurora PostgreSQL 17', 'managed']);
    expect(edgeNames(f, (e) => e.to.startsWith('slot__'))).toEqual([]);
  });

  test('with --tier, a stack of another tier it depends on is drawn outside, named with its tier', () => {
    const f = parseFlowchart(run(handProject(), 'graph', '--tier', 'live').out);
    const base = [...f.nodes.values()].find((n) => n.label[0] === 'base-qa')!;
    expect(base).toMatchObject({ label: ['base-qa', 'tier qa'], cls: 'empty' });
    expect(base.parent).toBeUndefined();
    expect(edgeNames(f, (e) => e.from.startsWith('stack__'))).toEqual(['base-qa --> web.app-live']);
  });

  test('labels are quoted with Mermaid entity codes for the characters it reads', () => {
    expect(mermaidLabel('a "b" <c> & #d', '`e`')).toBe('"a #quot;b#quot; #lt;c#gt; #amp; #35;d<br>#96;e#96;"');
    const model = handMade();
    const img = 'registry.example.com/ui:"latest" <x> #1';
    const m = { ...model, apps: [{ ...model.apps[0], tiers: { qa: { ...model.apps[0].tiers.qa, services: [{ name: 'ui', image: img, connections: [] }] } } }] };
    const f = parseFlowchart(renderGraph({ model: m, ledgers: {}, tier: 'qa' }));
    expect(nodeNamed(f, subgraphLabelled(f, 'web.app-qa').id, 'ui').label).toEqual(['ui', img, 'no release in qa']);
  });
});

describe('switchyard graph: bad input', () => {
  test.each<[string, (dir: string) => string[], number, string[]]>([
    ['an unknown tier', () => ['--tier', 'production'], 1,
      ['[--tier] tier "production" is not known: use one of qa, live, perf (the tiers of cdktf.out/switchyard.json)']],
    ['a missing model', (dir) => ['--model', 'nowhere/switchyard.json', '--out', path.join(dir, 'g.mmd')], 1,
      [`[nowhere/switchyard.json] the delivery model does not exist (${JSON.stringify('%DIR%/nowhere/switchyard.json')}): run \`npm run synth\` (or \`cdktf synth\`) first: synth writes the model beside cdktf's manifest; or pass --model PATH`]],
    ['a model without dependencies per tier (an older switchyard)', (dir) => {
      const m = handMade() as unknown as { apps: Array<{ tiers: Record<string, Record<string, unknown>> }> };
      delete m.apps[0].tiers.live.dependencies;
      fs.writeFileSync(path.join(dir, 'old.json'), JSON.stringify(m));
      return ['--model', 'old.json'];
    }, 1, ['[old.json: apps.web.tiers.live] app "web" lacks its dependencies with their binding in the tier (a model written by an older switchyard): run `npm run synth` (or `cdktf synth`) again to rewrite it with this version of switchyard']],
    ['a missing ledger', (dir) => { fs.rmSync(path.join(dir, 'web.json')); return []; }, 1,
      ['[web.json] the release ledger "web.json" cannot be read (ENOENT): pass the ledger of app "web" with --ledger PATH, or run the command in the folder the synth ran in (cdktf.out/switchyard.json names the ledger relative to it)']],
    ['a ledger of an app the model does not have', (dir) => { fs.writeFileSync(path.join(dir, 'other.json'), '{"app": "blog", "tiers": {}}'); return ['--ledger', 'other.json']; }, 1,
      ['[other.json: app] app "blog" is not an app of the delivery model cdktf.out/switchyard.json: pass the ledger of one of its apps with --ledger: "web" (web.json); or, if the app is new, run `npm run synth` first']],
    ['--out naming a ledger', () => ['--out', 'web.json'], 1,
      ['[--out] file "web.json" is an input of the graph (the model or a ledger): write the diagram to another file, e.g. --out docs/delivery.mmd']],
    ['an unknown flag', () => ['--format', 'svg'], 2,
      ['switchyard graph: unknown option --format (known: --model, --ledger, --tier, --out)', `usage: switchyard graph [--tier T] [--out FILE] [--model PATH] [--ledger PATH]`]],
    ['a flag without its value', () => ['--tier'], 2, ['switchyard graph: --tier needs a value', 'usage: switchyard graph [--tier T] [--out FILE] [--model PATH] [--ledger PATH]']],
    ['an argument', () => ['dev'], 2, ['switchyard graph: unexpected argument "dev"', 'usage: switchyard graph [--tier T] [--out FILE] [--model PATH] [--ledger PATH]']],
  ])('refuses %s', (_what, argv, code, err) => {
    const dir = handProject();
    const r = run(dir, 'graph', ...argv(dir));
    expect(r).toEqual({ code, out: [], err: err.map((l) => l.replace('%DIR%', dir)) });
    expect(fs.existsSync(path.join(dir, 'g.mmd'))).toBe(false);
    if (fs.existsSync(path.join(dir, 'web.json'))) expect(JSON.parse(fs.readFileSync(path.join(dir, 'web.json'), 'utf8'))).toEqual(HAND_LEDGER);
  });
});
