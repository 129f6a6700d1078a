import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from '../lib';

/** A synthesized Terraform JSON stack. */
export type StackJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The result of a full synth. */
export interface Synth {
  readonly outdir: string;
  readonly stacks: Record<string, StackJson>;
  /** Stack name -> names of the stacks it depends on. */
  readonly dependencies: Record<string, string[]>;
}

/** Folders made by tempDir in this test file: removed when the file's tests are done. */
const made: string[] = [];
if (typeof afterAll === 'function') {
  afterAll(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * A new empty folder, removed after the test file's last test: under the run's temporary folder
 * (test/support/global-setup.ts; its teardown removes whatever is left), else the OS temp dir.
 */
export function tempDir(prefix = 'switchyard-test-'): string {
  const dir = fs.mkdtempSync(path.join(process.env.SWITCHYARD_TEST_TMP ?? os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Runs a full synth (validations included) of what `build` declares and reads every stack back. */
export function synth(build: (app: App) => void): Synth {
  const outdir = path.join(tempDir(), 'cdktf.out');
  const app = new App({ outdir });
  build(app);
  app.synth();
  return readOutput(outdir);
}

/** Reads a synthesized output folder. */
export function readOutput(outdir: string): Synth {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const stacks: Record<string, StackJson> = {};
  const dependencies: Record<string, string[]> = {};
  for (const [name, s] of Object.entries<any>(manifest.stacks)) { // eslint-disable-line @typescript-eslint/no-explicit-any
    stacks[name] = JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), 'utf8'));
    dependencies[name] = s.dependencies;
  }
  return { outdir, stacks, dependencies };
}

/** Resources of one type in a stack, by logical name. */
export function resources(stack: StackJson, type: string): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return stack.resource?.[type] ?? {};
}

/** The one resource of a type whose `metadata.name` (Kubernetes) or logical name matches. */
export function k8s(stack: StackJson, type: string, name: string): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  const found = Object.values(resources(stack, type)).filter((r: any) => r.metadata?.name === name); // eslint-disable-line @typescript-eslint/no-explicit-any
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0];
}

/** Every resource type in a stack. */
export function resourceTypes(stack: StackJson): string[] {
  return Object.keys(stack.resource ?? {});
}

/** Every manifest (kubernetes_manifest) of a kind in a stack. */
export function manifests(stack: StackJson, kind: string): any[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return Object.values(resources(stack, 'kubernetes_manifest')).filter((m: any) => m.manifest.kind === kind); // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Calls `fn` and returns the message of the error it throws (fails if it does not throw). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, but none was thrown');
}

/**
 * An example synthesized (every tier): the output of the run's global setup
 * when there is one, else a synth now.
 */
export function exampleOutput(name: string): Synth {
  const dir = process.env.SWITCHYARD_EXAMPLES_DIR;
  const outdir = dir ? path.join(dir, name, 'cdktf.out') : undefined;
  if (outdir && fs.existsSync(path.join(outdir, 'manifest.json'))) return readOutput(outdir);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EXAMPLES } = require('./examples-list') as typeof import('./examples-list');
  return synth(EXAMPLES[name]);
}
