import { isSet, PolicyRule, violation } from '../../rule';

/**
 * SY-CACHE-3: ElastiCache replication groups require clients to authenticate.
 *
 * An `auth_token` (AUTH) or `user_group_ids` (RBAC users) on
 * `aws_elasticache_replication_group`. Keep the token out of the
 * configuration: generate it in the stack's secrets store.
 *
 * - Checkov: CKV_AWS_31 (auth token together with transit encryption)
 * - AWS FSBP: ElastiCache.6 (AUTH for Redis OSS before 6.0)
 * - Applies in every tier.
 */
export const cacheAuthentication: PolicyRule = {
  id: 'SY-CACHE-3',
  title: 'ElastiCache auth token or user groups',
  resourceTypes: ['aws_elasticache_replication_group'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_31'],
  fsbp: ['ElastiCache.6'],
  check(r) {
    if (isSet(r.config.auth_token) || isSet(r.config.user_group_ids)) return [];
    return [violation('neither auth_token nor user_group_ids is set: %v accepts any client that reaches it', r.address,
      'set user_group_ids to an ElastiCache user group (RBAC), or an auth_token together with transit_encryption_enabled = true')];
  },
};
