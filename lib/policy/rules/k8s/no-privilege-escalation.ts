import { isFalse, isReference, PolicyRule, Violation, violation } from '../../rule';
import { containersOf, noContext, WORKLOAD_TYPES } from './workload';

/**
 * SY-K8S-5: no container may gain privileges (`allow_privilege_escalation = false`).
 *
 * `security_context.allow_privilege_escalation` must be false on every
 * container and init container. Kubernetes defaults it to true, so a
 * container without a security context fails, where Checkov's Terraform check
 * passes it (it fails only an explicit true, and only on `kubernetes_pod`).
 *
 * - Checkov: CKV_K8S_20
 * - AWS FSBP: none
 * - Applies in every tier.
 */
export const k8sNoPrivilegeEscalation: PolicyRule = {
  id: 'SY-K8S-5',
  title: 'allow_privilege_escalation = false',
  resourceTypes: WORKLOAD_TYPES,
  appliesIn: 'every-tier',
  checkov: ['CKV_K8S_20'],
  fsbp: [],
  check(r) {
    const out: Violation[] = [];
    for (const c of containersOf(r)) {
      const v = c.securityContext?.allow_privilege_escalation;
      if (isFalse(v) || isReference(v)) continue;
      out.push(violation(v === undefined ? `${noContext(c)}may escalate privileges (allow_privilege_escalation defaults to true)` : `${c.label} sets allow_privilege_escalation to %v`, v,
        'set security_context { allow_privilege_escalation = false } on the container'));
    }
    return out;
  },
};
