/** The props of a {@link BlueGreenService} and what is made per slot, with the defaults they name. */
import type { AnalysisOptions } from '../analysis';
import type { SmokeOptions } from './smoke';
import type { IDependency, IQueue } from '../../dependencies/contract';
import type { MetricsOptions } from '../../observability/monitoring';
import type { DeploymentV1, HorizontalPodAutoscalerV2, JobV1, Manifest, PodDisruptionBudgetV1, TerraformResource } from '../../private/cdk';
import { fail } from '../../private/errors';
import type { BlueGreenService } from '../blue-green-service';

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
  /**
   * A command run in the container that exits 0 when healthy (an exec probe), instead of HTTP or TCP:
   * how a worker without a port says it is alive.
   * @default - an HTTP or TCP probe
   */
  readonly command?: string[];
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
  /**
   * Port the container serves on. A worker (`kind: 'worker'`) serves nothing: its port, if it has one,
   * is where Prometheus scrapes its metrics and its probes ask.
   * @default - none: a worker without a port (a service must have one)
   */
  readonly port?: number;
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
  /**
   * How a canary of the service is judged (`switchyard analyze`, `switchyard rollout`): thresholds on
   * the idle slot's share of 5xx and 99th-percentile latency, absolute and against the live slot,
   * the traffic a verdict needs, and the rollout's steps. Needs the service's metrics.
   * @default - the alert rules' thresholds and window, steps of 5, 25, 50 and 100%
   */
  readonly analysis?: AnalysisOptions;
  /**
   * Checks run against each staged version before it can take traffic: a Job per slot and version
   * that `cdktf deploy` waits for (a failed check fails the deploy), and that `switchyard switch`
   * checks in the cluster.
   * @default - no smoke tests
   */
  readonly smoke?: SmokeOptions;

  // Workers (queue consumers).

  /**
   * What the service is: `service`, served through Services (and a route); or `worker`, a queue
   * consumer that serves nothing: no Services, no preview, no route, no weight. Only a worker's live
   * slot runs (and consumes); its idle slot is at 0 replicas until a switch, which flips the slots'
   * replicas (or their queue scaling) and never rolls a pod template out.
   * @default "service"
   */
  readonly kind?: ServiceKind;
  /**
   * A worker's scaling on the depth of the queues it consumes (KEDA, which must be on the platform:
   * the `Keda` add-on), or `false` for a fixed `replicas`.
   * @default - with the Keda add-on on the platform, scaling on every queue the worker consumes
   *   (`grantConsume`) with the defaults of {@link QueueScalingOptions}; without it (or for a worker that
   *   consumes no queue), a fixed `replicas`
   */
  readonly queueScaling?: QueueScalingOptions | false;
}

/** `service` (served through Services) or `worker` (a queue consumer, no Services). */
export type ServiceKind = 'service' | 'worker';

/** How a worker's live slot scales on the depth of its queues (a KEDA ScaledObject per slot). */
export interface QueueScalingOptions {
  /**
   * The queues whose depth scales the worker (queues of the app it consumes); with several, the
   * deepest decides.
   * @default - every queue the worker consumes (`grantConsume`)
   */
  readonly queues?: IQueue[];
  /**
   * Messages waiting (and in flight) per replica the scaling aims at (the trigger's `queueLength`).
   * @default 5
   */
  readonly messagesPerReplica?: number;
  /**
   * Replicas of the live slot when its queues are empty; 0 lets it stop until a message comes.
   * @default - the tier's `sizing.replicas`
   */
  readonly minReplicas?: number;
  /**
   * Replicas of the live slot at most.
   * @default - the tier's `sizing.maxReplicas`
   */
  readonly maxReplicas?: number;
  /**
   * Seconds between two looks at the queues.
   * @default 30
   */
  readonly pollingIntervalSeconds?: number;
  /**
   * Seconds the queues must stay empty before the live slot goes from `minReplicas` 1 or more down to
   * 0 (only with `minReplicas: 0`).
   * @default 300
   */
  readonly cooldownSeconds?: number;
}

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
  /**
   * The smoke Job of the slot's version (`<name>-smoke-<slot>-<hash of the version>`), run once its pods are ready.
   * @default - none: the service has no smoke tests, or the slot is retired
   */
  readonly smoke?: JobV1;
  /**
   * A worker's KEDA ScaledObject of the slot (paused at 0 replicas while the slot is idle).
   * @default - none: not a worker, a worker with fixed replicas, or the slot is retired
   */
  readonly scaledObject?: Manifest;
}

/** A key of a Kubernetes Secret in the app's namespace. */
export interface SecretKeyRef {
  /** The Secret's name. */
  readonly secret: string;
  /** The key in it. */
  readonly key: string;
}

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
export const DEFAULT_RESOURCES: Required<ServiceResources> = { cpuRequest: '100m', cpuLimit: '500m', memoryRequest: '128Mi', memoryLimit: '256Mi' };

/** What the builders of a service's parts (pod template, slots, route) read of it besides its public members. */
export interface ServiceParts {
  /** The service: the scope of what is made. */
  readonly service: BlueGreenService;
  /** Its props. */
  readonly props: BlueGreenServiceProps;
  /** Its plain environment variables (`notSecret` values unwrapped). */
  readonly env: Readonly<Record<string, string>>;
  /** Variables read from keys of Secrets (`secretEnv`, and what dependencies add), as they are at synth. */
  readonly secretEnv: ReadonlyArray<{ readonly name: string; readonly secret: string; readonly key: string }>;
}
