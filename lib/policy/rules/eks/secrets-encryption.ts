import { block, blocks, isReference, isSet, PolicyRule, strings, violation } from '../../rule';

/**
 * SY-EKS-3: EKS envelope-encrypts Kubernetes secrets with a KMS key.
 *
 * An `encryption_config` on `aws_eks_cluster` whose `resources` include
 * `secrets` and whose `provider.key_arn` is set.
 *
 * - Checkov: CKV_AWS_58 (and CKV_AWS_151, which asks for a customer-managed key)
 * - AWS FSBP: EKS.3
 * - Applies in every tier.
 */
export const eksSecretsEncryption: PolicyRule = {
  id: 'SY-EKS-3',
  title: 'EKS secrets encrypted with KMS',
  resourceTypes: ['aws_eks_cluster'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_58', 'CKV_AWS_151'],
  fsbp: ['EKS.3'],
  check(r) {
    const ok = blocks(r.config.encryption_config).some((e) =>
      (isReference(e.resources) || strings(e.resources).includes('secrets')) && isSet(block(e.provider)?.key_arn));
    return ok ? [] : [violation('no encryption_config encrypts %v with a KMS key', 'secrets',
      'add encryption_config { resources = ["secrets"], provider { key_arn = <KMS key ARN> } } (a key with rotation enabled)')];
  },
};
