#!/usr/bin/env node
// The package check: the packed tarball, installed and used exactly as the README says.
//
//   node .ci/package-check.js        (after `npm ci`; a step of .ci/run)
//
// 1. `npm pack` (its prepack builds lib/ afresh) into a temporary folder; the tarball's files are
//    checked: exactly what lib/ makes (each module's JavaScript and type declaration, each asset),
//    register.js, the README, docs/, LICENSE; no tests, examples, sources, source maps or caches.
// 2. A stand-in npm registry on the loopback interface serves that tarball as @switchyard-iac/cdktf and
//    every other package at the version package-lock.json pins, its bytes read from npm's cache by
//    their integrity (`npm ci` put them there). npm runs with that registry, an empty user config and a
//    cache of its own, so nothing reaches the network and versions published since cannot slip in.
// 3. In an empty project: the README's install commands, its cdktf.json and first program, its synth
//    commands, each read from the README (the blocks after `<!-- first-program: NAME -->`), so they
//    cannot drift. Then checks of what the synth wrote, of the runner's cache, of the package's
//    entry points and types, and of a first release staged with the installed `switchyard` command.
//
// The README's `npm install --save-dev cdktf-cli@0.21.0` (for deploy and diff) is not run: the synth
// does not need it, and its native module's install script would fetch a prebuilt binary.
'use strict';
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-package-check-'));
const failures = [];

function check(ok, what) {
  if (!ok) failures.push(what);
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'}  ${what}\n`);
}

/** Runs a command; its output is kept for the error. */
function run(command, args, options) {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (r.error) throw new Error(`${command} ${args.join(' ')}: ${r.error.message}`);
  return r;
}

function must(r, what) {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

// ---------------------------------------------------------------------------------------------------
// The README's first program: the fenced block after each `<!-- first-program: NAME -->`.

/** The blocks of the README marked for this check, by name. */
function firstProgram(readme) {
  const blocks = {};
  for (const m of readme.matchAll(/<!-- first-program: ([\w.-]+) -->\n```[\w-]*\n([\s\S]*?)\n```/g)) {
    if (blocks[m[1]] !== undefined) throw new Error(`README.md has two blocks first-program: ${m[1]}`);
    blocks[m[1]] = m[2];
  }
  for (const name of ['install', 'cdktf.json', 'main.ts', 'synth']) {
    if (blocks[name] === undefined) throw new Error(`README.md has no block <!-- first-program: ${name} -->`);
  }
  return blocks;
}

/** The commands of a shell block: continued lines joined, comments and blank lines left out. */
function commands(block) {
  return block.replace(/\\\n\s*/g, '').split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l && !l.startsWith('#'));
}

// ---------------------------------------------------------------------------------------------------
// The stand-in registry.

/** Where npm's cache keeps the content of an integrity (cacache's content-v2 layout). */
function cachedContent(cacheDir, integrity) {
  const sri = integrity.split(/\s+/).find((i) => i.startsWith('sha512-')) ?? integrity.split(/\s+/)[0];
  const [algo, b64] = sri.split(/-(.*)/s);
  const hex = Buffer.from(b64, 'base64').toString('hex');
  return path.join(cacheDir, '_cacache', 'content-v2', algo, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
}

const MANIFEST_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bundleDependencies', 'bin', 'engines', 'os', 'cpu', 'license', 'hasInstallScript', 'deprecated'];

/** Packuments by name: every package of the lock at its pinned version(s), and the packed tarball. */
function packuments(lock, tarball, pkg, base) {
  const byName = new Map();
  const files = new Map();
  const add = (manifest, integrity, file) => {
    const key = crypto.createHash('sha1').update(integrity).digest('hex');
    files.set(key, file);
    const doc = byName.get(manifest.name) ?? { name: manifest.name, 'dist-tags': {}, versions: {} };
    doc.versions[manifest.version] = { ...manifest, dist: { tarball: `${base}/-/tarball/${key}.tgz`, integrity } };
    const latest = doc['dist-tags'].latest;
    if (!latest || compareVersions(manifest.version, latest) > 0) doc['dist-tags'].latest = manifest.version;
    byName.set(manifest.name, doc);
  };
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (where === '' || entry.link || entry.inBundle || !entry.integrity) continue;
    const name = entry.name ?? where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const manifest = { name, version: entry.version };
    for (const f of MANIFEST_FIELDS) if (entry[f] !== undefined) manifest[f] = entry[f];
    add(manifest, entry.integrity, { integrity: entry.integrity });
  }
  const bytes = fs.readFileSync(tarball);
  const integrity = `sha512-${crypto.createHash('sha512').update(bytes).digest('base64')}`;
  const manifest = { name: pkg.name, version: pkg.version };
  for (const f of [...MANIFEST_FIELDS, 'main', 'types', 'exports']) if (pkg[f] !== undefined) manifest[f] = pkg[f];
  add(manifest, integrity, { path: tarball });
  return { byName, files };
}

