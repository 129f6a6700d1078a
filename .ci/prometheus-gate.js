#!/usr/bin/env node
// CI gate: Prometheus itself accepts and evaluates the rules Switchyard generates.
//
// Synthesizes each example into a temporary folder, writes every PrometheusRule of every stack
// as a rules file (<stack>/<name>.rules.json), and runs
//   - `promtool check rules` on all of them;
//   - `promtool test rules` on each test/prometheus/*.test.yml (unit tests of the alerts: input
//     series in, alerts expected at given times), then again on rules with a threshold or a
//     duration changed, which must fail (a test that passes whatever the rules say tests nothing).
// promtool and prometheus come from Debian's `prometheus` package (.ci/run installs it).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const which = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
if (!which('promtool')) {
  console.error('prometheus gate: promtool not found; install Debian\'s prometheus package (apt-get install --no-install-recommends prometheus)');
  process.exit(1);
}
const version = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
console.log(`prometheus gate: ${version}`);

const examples = fs.readdirSync(path.join(root, 'examples')).filter((e) => fs.existsSync(path.join(root, 'examples', e, 'main.ts'))).sort();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-prom-'));
let failed = false;
const ruleFiles = [];

for (const example of examples) {
  const outdir = path.join(work, 'out', example);
  const synth = spawnSync(process.execPath, ['--require', './examples/register.js', path.join('examples', example, 'main.ts')], {
    cwd: root, encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: outdir },
  });
  if (synth.status !== 0) {
    console.error(`${example}: synth failed\n${synth.stderr}`);
    failed = true;
    continue;
  }
  const stacks = path.join(outdir, 'stacks');
  for (const stack of fs.readdirSync(stacks).sort()) {
    const config = JSON.parse(fs.readFileSync(path.join(stacks, stack, 'cdk.tf.json'), 'utf8'));
    for (const r of Object.values(config.resource?.kubernetes_manifest ?? {})) {
      if (r.manifest?.kind !== 'PrometheusRule') continue;
      const file = path.join(work, stack, `${r.manifest.metadata.name}.rules.json`);
      if (fs.existsSync(file)) throw new Error(`two PrometheusRules named ${r.manifest.metadata.name} in ${stack}`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify({ groups: r.manifest.spec.groups }, null, 2)}\n`);
      ruleFiles.push(file);
    }
  }
}

const run = (args) => spawnSync('promtool', args, { cwd: work, encoding: 'utf8' });
const tail = (r) => `${r.stdout}${r.stderr}`.trim().split('\n').slice(-12).join('\n');

if (ruleFiles.length === 0) {
  console.error('prometheus gate: no PrometheusRule found in any example');
  failed = true;
} else {
  const check = run(['check', 'rules', ...ruleFiles.map((f) => path.relative(work, f))]);
  const count = (check.stdout.match(/SUCCESS: (\d+) rules found/g) ?? []).reduce((n, l) => n + Number(/\d+/.exec(l)[0]), 0);
  console.log(`promtool check rules: ${check.status === 0 ? 'ok' : 'FAILED'} (${ruleFiles.length} files, ${count} rules)`);
  if (check.status !== 0) {
    console.error(tail(check));
    failed = true;
  }
}

// Changes to the rules each test must catch: [test file, rules file, what changes, from, to].
const MUTATIONS = [
  ['shop-prod-api.test.yml', 'shop-prod/api.rules.json', 'the error-rate threshold 5% -> 50%', '> 0.05)', '> 0.5)'],
  ['shop-prod-api.test.yml', 'shop-prod/api.rules.json', 'the latency threshold 1 s -> 5 s', '> 1) and on', '> 5) and on'],
  ['shop-prod-api.test.yml', 'shop-prod/api.rules.json', 'the fast burn factor\'s budget 0.1% -> 1%', '(14.4 * 0.001)', '(14.4 * 0.01)'],
  ['shop-prod-api.test.yml', 'shop-prod/api.rules.json', 'the slow burn factor\'s budget 0.1% -> 0.2%', '(6 * 0.001)', '(6 * 0.002)'],
  ['shop-prod-api.test.yml', 'shop-prod/api.rules.json', 'the traffic floor 0.1/s -> 0', '> 0.1"', '> 0"'],
  ['shop-prod-api.test.yml', 'shop-prod/api.rules.json', 'the error-rate alert\'s 10 minutes -> 1 minute', '"for": "10m"', '"for": "1m"'],
  ['shop-prod-api.test.yml', 'shop-prod/api.rules.json', 'the restart count 3 -> 9', '[15m]) > 3', '[15m]) > 9'],
];

const tests = fs.readdirSync(path.join(root, 'test', 'prometheus')).filter((f) => f.endsWith('.test.yml')).sort();
for (const t of tests) {
  fs.copyFileSync(path.join(root, 'test', 'prometheus', t), path.join(work, t));
  const r = run(['test', 'rules', t]);
  console.log(`promtool test rules ${t}: ${r.status === 0 ? 'ok' : 'FAILED'}`);
  if (r.status !== 0) {
    console.error(tail(r));
    failed = true;
  }
}
for (const [t, rules, what, from, to] of MUTATIONS) {
  const file = path.join(work, rules);
  const original = fs.readFileSync(file, 'utf8');
  if (!original.includes(from)) {
    console.error(`mutation "${what}": ${rules} has no "${from}" (the rules changed: update the mutation)`);
    failed = true;
    continue;
  }
  fs.writeFileSync(file, original.split(from).join(to));
  const r = run(['test', 'rules', t]);
  fs.writeFileSync(file, original);
  console.log(`promtool test rules ${t} with ${what}: ${r.status !== 0 ? 'fails, as it must' : 'PASSED (the test does not see the change)'}`);
  if (r.status === 0) failed = true;
}

fs.rmSync(work, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
