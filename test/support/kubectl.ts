/**
 * The CLI's smoke check against a stand-in kubectl (fake-kubectl.sh): SWITCHYARD_KUBECTL names
 * it and KUBECONFIG points at an empty file, so the check asks it, as it would ask a cluster.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers';

/** A stand-in cluster: where its answers are set and its calls read. */
export interface FakeCluster {
  readonly dir: string;
  /** The Job `name` exists with `status`. */
  job(name: string, status: Record<string, unknown>): void;
  /** Every Job exists and succeeded (true), or only those given (false). */
  allSucceeded(on: boolean): void;
  /** The cluster cannot be reached (true) or can (false). */
  unreachable(on: boolean): void;
  /** The calls made so far, one line each: the context (or -) and the arguments. */
  calls(): string[];
}

const SCRIPT = path.join(__dirname, 'fake-kubectl.sh');

/** Points the CLI of this process (and of processes it starts) at a new stand-in cluster; `restore` undoes it. */
export function useFakeKubectl(): FakeCluster & { restore(): void } {
  const dir = tempDir('switchyard-kubectl-');
  fs.mkdirSync(path.join(dir, 'jobs'));
  fs.writeFileSync(path.join(dir, 'kubeconfig'), '');
  const saved = { SWITCHYARD_KUBECTL: process.env.SWITCHYARD_KUBECTL, KUBECONFIG: process.env.KUBECONFIG, FAKE_KUBECTL_DIR: process.env.FAKE_KUBECTL_DIR };
  Object.assign(process.env, { SWITCHYARD_KUBECTL: SCRIPT, KUBECONFIG: path.join(dir, 'kubeconfig'), FAKE_KUBECTL_DIR: dir });
  const flag = (file: string, on: boolean) => (on ? fs.writeFileSync(path.join(dir, file), '') : fs.rmSync(path.join(dir, file), { force: true }));
  return {
    dir,
    job: (name, status) => fs.writeFileSync(path.join(dir, 'jobs', `${name}.json`), JSON.stringify({ kind: 'Job', metadata: { name }, status })),
    allSucceeded: (on) => flag('all-succeeded', on),
    unreachable: (on) => flag('unreachable', on),
    calls: () => (fs.existsSync(path.join(dir, 'calls')) ? fs.readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n') : []),
    restore: () => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}
