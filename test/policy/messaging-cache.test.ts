import { findings, raw, RuleCase, runCases, tierStack } from './support';
import type { TierStack } from '../../lib';

const queue = (s: TierStack, id: string, attrs: Record<string, unknown> = {}) =>
  raw(s, id, 'aws_sqs_queue', { name: id, sqs_managed_sse_enabled: true, ...attrs });

/** A work queue and its dead-letter queue. */
function queues(s: TierStack, work: Record<string, unknown> = {}): void {
  queue(s, 'orders_dlq', { message_retention_seconds: 1209600 });
  queue(s, 'orders', { redrive_policy: '${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.orders_dlq.arn, "maxReceiveCount" = 5})}', ...work });
}

const group = (s: TierStack, attrs: Record<string, unknown> = {}) => raw(s, 'cache', 'aws_elasticache_replication_group', {
  replication_group_id: 'shop-cache', description: 'cache', engine: 'valkey', node_type: 'cache.t4g.small', num_cache_clusters: 2,
  at_rest_encryption_enabled: true, transit_encryption_enabled: true, user_group_ids: ['${aws_elasticache_user_group.app.id}'],
  automatic_failover_enabled: true, multi_az_enabled: true, ...attrs,
});

const cases: RuleCase[] = [
  { rule: 'SY-SQS-1', what: 'queue without encryption', good: (s) => queues(s), bad: (s) => queues(s, { sqs_managed_sse_enabled: false }), message: /sqs_managed_sse_enabled is false and no kms_master_key_id is set/, address: 'aws_sqs_queue.orders' },
  { rule: 'SY-SQS-1', what: 'queue that says nothing about encryption', good: (s) => queues(s, { sqs_managed_sse_enabled: undefined, kms_master_key_id: 'alias/shop' }), bad: (s) => queues(s, { sqs_managed_sse_enabled: undefined }), message: /neither sqs_managed_sse_enabled nor kms_master_key_id is set/, address: 'aws_sqs_queue.orders' },
  { rule: 'SY-SQS-2', what: 'consumer queue without a dead-letter queue', good: (s) => queues(s), bad: (s) => queue(s, 'orders'), message: /^redrive_policy is not set, and no queue of this stack uses this one as its dead-letter queue$/, address: 'aws_sqs_queue.orders' },
  {
    rule: 'SY-SQS-2', what: 'redrive set by aws_sqs_queue_redrive_policy for another queue only',
    good: (s) => { queue(s, 'dlq'); queue(s, 'work'); raw(s, 'work_redrive', 'aws_sqs_queue_redrive_policy', { queue_url: '${aws_sqs_queue.work.id}', redrive_policy: '{"deadLetterTargetArn":"${aws_sqs_queue.dlq.arn}","maxReceiveCount":5}' }); },
    bad: (s) => { queue(s, 'dlq'); queue(s, 'work'); queue(s, 'other'); raw(s, 'work_redrive', 'aws_sqs_queue_redrive_policy', { queue_url: '${aws_sqs_queue.work.id}', redrive_policy: '{"deadLetterTargetArn":"${aws_sqs_queue.dlq.arn}","maxReceiveCount":5}' }); },
    message: /redrive_policy is not set/, address: 'aws_sqs_queue.other',
  },
  { rule: 'SY-SNS-1', what: 'topic without KMS', good: (s) => raw(s, 'events', 'aws_sns_topic', { name: 'events', kms_master_key_id: 'alias/aws/sns' }), bad: (s) => raw(s, 'events', 'aws_sns_topic', { name: 'events' }), message: /kms_master_key_id is undefined/, address: 'aws_sns_topic.events' },
  {
    rule: 'SY-SNS-2', what: 'a subscription without a dead-letter queue',
    good: (s) => { queues(s); raw(s, 'sub', 'aws_sns_topic_subscription', { topic_arn: '${aws_sns_topic.events.arn}', protocol: 'https', endpoint: 'https://hooks.example.com/x', redrive_policy: '{"deadLetterTargetArn":"${aws_sqs_queue.orders_dlq.arn}"}' }); },
    bad: (s) => raw(s, 'sub', 'aws_sns_topic_subscription', { topic_arn: '${aws_sns_topic.events.arn}', protocol: 'https', endpoint: 'https://hooks.example.com/x' }),
    message: /^the https subscription has no redrive_policy$/, address: 'aws_sns_topic_subscription.sub',
  },
  { rule: 'SY-CACHE-1', what: 'not encrypted at rest', good: (s) => group(s), bad: (s) => group(s, { at_rest_encryption_enabled: false }), message: /at_rest_encryption_enabled is false/, address: 'aws_elasticache_replication_group.cache' },
  { rule: 'SY-CACHE-2', what: 'not encrypted in transit', good: (s) => group(s), bad: (s) => group(s, { transit_encryption_enabled: undefined }), message: /transit_encryption_enabled is not set/, address: 'aws_elasticache_replication_group.cache' },
  { rule: 'SY-CACHE-3', what: 'no auth token or user group', good: (s) => group(s, { user_group_ids: undefined, auth_token: '${random_password.cache.result}' }), bad: (s) => group(s, { user_group_ids: [] }), message: /neither auth_token nor user_group_ids is set/, address: 'aws_elasticache_replication_group.cache' },
  { rule: 'SY-CACHE-4', what: 'no failover or multi-AZ in prod', good: (s) => group(s), bad: (s) => group(s, { automatic_failover_enabled: false, multi_az_enabled: undefined }), message: /automatic_failover_enabled is false\nmulti_az_enabled is not set/, address: 'aws_elasticache_replication_group.cache' },
];

describe('SQS, SNS and ElastiCache rules', () => {
  runCases(cases);

  test('a queue marked as a dead-letter queue by its redrive allow policy needs no DLQ of its own', () => {
    const s = tierStack('staging');
    queue(s, 'shared_dlq', { redrive_allow_policy: '{"redrivePermission":"allowAll"}' });
    expect(findings(s, 'SY-SQS-2')).toEqual([]);
  });

  test('the dead-letter queue of an SNS subscription is a dead-letter queue', () => {
    const s = tierStack('staging');
    queue(s, 'undelivered');
    raw(s, 'sub', 'aws_sns_topic_subscription', { protocol: 'email', endpoint: 'oncall@example.com', redrive_policy: '{"deadLetterTargetArn":"${aws_sqs_queue.undelivered.arn}"}' });
    expect(findings(s, 'SY-SQS-2')).toEqual([]);
  });

  test('a redrive allow policy that denies every source does not make a queue a dead-letter queue', () => {
    const s = tierStack('staging');
    queue(s, 'orders', { redrive_allow_policy: '{"redrivePermission":"denyAll"}' });
    expect(findings(s, 'SY-SQS-2').map((f) => f.address)).toEqual(['aws_sqs_queue.orders']);
  });

  test('failover and multi-AZ are asked for only in highly available tiers', () => {
    const s = tierStack('staging');
    group(s, { automatic_failover_enabled: false, multi_az_enabled: false, num_cache_clusters: 1 });
    expect(findings(s)).toEqual([]);
  });
});
