import { AddonContext, CatalogAddonOptions, HelmAddon, HelmChart, mergeValues, pinned } from './addon';
import { AddonIds } from './ids';

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
