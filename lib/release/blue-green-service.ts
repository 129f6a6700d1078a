import { AppStack } from '../app-stack';
import { describeValue, envVarName, IConnectable, IDependency, IQueue, isDependency, ITopic } from '../dependencies/contract';
import { podSecurityOfPeer } from '../dependencies/pod-security';
import { certificateCovers, domainCovers, envoyProxies } from '../platform/platform-ref';
import { cidrPeer, namespacePeer, networkPolicy, podPeer, Rule, tcp, toAwsApis } from '../dependencies/network-policy';
import { MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS } from '../platform/addons/observability';
import { Alerts } from '../observability/alarms';
import { metricsProblem, MetricsOptions, serviceMonitoring, ServiceMonitoring } from '../observability/monitoring';
import { AddonIds } from '../platform/addons/ids';
import { GATEWAY_API } from '../platform/addons/gateway';
import { RELOADER_ANNOTATION, RELOADER_SECRETS_ANNOTATION } from '../platform/addons/reloader';
import {
  Annotations, Construct, dependencyOf, DeploymentV1, HorizontalPodAutoscalerV2, IamRole, IamRolePolicy, ITerraformDependable, JobV1,
  Lazy, Manifest, NetworkPolicyV1, PodDisruptionBudgetV1, ServiceAccountV1, ServiceV1, TerraformData, TerraformResource,
} from '../private/cdk';
import { fail } from '../private/errors';
import { irsaTrust, lazyPolicyDocument, Statement } from '../private/iam';
import { checkName } from '../private/names';
import { LOCKED_DOWN_CONTAINER, podSecurity } from '../private/pod';
import { otherSlot, ServiceRelease, Slot, SLOTS, versionIn } from './ledger';
import { messageOf, refuse, requiredDependency, requiredSetting, weightWithoutRoute } from './rules';

/** Pod-template annotation with the ID of the service's own pod security group (a new group rolls the pods). */
export const POD_SECURITY_GROUP_ANNOTATION = 'switchyard.dev/pod-security-group';

/** CPU and memory of a service's container. */
export interface ServiceResources {
  /** CPU the scheduler reserves for each pod (Kubernetes quantity). @default "100m" */
  readonly cpuRequest?: string;
  /** CPU each pod may use at most. @default "500m" */
  readonly cpuLimit?: string;
  /** Memory the scheduler reserves for each pod. @default "128Mi" */
  readonly memoryRequest?: string;
  /** Memory each pod may use at most (above it the container is killed). @default "256Mi" */
  readonly memoryLimit?: string;
}

/** A liveness or readiness probe. */
export interface ProbeOptions {
  /**
   * HTTP path that answers 2xx when healthy; without it the probe opens a TCP connection.
   * @default - the service's `healthPath`, else a TCP probe
   */
  readonly path?: string;
  /**
   * Port probed; must be a port the container exposes (the service's port or the metrics port).
   * @default - the service's port
   */
  readonly port?: number;
  /** Seconds after the container starts before the first probe. @default 2 for readiness, 10 for liveness */
  readonly initialDelaySeconds?: number;
  /** Seconds between probes. @default 5 for readiness, 10 for liveness */
  readonly periodSeconds?: number;
  /** Failed probes in a row before the pod is taken out of the Service (readiness) or restarted (liveness). @default 3 */
  readonly failureThreshold?: number;
}

/** Horizontal autoscaling of each slot. */
export interface AutoscalingOptions {
  /**
   * Minimum replicas of each slot (the idle slot stays warm at it).
   * @default - the tier's `sizing.replicas`
   */
  readonly minReplicas?: number;
  /**
   * Maximum replicas of each slot.
   * @default - the tier's `sizing.maxReplicas`
   */
  readonly maxReplicas?: number;
  /**
   * Average CPU use, percent of the request, the autoscaler aims at (1 to 100), or `false` to
   * scale on memory alone (then `memoryPercent` is required).
   * @default 70
   */
  readonly cpuPercent?: number | false;
  /**
   * Average memory use, percent of the request, the autoscaler aims at (1 to 100).
   * @default - memory is not a target
   */
  readonly memoryPercent?: number;
}

/** A database migration run with the slot's version before the slot rolls out. */
export interface MigrationOptions {
  /** Command of the migration container (same image and version as the slot). */
  readonly command: string[];
  /**
   * Its arguments.
   * @default []
   */
  readonly args?: string[];
  /**
   * Seconds the migration may take before the apply fails.
   * @default 600
   */
  readonly timeoutSeconds?: number;
}

/** How the service is reached through the platform's Gateway. */
export interface RouteOptions {
  /**
   * Host names the route answers (under the Gateway's listener).
   * @default - any host the Gateway accepts
   */
  readonly hostnames?: string[];
  /**
   * Path prefix.
   * @default "/"
   */
  readonly path?: string;
}

