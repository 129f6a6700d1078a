/**
 * The program of the in-cluster messaging server's setup sidecar is a file of its own,
 * lib/dependencies/messaging/ensure.py, read at synth: the ConfigMap carries its bytes, Python
 * compiles it, it keeps what setup.json says in place (against an in-memory stand-in for boto3),
 * and the package ships it beside the compiled module that reads it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Queue, Topic } from '../../lib';
import { ENSURE_PROGRAM } from '../../lib/dependencies/messaging/server';
import { appStack, ledgerOf, tiers } from '../fixtures';
import { exampleOutput, k8s, StackJson, synth, tempDir } from '../helpers';

const ROOT = path.resolve(__dirname, '../..');
const PROGRAM = path.join(ROOT, 'lib', 'dependencies', 'messaging', 'ensure.py');

const configMap = (s: StackJson) => k8s(s, 'kubernetes_config_map_v1', 'messaging-setup').data;

test('the ConfigMap of the setup sidecar carries ensure.py byte for byte', () => {
  expect(ENSURE_PROGRAM).toBe(PROGRAM);
  const data = configMap(exampleOutput('shop').stacks['shop-dev']);
  expect(Buffer.from(data['ensure.py'], 'utf8').equals(fs.readFileSync(PROGRAM))).toBe(true);
});

test('python3 compiles ensure.py', () => {
  const r = spawnSync('python3', ['-c', 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)',
    PROGRAM, path.join(tempDir(), 'ensure.pyc')], { encoding: 'utf8' });
  expect([r.error, r.status, r.stderr]).toEqual([undefined, 0, '']);
});

/**
 * Runs ensure.py for two passes against an in-memory SQS and SNS (a stand-in for boto3; its
 * `time.sleep` ends the run) and returns what the server then holds, and whether /tmp/ready
 * (redirected into a temporary folder) was touched.
 */
function ensureAgainstStandIn(setupJson: string): { queues: Record<string, unknown>; topics: Record<string, unknown>; ready: boolean } {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'setup.json'), setupJson);
  const harness = `
import builtins, json, runpy, sys, time, types
program, spec, ready = sys.argv[1:4]
ARN = "arn:aws:%s:us-east-1:123456789012:%s"
queues, topics = {}, {}

class Sqs:
    def create_queue(self, QueueName, Attributes):
        q = queues.setdefault(QueueName, {"created": dict(Attributes)})
        if q["created"] != Attributes:
            raise Exception("QueueAlreadyExists: " + QueueName)
        return {"QueueUrl": "http://127.0.0.1:5000/123456789012/" + QueueName}
    def get_queue_attributes(self, QueueUrl, AttributeNames):
        return {"Attributes": {"QueueArn": ARN % ("sqs", QueueUrl.rsplit("/", 1)[1])}}
    def set_queue_attributes(self, QueueUrl, Attributes):
        queues[QueueUrl.rsplit("/", 1)[1]].update(Attributes)

class Sns:
    def create_topic(self, Name, Attributes):
        topics.setdefault(Name, {"attributes": Attributes, "subscriptions": []})
        return {"TopicArn": ARN % ("sns", Name)}
    def list_subscriptions_by_topic(self, TopicArn):
        return {"Subscriptions": topics[TopicArn.rsplit(":", 1)[1]]["subscriptions"]}
    def subscribe(self, TopicArn, Protocol, Endpoint, Attributes):
        topics[TopicArn.rsplit(":", 1)[1]]["subscriptions"].append({"Protocol": Protocol, "Endpoint": Endpoint, "Attributes": Attributes})

class Stop(BaseException):
    pass

passes = []
def sleep(seconds):
    passes.append(seconds)
    if len(passes) == 2:
        raise Stop()

sys.modules["boto3"] = types.SimpleNamespace(client=lambda name, endpoint_url: Sqs() if name == "sqs" else Sns())
time.sleep = sleep
real_open = builtins.open
builtins.open = lambda f, *a, **k: real_open(ready if f == "/tmp/ready" else f, *a, **k)
sys.argv = [program, spec]
try:
    runpy.run_path(program, run_name="__main__")
except Stop:
    pass
builtins.open = real_open
print(json.dumps({"queues": queues, "topics": topics, "passes": passes}))
`;
  const ready = path.join(dir, 'ready');
  const r = spawnSync('python3', ['-c', harness, PROGRAM, path.join(dir, 'setup.json'), ready], {
    encoding: 'utf8', env: { ...process.env, ENDPOINT: 'http://127.0.0.1:5000', PYTHONDONTWRITEBYTECODE: '1' },
  });
  expect([r.error, r.status, r.stderr]).toEqual([undefined, 0, '']);
  const out = JSON.parse(r.stdout);
  expect(out.passes).toEqual([30, 30]);
  return { queues: out.queues, topics: out.topics, ready: fs.existsSync(ready) };
}

const arn = (kind: string, name: string) => `arn:aws:${kind}:us-east-1:123456789012:${name}`;
/** A redrive policy as Python's json.dumps writes it. */
const redrive = (to: string, times: number) => `{"deadLetterTargetArn": "${arn('sqs', to)}", "maxReceiveCount": ${times}}`;

