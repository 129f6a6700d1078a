/**
 * The pods' own security groups: where the cluster gives pods security
 * groups, each service connected to a managed dependency gets a group of its
 * own (given to its pods by a SecurityGroupPolicy), and the dependency's
 * group admits that group on its port; elsewhere the dependency admits the
 * cluster security group.
 */
import type { AppStack } from '../app-stack';
import { Construct, IConstruct, ITerraformDependable, Manifest, SecurityGroup, VpcSecurityGroupIngressRule } from '../private/cdk';
import type { IConnectable } from './contract';

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
