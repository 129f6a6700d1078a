import { Construct, dependencyOf, IConstruct, NamespaceV1, NetworkPolicyV1 } from './private/cdk';
import { fail } from './private/errors';
import { checkName } from './private/names';
import type { IDependency } from './dependencies/contract';
import { CLUSTER_DNS, NETWORK_POLICY_LABELS } from './dependencies/network-policy';
import { Alerts, AlertSubscriptions, checkSubscriptions } from './observability/alarms';
import { GATEWAY_ACCESS_LABEL } from './platform/addons/gateway';
import { PlatformRef } from './platform/platform-ref';
import { ReleaseLedger } from './release/ledger';
import { messageOf, undeclaredService } from './release/rules';
import { TierStack, TierStackProps } from './tier/stack';

/** Properties of an {@link AppStack}. */
export interface AppStackProps extends TierStackProps {
  /** The platform of the tier (cluster, add-ons, EKS attributes). */
  readonly platform: PlatformRef;
  /** The release ledger of the app; its `app` must be this app's name. */
  readonly ledger: ReleaseLedger;
  /**
   * Kubernetes namespace of the app (created by the stack, Pod Security "restricted").
   * @default - the app name
   */
  readonly namespace?: string;
  /**
   * Who gets the app's alerts in managed tiers, through its alert topic `<app>-<tier>-alerts`:
   * the CloudWatch alarms of its managed dependencies and, where the platform runs
   * kube-prometheus-stack, the Prometheus alerts of its services (routed by Alertmanager).
   * @default - no subscription (the topic and alarms exist; subscribe later)
   */
  readonly alerts?: AlertSubscriptions;
}

/** Per program, the app namespaces of each cluster connection, with the stack that uses each. */
const NAMESPACES = new WeakMap<object, WeakMap<object, Map<string, string>>>();

/** Anything an app stack registers by name: a service or a dependency. */
interface Named extends IConstruct {
  readonly name: string;
}

/**
 * Construct IDs Switchyard gives children of an app's stack (its namespace, providers, alert topic,
 * shared secrets store, in-cluster messaging server, platform data sources): no service or
 * dependency may take one.
 */
export const RESERVED_IDS = [
  'alerts', 'allow-dns', 'aws', 'default-deny', 'helm', 'kubernetes', 'messaging', 'namespace', 'platform-cluster', 'platform-oidc', 'platform-state',
  'platform-vpc', 'secrets',
] as const;

/**
 * The stack `<app>-<tier>`: the app's dependencies bound for the tier and its
 * services, released blue-green from the ledger. It deploys after the
 * platform's stacks (`cdktf deploy '*-prod'` applies them in order).
 */
export class AppStack extends TierStack {
  /** The stack that holds `scope`. */
  public static ofScope(scope: IConstruct): AppStack {
    for (const s of [...scope.node.scopes].reverse()) if (s instanceof AppStack) return s;
    return fail(scope, '%v is not inside an AppStack', scope.node.path, 'create services and dependencies inside an AppStack');
  }

  /** The app name: the stack is `<appName>-<tier>`. */
  public readonly appName: string;
  /** The platform of the tier the app runs on. */
  public readonly platform: PlatformRef;
  /** The release ledger the app's services take their versions, live slots and weights from. */
  public readonly ledger: ReleaseLedger;
  /** The namespace name. */
  public readonly namespace: string;
  /** Where alerts go. */
  public readonly alertSubscriptions: AlertSubscriptions;
  /** The namespace resource; everything namespaced in the app depends on it. */
  public readonly namespaceResource: NamespaceV1;
  /**
   * The NetworkPolicy `default-deny`: every pod of the namespace is isolated for ingress and
   * egress, so a connection is allowed only where another policy of the namespace allows it (and,
   * for a peer in another namespace, where that namespace's policies do too). Applied after every
   * other policy of the namespace, so no pod loses a path it needs while the policies are made.
   */
  public readonly defaultDeny: NetworkPolicyV1;
  /** The NetworkPolicy `allow-dns`: every pod of the namespace may ask the cluster DNS (UDP and TCP 53). */
  public readonly allowDns: NetworkPolicyV1;
  /** The namespace's NetworkPolicies by name, with the construct that made each. */
  private readonly networkPolicies = new Map<string, IConstruct>();
  private readonly services = new Map<string, Named>();
  private readonly declaredDependencies = new Map<string, IDependency>();

