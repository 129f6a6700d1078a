import { block, PolicyRule, strings, Violation, violation } from '../../rule';
import { containersOf, noContext, WORKLOAD_TYPES } from './workload';

/** The one capability a container may add back (binding ports below 1024). */
const ALLOWED_ADD = ['NET_BIND_SERVICE'];

/**
 * SY-K8S-9: every container drops ALL capabilities (and adds back at most NET_BIND_SERVICE).
 *
 * `security_context.capabilities.drop` contains `ALL` on every container and
 * init container; `add` holds nothing but `NET_BIND_SERVICE`. A container
 * without a security context keeps the runtime's default capabilities and
 * fails.
 *
 * - Checkov: CKV_K8S_28 (NET_RAW dropped), CKV_K8S_37 (capabilities minimised)
 * - AWS FSBP: none
 * - Applies in every tier.
 */
export const k8sDropCapabilities: PolicyRule = {
  id: 'SY-K8S-9',
  title: 'Drop ALL capabilities',
  resourceTypes: WORKLOAD_TYPES,
  appliesIn: 'every-tier',
  checkov: ['CKV_K8S_28', 'CKV_K8S_37'],
  fsbp: [],
  check(r) {
    const out: Violation[] = [];
    for (const c of containersOf(r)) {
      const caps = block(c.securityContext?.capabilities);
      const drop = strings(caps?.drop).map((d) => d.toUpperCase());
      const added = strings(caps?.add).filter((a) => !ALLOWED_ADD.includes(a.toUpperCase()));
      if (!drop.includes('ALL')) {
        out.push(violation(caps ? `${c.label} drops only %v` : `${noContext(c)}keeps the runtime's default capabilities`, caps ? drop : undefined,
          'set security_context { capabilities { drop = ["ALL"] } } (add back NET_BIND_SERVICE only if it binds a port below 1024)'));
      }
      if (added.length) {
        out.push(violation(`${c.label} adds capabilities %v`, added, 'remove them from capabilities.add: only NET_BIND_SERVICE may be added back'));
      }
    }
    return out;
  },
};
