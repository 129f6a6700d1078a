import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');

/** Runs `examples/<name>/main.ts` as `cdktf synth` does (the repository's runner), into `outdir`. */
function synthExample(name: string, outdir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', './examples/register.js', path.join('examples', name, 'main.ts')], {
      cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CDKTF_OUTDIR: outdir },
    });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`synth of examples/${name} failed (exit ${code}):\n${stderr}`))));
  });
}

/**
 * Synthesizes every example once for the whole run (many test files read them), each in its own
 * process and all at once: `exampleOutput(name)` in test/helpers.ts reads the output instead of
 * synthesizing again. Also makes the run's temporary folder, under which test/helpers.ts creates
 * the test files' folders; global-teardown.ts removes it.
 */
export default async function globalSetup(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-tests-'));
  process.env.SWITCHYARD_TEST_TMP = dir;
  process.env.SWITCHYARD_EXAMPLES_DIR = path.join(dir, 'examples');
  const examples = fs.readdirSync(path.join(root, 'examples')).filter((e) => fs.existsSync(path.join(root, 'examples', e, 'main.ts')));
  await Promise.all(examples.map((name) => synthExample(name, path.join(dir, 'examples', name, 'cdktf.out'))));
}
