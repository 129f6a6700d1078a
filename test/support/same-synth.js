#!/usr/bin/env node
// Checks that a change leaves the synthesized output of every example byte for byte as it was.
//
//   node test/support/same-synth.js save DIR      # before the change: synthesize every example into DIR
//   node test/support/same-synth.js check DIR     # after it: synthesize again, compare every file with DIR
//
// Each example (examples/<name>/main.ts) runs from the repository root through the runner of the
// `app` command of cdktf.json (that command with the main example's path replaced), or through
// `--runner "<command>"`, with CDKTF_OUTDIR set.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const [verb, dir] = process.argv.slice(2);
const runnerAt = process.argv.indexOf('--runner');
if (!['save', 'check'].includes(verb) || !dir || (runnerAt > 0 && !process.argv[runnerAt + 1])) {
  console.error('usage: node test/support/same-synth.js save|check DIR [--runner "<command>"]');
  process.exit(2);
}
const MAIN = 'examples/shop/main.ts';
const app = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8')).app;
const runner = runnerAt > 0 ? process.argv[runnerAt + 1] : app.replace(MAIN, '').trim();
const examples = fs.readdirSync(path.join(root, 'examples')).filter((e) => fs.existsSync(path.join(root, 'examples', e, 'main.ts'))).sort();

function synthAll(into) {
  for (const e of examples) {
    const r = spawnSync(`${runner} examples/${e}/main.ts`, {
      cwd: root, shell: true, encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: path.join(into, e) },
    });
    if (r.status !== 0) throw new Error(`${e}: synth failed (exit ${r.status}):\n${r.stderr}`);
  }
}

/** Every file under `d`, relative, sorted. */
function files(d, rel = '') {
  return fs.readdirSync(path.join(d, rel), { withFileTypes: true })
    .flatMap((f) => (f.isDirectory() ? files(d, path.join(rel, f.name)) : [path.join(rel, f.name)]))
    .sort();
}

if (verb === 'save') {
  fs.rmSync(dir, { recursive: true, force: true });
  synthAll(dir);
  console.log(`saved ${files(dir).length} files of ${examples.length} examples (runner: ${runner}) in ${dir}`);
} else {
  // A sibling of DIR: the local state paths in the stacks are relative to the output folder.
  const now = `${path.resolve(dir)}.check`;
  fs.rmSync(now, { recursive: true, force: true });
  try {
    synthAll(now);
    const [a, b] = [files(dir), files(now)];
    const differ = [...new Set([...a, ...b])].sort().filter((f) => !a.includes(f) || !b.includes(f)
      || !fs.readFileSync(path.join(dir, f)).equals(fs.readFileSync(path.join(now, f))));
    if (differ.length) {
      console.error(`DIFFERENT (runner: ${runner}): ${differ.join(', ')}\n(compare with: diff -r ${dir} ${now})`);
      process.exitCode = 1;
    } else {
      console.log(`same: ${a.length} files of ${examples.length} examples byte for byte (runner: ${runner})`);
    }
  } finally {
    if (!process.exitCode) fs.rmSync(now, { recursive: true, force: true });
  }
}
