import { blocks, PolicyRule, violation } from '../../rule';

/**
 * SY-EC2-2: the VPC's default security group admits and sends nothing.
 *
 * An `aws_default_security_group` (which takes over the VPC's default group)
 * has no `ingress` and no `egress` block, so nothing can use the default
 * group by accident.
 *
 * - Checkov: CKV2_AWS_12
 * - AWS FSBP: EC2.2
 * - Applies in every tier.
 */
export const defaultSecurityGroupClosed: PolicyRule = {
  id: 'SY-EC2-2',
  title: 'Default security group has no rules',
  resourceTypes: ['aws_default_security_group'],
  appliesIn: 'every-tier',
  checkov: ['CKV2_AWS_12'],
  fsbp: ['EC2.2'],
  check(r) {
    const n = blocks(r.config.ingress).length + blocks(r.config.egress).length;
    return n === 0 ? [] : [violation('the default security group has %v rule(s)', n,
      'remove every ingress and egress block from aws_default_security_group and give resources their own security groups')];
  },
};
