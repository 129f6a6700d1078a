import { AddonContext, CatalogAddonOptions, HelmAddon, HelmChart, mergeValues, pinned } from './addon';
import { AddonIds } from './ids';

/**
 * Reloader (Stakater): rolls a Deployment out again when a Secret it reads
 * changes. Services read their connection secrets as environment variables,
 * which a pod reads once; where a password rotates (RDS rotates the master
 * password it manages every 7 days), the app stacks annotate the Deployments
 * of the services that read it, and Reloader restarts them, a pod at a time,
 * once external-secrets has written the new value. It marks the pod template
 * with an annotation (the `annotations` strategy), which Terraform is told to
 * ignore. Two replicas with leader election in HA tiers.
 */
export class Reloader extends HelmAddon {
  /** The chart it installs, pinned to one version. */
  public static readonly CHART: HelmChart = { repository: 'https://stakater.github.io/stakater-charts', chart: 'reloader', version: '2.2.11' };

  constructor(options: CatalogAddonOptions = {}) {
    super({
      id: AddonIds.reloader,
      chart: pinned(Reloader.CHART, options),
      namespace: 'reloader',
      values: (ctx: AddonContext) => {
        const ha = ctx.tier.profile.highAvailability;
        return mergeValues({
          reloader: {
            // A pod template annotation, not an environment variable: Terraform ignores that one key.
            reloadStrategy: 'annotations',
            // Only Deployments annotated to follow a Secret, none by default.
            autoReloadAll: false,
            enableHA: ha,
            readOnlyRootFileSystem: true,
            deployment: { replicas: ha ? 2 : 1 },
          },
        }, options.values);
      },
    });
  }
}

/** The pod template annotation Reloader sets when it rolls a Deployment out (Terraform ignores it). */
export const RELOADER_ANNOTATION = 'reloader.stakater.com/last-reloaded-from';
/** The Deployment annotation that names the Secrets whose change rolls it out. */
export const RELOADER_SECRETS_ANNOTATION = 'secret.reloader.stakater.com/reload';