/** Properties of a {@link BlueGreenService}. */
export interface BlueGreenServiceProps {
  /**
   * Image repository without tag, e.g. "ghcr.io/acme/shop-api". The version in the ledger is
   * the tag (`<image>:<version>`), or the digest when the version is `sha256:<hex>`.
   */
  readonly image: string;
  /** Port the container serves on. */
  readonly port: number;
  /**
   * Replicas of each slot when the service does not autoscale (`autoscaling: false`).
   * @default - the tier's `sizing.replicas`
   */
  readonly replicas?: number;
  /**
   * Replicas of the idle slot when the service does not autoscale. Below `replicas`, a switch also
   * resizes the slots: the new live one before traffic moves, the old one after.
   * @default - `replicas`
   */
  readonly idleReplicas?: number;
  /**
   * Horizontal autoscaling of each slot (autoscaling/v2, on CPU and optionally memory), or `false`.
   * Terraform then leaves the Deployments' replicas to the autoscaler.
   * @default - min and max from the tier's sizing, 70% CPU
   */
  readonly autoscaling?: AutoscalingOptions | false;
  /**
   * Plain environment variables. No secret belongs here: a name that looks secret (PASSWORD, TOKEN,
   * SECRET, KEY, CREDENTIAL, ...) with a literal value is refused, since the value would be in the
   * synthesized JSON and in state. Secrets come from dependencies' connection secrets or `secretEnv`;
   * a value that only looks secret (a key ID, a public key) is marked with `notSecret('...')`.
   * @default {}
   */
  readonly env?: Record<string, string | NotSecret>;
  /**
   * Environment variables read from keys of Kubernetes Secrets in the app's namespace (written by you,
   * or by external-secrets from a store), e.g. `{ STRIPE_API_KEY: { secret: 'stripe', key: 'api-key' } }`.
   * @default {}
   */
  readonly secretEnv?: Record<string, SecretKeyRef>;
  /**
   * Command of the container.
   * @default - the image's entrypoint
   */
  readonly command?: string[];
  /**
   * Arguments of the container.
   * @default - the image's command
   */
  readonly args?: string[];
  /**
   * HTTP path answering 2xx when the service is healthy, for both probes.
   * @default - TCP probes on `port`
   */
  readonly healthPath?: string;
  /**
   * Probes, each setting overriding the default.
   * @default - readiness and liveness on `healthPath` (or TCP) at the service's port
   */
  readonly probes?: {
    /**
     * When a pod takes traffic.
     * @default - on `healthPath` (or TCP) at the service's port, from 2 s, every 5 s
     */
    readonly readiness?: ProbeOptions;
    /**
     * When a pod is restarted.
     * @default - on `healthPath` (or TCP) at the service's port, from 10 s, every 10 s
     */
    readonly liveness?: ProbeOptions;
  };
  /**
   * CPU and memory.
   * @default - requests 100m / 128Mi, limits 500m / 256Mi
   */
  readonly resources?: ServiceResources;
  /**
   * Numeric user (and group) the container runs as; never root.
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * Dependencies the service connects to (same as calling `connect` for each).
   * @default []
   */
  readonly connections?: IDependency[];
  /**
   * A migration to run with a slot's version before that slot rolls out (a Job that must succeed).
   * @default - none
   */
  readonly migration?: MigrationOptions;
  /**
   * Expose the service through the platform's Gateway with an HTTPRoute; the ledger's weight sends that
   * share of requests to the idle slot (a canary).
   * @default - not exposed (a Service in the cluster only)
   */
  readonly route?: RouteOptions;
  /**
   * Prometheus scraping and alert rules (needs kube-prometheus-stack on the platform), or `false`.
   * @default - scrape `/metrics` on the service's port, with the default alert thresholds
   */
  readonly metrics?: MetricsOptions | false;
}

const SLOT_LABEL = 'switchyard.dev/slot';

/** What is made for one slot that holds a version. */
export interface SlotResources {
  /** The slot's Deployment, `<name>-<slot>`. */
  readonly deployment: DeploymentV1;
  /**
   * The migration Job run with the slot's version before the Deployment rolls out.
   * @default - none: the service has no migration
   */
  readonly migration?: JobV1;
  /**
   * The slot's HorizontalPodAutoscaler.
   * @default - none: the service does not autoscale, or the slot is retired
   */
  readonly autoscaler?: HorizontalPodAutoscalerV2;
  /**
   * The slot's PodDisruptionBudget (one pod at a time in a drain).
   * @default - none: not a highly available tier, or the slot is retired
   */
  readonly disruptionBudget?: PodDisruptionBudgetV1;
  /**
   * Whether the slot serves or is retired, when it autoscales: a change replaces the Deployment,
   * so it comes back from `retire` with its replicas.
   * @default - none: the service does not autoscale
   */
  readonly servingMarker?: TerraformResource;
}

/**
 * A service released blue-green: Deployments `<name>-blue` and `<name>-green`
 * with fixed names and selectors (a slot's version is data, never part of a
 * name, selector or Terraform address), per-slot Services, the active Service
 * `<name>` whose selector picks the live slot, `<name>-preview` for the idle
 * slot and, with a route, an HTTPRoute that splits traffic by the ledger's
 * weight. Versions, the live slot and the weight come from the ledger.
 *
 * One apply rolls out in order: a slot's migration Job (if any) must succeed,
 * then its Deployment must roll out, then the switch (the Services' selectors
 * and the route) happens. A failed migration or rollout stops the apply
 * before traffic moves. Each slot autoscales with the same bounds, so the
 * idle slot stays warm and a switch or a rollback changes only Services and
 * routes; `retire` scales the idle slot to zero and removes its autoscaler.
 */
export class BlueGreenService extends Construct implements IConnectable {
  /** The service's name (the construct id): its Deployments are `<name>-blue` and `<name>-green`. */
  public readonly name: string;
  /** The app stack the service belongs to. */
  public readonly app: AppStack;
  /** The release state of this service in this tier, undefined when it was never staged here. */
  public readonly release?: ServiceRelease;
  /** Deployments by slot (only slots that hold a version). */
  public readonly deployments: Partial<Record<Slot, DeploymentV1>> = {};
  /** Everything made per slot, by slot. */
  public readonly slots: Partial<Record<Slot, SlotResources>> = {};
  /** Per-slot Services, by slot. */
  public readonly slotServices: Partial<Record<Slot, ServiceV1>> = {};
  /** The Service that takes traffic (selects the live slot). */
  public readonly activeService?: ServiceV1;
  /** The Service of the idle slot. */
  public readonly previewService?: ServiceV1;
  /** The HTTPRoute, when the service has a route. */
  public readonly route?: Manifest;
  /** The PodMonitor and alert rules, when the platform has kube-prometheus-stack. */
  public readonly monitoring?: ServiceMonitoring;
  /** The pods' service account (no API token mounted); the service's IAM role (IRSA) trusts it alone. */
  public readonly serviceAccount: ServiceAccountV1;
  /**
   * The NetworkPolicy `<name>-ingress`: what may connect to the service's pods (slots and
   * migrations): the Gateway's proxies on its port when it has a route, Prometheus on its metrics
   * port when it is monitored; nothing else (the namespace denies the rest).
   */
  public readonly ingressPolicy: NetworkPolicyV1;
  /**
   * The NetworkPolicy `<name>-egress`: where the service's pods may connect to besides the cluster
   * DNS: each dependency it connects to, on that dependency's port, and HTTPS to AWS's public
   * endpoints once it is granted something in AWS (IRSA).
   */
  public readonly egressPolicy: NetworkPolicyV1;
  private readonly props: BlueGreenServiceProps;
  private readonly connections: IDependency[] = [];
  private readonly grants: Array<{ readonly dependency: IQueue | ITopic; readonly action: 'send' | 'consume' | 'publish' }> = [];
  private readonly env: Record<string, string>;
  /** Names the service's own variables take (env and secretEnv): a dependency's contract may not take them too. */
  private readonly ownEnvNames: string[];
  private readonly statements: Statement[] = [];
  private readonly extraEnv: Array<{ name: string; secret: string; key: string }> = [];
  private awsRole?: IamRole;

