import { HelmAddon } from './addon';
import { AddonIds } from './ids';

/** Options shared by catalog add-ons. */
export interface CatalogAddonOptions {
  /**
   * Chart version to pin instead of the catalog's.
   * @default - the version the catalog pins (see the README's catalog table)
   */
  readonly version?: string;
  /**
   * Extra chart values, merged over the catalog's (objects merged key by key).
   * @default {}
   */
  readonly values?: Record<string, unknown>;
}

/** Deep merge of plain objects (arrays and scalars of `b` win). */
export function mergeValues(a: Record<string, unknown>, b: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = isPlain(cur) && isPlain(v) ? mergeValues(cur, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The CloudNativePG operator: in-cluster PostgreSQL (`postgresql.cnpg.io/v1`
 * `Cluster`) for tiers that bind Postgres in the cluster. Two replicas with
 * leader election in highly available tiers.
 */
export class CloudNativePg extends HelmAddon {
  public static readonly CHART = { repository: 'https://cloudnative-pg.github.io/charts', chart: 'cloudnative-pg', version: '0.29.0' };

  constructor(options: CatalogAddonOptions = {}) {
    super({
      id: AddonIds.cloudNativePg,
      chart: { ...CloudNativePg.CHART, version: options.version ?? CloudNativePg.CHART.version },
      namespace: 'cnpg-system',
      values: (ctx) => mergeValues({
        replicaCount: ctx.tier.profile.highAvailability ? 2 : 1,
        crds: { create: true },
        monitoring: { podMonitorEnabled: false },
      }, options.values),
    });
  }
}

/**
 * external-secrets: writes every connection secret of Switchyard apps from
 * AWS Secrets Manager (managed tiers) or from in-cluster generators
 * (in-cluster tiers). The controller itself holds no AWS rights: each app's
 * SecretStore authenticates with the app's own IRSA service account.
 */
export class ExternalSecrets extends HelmAddon {
  public static readonly CHART = { repository: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '2.10.0' };

  constructor(options: CatalogAddonOptions = {}) {
    super({
      id: AddonIds.externalSecrets,
      chart: { ...ExternalSecrets.CHART, version: options.version ?? ExternalSecrets.CHART.version },
      namespace: 'external-secrets',
      values: (ctx) => {
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
