import { Construct, DataAwsPartition, ITerraformDependable } from '../../private/cdk';
import { fail } from '../../private/errors';
import { Addon, AddonContext, addonRole, CatalogAddonOptions, checkChart, HelmChart, helmRelease, mergeValues, pinned } from './addon';
import { AddonIds } from './ids';

/** Options of {@link ExternalDns}. */
export interface ExternalDnsOptions extends CatalogAddonOptions {
  /** Route53 hosted zones external-dns may change records in (and nothing else). */
  readonly hostedZoneIds: string[];
  /** Domains it manages records for (its domain filter). */
  readonly domains: string[];
  /**
   * `upsert-only` never deletes records; `sync` also deletes records of removed routes.
   * @default "upsert-only"
   */
  readonly policy?: 'upsert-only' | 'sync';
}

const SA = { namespace: 'external-dns', name: 'external-dns' };

/**
 * external-dns for Route53: DNS records for Services and Gateway API
 * HTTPRoutes, owned by the cluster (TXT registry with the cluster as owner).
 * IRSA role that may change records in the given zones only. Needs EKS and
 * the Gateway API CRDs.
 */
export class ExternalDns extends Addon {
  /** The chart it installs, pinned to one version. */
  public static readonly CHART: HelmChart = { repository: 'https://kubernetes-sigs.github.io/external-dns/', chart: 'external-dns', version: '1.21.1' };
  public readonly id = AddonIds.externalDns;
  public readonly requires: readonly string[] = [AddonIds.gatewayApiCrds];
  private readonly chart: HelmChart;
  private readonly options: ExternalDnsOptions;

  constructor(options: ExternalDnsOptions) {
    super();
    const where = `addon ${this.id}`;
    this.chart = pinned(ExternalDns.CHART, options);
    checkChart(where, this.chart);
    if (!options.hostedZoneIds?.length) fail(where, 'hostedZoneIds %v is empty', options.hostedZoneIds, 'list the Route53 hosted zones external-dns may write to');
    for (const z of options.hostedZoneIds) {
      if (!/^Z[A-Z0-9]{4,32}$/.test(z)) fail(where, 'hosted zone ID %v is not a Route53 zone ID', z, 'use the ID of a hosted zone, e.g. "Z0123456789ABCDEFGHIJ"');
    }
    if (!options.domains?.length) fail(where, 'domains %v is empty', options.domains, 'list the domains external-dns manages, e.g. ["shop.example.com"]');
    for (const d of options.domains) {
      if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/.test(d)) fail(where, 'domain %v is not a DNS domain', d, 'use a domain such as "shop.example.com"');
    }
    this.options = options;
  }

  public _dnsDomains(): string[] {
    return [...this.options.domains];
  }

  public _install(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    const eks = ctx.platform.eks(ctx.stack, `add-on "${this.id}"`);
    const partition = new DataAwsPartition(scope, 'external-dns-partition', { provider: ctx.stack.aws }).partition;
    // The policy external-dns documents for Route53, limited to the given zones (it lists the zones to find them).
    const role = addonRole(scope, ctx, this.id, SA, [
      {
        actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets', 'route53:ListTagsForResources'],
        resources: this.options.hostedZoneIds.map((z) => `arn:${partition}:route53:::hostedzone/${z}`),
      },
      { actions: ['route53:ListHostedZones'], resources: ['*'] },
    ]);
    return [helmRelease(scope, ctx, this.id, SA.namespace, this.chart, mergeValues({
      provider: { name: 'aws' },
      sources: ['service', 'gateway-httproute'],
      domainFilters: this.options.domains,
      policy: this.options.policy ?? 'upsert-only',
      registry: 'txt',
      txtOwnerId: eks.clusterName,
      // Only the given zones, the ones its role may change (a private zone of the same domain is left alone).
      extraArgs: { 'zone-id-filter': [...this.options.hostedZoneIds] },
      env: [{ name: 'AWS_DEFAULT_REGION', value: eks.region }],
      serviceAccount: { create: true, name: SA.name, annotations: { 'eks.amazonaws.com/role-arn': role.arn } },
    }, this.options.values))];
  }
}