  constructor(scope: Construct, name: string, props: BlueGreenServiceProps) {
    super(scope, AppStack._childId(scope, 'service name', name));
    this.app = AppStack.ofScope(this);
    // Room for the "-preview" and "-migrate-green" suffixes in a 63-character name.
    this.name = checkName(this, 'service name', name, 40);
    this.app._registerService(this);
    // The objects of both slots, whatever the ledger holds now: a later stage makes them.
    const n = this.name;
    this.app._claimNames(this, 'Service', [n, `${n}-preview`, `${n}-blue`, `${n}-green`]);
    this.app._claimNames(this, 'Deployment', [`${n}-blue`, `${n}-green`]);
    this.app._claimNames(this, 'Job', [`${n}-migrate-blue`, `${n}-migrate-green`]);
    this.app._claimNames(this, 'ServiceAccount', [n]);
    this.props = props;
    this.env = Object.fromEntries(Object.entries(props.env ?? {}).map(([k, v]) => [k, v instanceof NotSecret ? v.value : v]));
    this.ownEnvNames = [...Object.keys(props.env ?? {}), ...Object.keys(props.secretEnv ?? {})];
    for (const [name, ref] of Object.entries(props.secretEnv ?? {})) this._addSecretEnv(name, ref.secret, ref.key);
    validateProps(this, props, this.app);
    const tier = this.app.tier;
    const provider = this.app.kubernetes;

    this.serviceAccount = new ServiceAccountV1(this, 'service-account', {
      provider,
      metadata: {
        name: this.name,
        namespace: this.app.namespace,
        labels: this.labels(),
        // The IRSA role, once the service is granted something in AWS.
        annotations: Lazy.anyValue({ produce: () => (this.awsRole ? { 'eks.amazonaws.com/role-arn': this.awsRole.arn } : undefined) }) as unknown as Record<string, string>,
      },
      automountServiceAccountToken: false,
      dependsOn: [this.app.namespaceResource],
    });

    for (const slot of SLOTS) {
      this.slotServices[slot] = this.service(`${slot}-service`, `${this.name}-${slot}`, slot);
    }
    // Known now: who may connect to the pods. Read at synth: where they may connect to.
    const ingress = this.ingressRules();
    this.ingressPolicy = networkPolicy(this, 'ingress-policy', this.app, {
      name: `${this.name}-ingress`, podLabels: this.podSelector, direction: 'Ingress', rules: () => ingress,
    });
    this.egressPolicy = networkPolicy(this, 'egress-policy', this.app, {
      name: `${this.name}-egress`, podLabels: this.podSelector, direction: 'Egress', rules: () => this.egressRules(),
    });
    if (props.metrics !== false) {
      if (this.app.platform.hasAddon(AddonIds.kubePrometheusStack)) {
        this.monitoring = serviceMonitoring(this, this.app, this.name, this.podSelector, this.metricsPortName, props.metrics ?? {});
        // In AWS, Alertmanager sends them to the app's alert topic, where the alarms go.
        if (tier.managed && this.app.platform.kind === 'eks') Alerts.of(this.app).routePrometheusAlerts();
      } else if (props.metrics) {
        fail(this, 'metrics are configured but the platform of tier %v has no kube-prometheus-stack', tier.name, 'add KubePrometheusStack to the add-ons (its CRDs hold PodMonitor and PrometheusRule), or set metrics: false');
      }
    }

    this.release = this.app.ledger.release(tier.name, this.name);
    // An entry without a live version holds only approvals: nothing is released here yet.
    if (!this.release || !versionIn(this.release, this.release.live)) {
      Annotations.of(this).addInfo(`service "${this.name}" has no release in tier "${tier.name}" yet: only its Services are created (stage a version with \`switchyard stage ${this.name} <version> --tier ${tier.name}\`)`);
      return;
    }
    const release = this.release;
    refuse(this.app.ledger.source, weightWithoutRoute(tier.name, this.name, release.weight, props.route !== undefined));
    this.activeService = this.service('active-service', this.name, release.live);
    this.previewService = this.service('preview-service', `${this.name}-preview`, otherSlot(release.live));
    for (const slot of SLOTS) {
      const version = versionIn(release, slot);
      if (version) this.slots[slot] = this.buildSlot(slot, version, release);
    }
    for (const slot of SLOTS) {
      const d = this.slots[slot]?.deployment;
      if (d) this.deployments[slot] = d;
    }
    // The switch: the active Service moves only after the live slot rolled out ...
    const live = this.slots[release.live]!.deployment;
    this.activeService.dependsOn = [...(this.activeService.dependsOn ?? []), dependencyOf(live)];
    // ... and where the slots differ in size, the other one shrinks only after the switch.
    const idle = this.slots[otherSlot(release.live)]?.deployment;
    if (idle && this.slotReplicas(otherSlot(release.live), release) < this.slotReplicas(release.live, release)) {
      idle.dependsOn = [...(idle.dependsOn ?? []), dependencyOf(this.activeService)];
    }
    if (props.route) this.route = this.buildRoute(props.route, release);
    for (const dep of props.connections ?? []) this.connect(dep);

    this.node.addValidation({ validate: () => this.checkRequires() });
  }

  /** Pod labels that select this service's pods (both slots, migrations included). */
  public get podSelector(): Readonly<Record<string, string>> {
    return { 'app.kubernetes.io/name': this.name, 'app.kubernetes.io/part-of': this.app.appName };
  }

  /** Whether the slots wait for the service's SecurityGroupPolicy already. */
  private waitsForPodSecurity = false;

  /**
   * Connects the service to a dependency of the same app: the contract
   * secret's keys become environment variables (`ORDERS_DB_URL`, ...), the
   * slots (and their migrations) wait for the dependency, and the network
   * path is opened for this service only.
   */
  public connect(dep: IDependency): void {
    if (!isDependency(dep)) {
      fail(this, 'connect() was given %v, which is not a dependency', describeValue(dep), 'pass a Postgres, Cache, Queue or Topic declared in this app (or your own IDependency)');
    }
    if (!this.app.owns(dep)) {
      fail(this, 'dependency %v belongs to another app or tier', dep.node.path, `connect only to dependencies declared in ${this.app.node.id} (declare "${dep.name}" in this app)`);
    }
    if (this.connections.includes(dep)) return;
    // Set twice, one of the values would silently win in the pod.
    const taken = dep.contractKeys.map((k) => envVarName(dep.name, dep.kind, k)).filter((n) => this.ownEnvNames.includes(n));
    if (taken.length > 0) {
      fail(this, `environment variable %v is the service's own and also comes from the connection to "${dep.name}"`, taken[0],
        `rename the service's variable (the contract of a ${dep.kind} sets ${dep.contractKeys.map((k) => envVarName(dep.name, dep.kind, k)).join(', ')})`);
    }
    this.connections.push(dep);
    const opened = dep.grantConnect(this);
    // The pods start after the dependency and the rule that admits them, and with their security
    // group where one admits them.
    const pods = this.waitsForPodSecurity ? undefined : podSecurityOfPeer(this);
    this.waitsForPodSecurity ||= pods !== undefined;
    this.podsWaitFor([...dep.readyAfter, ...opened, ...(pods ? [pods.policy] : [])]);
  }

