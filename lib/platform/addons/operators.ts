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

/**
 * external-secrets: writes every connection secret of Switchyard apps, from
 * AWS Secrets Manager (managed tiers) or from in-cluster generators. The
 * controller holds no AWS rights: each app's SecretStore authenticates with
 * the app's own IRSA service account.
 */
export class ExternalSecrets extends HelmAddon {
  /** The chart it installs, pinned to one version. */
  public static readonly CHART: HelmChart = { repository: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '2.9.0' };

  constructor(options: CatalogAddonOptions = {}) {
    super({
      id: AddonIds.externalSecrets,
      chart: pinned(ExternalSecrets.CHART, options),
      namespace: 'external-secrets',
      values: (ctx: AddonContext) => {
        const ha = ctx.tier.profile.highAvailability;
        return mergeValues({
          installCRDs: true,
          replicaCount: ha ? 2 : 1,
          leaderElect: ha,
          webhook: { replicaCount: ha ? 2 : 1 },
          certController: { replicaCount: ha ? 2 : 1 },
          podDisruptionBudget: { enabled: ha },
        }, options.values);
      },
    });
  }
}
