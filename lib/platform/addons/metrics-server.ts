import { AddonContext, CatalogAddonOptions, HelmAddon, HelmChart, mergeValues, pinned } from './addon';
import { AddonIds } from './ids';

/** Options of {@link MetricsServer}. */
export interface MetricsServerOptions extends CatalogAddonOptions {
  /**
   * Skip verifying kubelet serving certificates: needed on local clusters (kind, k3d) whose kubelets
   * have self-signed certificates; never on EKS.
   * @default false
   */
  readonly insecureKubeletTls?: boolean;
}

/** metrics-server: resource metrics for `kubectl top` and CPU/memory autoscaling. Two replicas and a PDB in HA tiers. */
export class MetricsServer extends HelmAddon {
  /** The chart it installs, pinned to one version. */
  public static readonly CHART: HelmChart = { repository: 'https://kubernetes-sigs.github.io/metrics-server/', chart: 'metrics-server', version: '3.13.1' };

  constructor(options: MetricsServerOptions = {}) {
    super({
      id: AddonIds.metricsServer,
      chart: pinned(MetricsServer.CHART, options),
      namespace: 'kube-system',
      values: (ctx: AddonContext) => {
        const ha = ctx.tier.profile.highAvailability;
        return mergeValues({
          replicas: ha ? 2 : 1,
          podDisruptionBudget: { enabled: ha, ...(ha ? { minAvailable: 1 } : {}) },
          args: options.insecureKubeletTls ? ['--kubelet-insecure-tls'] : [],
        }, options.values);
      },
    });
  }
}
