#!/usr/bin/env node
// npm run bench [-- --runs N] [--cli-only]
//
// Times, through the `app` command of cdktf.json (what `npm run synth` runs), the main example's synth
// and the synth of generated apps of 1, 10 and 50 services x 3 tiers (test/support/bench-app.ts, through
// the same runner), and, as the reference, loading @cdktf/provider-aws from its package root. Also the
// main example through cdktf's CLI (`cdktf synth`, which runs the same app command; `cdktf deploy` and
// `cdktf diff` synthesize so too), and how many times the app command's time that takes.
// Every run measures each of them once, in turn (round-robin), so the machine's load hits all alike;
// one warm-up round first (not counted). Prints the median wall time and median peak memory (max RSS
// of the node processes, from test/support/bench-probe.js) of each, both also as a ratio to the
// reference's median, and whether the targets hold. Then times each command of the compiled
// `switchyard` CLI (build/lib/cli/main.js, as the package's bin runs it; built first) on the main
// example's model and ledger against `node -e 0`, with the target that every one answers under 200 ms.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const probe = path.join(__dirname, 'bench-probe.js');
const MAIN = 'examples/shop/main.ts';
const SERVICES = [1, 10, 50];
/** The targets of issue 8, and the CLI's of issue 16. */
const TARGETS = { mainTime: 0.35, mainMb: 300, scale: 5, cliMs: 200 };

function usage(problem) {
  console.error(`npm run bench: ${problem}\nusage: npm run bench [-- --runs N] [--cli-only]   (N: runs of each measurement, a whole number from 1 to 50; default 5)`);
  process.exit(2);
}

let runs = 5;
let cliOnly = false;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--cli-only') {
    cliOnly = true;
  } else if (argv[i] === '--runs') {
    const v = argv[++i];
    if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 50) usage(`--runs ${v === undefined ? '(missing)' : JSON.stringify(v)} is not valid`);
    runs = Number(v);
  } else {
    usage(`unknown argument ${JSON.stringify(argv[i])}`);
  }
}

const app = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8')).app;
if (!app.includes(MAIN)) usage(`the app command of cdktf.json (${app}) does not run ${MAIN}`);
const runner = app.replace(MAIN, '').trim();

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-'));
const cleanUp = () => fs.rmSync(work, { recursive: true, force: true });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

// cdktf's CLI from this install (no npx lookup), its telemetry off; it writes where --output says.
const cdktfCli = path.join(root, 'node_modules', '.bin', 'cdktf');
const subjects = [
  { key: 'ref', name: 'reference: `require("@cdktf/provider-aws")` (package root)', command: `node -e "require('@cdktf/provider-aws')"` },
  { key: 'main', name: `main example synth, the app command (\`${app}\`)`, command: app },
  { key: 'cli', name: 'main example synth through cdktf\'s CLI (`cdktf synth`)', command: (outdir) => `CHECKPOINT_DISABLE=1 ${cdktfCli} synth --output ${outdir}` },
  ...SERVICES.map((n) => ({ key: `s${n}`, name: `generated app, ${n} service${n === 1 ? '' : 's'} x 3 tiers`, command: `${runner} test/support/bench-app.ts ${n}` })),
];

