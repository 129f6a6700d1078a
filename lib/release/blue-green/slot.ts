/**
 * What is made for each slot that holds a version: its migration Job, its
 * Deployment, its autoscaler and disruption budget, and the marker that
 * replaces an autoscaled Deployment when the slot is retired or serves again.
 */
import { dependencyOf, DeploymentV1, HorizontalPodAutoscalerV2, JobV1, Lazy, PodDisruptionBudgetV1, TerraformData } from '../../private/cdk';
import { AddonIds } from '../../platform/addons/ids';
import { RELOADER_ANNOTATION, RELOADER_SECRETS_ANNOTATION } from '../../platform/addons/reloader';
import type { ServiceRelease, Slot } from '../ledger';
import { versionLabel } from '../version-label';
import { podAnnotations, podSpec, serviceLabels, SLOT_LABEL } from './pod-template';
import { smokeJob } from './smoke';
import { AutoscalingOptions, ServiceParts, SlotResources } from './props';
import { isWorker, queueScalingOf, workerReplicas } from './worker';

/** The service's autoscaling with the tier's sizing and the defaults filled in, or undefined when it does not autoscale. */
export function autoscalingOf(parts: ServiceParts): Required<Pick<AutoscalingOptions, 'minReplicas' | 'maxReplicas' | 'cpuPercent'>> & AutoscalingOptions | undefined {
  // A worker has no autoscaler of its own (KEDA makes one for its live slot and refuses a target with another).
  if (parts.props.autoscaling === false || isWorker(parts.props)) return undefined;
  const sizing = parts.service.app.tier.profile.sizing;
  const a = parts.props.autoscaling ?? {};
  return { ...a, minReplicas: a.minReplicas ?? sizing.replicas, maxReplicas: a.maxReplicas ?? sizing.maxReplicas, cpuPercent: a.cpuPercent ?? 70 };
}

