/**
 * The blue-green service construct. Its parts live in lib/release/blue-green/:
 * props and defaults (props.ts), the checks of the props (validate.ts), the
 * pod template (pod-template.ts), what each slot makes (slot.ts), the route
 * (route.ts) and the IAM role (iam.ts).
 */
import { AppStack } from '../app-stack';
import { describeValue, envVarName, IConnectable, IDependency, IQueue, isDependency, ITopic } from '../dependencies/contract';
import { podSecurityOfPeer } from '../dependencies/pod-security';
import { Alerts } from '../observability/alarms';
import { serviceMonitoring, ServiceMonitoring } from '../observability/monitoring';
import { AddonIds } from '../platform/addons/ids';
import {
  Annotations, Construct, dependencyOf, DeploymentV1, IamRole, ITerraformDependable, Lazy, Manifest, NetworkPolicyV1, ServiceAccountV1, ServiceV1,
} from '../private/cdk';
import { fail } from '../private/errors';
import { Statement } from '../private/iam';
import { checkName } from '../private/names';
import { analysisOf, ResolvedAnalysis } from './analysis';
import { serviceRole } from './blue-green/iam';
import { servicePolicies } from './blue-green/network';
import { serviceLabels, SLOT_LABEL } from './blue-green/pod-template';
import { buildWorkerSwitch, isWorker, QueueScalingResources } from './blue-green/keda';
import { BlueGreenServiceProps, NotSecret, ServiceKind, ServiceParts, SlotResources } from './blue-green/props';
import { buildRoute } from './blue-green/route';
import { buildSlot, slotReplicas } from './blue-green/slot';
import { validateProps } from './blue-green/validate';
import { otherSlot, ServiceRelease, Slot, SLOTS, versionIn } from './ledger';
import { messageOf, refuse, requiredDependency, requiredSetting, weightOnWorker, weightWithoutRoute } from './rules';

