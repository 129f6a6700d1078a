/**
 * The package as users install it: its name, entry points (`exports`), files, and the TypeScript
 * runner it ships (`@switchyard-iac/cdktf/register`, register.js). `.ci/package-check.js` installs
 * the packed tarball itself, as the README says.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './helpers';

const ROOT = path.join(__dirname, '..');
const REGISTER = path.join(ROOT, 'register.js');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const cdktfJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));

/** Runs `node --require register.js main.ts` in `cwd`. */
function runTs(cwd: string, file = 'main.ts') {
  return spawnSync(process.execPath, ['--require', REGISTER, file], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
}

/**
 * The cache entries of the runner's own TypeScript, after a run of no program in `cwd` (none from the
 * package; lib/private/token-traces.ts in this checkout), in the cache of the project `dir`.
 */
function runnerOwn(dir: string, cwd = dir): string[] {
  const r = spawnSync(process.execPath, ['--require', REGISTER, '-e', '0'], { cwd, encoding: 'utf8' });
  expect(r.status).toBe(0);
  return filesUnder(path.join(dir, 'node_modules', '.cache', 'switchyard', 'ts'));
}

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

/** A project folder with a two-file TypeScript program, and node_modules when asked. */
function project(withNodeModules: boolean): string {
  const dir = tempDir('switchyard-register-');
  if (withNodeModules) fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.writeFileSync(path.join(dir, 'twice.ts'), 'export function twice(n: number): number {\n  return 2 * n;\n}\n');
  fs.writeFileSync(path.join(dir, 'main.ts'), [
    "import { twice } from './twice';",
    'interface Shape { readonly side: number }',
    'const square: Shape = { side: 21 };',
    'console.log(`answer ${twice(square.side)}`);',
    '',
  ].join('\n'));
  return dir;
}

describe('the package', () => {
  test('is @switchyard-iac/cdktf, with the command switchyard and an Apache-2.0 LICENSE', () => {
    expect(pkg.name).toBe('@switchyard-iac/cdktf');
    expect(pkg.bin).toEqual({ switchyard: 'build/lib/cli/main.js' });
    expect(pkg.license).toBe('Apache-2.0');
    const license = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(license).toContain('\n   Copyright 2026 The Switchyard Authors\n');
  });

  test('exports the library, its subpaths, the runner and package.json, and nothing else', () => {
    const entry = (file: string) => ({ types: `./build/lib/${file}.d.ts`, default: `./build/lib/${file}.js` });
    expect(pkg.exports).toEqual({
      '.': entry('index'),
      ...Object.fromEntries(['model', 'ledger', 'policy', 'versions', 'contract'].map((e) => [`./${e}`, entry(`exports/${e}`)])),
      './register': './register.js',
      './package.json': './package.json',
    });
    expect([pkg.main, pkg.types]).toEqual(['build/lib/index.js', 'build/lib/index.d.ts']);
    expect(pkg.files).toContain('register.js');
  });

  test('the runner needs esbuild at run time: a dependency, not a dev dependency', () => {
    expect(pkg.dependencies).toEqual({ esbuild: expect.stringMatching(/^\^0\.\d+\.\d+$/) });
    expect(pkg.devDependencies.esbuild).toBeUndefined();
  });

  test('the repository runs its examples with the command users write: `node --require @switchyard-iac/cdktf/register`', () => {
    expect(cdktfJson.app).toBe('node --require @switchyard-iac/cdktf/register examples/shop/main.ts');
    for (const team of ['platform-team', 'app-team']) {
      expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', team, 'cdktf.json'), 'utf8')).app).toBe('node --require @switchyard-iac/cdktf/register main.ts');
    }
    // From the repository root and from an example's folder, the name resolves to this checkout's
    // register.js (Node resolves a package's own name through its exports); deep paths are closed.
    for (const cwd of [ROOT, path.join(ROOT, 'examples', 'app-team')]) {
      const r = spawnSync(process.execPath, ['-p', "require.resolve('@switchyard-iac/cdktf/register')"], { cwd, encoding: 'utf8' });
      expect([r.status, r.stdout.trim()]).toEqual([0, REGISTER]);
    }
    // `npm run synth` is that same app command, run directly: cdktf's CLI is for deploy and diff.
    expect(pkg.scripts.synth).toBe(cdktfJson.app);
    const deep = spawnSync(process.execPath, ['-e', "require('@switchyard-iac/cdktf/build/lib/app.js')"], { cwd: ROOT, encoding: 'utf8' });
    expect([deep.status, /ERR_PACKAGE_PATH_NOT_EXPORTED/.test(deep.stderr)]).toEqual([1, true]);
  });
});

describe('the runner, @switchyard-iac/cdktf/register', () => {
  test('runs TypeScript, keeping each file in the project\'s node_modules/.cache/switchyard/ts, and reads it from there next time', () => {
    const dir = project(true);
    const cache = path.join(dir, 'node_modules', '.cache', 'switchyard', 'ts');
    // In this checkout the runner loads the token-trace hook from lib/'s TypeScript too: cached first.
    const own = runnerOwn(dir);
    expect(own).toHaveLength(1);
    const first = runTs(dir);
    expect([first.status, first.stdout, first.stderr]).toEqual([0, 'answer 42\n', '']);
    const entries = filesUnder(cache).filter((f) => !own.includes(f));
    expect(entries).toHaveLength(2);
    expect(entries.every((f) => /^[0-9a-f]{40}\.js$/.test(f))).toBe(true);

    // The next run takes the cached output: a mark added at the end of each file shows up (twice.ts's
    // when main.ts imports it, main.ts's after its own line).
    for (const f of entries) fs.appendFileSync(path.join(cache, f), '\nconsole.log("cached");\n');
    expect(runTs(dir).stdout).toBe('cached\nanswer 42\ncached\n');

    // A changed file is transpiled again (a new entry); the unchanged one still comes from the cache.
    fs.writeFileSync(path.join(dir, 'twice.ts'), 'export function twice(n: number): number {\n  return n + n + 1;\n}\n');
    expect(runTs(dir).stdout).toBe('answer 43\ncached\n');
    expect(filesUnder(cache)).toHaveLength(own.length + 3);
  });

  test('from a subfolder, the cache is the one of the nearest folder up with node_modules', () => {
    const dir = project(true);
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.renameSync(path.join(dir, 'main.ts'), path.join(dir, 'sub', 'main.ts'));
    fs.writeFileSync(path.join(dir, 'sub', 'main.ts'), fs.readFileSync(path.join(dir, 'sub', 'main.ts'), 'utf8').replace("'./twice'", "'../twice'"));
    const own = runnerOwn(dir, path.join(dir, 'sub'));
    expect(runTs(path.join(dir, 'sub')).stdout).toBe('answer 42\n');
    expect(filesUnder(path.join(dir, 'node_modules', '.cache', 'switchyard', 'ts'))).toHaveLength(own.length + 2);
    expect(fs.existsSync(path.join(dir, 'sub', 'node_modules'))).toBe(false);
  });

  test('where the cache cannot be written (read-only), the program runs all the same and nothing is left behind', () => {
    // A file where the cache's folder would be: every write fails, as on a read-only checkout (even as root).
    const dir = project(true);
    fs.writeFileSync(path.join(dir, 'node_modules', '.cache'), 'not a folder');
    const r = runTs(dir);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, 'answer 42\n', '']);
    expect(filesUnder(dir)).toEqual(['main.ts', 'node_modules/.cache', 'twice.ts']);
    expect(fs.readFileSync(path.join(dir, 'node_modules', '.cache'), 'utf8')).toBe('not a folder');
  });

  test('a failing program reports its error, with the TypeScript file named', () => {
    const dir = project(true);
    fs.writeFileSync(path.join(dir, 'main.ts'), 'const n: number = 1;\nthrow new Error(`bad input ${n}`);\n');
    const r = runTs(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Error: bad input 1');
    expect(r.stderr).toContain(path.join(dir, 'main.ts'));
  });
});
