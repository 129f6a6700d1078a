import { block, isReference, PolicyResource, PolicyRule, RuleContext, Violation, violation } from '../../rule';

/** The violations of a launch template's `metadata_options`. */
function metadataViolations(lt: PolicyResource): Violation[] {
  const options = block(lt.config.metadata_options);
  if (options?.http_endpoint === 'disabled') return [];
  const found: Violation[] = [];
  const tokens = options?.http_tokens;
  if (tokens !== 'required' && !isReference(tokens)) {
    found.push(violation('metadata_options.http_tokens is %v, so instances answer IMDSv1 requests', tokens,
      'set metadata_options { http_tokens = "required" }: IMDSv2 only, whose session token an SSRF cannot fetch'));
  }
  const hops = options?.http_put_response_hop_limit;
  if (!isReference(hops) && !(typeof hops === 'number' && hops <= 1)) {
    found.push(violation('metadata_options.http_put_response_hop_limit is %v, so containers can reach the node\'s metadata and its role', hops,
      'set http_put_response_hop_limit = 1 and give pods their own roles (IRSA or EKS Pod Identity); unset, it is the AMI\'s default (2 on current Amazon Linux)'));
  }
  return found;
}

/**
 * SY-EC2-3: instances and nodes use IMDSv2 only, out of reach of containers.
 *
 * An `aws_launch_template` sets `metadata_options` with
 * `http_tokens = "required"` and `http_put_response_hop_limit = 1` (or
 * disables the endpoint). An `aws_eks_node_group` has a `launch_template`:
 * without one, EKS's default template decides, and nothing in the
 * configuration states it. A template this stack declares is judged on its
 * own resource; one given by ID from elsewhere is judged where it is declared.
 *
 * - Checkov: CKV_AWS_79, CKV_AWS_341
 * - AWS FSBP: EC2.8 (instances); Security Hub's EC2.170 checks launch templates the same way
 * - Applies in every tier.
 */
export const ec2Imdsv2: PolicyRule = {
  id: 'SY-EC2-3',
  title: 'IMDSv2 only, hop limit 1',
  resourceTypes: ['aws_launch_template', 'aws_eks_node_group'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_79', 'CKV_AWS_341'],
  fsbp: ['EC2.8'],
  check(r: PolicyResource, _ctx: RuleContext) {
    if (r.type === 'aws_launch_template') return metadataViolations(r);
    const lt = block(r.config.launch_template);
    if (lt && (lt.id !== undefined || lt.name !== undefined)) return [];
    return [violation('launch_template is %v, so the nodes\' metadata options are EKS\'s defaults, stated nowhere', lt,
      'give the node group a launch_template { id, version } whose metadata_options require IMDSv2 with a hop limit of 1 (EksCluster does)')];
  },
};
