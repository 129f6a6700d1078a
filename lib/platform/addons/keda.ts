import { Construct, IamRole, ITerraformDependable } from '../../private/cdk';
import { irsaTrust } from '../../private/iam';
import { Addon, AddonContext, CatalogAddonOptions, checkChart, HelmChart, helmRelease, mergeValues, pinned } from './addon';
import { AddonIds } from './ids';

/** Namespace of the KEDA add-on. */
export const KEDA_NAMESPACE = 'keda';

/**
 * The KEDA operator as the app stacks see it: its service account (whose web identity assumes each
 * worker's scaler role in AWS) and the labels of its pods (the one component that calls a queue:
 * the in-cluster messaging server admits them). Chart keda 2.20.2, `serviceAccount.operator.name`
 * and `templates/manager/deployment.yaml`.
 */
export const KEDA_OPERATOR = {
  namespace: KEDA_NAMESPACE,
  serviceAccount: 'keda-operator',
  podLabels: { 'app.kubernetes.io/name': 'keda-operator' } as Readonly<Record<string, string>>,
} as const;

/** The container security context of KEDA's operator, metrics server and webhooks (set, not left to the chart's defaults). */
const LOCKED_DOWN = {
  capabilities: { drop: ['ALL'] },
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  seccompProfile: { type: 'RuntimeDefault' },
};
const NON_ROOT_POD = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

/**
 * KEDA: event-driven autoscaling, which scales blue-green workers
 * (`kind: 'worker'`) on the depth of the queues they consume. Its operator
 * turns each ScaledObject into an autoscaler of its own and reads the queues;
 * its metrics server serves their depth to the autoscalers (the cluster's
 * external metrics API, which only one adapter can serve); its webhooks
 * refuse a ScaledObject on a target another autoscaler owns.
 *
 * Every component runs as non-root with a read-only root filesystem, no
 * capabilities and the runtime's seccomp profile. In managed tiers on EKS the
 * operator gets an IRSA role with no permission of its own: it only gives the
 * operator a web identity, with which it assumes each worker's scaler role
 * (the app stack's, allowed `sqs:GetQueueAttributes` on that worker's queues
 * only); and the operator reads no Secret outside its namespace (workers in
 * managed tiers authenticate by role, never by key). Two replicas and
 * disruption budgets in HA tiers.
 */
export class Keda extends Addon {
  /** The chart it installs, pinned to one version. */
  public static readonly CHART: HelmChart = { repository: 'https://kedacore.github.io/charts', chart: 'keda', version: '2.20.2' };
  public readonly id = AddonIds.keda;
  private readonly chart: HelmChart;
  private readonly options: CatalogAddonOptions;

  constructor(options: CatalogAddonOptions = {}) {
    super();
    this.chart = pinned(Keda.CHART, options);
    checkChart(`addon ${this.id}`, this.chart);
    this.options = options;
  }

  public _install(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    const ha = ctx.tier.profile.highAvailability;
    const managed = ctx.tier.managed;
    const replicas = ha ? 2 : 1;
    // In AWS the operator has a web identity (IRSA) and nothing else: the workers' scaler roles trust it.
    const role = managed && ctx.platform.kind === 'eks' ? this.operatorRole(scope, ctx) : undefined;
    const each = <T>(v: T) => ({ operator: v, metricServer: v, webhooks: v });
    return [helmRelease(scope, ctx, this.id, KEDA_NAMESPACE, this.chart, mergeValues({
      // The tags are the chart's appVersion, never moved: no need to pull each time.
      image: { pullPolicy: 'IfNotPresent' },
      operator: { replicaCount: replicas },
      // Serves the queues' depth to the autoscalers: without it nothing scales.
      metricsServer: { enabled: true, replicaCount: replicas },
      webhooks: { enabled: true, replicaCount: replicas },
      ...(ha ? { podDisruptionBudget: each({ minAvailable: 1 }) } : {}),
      serviceAccount: { operator: { create: true, name: KEDA_OPERATOR.serviceAccount } },
      securityContext: each(LOCKED_DOWN),
      podSecurityContext: each(NON_ROOT_POD),
      ...(role ? { podIdentity: { aws: { irsa: { enabled: true, roleArn: role.arn } } } } : {}),
      // Workers of managed tiers authenticate by role: KEDA needs no Secret of theirs.
      ...(managed ? { permissions: { operator: { restrict: { secret: true } }, metricServer: { restrict: { secret: true } } } } : {}),
    }, this.options.values))];
  }

  /** The operator's IRSA role: trusted by its service account, with no policy (the scaler roles grant what it may read). */
  private operatorRole(scope: Construct, ctx: AddonContext): IamRole {
    const eks = ctx.platform.eks(ctx.stack, `add-on "${this.id}"`);
    const sa = { namespace: KEDA_NAMESPACE, serviceAccount: KEDA_OPERATOR.serviceAccount };
    return new IamRole(scope, `${this.id}-role`, {
      provider: ctx.stack.aws,
      namePrefix: `${eks.clusterName}-${this.id}-`.slice(0, 38),
      description: `KEDA's operator in EKS cluster ${eks.clusterName} (IRSA: ${sa.namespace}/${sa.serviceAccount}): a web identity only; workers' scaler roles grant the reads`,
      assumeRolePolicy: irsaTrust(scope, `${this.id}-trust`, ctx.stack.aws, { ...eks, ...sa }),
    });
  }
}
