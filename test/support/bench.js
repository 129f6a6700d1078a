#!/usr/bin/env node
// npm run bench [-- --runs N]
//
// Times the main example's synth, run exactly as `cdktf synth` runs it (the
// `app` command of cdktf.json), and, as the reference measured in the same
// run, loading @cdktf/provider-aws from its package root. Prints the median
// wall time and the median peak memory (max RSS) of each, and their ratio.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const probe = path.join(__dirname, 'bench-probe.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-'));

/** Runs `command` in a shell `runs` times; returns the wall times (ms) and peak RSS (MB) of each run. */
function measure(name, command, env = {}) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const rssFile = path.join(work, `${name}-${i}.rss`);
    const started = process.hrtime.bigint();
    const r = spawnSync(command, {
      cwd: root,
      shell: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        ...env,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probe}`.trim(),
        SWITCHYARD_BENCH_RSS: rssFile,
      },
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== 0) {
      process.stderr.write(`${name} failed (exit ${r.status}):\n${r.stderr}\n`);
      process.exit(1);
    }
    // A command may start several node processes: the peak is the largest of them.
    const rss = fs.readFileSync(rssFile, 'utf8').trim().split('\n').map(Number);
    samples.push({ ms, mb: Math.max(...rss) / 1024 });
  }
  return samples;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const app = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8')).app;
const rows = [
  ['reference: require("@cdktf/provider-aws") (package root)', measure('aws-root', `node -e "require('@cdktf/provider-aws')"`)],
  [`main example synth (${app})`, measure('shop', app, { CDKTF_OUTDIR: path.join(work, 'cdktf.out') })],
];

const ref = median(rows[0][1].map((s) => s.ms));
console.log(`Switchyard benchmark: ${runs} runs each, medians; node ${process.version}, ${os.cpus().length} CPUs`);
console.log('');
console.log('| what | wall time | peak memory | time vs. reference |');
console.log('|---|---:|---:|---:|');
for (const [name, samples] of rows) {
  const ms = median(samples.map((s) => s.ms));
  const mb = median(samples.map((s) => s.mb));
  console.log(`| ${name} | ${(ms / 1000).toFixed(2)} s | ${mb.toFixed(0)} MB | ${(ms / ref).toFixed(2)}x |`);
}
fs.rmSync(work, { recursive: true, force: true });
