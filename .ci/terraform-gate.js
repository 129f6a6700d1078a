#!/usr/bin/env node
// CI gate: Terraform itself accepts every stack of every example.
//
// Synthesizes each example (examples/<name>/main.ts) into a temporary folder
// and runs tfsim's `check.sh --apply` on it: terraform init, validate, plan,
// apply (against stand-in providers) and a re-plan that must be clean, for
// every stack, in dependency order (cdktf's), then walks a release's steps
// against Terraform state (.ci/release-lifecycle.js). Exits non-zero if any
// stack or step fails.
//
// tfsim is looked up in $TFSIM_DIR, then ../shared/tools/tfsim beside the checkout.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const candidates = [process.env.TFSIM_DIR, path.resolve(root, '..', 'shared', 'tools', 'tfsim')].filter(Boolean);
const tfsim = candidates.find((d) => fs.existsSync(path.join(d, 'check.sh')));
if (!tfsim) {
  console.error(`terraform gate: tfsim not found (looked in ${candidates.join(', ')}); set TFSIM_DIR`);
  process.exit(1);
}

const examples = fs.readdirSync(path.join(root, 'examples'))
  .filter((e) => fs.existsSync(path.join(root, 'examples', e, 'main.ts')))
  .sort();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-gate-'));
let failed = false;

for (const example of examples) {
  const outdir = path.join(work, example, 'cdktf.out');
  console.log(`== ${example}`);
  const synth = spawnSync(process.execPath, ['--require', './examples/register.js', path.join('examples', example, 'main.ts')], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CDKTF_OUTDIR: outdir },
  });
  if (synth.status !== 0) {
    console.error(`${example}: synth failed`);
    failed = true;
    continue;
  }
  // In cdktf's order (a stack after the stacks it depends on), as `cdktf deploy` would apply them.
  const check = spawnSync(path.join(tfsim, 'check.sh'), ['--apply', outdir, ...deployOrder(outdir)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TFSIM_BINDINGS: path.join(root, 'node_modules'), CHECKPOINT_DISABLE: '1' },
  });
  if (check.status !== 0) failed = true;
}
fs.rmSync(work, { recursive: true, force: true });

// A release's steps against Terraform state (see .ci/release-lifecycle.js).
console.log('== release lifecycle (shop-dev)');
const lifecycle = spawnSync(process.execPath, [path.join(__dirname, 'release-lifecycle.js'), tfsim], { cwd: root, stdio: 'inherit' });
if (lifecycle.status !== 0) failed = true;
process.exit(failed ? 1 : 0);

/**
 * The stacks of a synth in the order `cdktf deploy` applies them: each after
 * the stacks it depends on (manifest.json), ties by name.
 */
function deployOrder(outdir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const order = [];
  const visiting = new Set();
  const visit = (name) => {
    if (order.includes(name)) return;
    if (visiting.has(name)) throw new Error(`stack dependency cycle through ${name}`);
    visiting.add(name);
    for (const dep of [...(manifest.stacks[name].dependencies ?? [])].sort()) visit(dep);
    visiting.delete(name);
    order.push(name);
  };
  for (const name of Object.keys(manifest.stacks).sort()) visit(name);
  return order;
}
