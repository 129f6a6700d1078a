import { Construct, Fn, ITerraformDependable, TerraformLocal, Token } from '../../private/cdk';
import { fail } from '../../private/errors';
import { Addon, AddonContext, addonRole, CatalogAddonOptions, checkChart, HelmChart, helmRelease, mergeValues, pinned } from './addon';
import { AddonIds } from './ids';

/** Options of {@link ClusterAutoscaler}. */
export interface ClusterAutoscalerOptions extends CatalogAddonOptions {
  /**
   * Image tag of the autoscaler (of `registry.k8s.io/autoscaling/cluster-autoscaler`), which
   * should match the cluster's Kubernetes minor version.
   * @default - the newest release of the cluster's minor, from {@link ClusterAutoscaler.IMAGE_TAGS}
   */
  readonly imageTag?: string;
}

/** The image repository the tags of {@link ClusterAutoscaler.IMAGE_TAGS} belong to. */
const IMAGE_REPOSITORY = 'registry.k8s.io/autoscaling/cluster-autoscaler';

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
  /**
   * The image tag per Kubernetes minor version: the newest cluster-autoscaler
   * release of each minor EKS supports here (GitHub releases
   * `cluster-autoscaler-1.<minor>.<patch>` of kubernetes/autoscaler, 1.32.7 of
   * 2026-02-13, the others of 2026-07-08). The autoscaler's minor must match
   * the cluster's.
   */
  public static readonly IMAGE_TAGS: Readonly<Record<string, string>> = {
    '1.32': 'v1.32.7',
    '1.33': 'v1.33.5',
    '1.34': 'v1.34.4',
    '1.35': 'v1.35.1',
    '1.36': 'v1.36.0',
  };
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
          'autoscaling:DescribeScalingActivities', 'ec2:DescribeImages', 'ec2:DescribeInstanceTypes',
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
    const image = this.image(scope, eks.kubernetesVersion);
    const release = helmRelease(scope, ctx, this.id, SA.namespace, this.chart, mergeValues({
      cloudProvider: 'aws',
      awsRegion: eks.region,
      autoDiscovery: { clusterName: eks.clusterName },
      replicaCount: ha ? 2 : 1,
      podDisruptionBudget: { maxUnavailable: 1 },
      extraArgs: { 'balance-similar-node-groups': true, 'skip-nodes-with-system-pods': false, expander: 'least-waste' },
      rbac: { serviceAccount: { create: true, name: SA.name, annotations: { 'eks.amazonaws.com/role-arn': role.arn } } },
      image: { repository: IMAGE_REPOSITORY, tag: image.tag },
    }, this.options.values));
    if (image.precondition) release.lifecycle = { precondition: [image.precondition] };
    return [release];
  }

  /**
   * The image tag for the cluster's version: `imageTag` if given; else from the table, at synth for a
   * version known then, or at plan for a reference (with a precondition that names the fix).
   */
  private image(scope: Construct, version: string): { tag: string; precondition?: { condition: unknown; errorMessage: string } } {
    if (this.options.imageTag) return { tag: this.options.imageTag };
    const tags = ClusterAutoscaler.IMAGE_TAGS;
    const known = Object.keys(tags).join(', ');
    if (!Token.isUnresolved(version)) {
      const tag = tags[version];
      if (!tag) {
        fail(scope, 'cluster-autoscaler has no image for Kubernetes version %v', version,
          `give ClusterAutoscaler the imageTag of a cluster-autoscaler release of that minor (e.g. "v${version}.0"); the table has ${known}`);
      }
      return { tag };
    }
    // Known at plan only: the table as a local of the stack, indexed without a default (so a minor it lacks can
    // never fall back to the chart's image), behind a precondition that fails first with a message that says what to do.
    const table = new TerraformLocal(scope, 'cluster-autoscaler-image-tags', tags);
    table.overrideLogicalId('cluster_autoscaler_image_tags');
    return {
      tag: Fn.lookup(table.asStringMap, version),
      precondition: {
        condition: Fn.contains(Fn.keys(table.asStringMap), version),
        errorMessage: `cluster-autoscaler has no image for Kubernetes version ${version}: give ClusterAutoscaler an imageTag of that minor (the table has ${known})`,
      },
    };
  }
}
