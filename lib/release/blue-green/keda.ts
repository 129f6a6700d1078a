/**
 * A worker's queue scaling with KEDA: a ScaledObject per slot that holds a
 * version (the idle slot's paused at 0 replicas: `autoscaling.keda.sh/paused-replicas`,
 * which stops KEDA's loop, removes its autoscaler and scales the slot to 0;
 * deleting a ScaledObject would leave the slot at its last count), an
 * `aws-sqs-queue` trigger per queue, and the TriggerAuthentication they use:
 *
 * - managed tiers: KEDA's operator assumes the worker's scaler role (its web
 *   identity, trusted by the role), which may call `sqs:GetQueueAttributes`
 *   on the worker's scaled queues and nothing else;
 * - in the cluster: the messaging server's generated credentials, and its
 *   endpoint; the server admits KEDA's operator.
 *
 * A switch moves the pause from one slot's ScaledObject to the other's: the
 * old live slot is paused after the new one resumes. A retired idle slot has
 * no ScaledObject (it was paused at 0 already, and stays there).
 */
import type { AppStack } from '../../app-stack';
import type { IQueue } from '../../dependencies/contract';
import { Queue } from '../../dependencies/messaging/queue';
import { InClusterMessaging } from '../../dependencies/messaging/server';
import { KEDA_OPERATOR } from '../../platform/addons/keda';
import { dependencyOf, IamRole, IamRolePolicy, Lazy, Manifest } from '../../private/cdk';
import { irsaTrust, lazyPolicyDocument } from '../../private/iam';
import { otherSlot, ServiceRelease, Slot, SLOTS } from '../ledger';
import { serviceLabels } from './pod-template';
import type { ServiceParts, SlotResources } from './props';
import { queueScalingOf } from './worker';

export { QueueScalingOptions, ServiceKind } from './props';
export { isWorker } from './worker';

/** KEDA's API group and version (the CRDs of KEDA v2.20.2, chart keda 2.20.2). */
export const KEDA_API = 'keda.sh/v1alpha1';

/** The ScaledObject annotation that stops KEDA's scaling and holds the target at that many replicas. */
export const PAUSED_REPLICAS_ANNOTATION = 'autoscaling.keda.sh/paused-replicas';

/** What a worker's queue scaling made: the ScaledObjects by slot, their TriggerAuthentication and, in AWS, the scaler role. */
export interface QueueScalingResources {
  /** The ScaledObject `<name>-<slot>` of each slot that holds a version and is not retired. */
  readonly scaledObjects: Partial<Record<Slot, Manifest>>;
  /** The TriggerAuthentication `<name>-queues` the triggers read the queues with. */
  readonly triggerAuthentication: Manifest;
  /**
   * The role KEDA's operator assumes to read the queues' depth.
   * @default - none: an in-cluster tier (KEDA reads the messaging server with its generated credentials)
   */
  readonly scalerRole?: IamRole;
}

/**
 * The switch of a worker whose slots are `slots`: with KEDA, its queue scaling (returned); with fixed
 * replicas, the old live slot goes to 0 only once the new one rolled out. The queues (and so the
 * triggers and the role's policy) are read at synth: `grantConsume` may come after the worker is made.
 */
