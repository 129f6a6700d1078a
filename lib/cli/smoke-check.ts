/**
 * Whether a version passed its smoke tests in a tier: the status of its smoke
 * Job (`<service>-smoke-<slot>-<hash>`, lib/release/blue-green/smoke.ts), read
 * with kubectl from the cluster of the current (or given) context.
 *
 * With `--verify-smoke` (the generated pipelines) a Job that cannot be read is
 * a refusal; without it, a cluster that cannot be reached (no kubectl, no
 * access) is reported and the step goes on, but a Job that is missing, failed
 * or still running is a refusal. Without --context, no kubeconfig (KUBECONFIG
 * unset, no ~/.kube/config, not in a pod) counts as a cluster that cannot be
 * reached, without asking kubectl (which would try localhost:8080).
 * `SWITCHYARD_KUBECTL` names the kubectl program (default `kubectl` on the PATH).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fail } from '../private/errors';
import type { Slot } from '../release/ledger';
import { smokeJobName } from '../release/smoke-name';
import type { CliIo } from './io';

/** What is checked: the service's smoke Job of `version` in `slot`, in the app's namespace of the tier. */
export interface SmokeTarget {
  readonly service: string;
  readonly tier: string;
  readonly namespace: string;
  readonly slot: Slot;
  readonly version: string;
}

/** How the check is made. */
export interface SmokeCheckOptions {
  /** The Job must be read and must have succeeded (`--verify-smoke`). */
  readonly required: boolean;
  /**
   * The kubectl context of the tier's cluster (`--context`).
   * @default - kubectl's current context
   */
  readonly context?: string;
}

interface JobStatus {
  status?: { succeeded?: number; failed?: number; conditions?: Array<{ type?: string; status?: string; message?: string }> };
}

/** Refuses the step unless the smoke Job of the version succeeded (see the module's comment for when the cluster cannot be read). */
export function checkSmoke(io: CliIo, t: SmokeTarget, o: SmokeCheckOptions): void {
  const job = smokeJobName(t.service, t.slot, t.version);
  const where = `smoke Job ${job} in namespace ${t.namespace}${o.context ? ` (context ${o.context})` : ''}`;
  const unreachable = (why: string) => {
    if (o.required) {
      fail('--verify-smoke', `the smoke tests of ${t.service} ${t.version} in ${t.tier} cannot be checked: %v`, why,
        'give kubectl access to the tier\'s cluster (--context NAME), or leave --verify-smoke out to go on without the check');
    }
    io.err(`warning: the smoke tests of ${t.service} ${t.version} in ${t.tier} were not checked (${why}); --verify-smoke makes this a refusal`);
  };
  if (!o.context && !process.env.KUBECONFIG && !process.env.KUBERNETES_SERVICE_HOST && !fs.existsSync(path.join(os.homedir(), '.kube', 'config'))) {
    return unreachable('no kubeconfig: KUBECONFIG is unset and ~/.kube/config does not exist');
  }
  const kubectl = process.env.SWITCHYARD_KUBECTL || 'kubectl';
  const r = spawnSync(kubectl, [...(o.context ? ['--context', o.context] : []), 'get', 'job', job, '--namespace', t.namespace, '--output', 'json', '--request-timeout', '15s'], { encoding: 'utf8', timeout: 30_000, env: process.env });
  if (r.error) return unreachable(`${kubectl}: ${(r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : r.error.message}`);
  if (r.status !== 0) {
    const text = `${r.stderr}`.trim().split('\n').slice(-1)[0] ?? '';
    if (/NotFound|not found/.test(text)) {
      fail(where, `there is no %v: the version's smoke tests did not run in ${t.tier}`, job, `deploy the stage first (its smoke tests run in the deploy): the stage's deploy command, then run this again`);
    }
    return unreachable(text || `kubectl exited ${r.status}`);
  }
  let status: JobStatus['status'];
  try {
    status = (JSON.parse(r.stdout) as JobStatus).status ?? {};
  } catch {
    return unreachable('kubectl did not print a Job');
  }
  const failed = (status.failed ?? 0) > 0 || (status.conditions ?? []).some((c) => c.type === 'Failed' && c.status === 'True');
  if (failed) {
    const why = (status.conditions ?? []).find((c) => c.type === 'Failed')?.message;
    fail(where, `${t.service} ${t.version} failed its smoke tests in ${t.tier} (%v)`, why ?? 'a check failed',
      `read the checks' output (kubectl logs --namespace ${t.namespace} job/${job} --all-containers), fix the version, and stage a new one`);
  }
  if (!((status.succeeded ?? 0) > 0)) {
    fail(where, `the smoke tests of ${t.service} ${t.version} in ${t.tier} have %v`, 'not finished', 'wait until the deploy that runs them is done, then run this again');
  }
}
