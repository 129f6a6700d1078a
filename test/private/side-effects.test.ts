// Importing the library, declaring an app and synthesizing it change nothing process-wide and start
// no process: the stack-trace hook is installed by the runner only, and restored on request.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import { quietTokenTraces, restoreTokenTraces } from '../../lib/private/token-traces';

const ROOT = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const childProcess = require('child_process') as typeof import('child_process'); // the module object callers read from

test('importing the library, constructing and synthesizing an app leave Error.prepareStackTrace as it was and spawn nothing', () => {
  const before = Error.prepareStackTrace;
  const spawned: string[] = [];
  for (const fn of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
    jest.spyOn(childProcess, fn).mockImplementation(((...a: unknown[]) => {
      spawned.push(`${fn} ${String(a[0])}`);
      throw new Error(`${fn} called`);
    }) as never);
  }
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { App } = require('../../lib') as typeof import('../../lib');
    const { shop } = require('../../examples/shop/shop') as typeof import('../../examples/shop/shop');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-side-'));
    const app = new App({ outdir });
    shop(app);
    expect(Error.prepareStackTrace).toBe(before);
    app.synth();
    expect(Error.prepareStackTrace).toBe(before);
    expect(fs.existsSync(path.join(outdir, 'manifest.json'))).toBe(true);
  } finally {
    jest.restoreAllMocks();
  }
  expect(spawned).toEqual([]);
});

test('the hook formats cdktf\'s token captures (plain objects) to nothing and nothing else; restoring puts back the hook before it', () => {
  const before = Error.prepareStackTrace;
  quietTokenTraces();
  const installed = Error.prepareStackTrace;
  expect(installed).not.toBe(before);
  quietTokenTraces();
  expect(Error.prepareStackTrace).toBe(installed);
  try {
    const capture = { stack: 'unset' };
    Error.captureStackTrace(capture);
    expect(capture.stack).toBe('');
    expect(new Error('kept').stack).toMatch(/^Error: kept\n\s+at /);
    // Other captures on plain objects (console.trace's, a library's) and Errors of another realm keep theirs
    // (formatted by the hook that was there: jest's, here).
    const trace = { name: 'Trace', message: 'here' };
    Error.captureStackTrace(trace);
    expect((trace as { stack?: string }).stack).toMatch(/\n\s+at /);
    const foreign = vm.runInNewContext('(() => { try { null.x; } catch (e) { return e; } })()') as Error;
    expect(foreign.stack).toMatch(/^TypeError: Cannot read properties of null/);
  } finally {
    restoreTokenTraces();
  }
  expect(Error.prepareStackTrace).toBe(before);
});

test('the runner installs the hook: a token capture is empty under it, full without it', () => {
  const probe = 'const o = { stack: "" }; Error.captureStackTrace(o); process.stdout.write(String(o.stack.length))';
  const withRunner = spawnSync(process.execPath, ['--require', './examples/register.js', '-e', probe], { cwd: ROOT, encoding: 'utf8' });
  const without = spawnSync(process.execPath, ['-e', probe], { cwd: ROOT, encoding: 'utf8' });
  expect(withRunner.stderr).toBe('');
  expect(withRunner.stdout).toBe('0');
  expect(Number(without.stdout)).toBeGreaterThan(10);
});
