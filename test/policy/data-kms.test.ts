import { findings, raw, RuleCase, runCases, tierStack } from './support';
import type { TierStack } from '../../lib';

const PROTECTED = { lifecycle: { prevent_destroy: true } };
const db = (s: TierStack, attrs: Record<string, unknown> = {}) => raw(s, 'db', 'aws_db_instance', {
  identifier: 'shop-prod-orders', engine: 'postgres', instance_class: 'db.m7g.large', storage_encrypted: true, kms_key_id: '${aws_kms_key.key.arn}',
  skip_final_snapshot: false, final_snapshot_identifier: 'shop-prod-orders-final', ...PROTECTED, ...attrs,
});
const key = (s: TierStack, attrs: Record<string, unknown> = {}) => raw(s, 'key', 'aws_kms_key', { description: 'k', enable_key_rotation: true, ...PROTECTED, ...attrs });

const logs = (s: TierStack, attrs: Record<string, unknown> = {}) => raw(s, 'logs', 'aws_cloudwatch_log_group', { name: '/app/x', retention_in_days: 30, kms_key_id: '${aws_kms_key.key.arn}', ...attrs });

const cases: RuleCase[] = [
  { rule: 'SY-DATA-1', what: 'a database without prevent_destroy', good: (s) => db(s), bad: (s) => db(s, { lifecycle: undefined }), message: /^lifecycle.prevent_destroy is undefined on a resource that holds the database$/, address: 'aws_db_instance.db' },
  { rule: 'SY-DATA-1', what: 'a queue with prevent_destroy false', good: (s) => raw(s, 'q', 'aws_sqs_queue', { name: 'q', ...PROTECTED }), bad: (s) => raw(s, 'q', 'aws_sqs_queue', { name: 'q', lifecycle: { prevent_destroy: false } }), message: /prevent_destroy is false on a resource that holds messages not yet consumed/, address: 'aws_sqs_queue.q' },
  { rule: 'SY-DATA-2', what: 'a database that skips its final snapshot', good: (s) => db(s), bad: (s) => db(s, { skip_final_snapshot: true }), message: /^skip_final_snapshot is true$/, address: 'aws_db_instance.db' },
  { rule: 'SY-DATA-2', what: 'a database that says nothing about snapshots', good: (s) => db(s), bad: (s) => db(s, { skip_final_snapshot: undefined, final_snapshot_identifier: undefined }), message: /skip_final_snapshot is undefined \(the provider's default is true\)\nfinal_snapshot_identifier is undefined/, address: 'aws_db_instance.db' },
  {
    rule: 'SY-DATA-2', what: 'a cache without a final snapshot',
    good: (s) => raw(s, 'cache', 'aws_elasticache_replication_group', { replication_group_id: 'c', final_snapshot_identifier: 'c-final', ...PROTECTED }),
    bad: (s) => raw(s, 'cache', 'aws_elasticache_replication_group', { replication_group_id: 'c', ...PROTECTED }),
    message: /^final_snapshot_identifier is undefined$/, address: 'aws_elasticache_replication_group.cache',
  },
  { rule: 'SY-KMS-1', what: 'a key that does not rotate', tier: 'staging', good: (s) => key(s), bad: (s) => key(s, { enable_key_rotation: undefined }), message: /^enable_key_rotation is undefined$/, address: 'aws_kms_key.key' },
  { rule: 'SY-LOGS-1', what: 'a log group without a key of its own', good: (s) => logs(s), bad: (s) => logs(s, { kms_key_id: undefined }), message: /^kms_key_id is undefined$/, address: 'aws_cloudwatch_log_group.logs' },
  { rule: 'SY-LOGS-2', what: 'a log group kept forever', good: (s) => logs(s), bad: (s) => logs(s, { retention_in_days: 0 }), message: /^retention_in_days is 0, so logs are kept forever$/, address: 'aws_cloudwatch_log_group.logs' },
  { rule: 'SY-LOGS-2', what: 'a log group without retention', tier: 'dev', good: (s) => logs(s), bad: (s) => logs(s, { retention_in_days: undefined }), message: /^retention_in_days is undefined/, address: 'aws_cloudwatch_log_group.logs' },
  { rule: 'SY-LOGS-3', what: 'an audit log group kept 90 days in prod', good: (s) => logs(s, { retention_in_days: 365 }), bad: (s) => logs(s, { retention_in_days: 90 }), message: /^retention_in_days is 90, less than a year$/, address: 'aws_cloudwatch_log_group.logs' },
  {
    rule: 'SY-KMS-2', what: 'a cache encrypted with the key AWS owns',
    good: (s) => raw(s, 'cache', 'aws_elasticache_replication_group', { replication_group_id: 'c', kms_key_id: '${aws_kms_key.key.arn}', final_snapshot_identifier: 'c-final', ...PROTECTED }),
    bad: (s) => raw(s, 'cache', 'aws_elasticache_replication_group', { replication_group_id: 'c', final_snapshot_identifier: 'c-final', ...PROTECTED }),
    message: /^kms_key_id is undefined, so a key AWS owns or manages encrypts the cache's data$/, address: 'aws_elasticache_replication_group.cache',
  },
  {
    rule: 'SY-KMS-2', what: 'a secret with the AWS-managed key',
    good: (s) => raw(s, 'secret', 'aws_secretsmanager_secret', { name_prefix: 'x', kms_key_id: '${aws_kms_key.key.arn}', ...PROTECTED }),
    bad: (s) => raw(s, 'secret', 'aws_secretsmanager_secret', { name_prefix: 'x', kms_key_id: 'alias/aws/secretsmanager', ...PROTECTED }),
    message: /^kms_key_id is "alias\/aws\/secretsmanager", an AWS-managed key$/, address: 'aws_secretsmanager_secret.secret',
  },
  {
    rule: 'SY-KMS-2', what: 'a database whose master user secret has no key of its own',
    good: (s) => db(s, { kms_key_id: '${aws_kms_key.key.arn}', manage_master_user_password: true, master_user_secret_kms_key_id: '${aws_kms_key.key.arn}' }),
    bad: (s) => db(s, { kms_key_id: '${aws_kms_key.key.arn}', manage_master_user_password: true }),
    message: /^master_user_secret_kms_key_id is undefined, so a key AWS owns or manages encrypts the master user secret RDS manages$/, address: 'aws_db_instance.db',
  },
  {
    rule: 'SY-KMS-2', what: 'a topic with the AWS-managed key',
    good: (s) => raw(s, 'topic', 'aws_sns_topic', { name: 't', kms_master_key_id: '${aws_kms_key.key.arn}' }),
    bad: (s) => raw(s, 'topic', 'aws_sns_topic', { name: 't', kms_master_key_id: 'alias/aws/sns' }),
    message: /^kms_master_key_id is "alias\/aws\/sns", an AWS-managed key$/, address: 'aws_sns_topic.topic',
  },
  {
    rule: 'SY-KMS-2', what: 'a bucket encrypted with SSE-S3',
    good: (s) => raw(s, 'enc', 'aws_s3_bucket_server_side_encryption_configuration', { bucket: 'b', rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: '${aws_kms_key.key.arn}' } }] }),
    bad: (s) => raw(s, 'enc', 'aws_s3_bucket_server_side_encryption_configuration', { bucket: 'b', rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] }),
    message: /^the bucket's default encryption is "AES256", not a customer-managed KMS key$/, address: 'aws_s3_bucket_server_side_encryption_configuration.enc',
  },
];

describe('data and KMS rules', () => {
  runCases(cases);

  test('nothing-lost rules apply only in protected tiers', () => {
    const s = tierStack('staging');
    db(s, { lifecycle: undefined, skip_final_snapshot: true });
    expect(findings(s).filter((f) => f.rule.startsWith('SY-DATA'))).toEqual([]);
  });

  test('a read replica is a copy of its source: no prevent_destroy or final snapshot asked of it', () => {
    const s = tierStack('prod');
    raw(s, 'replica', 'aws_db_instance', { identifier: 'r', replicate_source_db: '${aws_db_instance.db.identifier}', instance_class: 'db.m7g.large' });
    expect(findings(s).filter((f) => f.rule.startsWith('SY-DATA'))).toEqual([]);
  });

  test('an asymmetric key cannot rotate and is not judged', () => {
    const s = tierStack('prod');
    key(s, { enable_key_rotation: undefined, customer_master_key_spec: 'RSA_2048', key_usage: 'SIGN_VERIFY' });
    expect(findings(s, 'SY-KMS-1')).toEqual([]);
  });
});
