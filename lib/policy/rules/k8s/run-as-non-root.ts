import { isReference, isTrue, PolicyRule, Violation, violation } from '../../rule';
import { containersOf, podSecurityContext, WORKLOAD_TYPES } from './workload';

/**
 * SY-K8S-7: every container must run as a non-root user.
 *
 * `run_as_non_root = true`, in Terraform's snake_case, on the container's
 * `security_context` or, inherited, on the pod's (a container-level value
 * wins). A `run_as_user` of 0 at either level is a finding too. This is
 * what the Pod Security "restricted" profile enforces; Checkov has no such
 * check for Terraform's Kubernetes resources (CKV_K8S_23 reads only
 * Kubernetes manifests, in camelCase).
 *
 * - Checkov: CKV_K8S_23 (Kubernetes manifests only)
 * - AWS FSBP: none
 * - Applies in every tier.
 */
export const k8sRunAsNonRoot: PolicyRule = {
  id: 'SY-K8S-7',
  title: 'run_as_non_root (pod or container)',
  resourceTypes: WORKLOAD_TYPES,
  appliesIn: 'every-tier',
  checkov: ['CKV_K8S_23'],
  fsbp: [],
  check(r) {
    const pod = podSecurityContext(r);
    const out: Violation[] = [];
    for (const c of containersOf(r)) {
      const nonRoot = c.securityContext?.run_as_non_root ?? pod?.run_as_non_root;
      const user = c.securityContext?.run_as_user ?? pod?.run_as_user;
      if (user !== undefined && String(user) === '0') {
        out.push(violation(`${c.label} runs as user %v (root)`, user, 'set run_as_user to a non-zero UID (e.g. 10001) and run_as_non_root = true'));
      } else if (!isTrue(nonRoot) && !isReference(nonRoot)) {
        out.push(violation(nonRoot === undefined ? `${c.label} may run as root: run_as_non_root is set on neither the container nor the pod` : `${c.label} sets run_as_non_root to %v`, nonRoot,
          'set security_context { run_as_non_root = true } on the pod (or the container), with a non-zero run_as_user if the image has no numeric USER'));
      }
    }
    return out;
  },
};
