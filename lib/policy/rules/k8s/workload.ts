/**
 * Pod templates of the Kubernetes provider's workload resources, as the
 * container rules see them (not a rule). Workloads written as
 * `kubernetes_manifest` (custom resources, or a Deployment given as a raw
 * manifest) and Helm releases are not inspected: their pods are the chart's
 * or operator's business and are checked, if at all, in the cluster.
 */
import { block, blocks, PolicyResource } from '../../rule';

/** Where the pod spec sits, by resource type. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  kubernetes_deployment_v1: ['spec', 'template', 'spec'],
  kubernetes_deployment: ['spec', 'template', 'spec'],
  kubernetes_stateful_set_v1: ['spec', 'template', 'spec'],
  kubernetes_stateful_set: ['spec', 'template', 'spec'],
  kubernetes_daemon_set_v1: ['spec', 'template', 'spec'],
  kubernetes_daemonset: ['spec', 'template', 'spec'],
  kubernetes_replication_controller_v1: ['spec', 'template', 'spec'],
  kubernetes_replication_controller: ['spec', 'template', 'spec'],
  kubernetes_job_v1: ['spec', 'template', 'spec'],
  kubernetes_job: ['spec', 'template', 'spec'],
  kubernetes_cron_job_v1: ['spec', 'job_template', 'spec', 'template', 'spec'],
  kubernetes_cron_job: ['spec', 'job_template', 'spec', 'template', 'spec'],
  kubernetes_pod_v1: ['spec'],
  kubernetes_pod: ['spec'],
};

/** Resource types whose pods the container rules check. */
export const WORKLOAD_TYPES: readonly string[] = Object.keys(POD_SPEC_PATHS);

/** Workloads that run to completion (no probes). */
export const BATCH_TYPES: readonly string[] = ['kubernetes_job_v1', 'kubernetes_job', 'kubernetes_cron_job_v1', 'kubernetes_cron_job'];

/** One container of a pod template. */
export interface Container {
  /** `container` or `init container`. */
  readonly kind: 'container' | 'init container';
  readonly name: string;
  readonly config: Record<string, unknown>;
  /** Its `security_context` block, if any. */
  readonly securityContext?: Record<string, unknown>;
  /** How findings name it: `container "app"`. */
  readonly label: string;
}

/** The pod spec of a workload (undefined when it has none). */
export function podSpec(r: PolicyResource): Record<string, unknown> | undefined {
  const path = POD_SPEC_PATHS[r.type];
  if (!path) return undefined;
  let cur: Record<string, unknown> | undefined = r.config as Record<string, unknown>;
  for (const key of path) cur = cur ? block(cur[key]) : undefined;
  return cur;
}

/** The pod-level `security_context`. */
export function podSecurityContext(r: PolicyResource): Record<string, unknown> | undefined {
  return block(podSpec(r)?.security_context);
}

/** The containers (and, with `init`, the init containers) of a workload's pod template. */
export function containersOf(r: PolicyResource, init = true): Container[] {
  const spec = podSpec(r);
  if (!spec) return [];
  const list = (key: string, kind: Container['kind']): Container[] => blocks(spec[key]).map((c, i) => {
    const name = typeof c.name === 'string' ? c.name : `#${i}`;
    return { kind, name, config: c, securityContext: block(c.security_context), label: `${kind} "${name}"` };
  });
  return [...(init ? list('init_container', 'init container') : []), ...list('container', 'container')];
}

/** `container "app" has no security_context, so ` when it has none: the start of a message about a default. */
export function noContext(c: Container): string {
  return c.securityContext ? `${c.label} ` : `${c.label} has no security_context, so it `;
}
