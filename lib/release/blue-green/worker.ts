/**
 * Workers (`kind: 'worker'`): queue consumers released blue-green. A worker
 * serves nothing (no Services, no preview, no route, no weight) and only its
 * live slot consumes: its idle slot is at 0 replicas. With the Keda add-on on
 * the platform the live slot scales on the depth of the queues it consumes
 * (keda.ts: a ScaledObject per slot, the idle one paused at 0); without it
 * the live slot runs a fixed number of replicas. Either way a switch flips
 * the slots (their replicas, or their ScaledObjects' pause) and rolls no pod
 * template out. Here: what a worker may be given, and the replicas of its slots.
 */
import type { AppStack } from '../../app-stack';
import { Queue } from '../../dependencies/messaging/queue';
import { AddonIds } from '../../platform/addons/ids';
import type { Construct } from '../../private/cdk';
import { fail, show } from '../../private/errors';
import type { BlueGreenService } from '../blue-green-service';
import type { ServiceRelease, Slot } from '../ledger';
import type { BlueGreenServiceProps, QueueScalingOptions, ServiceParts } from './props';

/** The defaults of {@link QueueScalingOptions}: the trigger's and KEDA's own (`queueLength` 5, polling 30 s, cooldown 300 s). */
export const QUEUE_SCALING_DEFAULTS = { messagesPerReplica: 5, pollingIntervalSeconds: 30, cooldownSeconds: 300 } as const;

/** The metrics options of a service that speak of HTTP requests (a worker serves none). */
const HTTP_METRICS = ['requestsMetric', 'statusLabel', 'durationMetric', 'latencySeconds', 'errorRatio', 'minRequestsPerSecond', 'availabilityObjective'] as const;

/** True for a worker. */
export function isWorker(props: BlueGreenServiceProps): boolean {
  return props.kind === 'worker';
}

/** A worker's queue scaling with the tier's sizing and the defaults filled in; undefined when it runs fixed replicas. */
export function queueScalingOf(parts: ServiceParts): Required<Omit<QueueScalingOptions, 'queues'>> & QueueScalingOptions | undefined {
  const p = parts.props;
  const app = parts.service.app;
  if (!isWorker(p) || p.queueScaling === false || !app.platform.hasAddon(AddonIds.keda)) return undefined;
  const sizing = app.tier.profile.sizing;
  const q = p.queueScaling ?? {};
  return {
    ...QUEUE_SCALING_DEFAULTS,
    ...q,
    minReplicas: q.minReplicas ?? sizing.replicas,
    maxReplicas: q.maxReplicas ?? sizing.maxReplicas,
  };
}

/**
 * Replicas Terraform sets on a worker's slot: 0 for the idle slot (it does not consume). The live
 * slot runs `replicas` when fixed; when KEDA scales it, its replicas are KEDA's and Terraform sets
 * them only when it creates the Deployment: the scaling's minimum, at least 1, so that the first
 * rollout of the slot proves its version starts.
 */
export function workerReplicas(parts: ServiceParts, slot: Slot, release: ServiceRelease): number {
  if (slot !== release.live) return 0;
  const scaling = queueScalingOf(parts);
  if (scaling) return Math.max(scaling.minReplicas, 1);
  return parts.props.replicas ?? parts.service.app.tier.profile.sizing.replicas;
}

