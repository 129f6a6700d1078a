import { Construct, ITerraformDependable } from '../../private/cdk';
import { Addon, AddonContext, addonRole, CatalogAddonOptions, checkChart, HelmChart, helmRelease, mergeValues, pinned } from './addon';
import { AddonIds } from './ids';

/** Options of {@link ClusterAutoscaler}. */
export interface ClusterAutoscalerOptions extends CatalogAddonOptions {
  /**
   * Image tag of the autoscaler, which should match the cluster's Kubernetes minor version.
   * @default - the chart's
   */
  readonly imageTag?: string;
}

const SA = { namespace: 'kube-system', name: 'cluster-autoscaler' };

/**
 * cluster-autoscaler for EKS managed node groups (found by the tags EKS puts
 * on their Auto Scaling groups), between the tier's `nodesMin` and
 * `nodesMax`. IRSA role: reads unscoped, scaling only of this cluster's
 * groups.
 */
export class ClusterAutoscaler extends Addon {
  /** The chart it installs, pinned to one version. */
  public static readonly CHART: HelmChart = { repository: 'https://kubernetes.github.io/autoscaler', chart: 'cluster-autoscaler', version: '9.59.0' };
  public readonly id = AddonIds.clusterAutoscaler;
  private readonly chart: HelmChart;
  private readonly options: ClusterAutoscalerOptions;

  constructor(options: ClusterAutoscalerOptions = {}) {
    super();
    this.chart = pinned(ClusterAutoscaler.CHART, options);
    checkChart(`addon ${this.id}`, this.chart);
    this.options = options;
  }

  public _install(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    const eks = ctx.platform.eks(ctx.stack, `add-on "${this.id}"`);
    const role = addonRole(scope, ctx, this.id, SA, [
      {
        actions: [
          'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeLaunchConfigurations',
          'autoscaling:DescribeScalingActivities', 'autoscaling:DescribeTags', 'ec2:DescribeImages', 'ec2:DescribeInstanceTypes',
          'ec2:DescribeLaunchTemplateVersions', 'ec2:GetInstanceTypesFromInstanceRequirements', 'eks:DescribeNodegroup',
        ],
        resources: ['*'],
      },
      {
        actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        resources: ['*'],
        conditions: [{ test: 'StringEquals', variable: `aws:ResourceTag/k8s.io/cluster-autoscaler/${eks.clusterName}`, values: ['owned'] }],
      },
    ]);
    const ha = ctx.tier.profile.highAvailability;
    return [helmRelease(scope, ctx, this.id, SA.namespace, this.chart, mergeValues({
      cloudProvider: 'aws',
      awsRegion: eks.region,
      autoDiscovery: { clusterName: eks.clusterName },
      replicaCount: ha ? 2 : 1,
      podDisruptionBudget: { maxUnavailable: 1 },
      extraArgs: { 'balance-similar-node-groups': true, 'skip-nodes-with-system-pods': false, expander: 'least-waste' },
      rbac: { serviceAccount: { create: true, name: SA.name, annotations: { 'eks.amazonaws.com/role-arn': role.arn } } },
      ...(this.options.imageTag ? { image: { tag: this.options.imageTag } } : {}),
    }, this.options.values))];
  }
}
