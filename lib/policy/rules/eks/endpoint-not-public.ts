import { block, isFalse, isReference, PolicyRule, strings, violation } from '../../rule';

const ANYWHERE = ['0.0.0.0/0', '::/0'];

/**
 * SY-EKS-1: the EKS API endpoint is not open to the internet.
 *
 * On `aws_eks_cluster`, `vpc_config.endpoint_public_access` is false, or
 * `public_access_cidrs` is set and contains neither `0.0.0.0/0` nor `::/0`.
 * The provider's defaults (public endpoint, `0.0.0.0/0`) fail.
 *
 * - Checkov: CKV_AWS_38 (and CKV_AWS_39, stricter: no public endpoint at all)
 * - AWS FSBP: EKS.1 (stricter: fails any public endpoint, even one limited to known CIDRs)
 * - Applies in every tier.
 */
export const eksEndpointNotPublic: PolicyRule = {
  id: 'SY-EKS-1',
  title: 'EKS endpoint not open to 0.0.0.0/0',
  resourceTypes: ['aws_eks_cluster'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_38', 'CKV_AWS_39'],
  fsbp: ['EKS.1'],
  check(r) {
    const vpc = block(r.config.vpc_config) ?? {};
    if (isFalse(vpc.endpoint_public_access)) return [];
    const raw = vpc.public_access_cidrs;
    if (isReference(raw)) return [];
    const cidrs = strings(raw);
    const open = cidrs.length === 0 ? ['0.0.0.0/0 (the default)'] : cidrs.filter((c) => ANYWHERE.includes(c));
    return open.length === 0 ? [] : [violation('the public API endpoint admits %v', open.join(', '),
      'set vpc_config.endpoint_public_access = false (reach the API from the VPC), or list the CIDRs of your offices, VPN or CI runners in public_access_cidrs')];
  },
};