  /** Makes every slot's first workload (its migration, else its Deployment) wait for `resources`. */
  private podsWaitFor(resources: ITerraformDependable[]): void {
    if (resources.length === 0) return;
    for (const s of Object.values(this.slots)) {
      const first = s.migration ?? s.deployment;
      first.dependsOn = [...(first.dependsOn ?? []), ...resources.map(dependencyOf)];
    }
  }

  /** Lets the service send messages to a queue of the app (and connects it: `<NAME>_QUEUE_URL`, ...). */
  public grantSend(queue: IQueue): void {
    this.expectKind(queue, 'queue', 'grantSend');
    this.connect(queue);
    this.recordGrant(queue, 'send');
    this.grantAws(queue._permissions('send'));
  }

  /** Lets the service receive and delete messages of a queue of the app (and connects it). */
  public grantConsume(queue: IQueue): void {
    this.expectKind(queue, 'queue', 'grantConsume');
    this.connect(queue);
    this.recordGrant(queue, 'consume');
    this.grantAws(queue._permissions('consume'));
  }

  /** Lets the service publish to a topic of the app (and connects it: `<NAME>_TOPIC_ARN`, ...). */
  public grantPublish(topic: ITopic): void {
    this.expectKind(topic, 'topic', 'grantPublish');
    this.connect(topic);
    this.recordGrant(topic, 'publish');
    this.grantAws(topic._permissions('publish'));
  }

  /**
   * Refuses a dependency of another kind than a grant is for (types stop it in TypeScript; a program in
   * plain JavaScript, or a cast, would otherwise turn `grantConsume(topic)` into an `sns:Publish` grant).
   */
  private expectKind(dep: IQueue | ITopic, kind: 'queue' | 'topic', grant: string): void {
    const d: unknown = dep;
    if (!isDependency(d) || d.kind !== kind || typeof (d as { _permissions?: unknown })._permissions !== 'function') {
      fail(this, `${grant}() was given %v, which is not a ${kind}`, isDependency(d) ? `${d.kind} "${d.name}"` : describeValue(dep),
        kind === 'queue' ? `pass a Queue: ${grant}(queue); a topic is published to with grantPublish(topic)` : 'pass a Topic: grantPublish(topic); a queue is granted with grantSend(queue) or grantConsume(queue)');
    }
  }

  /**
   * Gives the pods an environment variable from a key of a Secret (for
   * dependencies that hand out more than their contract, such as local
   * credentials of an in-cluster stand-in). @internal
   */
  public _addSecretEnv(name: string, secret: string, key: string): void {
    if (!this.extraEnv.some((e) => e.name === name)) this.extraEnv.push({ name, secret, key });
  }

  /**
   * Who may connect to the pods: the platform Gateway's proxies (pods of their namespace, or the
   * VPC's range for a load balancer with `ip` targets) on the service's port when it has a route;
   * Prometheus on the metrics port when it is monitored.
   */
  private ingressRules(): Rule[] {
    const p = this.props;
    const rules: Rule[] = [];
    const gateway = this.app.platform.gateway;
    if (p.route && gateway) {
      const proxies = gateway.proxies ?? envoyProxies(gateway);
      if (proxies.fromVpc) {
        const eks = this.app.platform.eks(this.app, `the route of service "${this.name}" (the Gateway ${gateway.namespace}/${gateway.name} sends from the VPC)`);
        rules.push({ peers: [cidrPeer(eks.vpcCidr)], ports: tcp(p.port) });
      } else if (proxies.namespace) {
        rules.push({ peers: [namespacePeer(proxies.namespace, proxies.podLabels)], ports: tcp(p.port) });
      } else {
        fail(this, `the platform's Gateway ${gateway.namespace}/${gateway.name} says neither where its proxies run nor that they send from the VPC: %v`, proxies,
          'give the GatewayRef proxies: { namespace, podLabels } (pods of the cluster) or { fromVpc: true } (a load balancer with ip targets)');
      }
    }
    // Prometheus scrapes the pods where the PodMonitor says (the metrics port, or the service's port).
    if (p.metrics !== false && this.app.platform.hasAddon(AddonIds.kubePrometheusStack)) {
      rules.push({ peers: [namespacePeer(MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS)], ports: tcp((p.metrics ? p.metrics.port : undefined) ?? p.port) });
    }
    return rules;
  }

  /** Where the pods may connect to: every connected dependency's destinations, and AWS's APIs once granted something there. */
  private egressRules(): Rule[] {
    return [
      ...this.connections.flatMap((d) => (d.networkDestinations ?? []).map((to) => ({
        peers: [...(to.podLabels ? [podPeer(to.podLabels)] : []), ...(to.cidrs ?? []).map((c) => cidrPeer(c))],
        ports: tcp(to.port),
      }))).filter((r) => r.peers.length > 0),
      ...(this.awsRole ? [toAwsApis()] : []),
    ];
  }

  /** Whether the service has a route (an HTTPRoute on the platform's Gateway, which the ledger's weight splits). */
  public get routed(): boolean {
    return this.props.route !== undefined;
  }

  /** The image repository (the tag is the slot's version). */
  public get image(): string {
    return this.props.image;
  }

  /** The dependencies this service connects to. */
  public get connectedDependencies(): readonly IDependency[] {
    return this.connections;
  }

  /** What the service may do with queues and topics beyond connecting (`grantSend`, `grantConsume`, `grantPublish`), in grant order. */
  public get grantedAccess(): ReadonlyArray<{
    /** The queue or topic. */
    readonly dependency: IQueue | ITopic;
    /** What the service may do with it. */
    readonly action: 'send' | 'consume' | 'publish';
  }> {
    return this.grants;
  }

  private recordGrant(dependency: IQueue | ITopic, action: 'send' | 'consume' | 'publish'): void {
    if (!this.grants.some((g) => g.dependency === dependency && g.action === action)) this.grants.push({ dependency, action });
  }

  /** Environment variable names this service gets from its connections. */
  public get connectionEnv(): string[] {
    return this.connections.flatMap((d) => d.contractKeys.map((k) => envVarName(d.name, d.kind, k)));
  }

