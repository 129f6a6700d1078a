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
  workAroundFakeBase64(outdir);
  workAroundRemoteS3State(outdir);
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

/**
 * tfsim fakes computed strings as `tfsim-<attr>-<hash>`, so the EKS cluster's
 * CA (`certificate_authority[0].data`, base64 on a real cluster) is not base64
 * and `base64decode(...)` in the Kubernetes and Helm provider blocks fails at
 * plan: a false failure of the tool (see the README's contributing section).
 * In this temporary copy only, each `base64decode(X)` becomes
 * `try(base64decode(X), X)`, which still makes Terraform check X's references
 * and types. What we synthesize is unchanged.
 */
function workAroundFakeBase64(outdir) {
  const stacks = path.join(outdir, 'stacks');
  for (const name of fs.readdirSync(stacks)) {
    const file = path.join(stacks, name, 'cdk.tf.json');
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    const fixed = rewriteCalls(text, 'base64decode', (arg) => `try(base64decode(${arg}), ${arg})`);
    if (fixed !== text) fs.writeFileSync(file, fixed);
  }
}

/**
 * tfsim replaces a stack's own S3 backend with a local one, but not the S3
 * `terraform_remote_state` through which another stack of the same program
 * reads it (cdktf's cross-stack references), so those plans ask AWS for
 * credentials. In this temporary copy only, a remote state that names the S3
 * bucket and key of a stack of the same output becomes a local remote state
 * at the path tfsim uses for that stack's state.
 */
function workAroundRemoteS3State(outdir) {
  const stacks = path.join(outdir, 'stacks');
  const docs = {};
  for (const name of fs.readdirSync(stacks)) {
    const file = path.join(stacks, name, 'cdk.tf.json');
    if (fs.existsSync(file)) docs[name] = { file, doc: JSON.parse(fs.readFileSync(file, 'utf8')) };
  }
  const byKey = {};
  for (const [name, { doc }] of Object.entries(docs)) {
    const s3 = doc.terraform && doc.terraform.backend && doc.terraform.backend.s3;
    if (s3) byKey[`${s3.bucket}/${s3.key}`] = path.join(stacks, name, 'terraform.tfstate');
  }
  for (const { file, doc } of Object.values(docs)) {
    const remote = (doc.data && doc.data.terraform_remote_state) || {};
    let changed = false;
    for (const rs of Object.values(remote)) {
      const local = rs.backend === 's3' && rs.config && byKey[`${rs.config.bucket}/${rs.config.key}`];
      if (local) {
        rs.backend = 'local';
        rs.config = { path: local };
        changed = true;
      }
    }
    if (changed) fs.writeFileSync(file, JSON.stringify(doc, null, 2));
  }
}

/** Replaces every `fn(<balanced argument>)` in `text`. */
function rewriteCalls(text, fn, replace) {
  let out = '';
  let i = 0;
  for (;;) {
    const at = text.indexOf(`${fn}(`, i);
    if (at < 0) return out + text.slice(i);
    let depth = 0;
    let j = at + fn.length;
    for (; j < text.length; j++) {
      if (text[j] === '(') depth++;
      else if (text[j] === ')' && --depth === 0) break;
    }
    out += text.slice(i, at) + replace(text.slice(at + fn.length + 1, j));
    i = j + 1;
  }
}