/** Refuses what a service of `kind` cannot be given; each refusal names the value and the fix. */
export function validateKind(scope: Construct, p: BlueGreenServiceProps, app: AppStack): void {
  const kind: unknown = p.kind;
  if (kind !== undefined && kind !== 'service' && kind !== 'worker') {
    fail(scope, 'kind %v is not a kind of service', kind, 'use "service" (served through Services and a route) or "worker" (a queue consumer)');
  }
  if (!isWorker(p)) {
    if (p.port === undefined) {
      fail(scope, 'port is %v, but a service is served on a port', p.port, 'give the port the container serves on, or kind: "worker" for a queue consumer that serves nothing');
    }
    if (p.queueScaling !== undefined) {
      fail(scope, 'queueScaling %v is for workers', p.queueScaling, 'give kind: "worker" to scale a queue consumer on the depth of its queues; a service autoscales on CPU and memory (autoscaling)');
    }
    return;
  }
  const refuse = (what: string, value: unknown, fix: string) => fail(scope, `a worker takes no ${what} (%v)`, value, fix);
  if (p.route !== undefined) refuse('route', p.route, 'drop the route: a worker serves nothing; give kind: "service" to serve requests');
  if (p.autoscaling) refuse('autoscaling', p.autoscaling, 'a worker scales on the depth of its queues: give queueScaling (with the Keda add-on), or a fixed replicas');
  if (p.idleReplicas !== undefined) refuse('idleReplicas', p.idleReplicas, 'drop it: a worker\'s idle slot always runs 0 replicas, so that only the live slot consumes');
  if (p.metrics) {
    if (p.metrics.port !== undefined) refuse('metrics.port', p.metrics.port, 'a worker\'s metrics are on its port: give port instead');
    for (const key of HTTP_METRICS) {
      if (p.metrics[key] !== undefined) refuse(`metrics.${key}`, p.metrics[key], 'drop it: a worker serves no requests, so it has no error-rate, latency or burn-rate alert');
    }
  }
  const commands = [p.probes?.readiness?.command, p.probes?.liveness?.command];
  if (p.port === undefined) {
    if (p.healthPath !== undefined) refuse('healthPath without a port', p.healthPath, 'give the port the health path is served on, or probes with a command');
    if (commands.some((c) => c === undefined)) {
      fail(scope, 'the worker has neither a port nor probe commands (probes: %v)', p.probes ?? {},
        'give probes: { readiness: { command: [...] }, liveness: { command: [...] } } (a command that exits 0 while the worker is healthy), or a port with a healthPath');
    }
  }
  const keda = app.platform.hasAddon(AddonIds.keda);
  const q = p.queueScaling;
  // Which queues it consumes is known once the program is built.
  if (keda && q !== false) scope.node.addValidation({ validate: () => queueProblems(scope as BlueGreenService, p) });
  if (q && !keda) {
    fail(scope, `queueScaling is given, but the platform of tier "${app.tier.name}" has no %v add-on`, AddonIds.keda,
      'add Keda to the add-ons (standardAddons has it), or give the PlatformRef the "keda" add-on; or drop queueScaling to run a fixed replicas');
  }
  if (keda && q !== false && p.replicas !== undefined) {
    fail(scope, 'replicas %v is fixed, but the worker scales on the depth of its queues (the platform has KEDA)', p.replicas,
      'give queueScaling: { minReplicas, maxReplicas }, or queueScaling: false for a fixed replicas');
  }
  if (!q) return;
  const sizing = app.tier.profile.sizing;
  const min = q.minReplicas ?? sizing.replicas;
  const max = q.maxReplicas ?? sizing.maxReplicas;
  const whole = (v: unknown, low: number) => Number.isInteger(v) && (v as number) >= low;
  if (!whole(min, 0)) fail(scope, 'queueScaling.minReplicas %v is not valid', min, 'use a whole number of at least 0 (0: no replica while the queues are empty)');
  if (!whole(max, 1) || max < min) fail(scope, `queueScaling.maxReplicas %v is below 1 or below minReplicas (${min})`, max, 'use a whole number of at least 1 and at least minReplicas');
  for (const [key, value, low] of [['messagesPerReplica', q.messagesPerReplica, 1], ['pollingIntervalSeconds', q.pollingIntervalSeconds, 1], ['cooldownSeconds', q.cooldownSeconds, 0]] as const) {
    if (value !== undefined && !whole(value, low)) fail(scope, `queueScaling.${key} %v is not valid`, value, `use a whole number of at least ${low}`);
  }
  if (q.queues !== undefined && (!Array.isArray(q.queues) || q.queues.length === 0)) {
    fail(scope, 'queueScaling.queues %v lists no queue', q.queues, 'list queues the worker consumes, or leave queues out to scale on every queue it consumes');
  }
}

/** What is wrong with the queues a worker scales on (KEDA), known once the program is built. */
function queueProblems(s: BlueGreenService, p: BlueGreenServiceProps): string[] {
  const consumed = s.grantedAccess.filter((g) => g.action === 'consume').map((g) => g.dependency);
  const given = p.queueScaling ? p.queueScaling.queues : undefined;
  const problems: string[] = [];
  // cdktf prefixes each message with the construct's path.
  const problem = (what: string, value: unknown, fix: string) => problems.push(`${what.replace('%v', show(value))}: ${fix}`);
  if (given === undefined && consumed.length === 0) {
    problem('the worker scales on the depth of the queues it consumes (the platform has KEDA), but it consumes %v', 'no queue',
      'grant it the queues it consumes (worker.grantConsume(queue)), or give queueScaling: false for a fixed replicas');
  }
  for (const q of given ?? []) {
    if (!(q instanceof Queue) || !s.app.owns(q)) {
      problem('queueScaling.queues has %v, which is not a Queue of this app', (q as { node?: { path?: string } } | undefined)?.node?.path ?? q, 'list queues declared in this app that the worker consumes');
    } else if (!consumed.includes(q)) {
      problem('queueScaling.queues has %v, which the worker does not consume', q.name, `grant it (worker.grantConsume(queue)), or scale on the queues it consumes`);
    }
  }
  for (const q of consumed) {
    if (!(q instanceof Queue)) problem('the worker consumes %v, whose depth KEDA cannot read (not a Switchyard Queue)', q.name, 'scale on Switchyard Queues only (queueScaling.queues), or give queueScaling: false');
  }
  return problems;
}