  /**
   * Adds IAM permissions to the service's own role (IRSA, trusted by its
   * service account only), created on the first grant. Exactly what is
   * granted, nothing else.
   */
  private grantAws(statements: Statement[]): void {
    if (statements.length === 0) return;
    this.statements.push(...statements);
    if (this.awsRole) return;
    const app = this.app;
    const eks = app.platform.eks(app, `service "${this.name}" (an AWS permission)`);
    this.awsRole = new IamRole(this, 'role', {
      provider: app.aws,
      namePrefix: `${app.node.id}-${this.name}-`.slice(0, 38),
      description: `Service ${this.name} of ${app.node.id} (IRSA: ${app.namespace}/${this.name})`,
      assumeRolePolicy: irsaTrust(this, 'role-trust', app.aws, { ...eks, namespace: app.namespace, serviceAccount: this.name }),
    });
    const policy = new IamRolePolicy(this, 'role-policy', {
      provider: app.aws,
      role: this.awsRole.id,
      policy: lazyPolicyDocument(this, 'role-access', app.aws, () => this.statements),
    });
    // The pods assume the role as they start: they start once it may do what they were granted.
    this.podsWaitFor([policy]);
  }

  /** A dependency change a release requires: of a dependency of the app the service waits for, of a setting a release may change. */
  private checkRequires(): string[] {
    const requires = Object.entries(this.release?.requires ?? {});
    if (requires.length === 0) return [];
    const tier = this.app.tier.name;
    const dependencies = this.app.node.findAll().filter(isDependency);
    const connections = this.connections.map((d) => d.name);
    return requires.flatMap(([name, settings]) => {
      const dependency = dependencies.find((d) => d.name === name);
      const problem = requiredDependency({ tier, app: this.app.appName, service: this.name, dependency: name, dependencies: dependencies.map((d) => d.name), connections })
        ?? Object.keys(settings).map((key) => requiredSetting(tier, this.name, dependency!, key)).find((p) => p !== undefined);
      return problem ? [messageOf(this.app.ledger.source, problem)] : [];
    });
  }

  private get metricsPortName(): string {
    const m = this.props.metrics;
    return m && m.port !== undefined && m.port !== this.props.port ? 'metrics' : 'http';
  }

  private get autoscaling(): Required<Pick<AutoscalingOptions, 'minReplicas' | 'maxReplicas' | 'cpuPercent'>> & AutoscalingOptions | undefined {
    if (this.props.autoscaling === false) return undefined;
    const sizing = this.app.tier.profile.sizing;
    const a = this.props.autoscaling ?? {};
    return { ...a, minReplicas: a.minReplicas ?? sizing.replicas, maxReplicas: a.maxReplicas ?? sizing.maxReplicas, cpuPercent: a.cpuPercent ?? 70 };
  }

  private labels(slot?: Slot): Record<string, string> {
    return {
      ...this.podSelector,
      'app.kubernetes.io/managed-by': 'switchyard',
      ...(slot ? { [SLOT_LABEL]: slot } : {}),
    };
  }

  private service(id: string, name: string, slot: Slot): ServiceV1 {
    return new ServiceV1(this, id, {
      provider: this.app.kubernetes,
      metadata: { name, namespace: this.app.namespace, labels: this.labels() },
      spec: {
        type: 'ClusterIP',
        selector: { ...this.podSelector, [SLOT_LABEL]: slot },
        port: [{ name: 'http', port: 80, targetPort: String(this.props.port), protocol: 'TCP' }],
      },
      dependsOn: [this.app.namespaceResource],
    });
  }

  /**
   * Annotations of the pod template: the ID of the service's own pod security group, once a
   * dependency admits it. A pod gets its security groups when it starts, so the slot rolls out when
   * the group is first given (or replaced) and its pods start with it.
   */
  private podAnnotations(): Record<string, string> {
    return Lazy.anyValue({
      produce: () => {
        const id = podSecurityOfPeer(this)?.groupId;
        return id ? { [POD_SECURITY_GROUP_ANNOTATION]: id } : undefined;
      },
    }) as unknown as Record<string, string>;
  }

