import { isTrue, PolicyRule, Violation, violation } from '../../rule';
import { containersOf, WORKLOAD_TYPES } from './workload';

/**
 * SY-K8S-4: no container runs privileged.
 *
 * `security_context.privileged` is not true on any container or init
 * container (missing is compliant: the default is unprivileged).
 *
 * - Checkov: CKV_K8S_16
 * - AWS FSBP: none
 * - Applies in every tier.
 */
export const k8sNotPrivileged: PolicyRule = {
  id: 'SY-K8S-4',
  title: 'Not privileged',
  resourceTypes: WORKLOAD_TYPES,
  appliesIn: 'every-tier',
  checkov: ['CKV_K8S_16'],
  fsbp: [],
  check(r) {
    const out: Violation[] = [];
    for (const c of containersOf(r)) {
      const v = c.securityContext?.privileged;
      if (isTrue(v)) out.push(violation(`${c.label} sets security_context.privileged to %v`, v, 'set privileged = false: a privileged container has every capability and the host\'s devices'));
    }
    return out;
  },
};