/** Makes the migration, Deployment, autoscaler and disruption budget of a slot that holds `version`. */
export function buildSlot(parts: ServiceParts, slot: Slot, version: string, release: ServiceRelease): SlotResources {
  const s = parts.service;
  const provider = s.app.kubernetes;
  const ns = s.app.namespace;
  const profile = s.app.tier.profile;
  const isLive = slot === release.live;
  // A retired idle slot keeps its version but runs no pods and has no autoscaler (`switchyard retire`).
  const retired = !isLive && release.retired === true;
  const scaling = retired ? undefined : autoscalingOf(parts);
  // A worker's replicas that KEDA scales are KEDA's (set by Terraform when it makes the Deployment).
  const keda = queueScalingOf(parts) !== undefined;
  const replicas = slotReplicas(parts, slot, release);

  const migration = parts.props.migration ? new JobV1(s, `migrate-${slot}`, {
    provider,
    metadata: { name: `${s.name}-migrate-${slot}`, namespace: ns, labels: { ...s.podSelector, 'app.kubernetes.io/component': 'migration' } },
    waitForCompletion: true,
    timeouts: { create: `${parts.props.migration.timeoutSeconds ?? 600}s`, update: `${parts.props.migration.timeoutSeconds ?? 600}s` },
    spec: {
      backoffLimit: 1,
      activeDeadlineSeconds: parts.props.migration.timeoutSeconds ?? 600,
      template: {
        // No slot label: a migration's pod is never an endpoint of a slot's Service.
        metadata: { labels: { ...s.podSelector, 'app.kubernetes.io/component': 'migration', 'app.kubernetes.io/version': versionLabel(version) }, annotations: podAnnotations(s) },
        spec: podSpec(parts, slot, version, 'migration') as never,
      },
    },
    dependsOn: [s.serviceAccount],
  }) : undefined;

  // An autoscaled slot's replicas belong to its autoscaler, so Terraform ignores them; but
  // `retire` scales the slot to 0, and an ignored attribute would keep that 0 when a version is
  // staged into the slot again (and an autoscaler never scales up from 0): the new version would
  // "roll out" with no pods. So a slot that goes from retired to serving (or back) gets a new
  // Deployment, created with the replicas it needs: the marker below changes with the slot's
  // state and replaces the Deployment (an idle slot's, never the live one's).
  const servingMarker = autoscalingOf(parts) ? new TerraformData(s, `${slot}-serving`, { input: { state: retired ? 'retired' : 'serving' } }) : undefined;

  const reloads = s.app.platform.hasAddon(AddonIds.reloader);
  const deployment = new DeploymentV1(s, slot, {
    provider,
    metadata: {
      name: `${s.name}-${slot}`,
      namespace: ns,
      labels: serviceLabels(s.podSelector, slot),
      // Reloader rolls the slot out when a rotating connection secret changes (env vars are read once).
      ...(reloads ? {
        annotations: Lazy.anyValue({
          produce: () => {
            const rotating = s.connectedDependencies.filter((d) => d.rotates).map((d) => d.secretName);
            return rotating.length ? { [RELOADER_SECRETS_ANNOTATION]: rotating.join(',') } : undefined;
          },
        }) as unknown as Record<string, string>,
      } : {}),
    },
    waitForRollout: true,
    spec: {
      replicas: String(replicas),
      revisionHistoryLimit: 5,
      selector: { matchLabels: { ...s.podSelector, [SLOT_LABEL]: slot } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '0' } },
      template: {
        metadata: { labels: { ...serviceLabels(s.podSelector, slot), 'app.kubernetes.io/version': versionLabel(version) }, annotations: podAnnotations(s) },
        spec: podSpec(parts, slot, version, 'app') as never,
      },
    },
    // The autoscaler owns the replicas once it runs: an apply never fights it.
    lifecycle: servingMarker || reloads || keda ? {
      ...(scaling || reloads || keda ? {
        ignoreChanges: [
          ...(scaling || keda ? ['spec[0].replicas'] : []),
          // What Reloader writes when it restarts the slot: an apply leaves it (and the pods) alone.
          ...(reloads ? [`spec[0].template[0].metadata[0].annotations["${RELOADER_ANNOTATION}"]`] : []),
        ],
      } : {}),
      // As a bare reference: cdktf 0.21 writes a resource given here as "${...}", which Terraform refuses.
      ...(servingMarker ? { replaceTriggeredBy: [dependencyOf(servingMarker)] } : {}),
    } : undefined,
    dependsOn: [s.serviceAccount, ...(migration ? [migration] : [])],
  });

  const autoscaler = scaling ? new HorizontalPodAutoscalerV2(s, `${slot}-autoscaler`, {
    provider,
    metadata: { name: `${s.name}-${slot}`, namespace: ns, labels: serviceLabels(s.podSelector, slot) },
    spec: {
      minReplicas: scaling.minReplicas,
      maxReplicas: scaling.maxReplicas,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${s.name}-${slot}` },
      metric: [
        ...(scaling.cpuPercent !== false ? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: scaling.cpuPercent } } }] : []),
        ...(scaling.memoryPercent ? [{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: scaling.memoryPercent } } }] : []),
      ],
    },
    dependsOn: [deployment],
  }) : undefined;

  // Highly available tiers: voluntary disruptions (node drains) take one pod of a slot at a time.
  const disruptionBudget = profile.highAvailability && !retired ? new PodDisruptionBudgetV1(s, `${slot}-disruption-budget`, {
    provider,
    metadata: { name: `${s.name}-${slot}`, namespace: ns, labels: serviceLabels(s.podSelector, slot) },
    spec: { maxUnavailable: '1', selector: { matchLabels: { ...s.podSelector, [SLOT_LABEL]: slot } } },
    dependsOn: [s.app.namespaceResource],
  }) : undefined;

  // Smoke tests of the slot's version, once its pods are ready (a retired slot runs none).
  const slotService = s.slotServices[slot];
  const smoke = retired ? undefined : smokeJob(parts, slot, version, [deployment, ...(slotService ? [slotService] : [])]);

  return { deployment, migration, autoscaler, disruptionBudget, servingMarker, smoke };
}

/** Replicas Terraform sets on a slot's Deployment (the autoscaler's minimum when it scales). */
export function slotReplicas(parts: ServiceParts, slot: Slot, release: ServiceRelease): number {
  const s = parts.service;
  const sizing = s.app.tier.profile.sizing;
  const isLive = slot === release.live;
  if (isWorker(parts.props)) return workerReplicas(parts, slot, release);
  if (!isLive && release.retired) return 0;
  const scaling = autoscalingOf(parts);
  if (scaling) return scaling.minReplicas;
  return isLive ? parts.props.replicas ?? sizing.replicas : parts.props.idleReplicas ?? parts.props.replicas ?? sizing.replicas;
}
