import { AddonContext, CatalogAddonOptions, HelmAddon, HelmChart, mergeValues, pinned } from './addon';
import { AddonIds } from './ids';

/**
 * The CloudNativePG operator: in-cluster PostgreSQL (`postgresql.cnpg.io/v1`
 * `Cluster`) for tiers that bind Postgres in the cluster. Two replicas with
 * leader election in highly available tiers.
 */
export class CloudNativePg extends HelmAddon {
  /** The chart it installs, pinned to one version. */
  public static readonly CHART: HelmChart = { repository: 'https://cloudnative-pg.github.io/charts', chart: 'cloudnative-pg', version: '0.29.0' };

  constructor(options: CatalogAddonOptions = {}) {
    super({
      id: AddonIds.cloudNativePg,
      chart: pinned(CloudNativePg.CHART, options),
      namespace: 'cnpg-system',
      values: (ctx: AddonContext) => mergeValues({
        replicaCount: ctx.tier.profile.highAvailability ? 2 : 1,
        crds: { create: true },
        monitoring: { podMonitorEnabled: false },
      }, options.values),
    });
  }
}
