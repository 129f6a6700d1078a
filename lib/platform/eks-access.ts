/**
 * Who reaches an EKS cluster: the CIDRs of its public API endpoint, and the IAM principals of its
 * access entries (cluster-admin for admins and deploy roles, read-only for plan roles).
 */
import { createHash } from 'crypto';
import { Annotations, AwsEksCluster, AwsProvider, Construct, EksAccessEntry, EksAccessPolicyAssociation } from '../private/cdk';
import { DOCUMENTATION_RANGES, formatCidr, isAnywhere, overlaps, parseCidr, PRIVATE_RANGES } from '../private/cidr';
import { fail } from '../private/errors';
import { ClusterAccess, PRINCIPAL_ARN } from '../tier/tier';
import type { EksClusterProps } from './eks-cluster';

/**
 * Checks the CIDRs allowed to reach the public API endpoint: public, narrow, none inside another, and
 * no documentation range in a protected tier unless allowed (a warning wherever one is left in).
 */
export function checkPublicAccessCidrs(scope: Construct, cidrs: string[], protectedTier: boolean, allowDocumentationRanges: boolean | undefined): void {
  for (const c of cidrs) {
    const parsed = parseCidr(c);
    if (!parsed) fail(scope, 'publicAccessCidrs entry %v is not a valid IPv4 CIDR', c, 'use a network address with a prefix, e.g. "203.0.113.0/24"');
    if (isAnywhere(parsed)) fail(scope, 'publicAccessCidrs entry %v opens the API endpoint to the internet', c, 'list the CIDRs of your offices, VPN or CI runners, or leave the list empty for a private endpoint');
    // Wider than /8 is a share of the internet, not an office (and two /1 halves are all of it).
    if (parsed.prefix < 8) fail(scope, 'publicAccessCidrs entry %v opens the API endpoint to a large part of the internet', c, 'list the narrow CIDRs of your offices, VPN or CI runners (/8 or narrower)');
    if (PRIVATE_RANGES.some((r) => overlaps(r, parsed))) {
      fail(scope, 'publicAccessCidrs entry %v is a private range, which never reaches the public endpoint', c, 'leave private networks out: they reach the API through the private endpoint (from the VPC, or a network peered with it)');
    }
    const placeholder = DOCUMENTATION_RANGES.find((r) => overlaps(r, parsed));
    if (placeholder) {
      if (protectedTier && !allowDocumentationRanges) {
        fail(scope, 'publicAccessCidrs entry %v is a documentation range (RFC 5737), a placeholder that reaches nobody\'s network', c,
          'put the public CIDRs of your offices, VPN or CI runners there (or set allowDocumentationRanges: true where a placeholder is meant, as in an example)');
      }
      // Allowed or not, a placeholder left in says so at every synth: nothing outside the VPC reaches this endpoint.
      Annotations.of(scope).addWarning(`publicAccessCidrs entry ${c} is a documentation range (RFC 5737, ${formatCidr(placeholder)}): a placeholder that reaches nobody's network: replace it with the public CIDRs of your offices, VPN or CI runners`);
    }
    const other = cidrs.find((o) => o !== c && parseCidr(o) && overlaps(parseCidr(o)!, parsed));
    if (other !== undefined || cidrs.indexOf(c) !== cidrs.lastIndexOf(c)) {
      fail(scope, `publicAccessCidrs entry %v overlaps ${other ?? 'itself, listed twice'}`, c, 'list each range once, and none inside another');
    }
  }
}

/** Whether the tier or the props declare who reaches the cluster (admins or deploy roles). */
export function declaresAccess(tierAccess: ClusterAccess, props: EksClusterProps): boolean {
  return (tierAccess.admins ?? []).length > 0 || tierAccess.deployRole !== undefined
    || (props.admins ?? []).length > 0 || (props.deployRoles ?? []).length > 0;
}

/**
 * The access entries of `cluster`: cluster-admin for the admins and the deploy roles, read-only
 * (Secrets included) for the plan roles. The tier declares its own; the props add more (another
 * repository's pipelines).
 */
export function accessEntries(scope: Construct, cluster: AwsEksCluster, provider: AwsProvider, partition: string, access: ClusterAccess, props: EksClusterProps): EksAccessEntry[] {
  const admins = props.admins ?? [];
  admins.forEach((arn, i) => {
    if (!PRINCIPAL_ARN.test(arn)) fail(scope, 'admins entry %v is not an IAM role or user ARN', arn, 'use an ARN like "arn:aws:iam::123456789012:role/platform-admins"');
    // EKS keeps one access entry per principal: a second one fails the apply.
    if (admins.indexOf(arn) !== i) fail(scope, 'admins entry %v is listed twice', arn, 'list each principal once');
  });
  const viewers = [...(access.planRole ? [access.planRole] : []), ...(props.planRoles ?? [])];
  const writers = [...(access.admins ?? []), ...(access.deployRole ? [access.deployRole] : []), ...admins, ...(props.deployRoles ?? [])];
  for (const [key, list] of [['deployRoles', props.deployRoles ?? []], ['planRoles', props.planRoles ?? []]] as const) {
    for (const arn of list) {
      if (!PRINCIPAL_ARN.test(arn)) fail(scope, `${key} entry %v is not an IAM role or user ARN`, arn, 'use an ARN like "arn:aws:iam::123456789012:role/deploy-prod"');
    }
  }
  for (const arn of viewers) {
    if (writers.includes(arn)) {
      fail(scope, 'plan role %v is also an admin or a deploy role of the cluster', arn,
        'give plans a read-only role of their own: a plan runs the code of a pull request, which must not get write access');
    }
  }
  const accessPolicy = (name: string) => `arn:${partition}:eks::aws:cluster-access-policy/${name}`;
  const entry = (prefix: string, arn: string, policy: string) => {
    // Named after the principal, not its place in a list: removing one leaves the others' entries alone.
    const key = `${prefix}-${createHash('sha256').update(arn).digest('hex').slice(0, 10)}`;
    const made = new EksAccessEntry(scope, key, { provider, clusterName: cluster.name, principalArn: arn });
    new EksAccessPolicyAssociation(scope, `${key}-policy`, {
      provider,
      clusterName: cluster.name,
      principalArn: made.principalArn,
      policyArn: accessPolicy(policy),
      accessScope: { type: 'cluster' },
    });
    return made;
  };
  return [
    ...[...new Set(writers)].map((arn) => entry('admin', arn, 'AmazonEKSClusterAdminPolicy')),
    ...[...new Set(viewers)].map((arn) => entry('viewer', arn, 'AmazonEKSAdminViewPolicy')),
  ];
}
