import { isReference, isTrue, PolicyRule, Violation, violation } from '../../rule';
import { containersOf, noContext, WORKLOAD_TYPES } from './workload';

/**
 * SY-K8S-6: every container's root filesystem is read-only.
 *
 * `security_context.read_only_root_filesystem = true` on every container and
 * init container; mount an `empty_dir` where the process must write (e.g.
 * `/tmp`). A container without a security context fails (Checkov's Terraform
 * check passes it).
 *
 * - Checkov: CKV_K8S_22
 * - AWS FSBP: none
 * - Applies in every tier.
 */
export const k8sReadOnlyRootFilesystem: PolicyRule = {
  id: 'SY-K8S-6',
  title: 'Read-only root filesystem',
  resourceTypes: WORKLOAD_TYPES,
  appliesIn: 'every-tier',
  checkov: ['CKV_K8S_22'],
  fsbp: [],
  check(r) {
    const out: Violation[] = [];
    for (const c of containersOf(r)) {
      const v = c.securityContext?.read_only_root_filesystem;
      if (isTrue(v) || isReference(v)) continue;
      out.push(violation(v === undefined ? `${noContext(c)}has a writable root filesystem (read_only_root_filesystem is not set)` : `${c.label} sets read_only_root_filesystem to %v`, v,
        'set security_context { read_only_root_filesystem = true } and mount an empty_dir volume where the process writes (e.g. /tmp)'));
    }
    return out;
  },
};
