import type { AppStack } from '../app-stack';
import { Construct, IConstruct, ITerraformDependable, Manifest, SecurityGroup, VpcSecurityGroupIngressRule } from '../private/cdk';
import type { IConnectable } from './contract';
import { fail } from '../private/errors';
import { compareVersions } from './versions';

/**
 * The settings of a dependency that the releases of the tier require (the
 * ledger's `requires`, e.g. `{ "orders": { "engineVersion": "17.11" } }` on
 * a service's entry): applied to the dependency, which every connected
 * service's rollout waits for, so the change happens before the staged slot
 * rolls out. Two releases that require different values are refused.
 */
export function requiredSettings(scope: IConstruct, app: AppStack, dependency: string, allowed: readonly string[]): Record<string, string> {
  const tier = app.tier.name;
  const out: Record<string, string> = {};
  const by: Record<string, string> = {};
  for (const service of app.ledger.servicesIn(tier)) {
    const settings = app.ledger.release(tier, service)?.requires?.[dependency] ?? {};
    for (const [key, value] of Object.entries(settings)) {
      const where = `${app.ledger.source}: tiers.${tier}.${service}.requires.${dependency}`;
      if (!allowed.includes(key)) fail(where, 'setting %v cannot be required of a release', key, `require only ${allowed.join(', ')} of "${dependency}"`);
      if (typeof value !== 'string') fail(where, `${key} %v is not a string`, value, 'give the value as a string, e.g. "17.11"');
      if (key in out && out[key] !== value) {
        fail(scope, `releases of services "${by[key]}" and "${service}" require different ${key} of "${dependency}": %v`, [out[key], value], 'make the releases of the tier agree on the dependency change');
      }
      out[key] = value;
      by[key] = service;
    }
  }
  return out;
}

/**
 * The engine version of a dependency in this tier: the declared one, or the
 * newer one a release of the tier requires. Both must pass `check` (which
 * refuses an unsupported version); a required downgrade is refused.
 */
export function engineVersionOf(scope: IConstruct, app: AppStack, dependency: string, declared: string, check: (version: string) => void, what: string): string {
  const required = requiredSettings(scope, app, dependency, ['engineVersion']).engineVersion;
  check(declared);
  if (required === undefined) return declared;
  check(required);
  if (compareVersions(required, declared) < 0) {
    fail(scope, `the ledger requires engineVersion %v, older than the declared ${declared}`, required, `${what} are never downgraded: require a version at least the declared one, or lower the declaration`);
  }
  return required;
}

/** The security group of a service's pods and the SecurityGroupPolicy that gives it to them. */
interface PodSecurity {
  readonly group: SecurityGroup;
  readonly policy: Manifest;
}
const podSecurity = new WeakMap<IConnectable, PodSecurity>();

/**
 * The service's own security group, made once per service: a
 * `SecurityGroupPolicy` gives its pods (every slot, and their migration Jobs)
 * a branch network interface with this group and the cluster security group.
 * The group has no rule of its own: the cluster security group keeps the
 * pods' traffic with the nodes, the gateway and the internet as it was; this
 * one only names the pods, for the dependencies they connect to.
 */
function podSecurityOf(app: AppStack, peer: IConnectable, clusterSecurityGroupId: string, vpcId: string): PodSecurity {
  let found = podSecurity.get(peer);
  if (!found) {
    const scope = peer as unknown as Construct;
    const service = peer.node.id;
    const group = new SecurityGroup(scope, 'pod-security-group', {
      provider: app.aws,
      namePrefix: `${app.appName}-${app.tier.name}-${service}-pods-`,
      description: `Pods of service ${service} of ${app.appName}-${app.tier.name}: admitted by the dependencies it connects to`,
      vpcId,
      lifecycle: { createBeforeDestroy: true },
    });
    const policy = new Manifest(scope, 'security-group-policy', {
      provider: app.kubernetes,
      manifest: {
        apiVersion: 'vpcresources.k8s.aws/v1beta1',
        kind: 'SecurityGroupPolicy',
        metadata: { name: `${service}-pods`, namespace: app.namespace, labels: { 'app.kubernetes.io/part-of': app.appName } },
        spec: {
          podSelector: { matchLabels: { ...peer.podSelector } },
          securityGroups: { groupIds: [group.id, clusterSecurityGroupId] },
        },
      },
      // A fresh apply creates the namespace in the same run: the policy goes in after it (else 404).
      dependsOn: [app.namespaceResource],
    });
    found = { group, policy };
    podSecurity.set(peer, found);
  }
  return found;
}

/** The service's own pod security group and its SecurityGroupPolicy, once a dependency admits it (else undefined). */
export function podSecurityOfPeer(peer: IConnectable): { readonly groupId: string; readonly policy: ITerraformDependable } | undefined {
  const found = podSecurity.get(peer);
  return found && { groupId: found.group.id, policy: found.policy };
}

/** The rule that admits the cluster security group into a dependency's group, once per group. */
const clusterRules = new WeakMap<SecurityGroup, VpcSecurityGroupIngressRule>();

/**
 * Lets a connected service reach a managed dependency on its port only, and
 * returns the rule that does it (the service's pods start after it).
 * Where the cluster gives pods security groups (a PlatformStack's cluster
 * does), the dependency's security group admits that service's own group,
 * one rule per connection (the service's pods wait for its SecurityGroupPolicy:
 * {@link podSecurityOfPeer}). Otherwise it admits the cluster security
 * group (every pod of the cluster), once.
 */
export function admitPeer(scope: IConstruct, app: AppStack, securityGroup: SecurityGroup, port: number, what: string, peer: IConnectable): VpcSecurityGroupIngressRule {
  const eks = app.platform.eks(app, what);
  const admit = (id: string, from: string, whose: string) => new VpcSecurityGroupIngressRule(scope as never, id, {
    provider: app.aws,
    securityGroupId: securityGroup.id,
    referencedSecurityGroupId: from,
    ipProtocol: 'tcp',
    fromPort: port,
    toPort: port,
    description: `${what} from the pods of ${whose}`,
  });
  if (!eks.podSecurityGroups) {
    let rule = clusterRules.get(securityGroup);
    if (!rule) {
      rule = admit('from-cluster', eks.clusterSecurityGroupId, `cluster ${eks.clusterName}`);
      clusterRules.set(securityGroup, rule);
    }
    return rule;
  }
  const pods = podSecurityOf(app, peer, eks.clusterSecurityGroupId, eks.vpcId);
  return admit(`from-${peer.node.id}`, pods.group.id, `service ${peer.node.id}`);
}
