import { findings, raw, RuleCase, runCases, tierStack } from './support';
import type { TierStack } from '../../lib';

const PROTECTED = { lifecycle: { prevent_destroy: true } };
const db = (s: TierStack, attrs: Record<string, unknown> = {}) => raw(s, 'db', 'aws_db_instance', {
  identifier: 'shop-prod-orders', engine: 'postgres', instance_class: 'db.m7g.large', storage_encrypted: true,
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
