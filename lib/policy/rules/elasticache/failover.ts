import { isReference, isTrue, PolicyRule, Violation, violation } from '../../rule';

/**
 * SY-CACHE-4: ElastiCache replication groups fail over across zones in highly available tiers.
 *
 * `automatic_failover_enabled = true` and `multi_az_enabled = true` on
 * `aws_elasticache_replication_group` (both need at least one replica).
 *
 * - Checkov: CKV2_AWS_50 (automatic failover)
 * - AWS FSBP: ElastiCache.3 (automatic failover)
 * - Applies in tiers with `highAvailability` (prod).
 */
export const cacheFailover: PolicyRule = {
  id: 'SY-CACHE-4',
  title: 'ElastiCache automatic failover and multi-AZ',
  resourceTypes: ['aws_elasticache_replication_group'],
  appliesIn: 'high-availability',
  checkov: ['CKV2_AWS_50'],
  fsbp: ['ElastiCache.3'],
  check(r, ctx) {
    const out: Violation[] = [];
    for (const key of ['automatic_failover_enabled', 'multi_az_enabled']) {
      const v = r.config[key];
      if (!isTrue(v) && !isReference(v)) {
        out.push(violation(v === undefined ? `${key} is not set (the default is off)` : `${key} is %v`, v,
          `set ${key} = true with at least one replica (num_cache_clusters >= 2 or replicas_per_node_group >= 1): tier "${ctx.tier.name}" is highly available`));
      }
    }
    return out;
  },
};
