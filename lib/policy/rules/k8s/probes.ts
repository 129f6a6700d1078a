import { isSet, PolicyRule, Violation, violation } from '../../rule';
import { BATCH_TYPES, containersOf, WORKLOAD_TYPES } from './workload';

/**
 * SY-K8S-1: every long-running container has a liveness and a readiness probe.
 *
 * `liveness_probe` and `readiness_probe` on each container (not init
 * containers) of Deployments, StatefulSets, DaemonSets, ReplicationControllers
 * and Pods. Jobs and CronJobs run to completion and are not judged.
 *
 * - Checkov: CKV_K8S_8 (liveness), CKV_K8S_9 (readiness); for Terraform, Checkov checks `kubernetes_pod` only, and only its first container
 * - AWS FSBP: none
 * - Applies in every tier.
 */
export const k8sProbes: PolicyRule = {
  id: 'SY-K8S-1',
  title: 'Liveness and readiness probes',
  resourceTypes: WORKLOAD_TYPES.filter((t) => !BATCH_TYPES.includes(t)),
  appliesIn: 'every-tier',
  checkov: ['CKV_K8S_8', 'CKV_K8S_9'],
  fsbp: [],
  check(r) {
    const out: Violation[] = [];
    for (const c of containersOf(r, false)) {
      const missing = ['liveness_probe', 'readiness_probe'].filter((p) => !isSet(c.config[p]));
      if (missing.length) {
        out.push(violation(`${c.label} has no %v`, missing.join(' and '),
          `add ${missing.join(' and ')} (http_get on a health path, or tcp_socket on the serving port) so Kubernetes restarts a hung container and sends traffic only to a ready one`));
      }
    }
    return out;
  },
};
