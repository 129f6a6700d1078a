import type { AppStack } from '../app-stack';
import { IConstruct, SecurityGroup, VpcSecurityGroupIngressRule } from '../private/cdk';
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

/**
 * Lets the cluster reach a managed dependency: an ingress rule on its
 * security group from the cluster security group (which EKS attaches to the
 * managed nodes), on its port only.
 */
export function admitCluster(scope: IConstruct, app: AppStack, securityGroup: SecurityGroup, port: number, what: string): void {
  const eks = app.platform.eks(app, what);
  new VpcSecurityGroupIngressRule(scope as never, 'from-cluster', {
    provider: app.aws,
    securityGroupId: securityGroup.id,
    referencedSecurityGroupId: eks.clusterSecurityGroupId,
    ipProtocol: 'tcp',
    fromPort: port,
    toPort: port,
    description: `${what} from the pods of cluster ${eks.clusterName}`,
  });
}
