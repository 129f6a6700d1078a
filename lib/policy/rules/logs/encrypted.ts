import { isSet, PolicyRule, violation } from '../../rule';

/**
 * SY-LOGS-1: CloudWatch log groups are encrypted with a KMS key of your own.
 *
 * `kms_key_id` on `aws_cloudwatch_log_group`. CloudWatch Logs encrypts every
 * log group with a key AWS holds; a customer-managed key lets the key policy
 * say who may read the logs, and disabling the key cuts every reader off.
 *
 * - Checkov: CKV_AWS_158
 * - AWS FSBP: none (AWS Config rule cloudwatch-log-group-encrypted)
 * - Applies in every tier.
 */
export const logsEncrypted: PolicyRule = {
  id: 'SY-LOGS-1',
  title: 'Log group encrypted with KMS',
  resourceTypes: ['aws_cloudwatch_log_group'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_158'],
  fsbp: [],
  check(r) {
    const v = r.config.kms_key_id;
    return isSet(v) ? [] : [violation('kms_key_id is %v', v,
      'set kms_key_id to the ARN of a key whose policy admits logs.<region>.amazonaws.com for this log group (kms:EncryptionContext:aws:logs:arn)')];
  },
};
