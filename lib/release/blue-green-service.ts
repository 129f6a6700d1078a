import { AppStack } from '../app-stack';
import { envVarName, IConnectable, IDependency, IQueue, ITopic } from '../dependencies/contract';
import {
  Annotations, Construct, dependencyOf, DeploymentV1, DeploymentV1SpecTemplateSpecContainer, IamRole, IamRolePolicy, Lazy,
  ServiceAccountV1, ServiceV1,
} from '../private/cdk';
import { irsaTrust, lazyPolicyDocument, Statement } from '../private/iam';
import { fail } from '../private/errors';
import { checkName } from '../private/names';
import { otherSlot, ServiceRelease, Slot, SLOTS, versionIn } from './ledger';

/** CPU and memory of a service's container. */
export interface ServiceResources {
  /** @default "100m" */
  readonly cpuRequest?: string;
  /** @default "500m" */
  readonly cpuLimit?: string;
  /** @default "128Mi" */
  readonly memoryRequest?: string;
  /** @default "256Mi" */
  readonly memoryLimit?: string;
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
   * Replicas of the live slot.
   * @default - the tier's `sizing.replicas`
   */
  readonly replicas?: number;
  /**
   * Replicas of the idle slot (the previous version after a switch, or a staged one), so a rollback is one flip.
   * @default - the tier's `sizing.idleReplicas`
   */
  readonly idleReplicas?: number;
  /**
   * Plain environment variables (no secrets: those come from dependencies' connection secrets).
   * @default {}
   */
  readonly env?: Record<string, string>;
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
   * HTTP path answering 200 when the service is healthy; without it the probes check the TCP port.
   * @default - TCP probes on `port`
   */
  readonly healthPath?: string;
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
}

/**
 * A service released blue-green: Deployments `<name>-blue` and `<name>-green`
 * with fixed names and selectors (a slot's version is data, never part of a
 * name, selector or Terraform address), per-slot Services, the active Service
 * `<name>` whose selector picks the live slot, and `<name>-preview` for the
 * idle slot. Versions, the live slot and the weight come from the ledger.
 *
 * One apply rolls out in order: the slots' Deployments (waiting for their
 * rollout), then the switch. A failed rollout stops the apply before traffic
 * moves; a switch changes only the Services.
 */
export class BlueGreenService extends Construct implements IConnectable {
  public readonly name: string;
  public readonly app: AppStack;
  /** The release state of this service in this tier, undefined when it was never staged here. */
  public readonly release?: ServiceRelease;
  /** Deployments by slot (only slots that hold a version). */
  public readonly deployments: Partial<Record<Slot, DeploymentV1>> = {};
  /** Per-slot Services, by slot. */
  public readonly slotServices: Partial<Record<Slot, ServiceV1>> = {};
  /** The Service that takes traffic (selects the live slot). */
  public readonly activeService?: ServiceV1;
  /** The Service of the idle slot. */
  public readonly previewService?: ServiceV1;
  public readonly serviceAccount: ServiceAccountV1;
  private readonly props: BlueGreenServiceProps;
  private readonly connections: IDependency[] = [];
  private readonly env: Record<string, string>;
  private readonly statements: Statement[] = [];
  private readonly extraEnv: Array<{ name: string; secret: string; key: string }> = [];
  private awsRole?: IamRole;

