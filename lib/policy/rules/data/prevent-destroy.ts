import { isTrue, PolicyRule, violation } from '../../rule';
import { STATEFUL_TYPES } from './stateful';

/**
 * SY-DATA-1: stateful resources keep `prevent_destroy` in protected tiers.
 *
 * `lifecycle { prevent_destroy = true }` on every resource that holds data
 * (databases, Aurora clusters and instances, queues, caches, KMS keys,
 * buckets, secrets, EKS clusters, DynamoDB tables, EFS file systems), so a
 * plan that would destroy one (a rename, a refactor, a forced replacement, a
 * `cdktf destroy`) fails instead of losing it. Switchyard's constructs set it
 * where the tier has `deletionProtection`; this rule keeps an escape hatch or
 * a construct of your own from dropping it. A read replica (`replicate_source_db`)
 * holds a copy of its source and is not judged.
 *
 * Checkov and FSBP do not look at Terraform's lifecycle.
 *
 * - Checkov: none
 * - AWS FSBP: none
 * - Applies in tiers with `deletionProtection` (prod).
 */
export const dataPreventDestroy: PolicyRule = {
  id: 'SY-DATA-1',
  title: 'Stateful resources keep prevent_destroy',
  resourceTypes: Object.keys(STATEFUL_TYPES),
  appliesIn: 'deletion-protection',
  checkov: [],
  fsbp: [],
  check(r, ctx) {
    if (r.config.replicate_source_db !== undefined) return [];
    const lifecycle = r.config.lifecycle as Record<string, unknown> | undefined;
    const value = lifecycle?.prevent_destroy;
    if (isTrue(value)) return [];
    return [violation(`lifecycle.prevent_destroy is %v on a resource that holds ${STATEFUL_TYPES[r.type]}`, value,
      `set lifecycle { prevent_destroy = true }: tier "${ctx.tier.name}" protects its data, and Terraform then refuses a plan that would destroy it`)];
  },
};
