import { AwsEksCluster, DefaultSecurityGroup, SecurityGroup, VpcSecurityGroupIngressRule } from '../../lib/private/cdk';
import { TierStack } from '../../lib';
import { PUBLIC_EXPOSURE_TAG } from '../../lib/exports/policy';
import { findings, raw, RuleCase, runCases, tierStack } from './support';

const IMDS = { http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 };
const ROOT = [{ device_name: '/dev/xvda', ebs: { volume_size: 50, volume_type: 'gp3', encrypted: true } }];
const template = (s: TierStack, attrs: Record<string, unknown> = {}) => raw(s, 'lt', 'aws_launch_template', { name_prefix: 'nodes-', metadata_options: IMDS, block_device_mappings: ROOT, ...attrs });
const nodes = (s: TierStack, attrs: Record<string, unknown> = {}) => raw(s, 'ng', 'aws_eks_node_group', { cluster_name: 'c', node_role_arn: 'arn:aws:iam::123456789012:role/n', subnet_ids: ['subnet-1'], scaling_config: { min_size: 1, max_size: 2, desired_size: 1 }, ...attrs });

type EksConfig = ConstructorParameters<typeof AwsEksCluster>[2];

function eks(s: TierStack, overrides: Partial<EksConfig> = {}): void {
  new AwsEksCluster(s, 'eks', {
    name: 'platform-prod',
    roleArn: 'arn:aws:iam::123456789012:role/eks',
    vpcConfig: { subnetIds: ['subnet-1', 'subnet-2'], endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
    enabledClusterLogTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
    encryptionConfig: { resources: ['secrets'], provider: { keyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1' } },
    ...overrides,
  }).overrideLogicalId('eks');
}

function sg(s: TierStack, ingress: Array<Record<string, unknown>>, tags?: Record<string, string>): void {
  new SecurityGroup(s, 'sg', { vpcId: 'vpc-1', description: 'web', ingress: ingress as never, tags }).overrideLogicalId('sg');
}

const web = (port: number, cidr = '0.0.0.0/0') => ({ fromPort: port, toPort: port, protocol: 'tcp', cidrBlocks: [cidr] });
const publicTag = { [PUBLIC_EXPOSURE_TAG]: 'public' };

const cases: RuleCase[] = [
  { rule: 'SY-EKS-1', what: 'endpoint open to the internet by default', good: (s) => eks(s), bad: (s) => eks(s, { vpcConfig: { subnetIds: ['subnet-1'] } }), message: /admits "0.0.0.0\/0 \(the default\)"/, address: 'aws_eks_cluster.eks' },
  { rule: 'SY-EKS-1', what: 'endpoint open to ::/0', good: (s) => eks(s, { vpcConfig: { subnetIds: ['subnet-1'], endpointPublicAccess: false } }), bad: (s) => eks(s, { vpcConfig: { subnetIds: ['subnet-1'], publicAccessCidrs: ['203.0.113.0/24', '::/0'] } }), message: /admits "::\/0"/, address: 'aws_eks_cluster.eks' },
  { rule: 'SY-EKS-2', what: 'missing control-plane log types', good: (s) => eks(s), bad: (s) => eks(s, { enabledClusterLogTypes: ['api', 'audit'] }), message: /lacks \["authenticator","controllerManager","scheduler"\]/, address: 'aws_eks_cluster.eks' },
  { rule: 'SY-EKS-3', what: 'secrets not encrypted', good: (s) => eks(s), bad: (s) => eks(s, { encryptionConfig: undefined }), message: /no encryption_config encrypts "secrets"/, address: 'aws_eks_cluster.eks' },
  { rule: 'SY-EC2-1', what: 'SSH open to the internet', good: (s) => sg(s, [web(22, '10.0.0.0/8')]), bad: (s) => sg(s, [web(22)]), message: /ingress tcp\/22 is open to "0.0.0.0\/0"/, address: 'aws_security_group.sg' },
  { rule: 'SY-EC2-1', what: 'a marked public entry point on a port other than 80/443', good: (s) => sg(s, [web(443), web(80)], publicTag), bad: (s) => sg(s, [web(443), web(8080)], publicTag), message: /ingress tcp\/8080 is open/, address: 'aws_security_group.sg' },
  { rule: 'SY-EC2-1', what: 'HTTPS from anywhere without the public-entry-point tag', good: (s) => sg(s, [web(443)], publicTag), bad: (s) => sg(s, [web(443)]), message: /ingress tcp\/443 is open to "0.0.0.0\/0"/, address: 'aws_security_group.sg' },
  {
    rule: 'SY-EC2-1', what: 'aws_vpc_security_group_ingress_rule for all traffic from ::/0',
    good: (s) => { sg(s, [], publicTag); new VpcSecurityGroupIngressRule(s, 'in', { securityGroupId: '${aws_security_group.sg.id}', ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv6: '::/0' }).overrideLogicalId('in'); },
    bad: (s) => { sg(s, []); new VpcSecurityGroupIngressRule(s, 'in', { securityGroupId: '${aws_security_group.sg.id}', ipProtocol: '-1', cidrIpv6: '::/0' }).overrideLogicalId('in'); },
    message: /ingress all traffic is open to "::\/0"/, address: 'aws_vpc_security_group_ingress_rule.in',
  },
  {
    rule: 'SY-EC2-1', what: 'legacy aws_security_group_rule from anywhere',
    good: (s) => raw(s, 'r', 'aws_security_group_rule', { type: 'egress', security_group_id: 'sg-1', protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }),
    bad: (s) => raw(s, 'r', 'aws_security_group_rule', { type: 'ingress', security_group_id: 'sg-1', protocol: 'tcp', from_port: 5432, to_port: 5432, cidr_blocks: ['0.0.0.0/0'] }),
    message: /ingress tcp\/5432 is open/, address: 'aws_security_group_rule.r',
  },
  {
    rule: 'SY-EC2-2', what: 'default security group with rules',
    good: (s) => new DefaultSecurityGroup(s, 'default', { vpcId: 'vpc-1' }).overrideLogicalId('default'),
    bad: (s) => new DefaultSecurityGroup(s, 'default', { vpcId: 'vpc-1', egress: [{ fromPort: 0, toPort: 0, protocol: '-1', cidrBlocks: ['0.0.0.0/0'] }] }).overrideLogicalId('default'),
    message: /has 1 rule\(s\)/, address: 'aws_default_security_group.default',
  },
  { rule: 'SY-EC2-3', what: 'a launch template that answers IMDSv1', good: (s) => template(s), bad: (s) => template(s, { metadata_options: { ...IMDS, http_tokens: 'optional' } }), message: /^metadata_options.http_tokens is "optional", so instances answer IMDSv1 requests$/, address: 'aws_launch_template.lt' },
  { rule: 'SY-EC2-3', what: 'a launch template whose metadata token reaches containers', good: (s) => template(s, { metadata_options: { http_endpoint: 'disabled' } }), bad: (s) => template(s, { metadata_options: { ...IMDS, http_put_response_hop_limit: 2 } }), message: /^metadata_options.http_put_response_hop_limit is 2, so containers can reach/, address: 'aws_launch_template.lt' },
  { rule: 'SY-EC2-3', what: 'a launch template without metadata options', good: (s) => template(s), bad: (s) => template(s, { metadata_options: undefined }), message: /http_tokens is undefined, so instances answer IMDSv1 requests\nmetadata_options.http_put_response_hop_limit is undefined/, address: 'aws_launch_template.lt' },
  {
    rule: 'SY-EC2-3', what: 'a node group on EKS\'s default launch template',
    good: (s) => { template(s); nodes(s, { launch_template: { id: '${aws_launch_template.lt.id}', version: '${aws_launch_template.lt.latest_version}' } }); },
    bad: (s) => nodes(s),
    message: /^launch_template is undefined, so the nodes' metadata options are EKS's defaults/, address: 'aws_eks_node_group.ng',
  },
  { rule: 'SY-EC2-4', what: 'a launch template with an unencrypted volume', good: (s) => template(s), bad: (s) => template(s, { block_device_mappings: [{ device_name: '/dev/xvda', ebs: { volume_size: 50 } }] }), message: /^block_device_mappings for \/dev\/xvda has ebs.encrypted undefined$/, address: 'aws_launch_template.lt' },
  { rule: 'SY-EC2-4', what: 'a launch template that keeps the AMI\'s root volume', good: (s) => template(s), bad: (s) => template(s, { block_device_mappings: undefined }), message: /^block_device_mappings is undefined, so the root volume is encrypted only if/, address: 'aws_launch_template.lt' },
];

describe('EKS and EC2 rules', () => {
  runCases(cases);

  test('a referenced security group from another stack is admitted on its port: no finding', () => {
    const s = tierStack('prod');
    sg(s, []);
    new VpcSecurityGroupIngressRule(s, 'from-cluster', { securityGroupId: '${aws_security_group.sg.id}', referencedSecurityGroupId: 'sg-cluster', ipProtocol: 'tcp', fromPort: 5432, toPort: 5432 });
    expect(findings(s)).toEqual([]);
  });
});