  constructor(scope: Construct, name: string, props: BlueGreenServiceProps) {
    super(scope, name);
    this.app = AppStack.ofScope(this);
    // Room for the "-preview" and "-green" suffixes in a 63-character name.
    this.name = checkName(this, 'service name', name, 40);
    this.app._registerService(this);
    this.props = props;
    this.env = { ...(props.env ?? {}) };
    validateProps(this, props);
    const tier = this.app.tier;
    const provider = this.app.kubernetes;
    const ns = this.app.namespace;

    this.serviceAccount = new ServiceAccountV1(this, 'service-account', {
      provider,
      metadata: {
        name: this.name,
        namespace: ns,
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

    this.release = this.app.ledger.release(tier.name, this.name);
    // An entry without a live version holds only approvals: nothing is released here yet.
    if (!this.release || !versionIn(this.release, this.release.live)) {
      Annotations.of(this).addInfo(`service "${this.name}" has no release in tier "${tier.name}" yet: only its Services are created (stage a version with \`switchyard stage ${this.name} <version> --tier ${tier.name}\`)`);
      return;
    }
    const live = this.release.live;
    const idle = otherSlot(live);
    this.activeService = this.service('active-service', this.name, live);
    this.previewService = this.service('preview-service', `${this.name}-preview`, idle);
    this.buildDeployments();
    for (const dep of props.connections ?? []) this.connect(dep);
  }

  /** Pod labels that select this service's pods (both slots). */
  public get podSelector(): Readonly<Record<string, string>> {
    return { 'app.kubernetes.io/name': this.name, 'app.kubernetes.io/part-of': this.app.appName };
  }

  /**
   * Connects the service to a dependency of the same app: the contract
   * secret's keys become environment variables (`ORDERS_DB_URL`, ...), the
   * Deployments wait for the dependency, and the network path is opened for
   * this service only.
   */
  public connect(dep: IDependency): void {
    if (!this.app.owns(dep)) {
      fail(this, 'dependency %v belongs to another app or tier', dep.node.path, `connect only to dependencies declared in ${this.app.node.id} (declare "${dep.name}" in this app)`);
    }
    if (this.connections.includes(dep)) return;
    this.connections.push(dep);
    dep.grantConnect(this);
    for (const d of Object.values(this.deployments)) {
      d.dependsOn = [...(d.dependsOn ?? []), ...dep.readyAfter.map(dependencyOf)];
    }
  }

  /** Lets the service send messages to a queue of the app (and connects it: `<NAME>_QUEUE_URL`, ...). */
  public grantSend(queue: IQueue): void {
    this.connect(queue);
    this.grantAws(queue._permissions('send'));
  }

  /** Lets the service receive and delete messages of a queue of the app (and connects it). */
  public grantConsume(queue: IQueue): void {
    this.connect(queue);
    this.grantAws(queue._permissions('consume'));
  }

  /** Lets the service publish to a topic of the app (and connects it: `<NAME>_TOPIC_ARN`, ...). */
  public grantPublish(topic: ITopic): void {
    this.connect(topic);
    this.grantAws(topic._permissions('publish'));
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
    new IamRolePolicy(this, 'role-policy', {
      provider: app.aws,
      role: this.awsRole.id,
      policy: lazyPolicyDocument(this, 'role-access', app.aws, () => this.statements),
    });
  }

  /** The image repository (the tag is the slot's version). */
  public get image(): string {
    return this.props.image;
  }

  /** The dependencies this service connects to. */
  public get connectedDependencies(): readonly IDependency[] {
    return this.connections;
  }

  /** Environment variable names this service gets from its connections. */
  public get connectionEnv(): string[] {
    return this.connections.flatMap((d) => d.contractKeys.map((k) => envVarName(d.name, d.kind, k)));
  }

  private labels(slot?: Slot): Record<string, string> {
    return {
      ...this.podSelector,
      'app.kubernetes.io/managed-by': 'switchyard',
      ...(slot ? { 'switchyard.dev/slot': slot } : {}),
    };
  }

  private service(id: string, name: string, slot: Slot): ServiceV1 {
    const svc = new ServiceV1(this, id, {
      provider: this.app.kubernetes,
      metadata: { name, namespace: this.app.namespace, labels: this.labels() },
      spec: {
        type: 'ClusterIP',
        selector: { ...this.podSelector, 'switchyard.dev/slot': slot },
        port: [{ name: 'http', port: 80, targetPort: String(this.props.port), protocol: 'TCP' }],
      },
      dependsOn: [this.app.namespaceResource],
    });
    return svc;
  }

  private buildDeployments(): void {
    const release = this.release as ServiceRelease;
    const sizing = this.app.tier.profile.sizing;
    for (const slot of SLOTS) {
      const version = versionIn(release, slot);
      if (!version) continue;
      const isLive = slot === release.live;
      // A retired idle slot keeps its version but runs no pods (`switchyard retire`).
      const idleReplicas = release.retired ? 0 : this.props.idleReplicas ?? sizing.idleReplicas;
      const replicas = isLive ? this.props.replicas ?? sizing.replicas : idleReplicas;
      this.deployments[slot] = new DeploymentV1(this, slot, {
        provider: this.app.kubernetes,
        metadata: { name: `${this.name}-${slot}`, namespace: this.app.namespace, labels: this.labels(slot) },
        waitForRollout: true,
        spec: {
          replicas: String(replicas),
          revisionHistoryLimit: 5,
          selector: { matchLabels: { ...this.podSelector, 'switchyard.dev/slot': slot } },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '0' } },
          template: {
            metadata: { labels: { ...this.labels(slot), 'app.kubernetes.io/version': version } },
            spec: {
              serviceAccountName: this.name,
              automountServiceAccountToken: false,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: String(this.props.runAsUser ?? 10001),
                runAsGroup: String(this.props.runAsUser ?? 10001),
                fsGroup: String(this.props.runAsUser ?? 10001),
                seccompProfile: { type: 'RuntimeDefault' },
              },
              container: [this.container(slot, version)],
              volume: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
            },
          },
        },
        dependsOn: [this.serviceAccount],
      });
    }
    // The switch: the active Service moves only after the live slot rolled out.
    const liveDeployment = this.deployments[release.live];
    if (this.activeService && liveDeployment) this.activeService.dependsOn = [...(this.activeService.dependsOn ?? []), dependencyOf(liveDeployment)];
  }

