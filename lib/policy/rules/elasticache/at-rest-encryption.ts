import { PolicyRule, requireTrue } from '../../rule';

/**
 * SY-CACHE-1: ElastiCache replication groups are encrypted at rest.
 *
 * `at_rest_encryption_enabled = true` on `aws_elasticache_replication_group`.
 *
 * - Checkov: CKV_AWS_29
 * - AWS FSBP: ElastiCache.4
 * - Applies in every tier.
 */
export const cacheAtRestEncryption: PolicyRule = {
  id: 'SY-CACHE-1',
  title: 'ElastiCache encrypted at rest',
  resourceTypes: ['aws_elasticache_replication_group'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_29'],
  fsbp: ['ElastiCache.4'],
  check(r) {
    return requireTrue(r.config, 'at_rest_encryption_enabled', 'set at_rest_encryption_enabled = true (it can only be set when the group is created)');
  },
};