describe('ensure.py keeps setup.json in place (two passes: the second changes nothing)', () => {
  test('the main example: a queue with a dead-letter queue of its own, a topic delivering to it', () => {
    const state = ensureAgainstStandIn(configMap(exampleOutput('shop').stacks['shop-dev'])['setup.json']);
    expect(state).toEqual({
      queues: {
        'fulfilment-dlq': { created: {}, MessageRetentionPeriod: '1209600' },
        fulfilment: {
          created: {}, VisibilityTimeout: '120', MessageRetentionPeriod: '345600',
          RedrivePolicy: redrive('fulfilment-dlq', 5),
        },
      },
      topics: {
        'order-events': { attributes: {}, subscriptions: [{ Protocol: 'sqs', Endpoint: arn('sqs', 'fulfilment'), Attributes: { RawMessageDelivery: 'true' } }] },
      },
      ready: true,
    });
  });

  test('FIFO queues, one the dead-letter queue of the other, and a FIFO topic with an enveloped subscription', () => {
    const out = synth((app) => {
      const s = appStack(app, tiers().get('dev'), ledgerOf({ app: 'shop', tiers: {} }));
      new Queue(s, 'failed', { fifo: true, retentionSeconds: 5 * 86_400 });
      const jobs = new Queue(s, 'jobs', { fifo: true, deadLetterQueue: 'failed', maxReceiveCount: 3 });
      new Topic(s, 'events', { fifo: true }).subscribe(jobs, { rawMessageDelivery: false });
    });
    const fifo = { FifoQueue: 'true', ContentBasedDeduplication: 'true' };
    expect(ensureAgainstStandIn(configMap(out.stacks['shop-dev'])['setup.json'])).toEqual({
      queues: {
        'failed-dlq.fifo': { created: fifo, MessageRetentionPeriod: '1209600' },
        'failed.fifo': { created: fifo, VisibilityTimeout: '30', MessageRetentionPeriod: '432000', RedrivePolicy: redrive('failed-dlq.fifo', 5) },
        'jobs.fifo': { created: fifo, VisibilityTimeout: '30', MessageRetentionPeriod: '345600', RedrivePolicy: redrive('failed.fifo', 3) },
      },
      topics: {
        'events.fifo': {
          attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' },
          subscriptions: [{ Protocol: 'sqs', Endpoint: arn('sqs', 'jobs.fifo'), Attributes: { RawMessageDelivery: 'false' } }],
        },
      },
      ready: true,
    });
  });
});

describe('the package', () => {
  /** Every file under lib/ that is not a TypeScript module, relative to lib/. */
  const assets = (dir = ''): string[] => fs.readdirSync(path.join(ROOT, 'lib', dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? assets(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [] : [path.join(dir, e.name)]));

  test('ships ensure.py beside the compiled module that reads it, which synthesizes it byte for byte', () => {
    expect(assets()).toEqual([path.join('dependencies', 'messaging', 'ensure.py')]);
    // The build as `npm run build` lays it out (tsc's outDir, rootDir "."), each module transpiled
    // on its own (tsc's emit without the types), then the build's copy step.
    const pkg = tempDir('switchyard-pack-');
    const build = path.join(pkg, 'build');
    const esbuild = require('esbuild') as typeof import('esbuild'); // eslint-disable-line @typescript-eslint/no-require-imports
    const modules = (dir: string): string[] => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? modules(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    for (const m of modules('lib')) {
      const js = path.join(build, m.replace(/\.ts$/, '.js'));
      fs.mkdirSync(path.dirname(js), { recursive: true });
      fs.writeFileSync(js, esbuild.transformSync(fs.readFileSync(path.join(ROOT, m), 'utf8'), { loader: 'ts', format: 'cjs', target: 'node20' }).code);
    }
    const copy = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'copy-assets.js'), build], { encoding: 'utf8' });
    expect([copy.status, copy.stderr]).toEqual([0, '']);
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));

    // What `npm pack` puts in the tarball: every asset, at its place in build/lib.
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--offline'], {
      cwd: pkg, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    expect(pack.status).toBe(0);
    const packed: string[] = JSON.parse(pack.stdout)[0].files.map((f: { path: string }) => f.path);
    for (const a of assets()) expect(packed).toContain(path.posix.join('build', 'lib', ...a.split(path.sep)));
    expect(packed).toContain('build/lib/dependencies/messaging/server.js');

    // The compiled library, as an installed package runs it, puts the copied file in the ConfigMap.
    const program = `
      const lib = require(${JSON.stringify(path.join(build, 'lib', 'index.js'))});
      const tiers = lib.Tiers.standard();
      const app = new lib.App({ outdir: ${JSON.stringify(path.join(pkg, 'cdktf.out'))} });
      const tier = tiers.get('dev');
      const addons = new lib.AddonsStack(app, { tier, platform: lib.PlatformRef.fromKubeconfig({ context: 'kind-test' }), addons: [new lib.ExternalSecrets()] });
      const shop = new lib.AppStack(app, 'shop', { tier, platform: addons.ref, ledger: lib.ReleaseLedger.parse('{"app": "shop", "tiers": {}}', tiers, 'releases.json') });
      new lib.Queue(shop, 'jobs');
      app.synth();
    `;
    const run = spawnSync(process.execPath, ['-e', program], {
      cwd: pkg, encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), NODE_OPTIONS: '' },
    });
    expect([run.status, run.stderr]).toEqual([0, '']);
    const stack = JSON.parse(fs.readFileSync(path.join(pkg, 'cdktf.out', 'stacks', 'shop-dev', 'cdk.tf.json'), 'utf8'));
    expect(Buffer.from(configMap(stack)['ensure.py'], 'utf8').equals(fs.readFileSync(path.join(build, 'lib', 'dependencies', 'messaging', 'ensure.py')))).toBe(true);
    expect(fs.readFileSync(path.join(build, 'lib', 'dependencies', 'messaging', 'ensure.py')).equals(fs.readFileSync(PROGRAM))).toBe(true);
  });
});
