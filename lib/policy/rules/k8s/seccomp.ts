import { block, isReference, PolicyRule, Violation, violation } from '../../rule';
import { containersOf, podSecurityContext, WORKLOAD_TYPES } from './workload';

/** Seccomp profile types that confine a container. */
const CONFINED = ['RuntimeDefault', 'Localhost'];

/**
 * SY-K8S-8: every container runs under a seccomp profile (RuntimeDefault).
 *
 * `seccomp_profile { type = "RuntimeDefault" }` (or a `Localhost` profile),
 * in Terraform's snake_case, on the container's `security_context` or,
 * inherited, on the pod's (a container-level value wins). `Unconfined` or
 * nothing at all is a finding. Checkov checks seccomp only in Kubernetes
 * manifests (CKV_K8S_31), not on Terraform's Kubernetes resources.
 *
 * - Checkov: CKV_K8S_31 (Kubernetes manifests only)
 * - AWS FSBP: none
 * - Applies in every tier.
 */
export const k8sSeccomp: PolicyRule = {
  id: 'SY-K8S-8',
  title: 'seccomp RuntimeDefault (pod or container)',
  resourceTypes: WORKLOAD_TYPES,
  appliesIn: 'every-tier',
  checkov: ['CKV_K8S_31'],
  fsbp: [],
  check(r) {
    const podType = block(podSecurityContext(r)?.seccomp_profile)?.type;
    const out: Violation[] = [];
    for (const c of containersOf(r)) {
      const type = block(c.securityContext?.seccomp_profile)?.type ?? podType;
      if (isReference(type) || (typeof type === 'string' && CONFINED.includes(type))) continue;
      out.push(violation(type === undefined ? `${c.label} has no seccomp profile on the container or the pod` : `${c.label} runs with seccomp profile %v`, type,
        'set security_context { seccomp_profile { type = "RuntimeDefault" } } on the pod (or the container)'));
    }
    return out;
  },
};
