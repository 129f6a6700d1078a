import { block, isSet, PolicyRule, Violation, violation } from '../../rule';
import { containersOf, WORKLOAD_TYPES } from './workload';

/**
 * SY-K8S-2: every container requests and limits CPU and memory.
 *
 * `resources.requests` and `resources.limits` with `cpu` and `memory` on each
 * container and init container.
 *
 * - Checkov: CKV_K8S_10 (CPU requests), CKV_K8S_11 (CPU limits), CKV_K8S_12 (memory limits), CKV_K8S_13 (memory requests)
 * - AWS FSBP: none
 * - Applies in every tier.
 */
export const k8sResources: PolicyRule = {
  id: 'SY-K8S-2',
  title: 'CPU and memory requests and limits',
  resourceTypes: WORKLOAD_TYPES,
  appliesIn: 'every-tier',
  checkov: ['CKV_K8S_10', 'CKV_K8S_11', 'CKV_K8S_12', 'CKV_K8S_13'],
  fsbp: [],
  check(r) {
    const out: Violation[] = [];
    for (const c of containersOf(r)) {
      const res = block(c.config.resources);
      const missing: string[] = [];
      for (const kind of ['requests', 'limits']) {
        const values = block(res?.[kind]);
        for (const what of ['cpu', 'memory']) if (!isSet(values?.[what])) missing.push(`${kind}.${what}`);
      }
      if (missing.length) {
        out.push(violation(`${c.label} sets no resources %v`, missing,
          'set resources { requests = { cpu, memory }, limits = { cpu, memory } } so the scheduler places it and one container cannot starve its node'));
      }
    }
    return out;
  },
};