  private buildSlot(slot: Slot, version: string, release: ServiceRelease): SlotResources {
    const provider = this.app.kubernetes;
    const ns = this.app.namespace;
    const profile = this.app.tier.profile;
    const isLive = slot === release.live;
    // A retired idle slot keeps its version but runs no pods and has no autoscaler (`switchyard retire`).
    const retired = !isLive && release.retired === true;
    const scaling = retired ? undefined : this.autoscaling;
    const replicas = this.slotReplicas(slot, release);

    const migration = this.props.migration ? new JobV1(this, `migrate-${slot}`, {
      provider,
      metadata: { name: `${this.name}-migrate-${slot}`, namespace: ns, labels: { ...this.podSelector, 'app.kubernetes.io/component': 'migration' } },
      waitForCompletion: true,
      timeouts: { create: `${this.props.migration.timeoutSeconds ?? 600}s`, update: `${this.props.migration.timeoutSeconds ?? 600}s` },
      spec: {
        backoffLimit: 1,
        activeDeadlineSeconds: this.props.migration.timeoutSeconds ?? 600,
        template: {
          // No slot label: a migration's pod is never an endpoint of a slot's Service.
          metadata: { labels: { ...this.podSelector, 'app.kubernetes.io/component': 'migration', 'app.kubernetes.io/version': version }, annotations: this.podAnnotations() },
          spec: this.podSpec(slot, version, 'migration') as never,
        },
      },
      dependsOn: [this.serviceAccount],
    }) : undefined;

    // An autoscaled slot's replicas belong to its autoscaler, so Terraform ignores them; but
    // `retire` scales the slot to 0, and an ignored attribute would keep that 0 when a version is
    // staged into the slot again (and an autoscaler never scales up from 0): the new version would
    // "roll out" with no pods. So a slot that goes from retired to serving (or back) gets a new
    // Deployment, created with the replicas it needs: the marker below changes with the slot's
    // state and replaces the Deployment (an idle slot's, never the live one's).
    const servingMarker = this.autoscaling ? new TerraformData(this, `${slot}-serving`, { input: { state: retired ? 'retired' : 'serving' } }) : undefined;

    const reloads = this.app.platform.hasAddon(AddonIds.reloader);
    const deployment = new DeploymentV1(this, slot, {
      provider,
      metadata: {
        name: `${this.name}-${slot}`,
        namespace: ns,
        labels: this.labels(slot),
        // Reloader rolls the slot out when a rotating connection secret changes (env vars are read once).
        ...(reloads ? {
          annotations: Lazy.anyValue({
            produce: () => {
              const rotating = this.connections.filter((d) => d.rotates).map((d) => d.secretName);
              return rotating.length ? { [RELOADER_SECRETS_ANNOTATION]: rotating.join(',') } : undefined;
            },
          }) as unknown as Record<string, string>,
        } : {}),
      },
      waitForRollout: true,
      spec: {
        replicas: String(replicas),
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...this.podSelector, [SLOT_LABEL]: slot } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '0' } },
        template: {
          metadata: { labels: { ...this.labels(slot), 'app.kubernetes.io/version': version }, annotations: this.podAnnotations() },
          spec: this.podSpec(slot, version, 'app') as never,
        },
      },
      // The autoscaler owns the replicas once it runs: an apply never fights it.
      lifecycle: servingMarker || reloads ? {
        ...(scaling || reloads ? {
          ignoreChanges: [
            ...(scaling ? ['spec[0].replicas'] : []),
            // What Reloader writes when it restarts the slot: an apply leaves it (and the pods) alone.
            ...(reloads ? [`spec[0].template[0].metadata[0].annotations["${RELOADER_ANNOTATION}"]`] : []),
          ],
        } : {}),
        // As a bare reference: cdktf 0.21 writes a resource given here as "${...}", which Terraform refuses.
        ...(servingMarker ? { replaceTriggeredBy: [dependencyOf(servingMarker)] } : {}),
      } : undefined,
      dependsOn: [this.serviceAccount, ...(migration ? [migration] : [])],
    });

    const autoscaler = scaling ? new HorizontalPodAutoscalerV2(this, `${slot}-autoscaler`, {
      provider,
      metadata: { name: `${this.name}-${slot}`, namespace: ns, labels: this.labels(slot) },
      spec: {
        minReplicas: scaling.minReplicas,
        maxReplicas: scaling.maxReplicas,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${this.name}-${slot}` },
        metric: [
          ...(scaling.cpuPercent !== false ? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: scaling.cpuPercent } } }] : []),
          ...(scaling.memoryPercent ? [{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: scaling.memoryPercent } } }] : []),
        ],
      },
      dependsOn: [deployment],
    }) : undefined;

    // Highly available tiers: voluntary disruptions (node drains) take one pod of a slot at a time.
    const disruptionBudget = profile.highAvailability && !retired ? new PodDisruptionBudgetV1(this, `${slot}-disruption-budget`, {
      provider,
      metadata: { name: `${this.name}-${slot}`, namespace: ns, labels: this.labels(slot) },
      spec: { maxUnavailable: '1', selector: { matchLabels: { ...this.podSelector, [SLOT_LABEL]: slot } } },
      dependsOn: [this.app.namespaceResource],
    }) : undefined;

    return { deployment, migration, autoscaler, disruptionBudget, servingMarker };
  }

  /** Replicas Terraform sets on a slot's Deployment (the autoscaler's minimum when it scales). */
  private slotReplicas(slot: Slot, release: ServiceRelease): number {
    const sizing = this.app.tier.profile.sizing;
    const isLive = slot === release.live;
    if (!isLive && release.retired) return 0;
    const scaling = this.autoscaling;
    if (scaling) return scaling.minReplicas;
    return isLive ? this.props.replicas ?? sizing.replicas : this.props.idleReplicas ?? this.props.replicas ?? sizing.replicas;
  }

  /** The pod of a slot (the app) or of its migration: same image, env and lock-down. */
  private podSpec(slot: Slot, version: string, role: 'app' | 'migration'): Record<string, unknown> {
    const spread = this.app.tier.profile.highAvailability && role === 'app';
    return {
      serviceAccountName: this.name,
      automountServiceAccountToken: false,
      ...(role === 'migration' ? { restartPolicy: 'Never' } : {}),
      securityContext: podSecurity(this.props.runAsUser ?? 10001),
      ...(spread ? {
        topologySpreadConstraint: [{
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: [{ matchLabels: { ...this.podSelector, [SLOT_LABEL]: slot } }],
        }],
      } : {}),
      container: [this.container(slot, version, role)],
      volume: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
    };
  }

  private container(slot: Slot, version: string, role: 'app' | 'migration'): Record<string, unknown> {
    const p = this.props;
    const r = p.resources ?? {};
    const image = version.startsWith('sha256:') ? `${p.image}@${version}` : `${p.image}:${version}`;
    const metricsPort = p.metrics ? p.metrics.port : undefined;
    const probe = (o: ProbeOptions | undefined, delay: number, period: number) => {
      const path = o?.path ?? p.healthPath;
      const port = String(o?.port ?? p.port);
      return {
        ...(path ? { httpGet: { path, port } } : { tcpSocket: [{ port }] }),
        initialDelaySeconds: o?.initialDelaySeconds ?? delay,
        periodSeconds: o?.periodSeconds ?? period,
        failureThreshold: o?.failureThreshold ?? 3,
      };
    };
    return {
      name: role,
      image,
      imagePullPolicy: 'IfNotPresent',
      command: role === 'migration' ? p.migration!.command : p.command,
      args: role === 'migration' ? p.migration!.args : p.args,
      ...(role === 'app' ? {
        port: [
          { name: 'http', containerPort: p.port, protocol: 'TCP' },
          ...(metricsPort !== undefined && metricsPort !== p.port ? [{ name: 'metrics', containerPort: metricsPort, protocol: 'TCP' }] : []),
        ],
        readinessProbe: probe(p.probes?.readiness, 2, 5),
        livenessProbe: probe(p.probes?.liveness, 10, 10),
      } : {}),
      // Resolved at synth, so connections made after construction are included.
      // (A lazy value bypasses the binding's mapping: it is written in Terraform's own keys.)
      env: Lazy.anyValue({
        produce: () => [
          ...Object.entries(this.env).map(([name, value]) => ({ name, value })),
          { name: 'SWITCHYARD_SLOT', value: slot },
          { name: 'SWITCHYARD_VERSION', value: version },
          ...this.connections.flatMap((d) => d.contractKeys.map((key) => ({
            name: envVarName(d.name, d.kind, key),
            value_from: { secret_key_ref: { name: d.secretName, key } },
          }))),
          ...this.extraEnv.map((e) => ({ name: e.name, value_from: { secret_key_ref: { name: e.secret, key: e.key } } })),
        ],
      }),
      resources: {
        requests: { cpu: r.cpuRequest ?? '100m', memory: r.memoryRequest ?? '128Mi' },
        limits: { cpu: r.cpuLimit ?? '500m', memory: r.memoryLimit ?? '256Mi' },
      },
      securityContext: LOCKED_DOWN_CONTAINER,
      volumeMount: [{ name: 'tmp', mountPath: '/tmp' }],
    };
  }

  /** The HTTPRoute on the platform's Gateway: the live slot, and the ledger's weight to the idle one. */
  private buildRoute(route: RouteOptions, release: ServiceRelease): Manifest {
    const gateway = this.app.platform.gateway!;
    const idle = otherSlot(release.live);
    const idleServes = versionIn(release, idle) !== undefined && !release.retired && release.weight > 0;
    const backend = (slot: Slot, weight: number) => ({ name: `${this.name}-${slot}`, port: 80, weight });
    const after: ITerraformDependable[] = [this.activeService!, ...(idleServes ? [this.slots[idle]!.deployment] : [])];
    return new Manifest(this, 'route', {
      provider: this.app.kubernetes,
      manifest: {
        apiVersion: GATEWAY_API,
        kind: 'HTTPRoute',
        metadata: { name: this.name, namespace: this.app.namespace, labels: this.labels() },
        spec: {
          parentRefs: [{ name: gateway.name, namespace: gateway.namespace }],
          ...(route.hostnames ? { hostnames: route.hostnames } : {}),
          rules: [{
            matches: [{ path: { type: 'PathPrefix', value: route.path ?? '/' } }],
            backendRefs: idleServes
              ? [backend(release.live, 100 - release.weight), backend(idle, release.weight)]
              : [backend(release.live, 100)],
          }],
        },
      },
      dependsOn: after,
    });
  }
}

function validateProps(scope: Construct, p: BlueGreenServiceProps, app: AppStack): void {
  if (!p.image || /[:@]/.test(p.image.split('/').pop() ?? '') || /\s/.test(p.image)) {
    fail(scope, 'image %v is not an image repository without tag', p.image, 'give the repository only (e.g. "ghcr.io/acme/shop-api"); the version comes from the release ledger');
  }
  // The registry host may have upper case; the repository path may not (the kubelet refuses it: InvalidImageName).
  const imagePath = /^[^/]*[.:][^/]*\/|^localhost\//.test(p.image) ? p.image.slice(p.image.indexOf('/') + 1) : p.image;
  if (!/^[a-z0-9]+((?:[._]|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((?:[._]|__|-+)[a-z0-9]+)*)*$/.test(imagePath)) {
    fail(scope, 'image %v has a repository path that is not lower case', p.image, 'use lower-case letters, digits, ".", "_" and "-" between "/" (e.g. "ghcr.io/acme/shop-api")');
  }
  const r = p.resources ?? {};
  const quantities: Array<[keyof ServiceResources, string | undefined]> = [['cpuRequest', r.cpuRequest], ['cpuLimit', r.cpuLimit], ['memoryRequest', r.memoryRequest], ['memoryLimit', r.memoryLimit]];
  for (const [key, q] of quantities) {
    if (q !== undefined && quantity(q) === undefined) {
      fail(scope, `resources.${key} %v is not a Kubernetes quantity`, q, key.startsWith('cpu') ? 'use cores or millicores, e.g. "250m" or "1"' : 'use bytes with a suffix, e.g. "256Mi" or "1Gi"');
    }
  }
  for (const [request, limit] of [['cpuRequest', 'cpuLimit'], ['memoryRequest', 'memoryLimit']] as const) {
    const rq = quantity(r[request] ?? DEFAULT_RESOURCES[request]);
    const lm = quantity(r[limit] ?? DEFAULT_RESOURCES[limit]);
    if (rq! > lm!) {
      fail(scope, `resources.${request} %v is above the limit (${r[limit] ?? DEFAULT_RESOURCES[limit]})`, r[request] ?? DEFAULT_RESOURCES[request], `raise resources.${limit} or lower resources.${request}: Kubernetes refuses a request above its limit`);
    }
  }
  const isPort = (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535;
  if (!isPort(p.port)) {
    fail(scope, 'port %v is not a TCP port', p.port, 'use a whole number from 1 to 65535 (1024 or above: the container runs as non-root)');
  }
  for (const [k, v] of [['replicas', p.replicas], ['idleReplicas', p.idleReplicas]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < (k === 'replicas' ? 1 : 0))) {
      fail(scope, `${k} %v is not valid`, v, `use a whole number of at least ${k === 'replicas' ? 1 : 0}`);
    }
  }
  if (p.idleReplicas !== undefined && p.idleReplicas > (p.replicas ?? app.tier.profile.sizing.replicas)) {
    fail(scope, 'idleReplicas %v is above replicas', p.idleReplicas, 'keep the idle slot at most as large as the live one');
  }
  if (p.runAsUser !== undefined && (!Number.isInteger(p.runAsUser) || p.runAsUser < 1)) {
    fail(scope, 'runAsUser %v is root or not a user ID', p.runAsUser, 'use a numeric non-root user ID such as 10001');
  }
  const names = [...Object.keys(p.env ?? {}), ...Object.keys(p.secretEnv ?? {})];
  for (const k of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(scope, 'environment variable name %v is not valid', k, 'use letters, digits and "_", not starting with a digit');
    if (/^(SWITCHYARD_|AWS_)/.test(k)) fail(scope, 'environment variable %v is set by Switchyard', k, 'pick a name that does not start with SWITCHYARD_ or AWS_');
    if (names.indexOf(k) !== names.lastIndexOf(k)) fail(scope, 'environment variable %v is in both env and secretEnv', k, 'give it once');
  }
  for (const [k, v] of Object.entries(p.env ?? {})) {
    if (!(v instanceof NotSecret) && typeof v !== 'string') {
      fail(scope, `environment variable ${k} has the value %v, not a string`, v, 'give the value as a string (environment variables are strings), e.g. "8080"');
    }
    if (typeof v === 'string' && SECRET_NAME.test(k)) {
      fail(scope, `environment variable %v looks like a secret, and its value would be written in the synthesized JSON and in state`, k,
        `read it from a Secret: secretEnv: { ${k}: { secret: '<secret>', key: '<key>' } } (or connect a dependency); if the value is not secret, mark it: env: { ${k}: notSecret('...') }`);
    }
  }
  for (const [k, ref] of Object.entries(p.secretEnv ?? {})) {
    const r = ref as { secret?: unknown; key?: unknown } | undefined;
    if (!r || typeof r.secret !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(r.secret) || typeof r.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(r.key)) {
      fail(scope, `secretEnv.${k} %v does not name a Secret and a key`, ref, 'give { secret: "<Secret name in the app\'s namespace>", key: "<key in it>" }');
    }
  }
  const a = p.autoscaling;
  if (a) {
    const sizing = app.tier.profile.sizing;
    const min = a.minReplicas ?? sizing.replicas;
    const max = a.maxReplicas ?? sizing.maxReplicas;
    if (!Number.isInteger(min) || min < 1) fail(scope, 'autoscaling.minReplicas %v is not valid', min, 'use a whole number of at least 1');
    if (!Number.isInteger(max) || max < min) fail(scope, `autoscaling min replicas %v are above max replicas ${max}`, min, 'keep minReplicas <= maxReplicas');
    for (const [k, v] of [['cpuPercent', a.cpuPercent === false ? undefined : a.cpuPercent], ['memoryPercent', a.memoryPercent]] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 100)) fail(scope, `autoscaling.${k} %v is outside 1-100 %`, v, 'give a whole percentage of the request, e.g. 70');
    }
    if (a.cpuPercent === false && a.memoryPercent === undefined) {
      fail(scope, 'autoscaling.cpuPercent is %v and no memoryPercent is given', false, 'give memoryPercent (e.g. 75) to scale on memory, or a cpuPercent');
    }
  }
  const exposed = [p.port, ...(p.metrics && p.metrics.port !== undefined ? [p.metrics.port] : [])];
  if (p.metrics && p.metrics.port !== undefined && !isPort(p.metrics.port)) {
    fail(scope, 'metrics.port %v is not a TCP port', p.metrics.port, 'use a whole number from 1 to 65535');
  }
  for (const [kind, probe] of [['readiness', p.probes?.readiness], ['liveness', p.probes?.liveness]] as const) {
    if (probe?.port !== undefined && !exposed.includes(probe.port)) {
      fail(scope, `the ${kind} probe's port %v is not a port the container exposes`, probe.port, `probe ${exposed.join(' or ')} (the service's port${exposed.length > 1 ? ' or the metrics port' : ''})`);
    }
    if (probe?.path !== undefined && !/^\/\S*$/.test(probe.path)) fail(scope, `the ${kind} probe's path %v is not a URL path`, probe.path, 'start it with "/", e.g. "/healthz"');
  }
  if (p.healthPath !== undefined && !/^\/\S*$/.test(p.healthPath)) fail(scope, 'healthPath %v is not a URL path', p.healthPath, 'start it with "/", e.g. "/healthz"');
  if (p.metrics) {
    const problem = metricsProblem(p.metrics);
    if (problem) fail(scope, ...problem);
  }
  if (p.migration) {
    if (!Array.isArray(p.migration.command) || p.migration.command.length === 0) {
      fail(scope, 'migration.command %v is empty', p.migration.command, 'give the command that migrates, e.g. ["./migrate", "up"]');
    }
    const t = p.migration.timeoutSeconds;
    if (t !== undefined && (!Number.isInteger(t) || t < 10 || t > 86400)) fail(scope, 'migration.timeoutSeconds %v is out of range', t, 'use a whole number of seconds from 10 to 86400');
  }
  if (p.route) {
    if (!app.platform.gateway) {
      fail(scope, 'the service has a route but the platform of tier %v has no Gateway', app.tier.name, 'add a Gateway implementation to the add-ons (EnvoyGateway), or give the PlatformRef its gateway');
    }
    const gateway = app.platform.gateway;
    for (const h of p.route.hostnames ?? []) {
      if (!/^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/.test(h)) fail(scope, 'route hostname %v is not a DNS name', h, 'use a name such as "shop.example.com"');
      // The names must line up with the platform: a certificate of an HTTPS listener covers the name
      // (else the route serves plain HTTP only), and external-dns publishes it (else nobody finds it).
      const https = gateway?.httpsHostnames ?? [];
      if (https.length > 0 && !https.some((c) => certificateCovers(c, h))) {
        const under = https.find((c) => c.startsWith('*.'));
        fail(scope, `route hostname %v is covered by no HTTPS listener of the platform's Gateway (${https.join(', ')}): it would be served over plain HTTP only`, h,
          under
            ? `use a name one label under ${under.slice(2)}, e.g. "${h.split('.')[0]}.${under.slice(2)}" (a wildcard certificate covers one label), or give the Gateway a listener for ${h}`
            : `use ${https.join(' or ')}, or give the Gateway a listener for ${h}`);
      }
      const domains = gateway?.dnsDomains ?? [];
      if (domains.length > 0 && !domains.some((d) => domainCovers(d, h))) {
        fail(scope, `route hostname %v is outside the domains the platform publishes in DNS (external-dns: ${domains.join(', ')}): no record would point to the Gateway`, h,
          `use a name under ${domains.join(' or ')}, or add its domain to the platform's ExternalDns domains (and a hosted zone for it)`);
      }
    }
    if (p.route.path !== undefined && !/^\/\S*$/.test(p.route.path)) fail(scope, 'route path %v is not a URL path', p.route.path, 'start it with "/", e.g. "/api"');
  }
}