  constructor(scope: Construct, appName: string, props: AppStackProps) {
    checkName(`${appName}-${props.tier?.name}`, 'app name', appName, 24);
    super(scope, `${appName}-${props.tier.name}`, props);
    this.appName = appName;
    this.platform = props.platform;
    this.ledger = props.ledger;
    if (props.ledger.app !== appName) {
      fail(this, `the ledger ${props.ledger.source} belongs to app %v`, props.ledger.app, `pass the ledger of "${appName}" (its "app" field must be "${appName}")`);
    }
    this.namespace = checkName(this, 'namespace', props.namespace ?? appName);
    // Two apps in one namespace of one cluster would overwrite each other's objects at apply time.
    const program = NAMESPACES.get(this.node.root) ?? new WeakMap<object, Map<string, string>>();
    NAMESPACES.set(this.node.root, program);
    const onCluster = program.get(props.platform.connection) ?? new Map<string, string>();
    program.set(props.platform.connection, onCluster);
    const other = onCluster.get(this.namespace);
    if (other !== undefined) {
      fail(this, `namespace %v is the namespace of ${other} on the same cluster`, this.namespace, 'give each app its own namespace (the AppStack\'s namespace prop), or deploy them to different clusters');
    }
    onCluster.set(this.namespace, this.node.path);
    checkSubscriptions(this.node.path, props.alerts ?? {});
    this.alertSubscriptions = props.alerts ?? {};
    for (const s of props.platform.stacks) this.addDependency(s as TierStack);
    this.useCluster(props.platform.connection);

    this.namespaceResource = new NamespaceV1(this, 'namespace', {
      provider: this.kubernetes,
      metadata: {
        name: this.namespace,
        labels: {
          'app.kubernetes.io/part-of': appName,
          'app.kubernetes.io/managed-by': 'switchyard',
          'switchyard.dev/tier': this.tier.name,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          // Lets the app's routes attach to the platform's Gateway.
          ...(props.platform.gateway ? { [GATEWAY_ACCESS_LABEL]: props.platform.gateway.name } : {}),
        },
      },
    });

    // Nothing in or out unless a policy of the namespace allows it: every pod may resolve names ...
    const policyMeta = (name: string) => ({ name, namespace: this.namespace, labels: { ...NETWORK_POLICY_LABELS, 'app.kubernetes.io/part-of': appName } });
    this.allowDns = new NetworkPolicyV1(this, 'allow-dns', {
      provider: this.kubernetes,
      metadata: policyMeta('allow-dns'),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': CLUSTER_DNS.namespace } },
            podSelector: { matchLabels: { ...CLUSTER_DNS.podLabels } },
          }],
          ports: ['UDP', 'TCP'].map((protocol) => ({ port: String(CLUSTER_DNS.port), protocol })),
        }],
      },
      dependsOn: [this.namespaceResource],
    });
    // ... and the services and dependencies add what each needs (see _registerNetworkPolicy).
    this.defaultDeny = new NetworkPolicyV1(this, 'default-deny', {
      provider: this.kubernetes,
      metadata: policyMeta('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      dependsOn: [this.namespaceResource, this.allowDns],
    });
    this.networkPolicies.set('allow-dns', this.allowDns);
    this.networkPolicies.set('default-deny', this.defaultDeny);

    // Subscribers get the alert topic even before anything alarms on it.
    if (this.tier.managed && ((props.alerts?.email ?? []).length > 0 || (props.alerts?.https ?? []).length > 0)) Alerts.of(this);

    this.node.addValidation({
      validate: () => {
        const declared = [...this.services.keys()];
        return this.ledger.servicesIn(this.tier.name).flatMap((s) => {
          const problem = undeclaredService(this.tier.name, this.appName, s, declared);
          return problem ? [messageOf(this.ledger.source, problem)] : [];
        });
      },
    });
  }

  /**
   * The construct ID of a service or dependency named `name` in `scope`: refused when Switchyard
   * uses it in the app's stack, or when `scope` has a child of that name already (construct IDs
   * are Terraform addresses: they are checked before the construct exists). @internal
   */
  public static _childId(scope: IConstruct, what: string, name: string): string {
    if (scope instanceof AppStack && (RESERVED_IDS as readonly string[]).includes(name)) {
      fail(`${scope.node.path}/${name}`, `${what} %v is a name Switchyard uses in the app's stack`, name, `pick another name (reserved: ${RESERVED_IDS.join(', ')})`);
    }
    const taken = scope.node.tryFindChild(name);
    if (taken) {
      fail(`${scope.node.path}/${name}`, `${what} %v is already used by ${taken.node.path}`, name, 'give each service and dependency of an app its own name');
    }
    return name;
  }

  /** Kubernetes object names claimed in the app's namespace, per kind: `Service/api-blue` -> who made it. */
  private readonly claimed = new Map<string, string>();

  /**
   * Claims the names of the Kubernetes objects a construct makes in the app's namespace; refuses a
   * name another construct of the app makes (a service `api-blue` beside a service `api`, whose slot
   * Service is `api-blue`): the second object would overwrite the first at apply time. @internal
   */
  public _claimNames(owner: IConstruct, kind: string, names: string[]): void {
    for (const name of names) {
      const key = `${kind}/${name}`;
      const other = this.claimed.get(key);
      if (other !== undefined && other !== owner.node.path) {
        fail(owner, `the ${kind} %v it would make in namespace "${this.namespace}" is made by ${other} already`, name,
          'give it another name: the Kubernetes objects of a service (`<name>`, `<name>-preview`, `<name>-blue`, `<name>-green`, ...) and of a dependency share the namespace');
      }
      this.claimed.set(key, owner.node.path);
    }
  }

  /** Registers a service name; refuses a duplicate. @internal */
  public _registerService(service: Named): void {
    const existing = this.services.get(service.name);
    if (existing) fail(service, 'service name %v is already used', service.name, `give each service of app "${this.appName}" its own name (first used at ${existing.node.path})`);
    this.services.set(service.name, service);
  }

  /** Registers a dependency name; refuses a duplicate. @internal */
  public _registerDependency(dep: IDependency): void {
    const existing = this.declaredDependencies.get(dep.name);
    if (existing) fail(dep, 'dependency name %v is already used', dep.name, `give each dependency of app "${this.appName}" its own name (first used at ${existing.node.path})`);
    this.declaredDependencies.set(dep.name, dep);
  }

  /**
   * Registers a NetworkPolicy of the namespace, made by `scope`: refuses a second policy of the same
   * name; `default-deny` is applied after it, and an egress policy after `allow-dns` (its pods keep
   * DNS while it isolates them). @internal
   */
  public _registerNetworkPolicy(scope: IConstruct, policy: NetworkPolicyV1, name: string, direction: 'Ingress' | 'Egress'): void {
    const existing = this.networkPolicies.get(name);
    if (existing) {
      fail(scope, `the NetworkPolicy name %v is already used by ${existing.node.path}`, name,
        'rename the service or dependency: each makes policies named after it (<service>-ingress, <service>-egress, <name>-postgres, <name>-postgres-egress, <name>-valkey)');
    }
    this.networkPolicies.set(name, scope);
    this.defaultDeny.dependsOn = [...(this.defaultDeny.dependsOn ?? []), dependencyOf(policy)];
    if (direction === 'Egress') policy.dependsOn = [...(policy.dependsOn ?? []), dependencyOf(this.allowDns)];
  }

  /** The dependency of this app named `name`, if one was declared. */
  public dependency(name: string): IDependency | undefined {
    return this.declaredDependencies.get(name);
  }

  /** True when `dep` was declared in this stack. */
  public owns(dep: IDependency): boolean {
    return this.declaredDependencies.get(dep.name) === dep;
  }
}
