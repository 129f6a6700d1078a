import { block, blocks, isTrue, PolicyRule, Violation, violation } from '../../rule';
import { podSpec, WORKLOAD_TYPES } from './workload';

/**
 * SY-K8S-12: pods share nothing with their node: no host network, PID or
 * IPC namespace, no host path volume.
 *
 * `host_network`, `host_pid` and `host_ipc` are not true on the pod spec,
 * and no `volume` has a `host_path`. A pod with any of them sees or reaches
 * the node beyond what its container boundary allows (every process, the
 * node's interfaces, its files).
 *
 * - Checkov: CKV_K8S_17 (host PID), CKV_K8S_18 (host IPC), CKV_K8S_19 (host network)
 * - AWS FSBP: none
 * - Applies in every tier.
 */
export const k8sNoHostAccess: PolicyRule = {
  id: 'SY-K8S-12',
  title: 'No host namespaces or host paths',
  resourceTypes: WORKLOAD_TYPES,
  appliesIn: 'every-tier',
  checkov: ['CKV_K8S_17', 'CKV_K8S_18', 'CKV_K8S_19'],
  fsbp: [],
  check(r) {
    const spec = podSpec(r);
    if (!spec) return [];
    const out: Violation[] = [];
    for (const key of ['host_network', 'host_pid', 'host_ipc']) {
      if (isTrue(spec[key])) out.push(violation(`the pod sets ${key} to %v`, spec[key], `leave ${key} unset (false): the pod would share the node's ${key.slice(5).toUpperCase()} namespace`));
    }
    for (const v of blocks(spec.volume)) {
      const hostPath = block(v.host_path);
      if (hostPath) {
        out.push(violation(`volume "${String(v.name)}" mounts the node's path %v`, hostPath.path,
          'use an emptyDir, a ConfigMap, a Secret or a persistent volume claim instead of a host path'));
      }
    }
    return out;
  },
};