/** -1, 0 or 1 for two versions (numeric parts; a pre-release before its release). */
function compareVersions(a, b) {
  const parse = (v) => { const [main, pre] = v.split('-', 2); return { nums: main.split('.').map(Number), pre }; };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return x.nums[i] < y.nums[i] ? -1 : 1;
  if (x.pre === y.pre) return 0;
  return x.pre === undefined ? 1 : y.pre === undefined ? -1 : x.pre < y.pre ? -1 : 1;
}

/** Starts the registry on 127.0.0.1; resolves to { url, close, served, missing }. */
function startRegistry(lock, tarball, pkg, cacheDir) {
  const served = new Set();
  const missing = new Set();
  let docs;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://registry');
    const m = /^\/-\/tarball\/([0-9a-f]{40})\.tgz$/.exec(url.pathname);
    if (m) {
      const file = docs.files.get(m[1]);
      const where = file && (file.path ?? cachedContent(cacheDir, file.integrity));
      if (!where || !fs.existsSync(where)) {
        missing.add(`tarball ${m[1]}`);
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      fs.createReadStream(where).pipe(res);
      return;
    }
    const name = decodeURIComponent(url.pathname.slice(1));
    const doc = docs.byName.get(name);
    if (!doc) {
      missing.add(name);
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    served.add(name);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      docs = packuments(lock, tarball, pkg, url);
      resolve({ url, served, missing, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

// ---------------------------------------------------------------------------------------------------

/** Runs `fn` in an async child of this process's loop (spawnSync would block the registry): a shell command in the project. */
function shell(command, cwd, env) {
  return new Promise((resolve, reject) => {
    const { spawn } = require('child_process');
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function main() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const program = firstProgram(readme);

  // 1. The tarball.
  const packDir = path.join(work, 'pack');
  fs.mkdirSync(packDir);
  const packed = must(run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: root }), 'npm pack');
  const report = JSON.parse(packed.stdout)[0];
  const tarball = path.join(packDir, report.filename);
  const files = report.files.map((f) => f.path).sort();
  process.stdout.write(`packed ${report.filename}: ${files.length} files, ${(report.size / 1024).toFixed(0)} kB (${elapsed()})\n`);
  check(report.name === '@switchyard-iac/cdktf', `the package is @switchyard-iac/cdktf (${report.name})`);
  for (const f of ['package.json', 'README.md', 'LICENSE', 'register.js', 'build/lib/index.js', 'build/lib/index.d.ts', 'build/lib/cli/main.js', 'docs/README.md', 'docs/RULES.md', 'docs/dora.svg']) {
    check(files.includes(f), `the tarball holds ${f}`);
  }
  // What lib/ makes: each module's JavaScript and type declaration, each other file (a program the
  // library reads at synth) as it is.
  const made = [];
  const walk = (d) => fs.readdirSync(path.join(root, d), { withFileTypes: true }).forEach((e) => {
    const f = path.join(d, e.name);
    if (e.isDirectory()) walk(f);
    else if (f.endsWith('.ts')) made.push(path.join('build', f.replace(/\.ts$/, '.js')), path.join('build', f.replace(/\.ts$/, '.d.ts')));
    else made.push(path.join('build', f));
  });
  walk('lib');
  made.sort();
  const built = files.filter((f) => f.startsWith('build/'));
  const missing = made.filter((f) => !built.includes(f));
  const extra = built.filter((f) => !made.includes(f));
  check(made.length > 100 && missing.length === 0 && extra.length === 0, `build/ is exactly what lib/ makes, built afresh: ${made.length} files, a type declaration for each module${missing.length ? `; missing ${missing.slice(0, 5).join(', ')}` : ''}${extra.length ? `; not from lib/ ${extra.slice(0, 5).join(', ')}` : ''}`);
  const stray = files.filter((f) => !f.startsWith('build/') && !/^(package\.json|README\.md|LICENSE|register\.js|docs\/[\w-]+\.(md|svg))$/.test(f));
  check(stray.length === 0, `and beside it only package.json, README.md, LICENSE, register.js and docs/: no tests, examples, sources or caches${stray.length ? ` (found ${stray.slice(0, 5).join(', ')})` : ''}`);

  // 2. The registry.
  const npmCache = must(run('npm', ['config', 'get', 'cache'], { cwd: root }), 'npm config get cache').stdout.trim();
  const registry = await startRegistry(lock, tarball, pkg, npmCache);
  try {
    // 3. The project, as the README says.
    const project = path.join(work, 'project');
    const home = path.join(work, 'home');
    fs.mkdirSync(project);
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(work, 'npmrc'), '');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && !/^(NODE_OPTIONS|CDKTF_OUTDIR)$/.test(k)));
    Object.assign(env, {
      HOME: home,
      npm_config_registry: `${registry.url}/`,
      npm_config_userconfig: path.join(work, 'npmrc'),
      npm_config_cache: path.join(work, 'npm-cache'),
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      CHECKPOINT_DISABLE: '1',
    });
    const step = async (command) => {
      const r = await shell(command, project, env);
      if (r.status !== 0) throw new Error(`\`${command}\` failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
      process.stdout.write(`ran   ${command} (${elapsed()})\n`);
      return r;
    };
    for (const c of commands(program.install)) await step(c);
    fs.writeFileSync(path.join(project, 'cdktf.json'), `${program['cdktf.json']}\n`);
    fs.writeFileSync(path.join(project, 'main.ts'), `${program['main.ts']}\n`);
    for (const c of commands(program.synth)) await step(c);

    const installed = JSON.parse(fs.readFileSync(path.join(project, 'node_modules/@switchyard-iac/cdktf/package.json'), 'utf8'));
    check(installed.version === pkg.version, `the project has @switchyard-iac/cdktf ${installed.version} from the tarball`);
    check(fs.existsSync(path.join(project, 'node_modules/esbuild/package.json')), 'its dependency esbuild came along');
    check(!fs.existsSync(path.join(project, 'node_modules/vega')), 'the optional peers (vega) did not');
    check(registry.missing.size === 0 || [...registry.missing].every((n) => /^(vega|vega-lite)$/.test(n)), `the stand-in registry had every package npm asked for${registry.missing.size ? ` (asked for ${[...registry.missing].join(', ')})` : ''}`);
    check(JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8')).scripts?.synth === JSON.parse(program['cdktf.json']).app, 'the synth script is the app command of cdktf.json');

    // What the synth wrote.
    const out = path.join(project, 'cdktf.out');
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    const stacks = Object.keys(manifest.stacks).sort();
    const expected = ['addons-dev', 'addons-prod', 'addons-staging', 'platform-prod', 'platform-staging', 'shop-dev', 'shop-prod', 'shop-staging'];
    check(JSON.stringify(stacks) === JSON.stringify(expected), `the synth wrote the stacks the README lists (${stacks.join(', ')})`);
    const stack = (name) => JSON.parse(fs.readFileSync(path.join(out, manifest.stacks[name].synthesizedStackPath), 'utf8'));
    const prod = stack('shop-prod');
    const db = prod.resource?.aws_db_instance?.orders_postgres;
    check(db?.engine === 'postgres' && db?.engine_version === '17' && db?.deletion_protection === true, 'shop-prod has the RDS database orders: PostgreSQL 17, deletion protection');
    const dev = stack('shop-dev');
    const cluster = Object.values(dev.resource?.kubernetes_manifest ?? {}).find((m) => m.manifest?.kind === 'Cluster');
    check(cluster?.manifest.metadata.name === 'orders-postgres' && !dev.resource?.aws_db_instance && Object.keys(dev.provider ?? {}).join() === 'kubernetes', 'shop-dev has orders as a CloudNativePG Cluster (orders-postgres), and no AWS');
    const services = Object.values(prod.resource?.kubernetes_service_v1 ?? {}).map((s) => s.metadata.name).sort();
    check(JSON.stringify(services) === '["api-blue","api-green"]' && !prod.resource?.kubernetes_deployment_v1, `shop-prod has api's slot Services and no Deployment before a release (${services.join(', ')})`);
    const model = JSON.parse(fs.readFileSync(path.join(out, 'switchyard.json'), 'utf8'));
    check(model.apps?.length === 1 && model.apps[0].name === 'shop', 'the delivery model has the app shop');
    const policy = JSON.parse(fs.readFileSync(path.join(out, 'policy-report.json'), 'utf8'));
    check(policy.summary.errors === 0 && policy.summary.warnings === 0, 'the policy report has no finding');
    const cache = path.join(project, 'node_modules/.cache/switchyard/ts');
    check(fs.existsSync(cache) && fs.readdirSync(cache).length === 1, 'the runner cached main.ts in the project\'s node_modules/.cache/switchyard/ts');

    // The entry points.
    const node = (code) => run(process.execPath, ['-e', code], { cwd: project, env });
    const deep = node("require('@switchyard-iac/cdktf/build/lib/app.js')");
    check(deep.status !== 0 && deep.stderr.includes('ERR_PACKAGE_PATH_NOT_EXPORTED'), 'a deep import is closed (ERR_PACKAGE_PATH_NOT_EXPORTED)');
    const open = node("const p = require('@switchyard-iac/cdktf/package.json'); const l = require('@switchyard-iac/cdktf'); if (p.name !== '@switchyard-iac/cdktf' || typeof l.BlueGreenService !== 'function') process.exit(1)");
    check(open.status === 0, 'the library and package.json load by name');
    const SUBPATHS = { model: 'MODEL_FILE', ledger: 'SLOTS', policy: 'SWITCHYARD_RULES', versions: 'POSTGRES_VERSIONS', contract: 'envVarName' };
    for (const [sub, name] of Object.entries(SUBPATHS)) {
      const r = node(`if (require('@switchyard-iac/cdktf/${sub}').${name} === undefined) process.exit(1)`);
      check(r.status === 0, `@switchyard-iac/cdktf/${sub} loads by name (${name})`);
    }
    const probe = 'const o = { stack: "" }; Error.captureStackTrace(o); process.stdout.write(String(o.stack.length))';
    const quiet = run(process.execPath, ['--require', '@switchyard-iac/cdktf/register', '-e', probe], { cwd: project, env });
    check(quiet.status === 0 && quiet.stdout === '0', `the packaged runner quiets cdktf's token traces (from build/lib; a capture of that shape has ${quiet.stdout || quiet.stderr} characters)`);

    // The types: the first program type-checks against the installed declarations (as Node resolves
    // it: exports), and a wrong prop does not.
    const tsc = (file, resolution = 'node16') => {
      fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { noEmit: true, strict: true, skipLibCheck: true, types: [], target: 'es2022', module: resolution === 'node16' ? 'node16' : 'commonjs', moduleResolution: resolution },
        files: [path.join(project, file)],
      }));
      return run(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', path.join(work, 'tsconfig.json')], { cwd: project, env });
    };
    const typed = tsc('main.ts');
    check(typed.status === 0, `the first program type-checks against the package's declarations${typed.status ? `:\n${typed.stdout}` : ''}`);
    fs.writeFileSync(path.join(project, 'wrong.ts'), program['main.ts'].replace("{ engineVersion: '17' }", '{ engineVersion: 17 }'));
    const wrong = tsc('wrong.ts');
    check(wrong.status !== 0 && /wrong\.ts\(\d+,\d+\): error TS2322/.test(wrong.stdout), 'a wrong prop (engineVersion: 17) does not');
    fs.rmSync(path.join(project, 'wrong.ts'));
    // The subpaths' types, under Node's resolution (exports) and under the older one cdktf's project
    // template gets by default (typesVersions).
    fs.writeFileSync(path.join(project, 'subpaths.ts'), [
      "import type { DeliveryModel } from '@switchyard-iac/cdktf/model';",
      "import type { LedgerData } from '@switchyard-iac/cdktf/ledger';",
      "import type { PolicyRule } from '@switchyard-iac/cdktf/policy';",
      "import { POSTGRES_VERSIONS } from '@switchyard-iac/cdktf/versions';",
      "import { envVarName } from '@switchyard-iac/cdktf/contract';",
      "export const seen: [DeliveryModel['version'], keyof LedgerData, PolicyRule['id'], string, string] = [1, 'app', 'SY-X-1', Object.keys(POSTGRES_VERSIONS)[0], envVarName('orders', 'db', 'host')];",
    ].join('\n'));
    for (const resolution of ['node16', 'node10']) {
      const sub = tsc('subpaths.ts', resolution);
      check(sub.status === 0, `a program using every subpath type-checks with moduleResolution ${resolution}${sub.status ? `:\n${sub.stdout}` : ''}`);
    }
    fs.rmSync(path.join(project, 'subpaths.ts'));

    // A first release, with the installed command.
    await step('npx switchyard stage api 1.0.0 --tier dev --by ci');
    await step('npm run synth');
    const api = Object.values(stack('shop-dev').resource?.kubernetes_deployment_v1 ?? {}).find((d) => d.metadata.name === 'api-blue');
    check(api?.spec.template.spec.container[0].image === 'ghcr.io/acme/shop-api:1.0.0', 'after `switchyard stage api 1.0.0 --tier dev`, shop-dev runs api-blue with ghcr.io/acme/shop-api:1.0.0');
    process.stdout.write(`the stand-in registry served ${registry.served.size} packages\n`);
  } finally {
    await registry.close();
  }
}

main()
  .catch((e) => {
    failures.push(e.message);
    process.stderr.write(`${e.stack}\n`);
  })
  .finally(() => {
    fs.rmSync(work, { recursive: true, force: true });
    process.stdout.write(`${failures.length === 0 ? 'package check passed' : `package check FAILED: ${failures.length} problem(s)`} in ${elapsed()}\n`);
    process.exitCode = failures.length === 0 ? 0 : 1;
  });