export function buildWorkerSwitch(parts: ServiceParts, release: ServiceRelease, slots: Partial<Record<Slot, SlotResources>>): QueueScalingResources | undefined {
  const scaling = queueScalingOf(parts);
  if (!scaling) {
    const idle = slots[otherSlot(release.live)]?.deployment;
    if (idle) idle.dependsOn = [...(idle.dependsOn ?? []), dependencyOf(slots[release.live]!.deployment)];
    return undefined;
  }
  const s = parts.service;
  const app = s.app;
  const provider = app.kubernetes;
  const labels = serviceLabels(s.podSelector);
  const queues = (): Queue[] => scaledQueues(parts);
  const managed = app.tier.managed;

  // AWS: a role of the worker's, trusted by KEDA's operator (its web identity), that reads the depth of these queues.
  let scalerRole: IamRole | undefined;
  let scalerPolicy: IamRolePolicy | undefined;
  if (managed) {
    const eks = app.platform.eks(app, `the queue scaling of worker "${s.name}" (KEDA reads SQS)`);
    scalerRole = new IamRole(s, 'scaler-role', {
      provider: app.aws,
      namePrefix: `${app.node.id}-${s.name}-scaler-`.slice(0, 38),
      description: `KEDA reads the depth of the queues of worker ${s.name} of ${app.node.id} (web identity ${KEDA_OPERATOR.namespace}/${KEDA_OPERATOR.serviceAccount})`,
      assumeRolePolicy: irsaTrust(s, 'scaler-role-trust', app.aws, { ...eks, namespace: KEDA_OPERATOR.namespace, serviceAccount: KEDA_OPERATOR.serviceAccount }),
    });
    scalerPolicy = new IamRolePolicy(s, 'scaler-role-policy', {
      provider: app.aws,
      role: scalerRole.id,
      // The one call of the aws-sqs-queue scaler; no KMS key is needed to read a queue's attributes.
      policy: lazyPolicyDocument(s, 'scaler-role-access', app.aws, () => [{ actions: ['sqs:GetQueueAttributes'], resources: queues().map((q) => q.arn) }]),
    });
  }

  const authName = `${s.name}-queues`;
  const triggerAuthentication = new Manifest(s, 'queue-scaler-auth', {
    provider,
    manifest: {
      apiVersion: KEDA_API,
      kind: 'TriggerAuthentication',
      metadata: { name: authName, namespace: app.namespace, labels },
      spec: scalerRole
        ? { podIdentity: { provider: 'aws', roleArn: scalerRole.arn } }
        : { secretTargetRef: localCredentials(app) },
    },
    dependsOn: [app.namespaceResource, ...(scalerPolicy ? [scalerPolicy] : [])],
  });

  const scaledObjects: Partial<Record<Slot, Manifest>> = {};
  for (const slot of [release.live, otherSlot(release.live)]) {
    const deployment = slots[slot]?.deployment;
    const idle = slot !== release.live;
    // A retired idle slot keeps no ScaledObject: it was paused at 0, and deleting it leaves it there.
    if (!deployment || (idle && release.retired)) continue;
    scaledObjects[slot] = new Manifest(s, `${slot}-scaled-object`, {
      provider,
      manifest: {
        apiVersion: KEDA_API,
        kind: 'ScaledObject',
        metadata: {
          name: `${s.name}-${slot}`,
          namespace: app.namespace,
          labels: serviceLabels(s.podSelector, slot),
          // The idle slot does not consume: KEDA holds it at 0 replicas.
          ...(idle ? { annotations: { [PAUSED_REPLICAS_ANNOTATION]: '0' } } : {}),
        },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${s.name}-${slot}` },
          pollingInterval: scaling.pollingIntervalSeconds,
          cooldownPeriod: scaling.cooldownSeconds,
          minReplicaCount: scaling.minReplicas,
          maxReplicaCount: scaling.maxReplicas,
          triggers: Lazy.anyValue({ produce: () => queues().map((q) => trigger(q, authName, scaling.messagesPerReplica)) }),
        },
      },
      // After the slot rolled out its version; the old live slot stops only once the new one scales.
      dependsOn: [deployment, triggerAuthentication, ...(idle && scaledObjects[release.live] ? [scaledObjects[release.live]!] : [])],
    });
  }
  for (const slot of SLOTS) {
    const so = scaledObjects[slot];
    const slotParts = slots[slot];
    if (so && slotParts) (slotParts as { scaledObject?: Manifest }).scaledObject = so;
  }
  return { scaledObjects, triggerAuthentication, scalerRole };
}

/** The `aws-sqs-queue` trigger of one queue. */
function trigger(q: Queue, authName: string, messagesPerReplica: number): Record<string, unknown> {
  const source = q._depthSource();
  return {
    type: 'aws-sqs-queue',
    name: q.name,
    authenticationRef: { name: authName },
    metadata: {
      queueURL: source.url,
      awsRegion: source.region,
      ...(source.endpoint ? { awsEndpoint: source.endpoint } : {}),
      queueLength: String(messagesPerReplica),
    },
  };
}

/** The queues the worker scales on: `queueScaling.queues`, else every queue it consumes. */
function scaledQueues(parts: ServiceParts): Queue[] {
  const p = parts.props;
  const given = p.queueScaling ? p.queueScaling.queues : undefined;
  const consumed = parts.service.grantedAccess.filter((g) => g.action === 'consume').map((g) => g.dependency as IQueue);
  return (given ?? consumed).filter((q): q is Queue => q instanceof Queue);
}

/**
 * The in-cluster messaging server's generated credentials, as KEDA reads them (every queue of the
 * app in an in-cluster tier is on the one server); the server admits KEDA's operator from now on.
 */
function localCredentials(app: AppStack): Array<Record<string, string>> {
  const bus = InClusterMessaging.of(app);
  bus.allowScaler();
  return [
    { parameter: 'awsAccessKeyID', name: bus.credentialsSecret, key: 'AWS_ACCESS_KEY_ID' },
    { parameter: 'awsSecretAccessKey', name: bus.credentialsSecret, key: 'AWS_SECRET_ACCESS_KEY' },
  ];
}