/** A key of a Kubernetes Secret in the app's namespace. */
export interface SecretKeyRef {
  /** The Secret's name. */
  readonly secret: string;
  /** The key in it. */
  readonly key: string;
}

/** Environment variable names that say their value is a secret. */
const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY|(^|_)KEY($|_)|_PWD$|^PWD$)/i;

/** A value of an environment variable that looks secret by its name but is not (a key ID, a public key). */
export class NotSecret {
  /** @internal */
  constructor(
    /** The value, written as it is. */
    public readonly value: string,
  ) {
    if (typeof value !== 'string') fail('notSecret()', 'value %v is not a string', value, 'give the value as a string');
  }
}

/**
 * Marks the value of an environment variable whose name looks secret (`SIGNING_KEY_ID`) as not secret:
 * `env: { SIGNING_KEY_ID: notSecret('k-2026') }`. It is then written as it is.
 */
export function notSecret(value: string): NotSecret {
  return new NotSecret(value);
}

/** The requests and limits a container gets when not told otherwise. */
const DEFAULT_RESOURCES: Required<ServiceResources> = { cpuRequest: '100m', cpuLimit: '500m', memoryRequest: '128Mi', memoryLimit: '256Mi' };

/** A non-negative Kubernetes quantity ("250m", "1.5", "256Mi", "1G") as a number, or undefined when it is not one. */
function quantity(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(q);
  if (!m) return undefined;
  const scale: Record<string, number> = {
    m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  };
  return Number(m[1]) * (m[2] ? scale[m[2]] : 1);
}
