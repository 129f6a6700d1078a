#!/usr/bin/env node
// CI gate, part 2: a release's steps through Terraform itself, with state.
//
// The unit tests compare synthesized JSON before and after each `switchyard`
// step; this walks the same steps against Terraform state, where
// `ignore_changes`, `replace_triggered_by` and prior values decide what an
// apply really does. On the main example's dev app stack (no AWS), through
// tfsim's stand-in providers:
//
//   apply the example as it is, then per step: run the `switchyard` verb on a
//   copy of the ledger, synthesize, plan, check the planned actions (and the
//   replicas Terraform will set), apply, and expect a clean re-plan. The `api`
//   (a routed service) and the `worker` (a queue consumer that KEDA scales,
//   whose switch moves the pause between its ScaledObjects) each go through
//   stage, switch, rollback and retire.
//
// Usage: node .ci/release-lifecycle.js TFSIM_DIR
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const tfsim = process.argv[2];
if (!tfsim || !fs.existsSync(path.join(tfsim, 'check.sh'))) {
  console.error('usage: node .ci/release-lifecycle.js TFSIM_DIR');
  process.exit(2);
}
const STACK = 'shop-dev';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-lifecycle-'));
const ledger = path.join(work, 'releases.json');
fs.copyFileSync(path.join(root, 'examples', 'shop', 'releases.json'), ledger);
const bindings = path.join(root, 'node_modules');
let failures = 0;
let keptWorkspace;

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function must(r, what) {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.out}\n${r.err}`);
  return r;
}

/** Synthesizes the shop with the ledger copy into `outdir`. */
function synth(outdir) {
  must(run(process.execPath, ['--require', './examples/register.js', path.join(__dirname, 'shop-with-ledger.ts')], { CDKTF_OUTDIR: outdir, SWITCHYARD_LEDGER: ledger }), 'synth');
}

function terraform(dir, args) {
  return run('terraform', [`-chdir=${dir}`, ...args, '-no-color'], {
    TF_CLI_CONFIG_FILE: path.join(keptWorkspace, 'terraformrc'),
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TFSIM_BINDINGS: bindings,
  });
}

/** The planned change of every resource whose action is not no-op: address -> { type, actions, before, after }. */
function planChanges(dir) {
  must(terraform(dir, ['plan', '-input=false', '-out=tfplan']), 'terraform plan');
  const plan = JSON.parse(must(terraform(dir, ['show', '-json', 'tfplan']), 'terraform show').out);
  const changes = {};
  for (const rc of plan.resource_changes ?? []) {
    if (rc.change.actions.join() === 'no-op' || rc.change.actions.join() === 'read') continue;
    changes[rc.address] = { type: rc.type, actions: rc.change.actions.join('+'), before: rc.change.before, after: rc.change.after };
  }
  return changes;
}

const steps = [
  {
    verb: ['stage', 'api', '9.0.0', '--tier', 'dev'],
    what: 'staging into the idle slot (blue) changes only that slot: its migration Job, its Deployment and a smoke Job of the new version',
    check: (c) => only(c, /\.api_(blue|migrate-blue|smoke-blue)_/) && replicasOf(c, 'api_blue', null) && made(c, /kubernetes_job_v1\.api_smoke-blue_/),
  },
  {
    verb: ['switch', 'api', '--tier', 'dev'],
    what: 'a switch changes only Services and the route',
    check: (c) => only(c, /^kubernetes_(service_v1|manifest)\./) && none(c, /kubernetes_deployment_v1|horizontal_pod_autoscaler/),
  },
  {
    verb: ['retire', 'api', '--tier', 'dev'],
    what: 'retire scales the idle slot (green) to 0 replicas and removes its autoscaler and smoke Job',
    check: (c) => only(c, /\.api_(green|green-serving|green-autoscaler|smoke-green)_/) && replicasOf(c, 'api_green', '0') && deleted(c, /horizontal_pod_autoscaler_v2\.api_green-autoscaler_/)
      && deleted(c, /kubernetes_job_v1\.api_smoke-green_/),
  },
  {
    verb: ['stage', 'api', '9.1.0', '--tier', 'dev'],
    what: 'staging into the retired slot brings it back with the autoscaler\'s minimum (not the 0 that retire left in state)',
    check: (c) => only(c, /\.api_(green|green-serving|green-autoscaler|migrate-green|smoke-green)_/) && replicasOf(c, 'api_green', '1') && created(c, /horizontal_pod_autoscaler_v2\.api_green-autoscaler_/)
      && made(c, /kubernetes_job_v1\.api_smoke-green_/),
  },
  {
    verb: ['switch', 'api', '--tier', 'dev'],
    what: 'the switch to the revived slot changes only Services and the route',
    check: (c) => only(c, /^kubernetes_(service_v1|manifest)\./),
  },
  {
    verb: ['rollback', 'api', '--tier', 'dev'],
    what: 'a rollback changes only Services and the route',
    check: (c) => only(c, /^kubernetes_(service_v1|manifest)\./),
  },
  // The worker (a queue consumer, scaled by KEDA): only its live slot runs; a switch moves KEDA's pause.
  {
    verb: ['stage', 'worker', '2.1.0', '--tier', 'dev'],
    what: 'staging a worker makes its idle slot (green) at 0 replicas with its ScaledObject paused at 0, and changes nothing else',
    check: (c) => only(c, /\.worker_green(-scaled-object)?_/) && replicasOf(c, 'worker_green', '0')
      && created(c, /kubernetes_manifest\.worker_green-scaled-object_/) && paused(c, 'green', true),
  },
  {
    verb: ['switch', 'worker', '--tier', 'dev'],
    what: 'a worker\'s switch changes only its two ScaledObjects, in place: the pause moves to the old live slot (no Deployment, no pod template)',
    check: (c) => only(c, /^kubernetes_manifest\.worker_(blue|green)-scaled-object_/) && none(c, /kubernetes_deployment_v1/)
      && updated(c, /worker_(blue|green)-scaled-object_/, 2) && paused(c, 'green', false) && paused(c, 'blue', true),
  },
  {
    verb: ['rollback', 'worker', '--tier', 'dev'],
    what: 'a worker\'s rollback is the same flip back',
    check: (c) => only(c, /^kubernetes_manifest\.worker_(blue|green)-scaled-object_/) && updated(c, /worker_(blue|green)-scaled-object_/, 2)
      && paused(c, 'blue', false) && paused(c, 'green', true),
  },
  {
    verb: ['retire', 'worker', '--tier', 'dev'],
    what: 'retiring a worker\'s idle slot (green) removes its ScaledObject only (KEDA held it at 0, where it stays)',
    check: (c) => only(c, /^kubernetes_manifest\.worker_green-scaled-object_/) && deleted(c, /kubernetes_manifest\.worker_green-scaled-object_/),
  },
];

let problems;
function only(c, allowed) {
  const others = Object.keys(c).filter((a) => !allowed.test(a));
  if (others.length) problems.push(`unexpected changes: ${others.map((a) => `${a} (${c[a].actions})`).join(', ')}`);
  if (!Object.keys(c).length) problems.push('nothing changes');
  return true;
}
function none(c, pattern) {
  const hits = Object.keys(c).filter((a) => pattern.test(a));
  if (hits.length) problems.push(`must not change: ${hits.join(', ')}`);
  return true;
}
function find(c, name) {
  return Object.keys(c).find((a) => a.startsWith(`kubernetes_deployment_v1.${name}_`));
}
/** The replicas the plan sets on a Deployment: `null` to expect the replicas untouched. */
function replicasOf(c, name, expected) {
  const address = find(c, name);
  if (!address) { problems.push(`the Deployment ${name} does not change`); return true; }
  const before = c[address].before?.spec?.[0]?.replicas;
  const after = c[address].after?.spec?.[0]?.replicas;
  if (expected === null ? before !== after && c[address].before : after !== expected) {
    problems.push(`${address} (${c[address].actions}): replicas ${before} -> ${after}, expected ${expected === null ? 'unchanged' : expected}`);
  }
  return true;
}
function deleted(c, pattern) {
  if (!Object.entries(c).some(([a, x]) => pattern.test(a) && x.actions === 'delete')) problems.push(`nothing matching ${pattern} is deleted`);
  return true;
}
/**
 * A resource made anew: created, or replaced (a smoke Job's name carries its version). tfsim plans
 * every change as an update (it knows no requires-replace), so an update of metadata.name counts:
 * the Kubernetes provider's metadata.name forces a new resource, as Kubernetes cannot rename one.
 */
function made(c, pattern) {
  const renamed = (x) => x.actions === 'update' && x.before?.metadata?.[0]?.name !== x.after?.metadata?.[0]?.name;
  if (!Object.entries(c).some(([a, x]) => pattern.test(a) && (x.actions.split('+').includes('create') || renamed(x)))) problems.push(`nothing matching ${pattern} is created or replaced`);
  return true;
}
function updated(c, pattern, count) {
  const hits = Object.entries(c).filter(([a, x]) => pattern.test(a) && x.actions === 'update');
  if (hits.length !== count) problems.push(`${hits.length} updates in place of ${pattern}, expected ${count}: ${Object.entries(c).map(([a, x]) => `${a} (${x.actions})`).join(', ')}`);
  return true;
}
/** Whether the plan leaves the worker's ScaledObject of `slot` paused at 0 replicas (KEDA's annotation). */
function paused(c, slot, expected) {
  const address = Object.keys(c).find((a) => a.startsWith(`kubernetes_manifest.worker_${slot}-scaled-object_`));
  if (!address) { problems.push(`the ScaledObject of worker-${slot} does not change`); return true; }
  const value = c[address].after?.manifest?.metadata?.annotations?.['autoscaling.keda.sh/paused-replicas'];
  if ((value === '0') !== expected) problems.push(`${address}: paused-replicas ${JSON.stringify(value)}, expected ${expected ? '"0"' : 'none'}`);
  return true;
}
function created(c, pattern) {
  if (!Object.entries(c).some(([a, x]) => pattern.test(a) && x.actions === 'create')) problems.push(`nothing matching ${pattern} is created`);
  return true;
}

try {
  const base = path.join(work, 'out-0');
  synth(base);
  const first = run(path.join(tfsim, 'check.sh'), ['--apply', '--keep', base, STACK], { TFSIM_BINDINGS: bindings });
  process.stdout.write(first.out);
  keptWorkspace = (/workspace kept: (.+)/.exec(first.err) ?? [])[1];
  if (first.code !== 0 || !keptWorkspace) throw new Error(`the first apply of ${STACK} failed:\n${first.out}\n${first.err}`);
  const dir = path.join(keptWorkspace, 'stacks', STACK);
  const state = path.join(keptWorkspace, 'state', `${STACK}.tfstate`);

  steps.forEach((step, i) => {
    const model = path.join(work, `out-${i}`, 'switchyard.json');
    must(run(process.execPath, ['--require', './examples/register.js', 'lib/cli/main.ts', ...step.verb, '--ledger', ledger, '--model', model], { SWITCHYARD_USER: 'ci' }), `switchyard ${step.verb.join(' ')}`);
    const out = path.join(work, `out-${i + 1}`);
    synth(out);
    const doc = JSON.parse(fs.readFileSync(path.join(out, 'stacks', STACK, 'cdk.tf.json'), 'utf8'));
    doc.terraform.backend = { local: { path: state } };
    fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(doc, null, 2));

    problems = [];
    const changes = planChanges(dir);
    step.check(changes);
    must(terraform(dir, ['apply', '-input=false', '-auto-approve', 'tfplan']), 'terraform apply');
    const replan = terraform(dir, ['plan', '-input=false', '-detailed-exitcode', '-lock=false']);
    if (replan.code !== 0) problems.push(`re-plan after apply is not clean (exit ${replan.code})`);
    const summary = Object.entries(changes).map(([a, x]) => `${x.actions} ${a.replace(/_[0-9A-F]{8}$/, "")}${x.type === "kubernetes_deployment_v1" ? ` (replicas ${x.before?.spec?.[0]?.replicas} -> ${x.after?.spec?.[0]?.replicas})` : ""}`).join(", ");
    if (problems.length) {
      failures++;
      console.log(`lifecycle: switchyard ${step.verb.join(' ')}: FAIL ${step.what}: ${problems.join('; ')} [plan: ${summary}]`);
    } else {
      console.log(`lifecycle: switchyard ${step.verb.join(' ')}: ok: ${step.what} [${summary}]`);
    }
  });
} catch (e) {
  failures++;
  console.log(`lifecycle: FAIL ${e.message}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
  if (keptWorkspace) fs.rmSync(keptWorkspace, { recursive: true, force: true });
}
process.exit(failures ? 1 : 0);