  private container(slot: Slot, version: string): DeploymentV1SpecTemplateSpecContainer {
    const p = this.props;
    const r = p.resources ?? {};
    const probe = p.healthPath
      ? { httpGet: { path: p.healthPath, port: String(p.port) } }
      : { tcpSocket: [{ port: String(p.port) }] };
    const image = version.startsWith('sha256:') ? `${p.image}@${version}` : `${p.image}:${version}`;
    return {
      name: 'app',
      image,
      imagePullPolicy: 'IfNotPresent',
      command: p.command,
      args: p.args,
      port: [{ name: 'http', containerPort: p.port, protocol: 'TCP' }],
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
      readinessProbe: { ...probe, initialDelaySeconds: 2, periodSeconds: 5, failureThreshold: 3 },
      livenessProbe: { ...probe, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 },
      securityContext: {
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
      volumeMount: [{ name: 'tmp', mountPath: '/tmp' }],
    };
  }
}

function validateProps(scope: Construct, p: BlueGreenServiceProps): void {
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
  if (p.healthPath !== undefined && !/^\/\S*$/.test(p.healthPath)) {
    fail(scope, 'healthPath %v is not an HTTP path', p.healthPath, 'start it with "/", e.g. "/healthz"');
  }
  if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
    fail(scope, 'port %v is not a TCP port', p.port, 'use a whole number from 1 to 65535 (1024 or above: the container runs as non-root)');
  }
  for (const [k, v] of [['replicas', p.replicas], ['idleReplicas', p.idleReplicas]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < (k === 'replicas' ? 1 : 0))) {
      fail(scope, `${k} %v is not valid`, v, `use a whole number of at least ${k === 'replicas' ? 1 : 0}`);
    }
  }
  if (p.runAsUser !== undefined && (!Number.isInteger(p.runAsUser) || p.runAsUser < 1)) {
    fail(scope, 'runAsUser %v is root or not a user ID', p.runAsUser, 'use a numeric non-root user ID such as 10001');
  }
  for (const k of Object.keys(p.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(scope, 'environment variable name %v is not valid', k, 'use letters, digits and "_", not starting with a digit');
  }
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
