/**
 * The IAM policies of the add-ons against the policies their projects
 * publish for the releases we pin (test/data/upstream/aws/iam-*.json):
 * the load balancer controller's statement by statement; the others action
 * by action, where ours may only narrow (a resource inside the published
 * pattern, a condition more), and every published action we leave out is
 * listed here with the reason.
 */
import { exampleOutput } from '../helpers';
import { awsData } from './upstream';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A statement in one comparable form. */
interface Normal {
  readonly effect: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions: string[];
}

const list = (v: Json): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
/** Our ARNs name the partition through a data source: compared as the published `aws`. */
const plainPartition = (r: string) => r.replace(/^arn:\$\{[^}]+\}:/, 'arn:aws:');

/** A published IAM policy document's statements. */
function published(doc: Json): Normal[] {
  return doc.Statement.map((st: Json) => ({
    effect: st.Effect ?? 'Allow',
    actions: list(st.Action).sort(),
    resources: list(st.Resource).sort(),
    conditions: Object.entries<Json>(st.Condition ?? {}).flatMap(([test, vars]) =>
      Object.entries<Json>(vars).map(([variable, values]) => `${test} ${variable} ${JSON.stringify(list(values).sort())}`)).sort(),
  }));
}

/** The statements of one of our `aws_iam_policy_document` data sources. */
function ours(doc: Json): Normal[] {
  return doc.statement.map((st: Json) => ({
    effect: st.effect ?? 'Allow',
    actions: [...st.actions].sort(),
    resources: st.resources.map(plainPartition).sort(),
    conditions: (st.condition ?? []).map((c: Json) => `${c.test} ${c.variable} ${JSON.stringify([...c.values].sort())}`).sort(),
  }));
}

/** True when the IAM resource pattern `pattern` (with `*`) covers `arn`. */
function covers(pattern: string, arn: string): boolean {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(arn);
}

/**
 * What ours grants beyond the published policy (an action it lacks, or a resource outside its
 * patterns), and what the published policy grants that ours leaves out without a listed reason.
 */
function beyond(oursDoc: Normal[], theirs: Normal[], omitted: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const st of oursDoc) {
    for (const action of st.actions) {
      const grants = theirs.filter((t) => t.effect === st.effect && t.actions.includes(action));
      if (grants.length === 0) problems.push(`${action}: not in the published policy`);
      for (const r of st.resources) {
        if (!grants.some((g) => g.resources.some((p) => covers(p, r)))) problems.push(`${action} on ${r}: outside the published resources`);
      }
    }
  }
  const granted = new Set(oursDoc.flatMap((s) => s.actions));
  for (const t of theirs) for (const a of t.actions) if (!granted.has(a) && !(a in omitted)) problems.push(`${a}: published, left out without a reason`);
  return problems;
}

describe('the add-ons\' IAM policies follow what their projects publish', () => {
  const docs = () => exampleOutput('shop').stacks['addons-prod'].data.aws_iam_policy_document;

  test('the load balancer controller: the published policy of its release, statement by statement', () => {
    const data = awsData('iam-aws-load-balancer-controller');
    expect(data.source.tag).toBe('v3.5.0');
    expect(ours(docs()['aws-load-balancer-controller-access'])).toEqual(published(data.policy));
  });

  test('the load balancer controller may add backend rules to security groups it did not tag (targets\' interfaces)', () => {
    const statements = ours(docs()['aws-load-balancer-controller-access']);
    expect(statements).toContainEqual({ effect: 'Allow', actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'], resources: ['*'], conditions: [] });
  });

  test('external-dns: the documented actions, changes only in the platform\'s hosted zones', () => {
    const problems = beyond(ours(docs()['external-dns-access']), published(awsData('iam-external-dns').policy), {});
    expect(problems).toEqual([]);
  });

  test('cert-manager: the documented DNS-01 actions, TXT records only, in the platform\'s hosted zone', () => {
    const mine = ours(docs()['cert-manager-access']);
    const problems = beyond(mine, published(awsData('iam-cert-manager-route53').policy), {
      'route53:ListHostedZonesByName': 'the issuer names its hosted zone (hostedZoneID), so cert-manager never looks it up by name',
    });
    expect(problems).toEqual([]);
    expect(mine.find((s) => s.actions.includes('route53:ChangeResourceRecordSets'))!.conditions)
      .toContain('ForAllValues:StringEquals route53:ChangeResourceRecordSetsRecordTypes ["TXT"]');
  });

  test('cluster-autoscaler: the documented actions, scaling only the node groups of its cluster', () => {
    const mine = ours(docs()['cluster-autoscaler-access']);
    expect(beyond(mine, published(awsData('iam-cluster-autoscaler').policy), {})).toEqual([]);
    expect(mine.find((s) => s.actions.includes('autoscaling:SetDesiredCapacity'))!.conditions[0]).toMatch(/^StringEquals aws:ResourceTag\/k8s\.io\/cluster-autoscaler\/\S+ \["owned"\]$/);
  });

  test('the comparison finds an action, a resource and an omission beyond the published policy', () => {
    const theirs = published({ Statement: [{ Effect: 'Allow', Action: ['a:Read', 'a:Write'], Resource: 'arn:aws:a:::thing/*' }] });
    const mine = ours({ statement: [{ actions: ['a:Read', 'a:Delete'], resources: ['arn:${data.aws_partition.p.partition}:a:::other/x'] }] });
    expect(beyond(mine, theirs, {})).toEqual([
      'a:Delete: not in the published policy',
      'a:Delete on arn:aws:a:::other/x: outside the published resources',
      'a:Read on arn:aws:a:::other/x: outside the published resources',
      'a:Write: published, left out without a reason',
    ]);
  });
});