export {
  AutoscalingOptions, BlueGreenServiceProps, MigrationOptions, NotSecret, notSecret, ProbeOptions, RouteOptions, SecretKeyRef, ServiceResources, SlotResources,
} from './blue-green/props';
export { KEDA_API, PAUSED_REPLICAS_ANNOTATION, QueueScalingOptions, QueueScalingResources, ServiceKind } from './blue-green/keda';
export { POD_SECURITY_GROUP_ANNOTATION } from './blue-green/pod-template';

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
 * A worker (`kind: 'worker'`, a queue consumer) has no Services: only its live
 * slot runs, and a switch flips the slots' replicas or KEDA's pause (`queueScaling`).
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
  /** A worker's queue scaling (KEDA): its ScaledObjects, their TriggerAuthentication and, in AWS, the role KEDA reads the queues with. */
  public readonly queueScaling?: QueueScalingResources;
  /** The PodMonitor and alert rules, when the platform has kube-prometheus-stack. */
  public readonly monitoring?: ServiceMonitoring;
  /** How a canary of the service is judged, with the defaults filled in (when it has metrics). */
  public readonly analysis?: ResolvedAnalysis;
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
  /** What the builders of the pod template, the slots and the route read (lib/release/blue-green/). */
  private readonly parts: ServiceParts;
  private awsRole?: IamRole;

  constructor(scope: Construct, name: string, props: BlueGreenServiceProps) {
    super(scope, AppStack._childId(scope, 'service name', name));
    this.app = AppStack.ofScope(this);
    // Room for the "-preview" and "-migrate-green" suffixes in a 63-character name.
    this.name = checkName(this, 'service name', name, 40);
    this.app._registerService(this);
    // The objects of both slots, whatever the ledger holds now: a later stage makes them.
    const n = this.name;
    const worker = isWorker(props);
    if (worker) this.app._claimNames(this, 'ScaledObject', [`${n}-blue`, `${n}-green`]);
    else this.app._claimNames(this, 'Service', [n, `${n}-preview`, `${n}-blue`, `${n}-green`]);
    this.app._claimNames(this, 'Deployment', [`${n}-blue`, `${n}-green`]);
    this.app._claimNames(this, 'Job', [`${n}-migrate-blue`, `${n}-migrate-green`]);
    this.app._claimNames(this, 'ServiceAccount', [n]);
    this.props = props;
    this.env = Object.fromEntries(Object.entries(props.env ?? {}).map(([k, v]) => [k, v instanceof NotSecret ? v.value : v]));
    this.ownEnvNames = [...Object.keys(props.env ?? {}), ...Object.keys(props.secretEnv ?? {})];
    for (const [name, ref] of Object.entries(props.secretEnv ?? {})) this._addSecretEnv(name, ref.secret, ref.key);
    this.parts = { service: this, props, env: this.env, secretEnv: this.extraEnv };
    validateProps(this, props, this.app);
    const tier = this.app.tier;
    const provider = this.app.kubernetes;

    this.serviceAccount = new ServiceAccountV1(this, 'service-account', {
      provider,
      metadata: {
        name: this.name,
        namespace: this.app.namespace,
        labels: serviceLabels(this.podSelector),
        // The IRSA role, once the service is granted something in AWS.
        annotations: Lazy.anyValue({ produce: () => (this.awsRole ? { 'eks.amazonaws.com/role-arn': this.awsRole.arn } : undefined) }) as unknown as Record<string, string>,
      },
      automountServiceAccountToken: false,
      dependsOn: [this.app.namespaceResource],
    });

    for (const slot of worker ? [] : SLOTS) {
      this.slotServices[slot] = this.service(`${slot}-service`, `${this.name}-${slot}`, slot);
    }
    const policies = servicePolicies(this, props, () => this.awsRole !== undefined);
    this.ingressPolicy = policies.ingress;
    this.egressPolicy = policies.egress;
    if (props.metrics !== false) {
      if (this.app.platform.hasAddon(AddonIds.kubePrometheusStack)) {
        this.monitoring = serviceMonitoring(this, this.app, this.name, this.podSelector, this.metricsPortName, props.metrics ?? {}, props.kind);
        this.analysis = analysisOf(props.analysis, props.metrics ?? {});
        // In AWS, Alertmanager sends them to the app's alert topic, where the alarms go.
        if (tier.managed && this.app.platform.kind === 'eks') Alerts.of(this.app).routePrometheusAlerts();
      } else if (props.metrics || props.analysis) {
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
    refuse(this.app.ledger.source, weightOnWorker(tier.name, this.name, release.weight, props.kind) ?? weightWithoutRoute(tier.name, this.name, release.weight, props.route !== undefined));
    this.activeService = worker ? undefined : this.service('active-service', this.name, release.live);
    this.previewService = worker ? undefined : this.service('preview-service', `${this.name}-preview`, otherSlot(release.live));
    for (const slot of SLOTS) {
      const version = versionIn(release, slot);
      if (version) this.slots[slot] = buildSlot(this.parts, slot, version, release);
    }
    for (const slot of SLOTS) {
      const d = this.slots[slot]?.deployment;
      if (d) this.deployments[slot] = d;
    }
    // The switch: the active Service moves only after the live slot rolled out ...
    const live = this.slots[release.live]!.deployment;
    const idle = this.slots[otherSlot(release.live)]?.deployment;
    // A worker's switch: KEDA's pause moves between the ScaledObjects, or the old live slot goes to 0 once the new one runs.
    if (worker) this.queueScaling = buildWorkerSwitch(this.parts, release, this.slots);
    if (this.activeService) this.activeService.dependsOn = [...(this.activeService.dependsOn ?? []), dependencyOf(live)];
    // ... and where the slots differ in size, the other one shrinks only after the switch.
    if (this.activeService && idle && slotReplicas(this.parts, otherSlot(release.live), release) < slotReplicas(this.parts, release.live, release)) {
      idle.dependsOn = [...(idle.dependsOn ?? []), dependencyOf(this.activeService)];
    }
    if (props.route) this.route = buildRoute(this, props.route, release);
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

  /** Whether a staged version runs smoke tests. */
  public get smokeTested(): boolean {
    return this.props.smoke !== undefined;
  }

  /** Whether the service has a route (an HTTPRoute on the platform's Gateway, which the ledger's weight splits). */
  public get routed(): boolean {
    return this.props.route !== undefined;
  }

  /** `service`, or `worker` (a queue consumer: no Services, only the live slot runs). */
  public get kind(): ServiceKind {
    return this.props.kind ?? 'service';
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
    const { role, policy } = serviceRole(this, () => this.statements);
    this.awsRole = role;
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

  private get metricsPortName(): string | undefined {
    const m = this.props.metrics;
    if (isWorker(this.props)) return this.props.port === undefined ? undefined : 'metrics';
    return m && m.port !== undefined && m.port !== this.props.port ? 'metrics' : 'http';
  }

  private service(id: string, name: string, slot: Slot): ServiceV1 {
    return new ServiceV1(this, id, {
      provider: this.app.kubernetes,
      metadata: { name, namespace: this.app.namespace, labels: serviceLabels(this.podSelector) },
      spec: {
        type: 'ClusterIP',
        selector: { ...this.podSelector, [SLOT_LABEL]: slot },
        port: [{ name: 'http', port: 80, targetPort: String(this.props.port!), protocol: 'TCP' }],
      },
      dependsOn: [this.app.namespaceResource],
    });
  }
}
