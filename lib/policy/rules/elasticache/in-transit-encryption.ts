import { PolicyRule, requireTrue } from '../../rule';

/**
 * SY-CACHE-2: ElastiCache replication groups encrypt traffic in transit.
 *
 * `transit_encryption_enabled = true` on `aws_elasticache_replication_group`.
 *
 * - Checkov: CKV_AWS_30
 * - AWS FSBP: ElastiCache.5
 * - Applies in every tier.
 */
export const cacheInTransitEncryption: PolicyRule = {
  id: 'SY-CACHE-2',
  title: 'ElastiCache encrypted in transit',
  resourceTypes: ['aws_elasticache_replication_group'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_30'],
  fsbp: ['ElastiCache.5'],
  check(r) {
    return requireTrue(r.config, 'transit_encryption_enabled', 'set transit_encryption_enabled = true (clients connect with TLS)');
  },
};
