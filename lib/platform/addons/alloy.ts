import { Construct, ITerraformDependable } from '../../private/cdk';
import { Addon, AddonContext, CatalogAddonOptions, checkChart, HelmChart, helmRelease, mergeValues, pinned } from './addon';
import { AddonIds } from './ids';
import { MONITORING_NAMESPACE } from './monitoring-names';

/**
 * Grafana Alloy as the log shipper: reads container logs through the
 * Kubernetes API (no host paths mounted), labels them with namespace, pod,
 * container and app, and pushes them to Loki. Instances share the work as a
 * cluster (two in HA tiers). Needs Loki.
 */
export class Alloy extends Addon {
  /** The chart it installs, pinned to one version. */
  public static readonly CHART: HelmChart = { repository: 'https://grafana.github.io/helm-charts', chart: 'alloy', version: '1.11.1' };
  public readonly id = AddonIds.alloy;
  public readonly requires: readonly string[] = [AddonIds.loki];
  private readonly chart: HelmChart;
  private readonly options: CatalogAddonOptions;

  constructor(options: CatalogAddonOptions = {}) {
    super();
    this.chart = pinned(Alloy.CHART, options);
    checkChart(`addon ${this.id}`, this.chart);
    this.options = options;
  }

  public _install(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    const ha = ctx.tier.profile.highAvailability;
    return [helmRelease(scope, ctx, this.id, MONITORING_NAMESPACE, this.chart, mergeValues({
      controller: { type: 'deployment', replicas: ha ? 2 : 1 },
      alloy: {
        clustering: { enabled: true },
        configMap: { create: true, content: alloyConfig(`http://loki-gateway.${MONITORING_NAMESPACE}.svc/loki/api/v1/push`) },
      },
    }, this.options.values))];
  }
}

/** Alloy's pipeline: pods -> labels -> logs through the API -> Loki. */
function alloyConfig(lokiPushUrl: string): string {
  const label = (source: string, target: string) =>
    `  rule {\n    source_labels = ["${source}"]\n    target_label  = "${target}"\n  }`;
  return [
    'discovery.kubernetes "pods" {',
    '  role = "pod"',
    '}',
    '',
    'discovery.relabel "pods" {',
    '  targets = discovery.kubernetes.pods.targets',
    label('__meta_kubernetes_namespace', 'namespace'),
    label('__meta_kubernetes_pod_name', 'pod'),
    label('__meta_kubernetes_pod_container_name', 'container'),
    label('__meta_kubernetes_pod_label_app_kubernetes_io_name', 'app'),
    label('__meta_kubernetes_pod_label_switchyard_dev_slot', 'slot'),
    '}',
    '',
    'loki.source.kubernetes "pods" {',
    '  targets    = discovery.relabel.pods.output',
    '  forward_to = [loki.write.default.receiver]',
    '  clustering {',
    '    enabled = true',
    '  }',
    '}',
    '',
    'loki.write "default" {',
    '  endpoint {',
    `    url = "${lokiPushUrl}"`,
    '  }',
    '}',
    '',
  ].join('\n');
}