/** Runs one subject once: wall time (ms) and peak RSS (MB) of the largest node process it started. */
function measureOnce(subject, tag) {
  const outdir = path.join(work, `${subject.key}-${tag}`, 'cdktf.out');
  const rssFile = path.join(work, `${subject.key}-${tag}.rss`);
  const command = typeof subject.command === 'function' ? subject.command(outdir) : subject.command;
  const started = process.hrtime.bigint();
  const r = spawnSync(command, {
    cwd: root,
    shell: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      CDKTF_OUTDIR: outdir,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probe}`.trim(),
      SWITCHYARD_BENCH_RSS: rssFile,
    },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${subject.name} failed (exit ${r.status}):\n${r.stderr}`);
  const rss = fs.readFileSync(rssFile, 'utf8').trim().split('\n').map(Number);
  if (subject.key !== 'ref' && !fs.existsSync(path.join(outdir, 'manifest.json'))) throw new Error(`${subject.name} wrote no ${path.join(outdir, 'manifest.json')}`);
  fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  return { ms, mb: Math.max(...rss) / 1024 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(', ');

/**
 * The compiled CLI's commands on the main example's model and ledger, each a process of its own,
 * round-robin with `node -e 0` (Node's own start, the floor of any command), after a warm-up round.
 */
function benchCli() {
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`building the CLI failed:\n${tsc.stdout}${tsc.stderr}`);
  const project = path.join(work, 'cli');
  const synth = spawnSync(app, { cwd: root, shell: true, encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: path.join(project, 'cdktf.out') } });
  if (synth.status !== 0) throw new Error(`synth for the CLI failed:\n${synth.stderr}`);
  const ledger = path.join(root, 'examples', 'shop', 'releases.json');
  const bin = path.join(root, 'build', 'lib', 'cli', 'main.js');
  let n = 0;
  const fresh = () => path.join(project, `run-${n++}`);
  const commands = [
    { name: '`node -e 0` (reference)', argv: () => ['-e', '0'], ref: true },
    { name: 'switchyard help', argv: () => [bin, 'help'] },
    { name: 'switchyard init', argv: () => [bin, 'init', '--app', 'shop', '--ledger', `${fresh()}.json`] },
    { name: 'switchyard status', argv: () => [bin, 'status'] },
    { name: 'switchyard stage (locks, writes, reads back)', argv: () => [bin, 'stage', 'api', '1.6.0', '--tier', 'dev', '--by', 'bench'], prepare: true },
    { name: 'switchyard graph', argv: () => [bin, 'graph', '--ledger', 'releases.json'] },
    { name: 'switchyard metrics', argv: () => [bin, 'metrics', '--ledger', 'releases.json', '--until', '2026-11-23T00:00:00Z'] },
    { name: 'switchyard pipeline github', argv: () => [bin, 'pipeline', 'github', '--out', fresh()] },
  ];
  const once = (c) => {
    if (c.prepare) fs.copyFileSync(ledger, path.join(project, 'releases.json'));
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, c.argv(), { cwd: project, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== 0) throw new Error(`${c.name} failed (exit ${r.status}):\n${r.stderr}`);
    return ms;
  };
  fs.copyFileSync(ledger, path.join(project, 'releases.json'));
  for (const c of commands) once(c);
  const samples = commands.map(() => []);
  for (let i = 0; i < Math.max(runs, 5); i++) commands.forEach((c, j) => samples[j].push(once(c)));
  const med = samples.map(median);
  const ref = med[commands.findIndex((c) => c.ref)];
  console.log('');
  console.log(`The compiled CLI (build/lib/cli/main.js, the package's bin), median of ${Math.max(runs, 5)} runs each, round-robin:`);
  console.log('');
  console.log('| command | wall time | vs. `node -e 0` |');
  console.log('|---|---:|---:|');
  commands.forEach((c, j) => console.log(`| ${c.name} | ${med[j].toFixed(0)} ms | ${(med[j] / ref).toFixed(2)}x |`));
  console.log('');
  const slowest = Math.max(...med.filter((_, j) => !commands[j].ref));
  console.log(`${slowest <= TARGETS.cliMs ? 'PASS' : 'FAIL'}  every command answers under ${TARGETS.cliMs} ms: the slowest took ${slowest.toFixed(0)} ms (${(slowest / ref).toFixed(2)}x node -e 0)`);
  if (slowest > TARGETS.cliMs) process.exitCode = 1;
}

try {
  if (cliOnly) {
    benchCli();
    return;
  }
  const loadBefore = load();
  const cold = {};
  for (const s of subjects) cold[s.key] = measureOnce(s, 'warmup');
  const samples = Object.fromEntries(subjects.map((s) => [s.key, []]));
  for (let i = 0; i < runs; i++) {
    for (const s of subjects) samples[s.key].push(measureOnce(s, i));
    process.stderr.write(`run ${i + 1}/${runs} done\n`);
  }
  const med = Object.fromEntries(subjects.map((s) => [s.key, {
    ms: median(samples[s.key].map((x) => x.ms)),
    mb: median(samples[s.key].map((x) => x.mb)),
  }]));
  const ref = med.ref;

  console.log(`Switchyard benchmark: median of ${runs} run${runs === 1 ? '' : 's'} each, round-robin after one warm-up round; node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), load average ${loadBefore} before, ${load()} after`);
  console.log('');
  console.log('| what | wall time | peak memory | time vs. reference | memory vs. reference |');
  console.log('|---|---:|---:|---:|---:|');
  for (const s of subjects) {
    const m = med[s.key];
    console.log(`| ${s.name} | ${(m.ms / 1000).toFixed(2)} s | ${m.mb.toFixed(0)} MB | ${(m.ms / ref.ms).toFixed(2)}x | ${(m.mb / ref.mb).toFixed(2)}x |`);
  }
  console.log('');
  console.log(`\`cdktf synth\` of the main example takes ${(med.cli.ms / med.main.ms).toFixed(2)}x the time of its app command (${(med.cli.ms / 1000).toFixed(2)} s against ${(med.main.ms / 1000).toFixed(2)} s, medians of the same run) and ${(med.cli.mb / med.main.mb).toFixed(2)}x the peak memory`);
  console.log('');
  console.log(`warm-up round (not counted; the first synth after an install also fills the runner's caches): ${subjects.map((s) => `${s.key} ${(cold[s.key].ms / 1000).toFixed(2)} s`).join(', ')}`);
  console.log('');
  const last = SERVICES[SERVICES.length - 1];
  const checks = [
    [`main example synth <= ${TARGETS.mainTime}x the reference's time`, med.main.ms / ref.ms, TARGETS.mainTime, 'x'],
    [`main example synth <= ${TARGETS.mainMb} MB peak`, med.main.mb, TARGETS.mainMb, ' MB'],
    [`${last} services x 3 tiers <= ${TARGETS.scale}x the time of 1 service`, med[`s${last}`].ms / med.s1.ms, TARGETS.scale, 'x'],
  ];
  for (const [what, value, limit, unit] of checks) {
    const shown = unit === 'x' ? value.toFixed(2) : value.toFixed(0);
    console.log(`${value <= limit ? 'PASS' : 'FAIL'}  ${what}: ${shown}${unit}`);
  }
  benchCli();
} catch (e) {
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 1;
} finally {
  cleanUp();
}
