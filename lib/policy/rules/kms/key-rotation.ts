import { isTrue, PolicyRule, violation } from '../../rule';

/**
 * SY-KMS-1: customer-managed KMS keys rotate.
 *
 * `enable_key_rotation = true` on every symmetric `aws_kms_key` (asymmetric
 * and HMAC keys, `customer_master_key_spec` other than SYMMETRIC_DEFAULT,
 * cannot rotate and are not judged).
 *
 * - Checkov: CKV_AWS_7
 * - AWS FSBP: KMS.4
 * - Applies in every tier.
 */
export const kmsKeyRotation: PolicyRule = {
  id: 'SY-KMS-1',
  title: 'KMS keys rotate',
  resourceTypes: ['aws_kms_key'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_7'],
  fsbp: ['KMS.4'],
  check(r) {
    const spec = r.config.customer_master_key_spec;
    if (spec !== undefined && spec !== 'SYMMETRIC_DEFAULT') return [];
    const value = r.config.enable_key_rotation;
    if (isTrue(value)) return [];
    return [violation('enable_key_rotation is %v', value, 'set enable_key_rotation = true: AWS then makes new key material every year and keeps the old to decrypt')];
  },
};
