import { isReference, isSet, isTrue, PolicyRule, violation } from '../../rule';

/**
 * SY-SQS-1: SQS queues are encrypted at rest.
 *
 * `sqs_managed_sse_enabled = true` (SSE-SQS) or a `kms_master_key_id`
 * (SSE-KMS) on `aws_sqs_queue`. Missing both is a finding: say which
 * encryption the queue uses rather than rely on the account's current default.
 *
 * - Checkov: CKV_AWS_27
 * - AWS FSBP: SQS.1
 * - Applies in every tier.
 */
export const sqsEncrypted: PolicyRule = {
  id: 'SY-SQS-1',
  title: 'SQS queue encrypted at rest',
  resourceTypes: ['aws_sqs_queue'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_27'],
  fsbp: ['SQS.1'],
  check(r) {
    const c = r.config;
    if (isSet(c.kms_master_key_id) || isTrue(c.sqs_managed_sse_enabled) || isReference(c.sqs_managed_sse_enabled)) return [];
    return [violation(c.sqs_managed_sse_enabled === undefined
      ? 'neither sqs_managed_sse_enabled nor kms_master_key_id is set'
      : 'sqs_managed_sse_enabled is %v and no kms_master_key_id is set', c.sqs_managed_sse_enabled,
    'set sqs_managed_sse_enabled = true, or kms_master_key_id to a KMS key for SSE-KMS')];
  },
};
