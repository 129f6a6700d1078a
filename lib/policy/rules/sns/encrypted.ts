import { isSet, PolicyRule, violation } from '../../rule';

/**
 * SY-SNS-1: SNS topics are encrypted at rest with a KMS key.
 *
 * `kms_master_key_id` on `aws_sns_topic` (`alias/aws/sns` or a key of your own).
 *
 * - Checkov: CKV_AWS_26
 * - AWS FSBP: none in the standard today; the matching Security Hub control is
 *   SNS.1 ("SNS topics should be encrypted at-rest using AWS KMS"), which maps to NIST 800-53 only
 * - Applies in every tier.
 */
export const snsEncrypted: PolicyRule = {
  id: 'SY-SNS-1',
  title: 'SNS topic encrypted with KMS',
  resourceTypes: ['aws_sns_topic'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_26'],
  fsbp: [],
  check(r) {
    const v = r.config.kms_master_key_id;
    return isSet(v) ? [] : [violation('kms_master_key_id is %v', v, 'set kms_master_key_id to "alias/aws/sns" or to a KMS key whose policy lets the publishers use it')];
  },
};
