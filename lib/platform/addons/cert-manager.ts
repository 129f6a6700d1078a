import { Construct, DataAwsPartition, ITerraformDependable, Manifest } from '../../private/cdk';
import { fail } from '../../private/errors';
import { checkName } from '../../private/names';
import { Addon, AddonContext, addonRole, CatalogAddonOptions, checkChart, HelmChart, helmRelease, IssuerInfo, mergeValues, pinned } from './addon';
import { GATEWAY_NAME, GATEWAY_NAMESPACE } from './gateway';
import { AddonIds } from './ids';

/** Options of {@link CertManager}. */
export interface CertManagerOptions extends CatalogAddonOptions {
  /**
   * Let cert-manager solve HTTP-01 challenges through the Gateway API (needs the Gateway API CRDs first).
   * @default true
   */
  readonly gatewayApi?: boolean;
  /**
   * Route53 hosted zones cert-manager may write TXT records in, for DNS-01 (IRSA role; EKS only).
   * @default - no DNS-01
   */
  readonly route53HostedZoneIds?: string[];
}

const SA = { namespace: 'cert-manager', name: 'cert-manager' };

/**
 * cert-manager, with its CRDs installed by the chart (`crds.enabled`, kept on
 * uninstall) and the Gateway API solver on. Its webhook must be up before
 * anything creates certificates: add-ons that need it list it first.
 */
export class CertManager extends Addon {
  /** The chart it installs, pinned to one version. */
  public static readonly CHART: HelmChart = { repository: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.21.1' };
  public readonly id = AddonIds.certManager;
  public readonly requires: readonly string[];
  private readonly chart: HelmChart;
  private readonly options: CertManagerOptions;

  constructor(options: CertManagerOptions = {}) {
    super();
    this.chart = pinned(CertManager.CHART, options);
    checkChart(`addon ${this.id}`, this.chart);
    for (const z of options.route53HostedZoneIds ?? []) {
      if (!/^Z[A-Z0-9]{4,32}$/.test(z)) fail(`addon ${this.id}`, 'hosted zone ID %v is not a Route53 zone ID', z, 'use the ID of a hosted zone, e.g. "Z0123456789ABCDEFGHIJ"');
    }
    this.options = options;
    this.requires = options.gatewayApi === false ? [] : [AddonIds.gatewayApiCrds];
  }

  public _install(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    const ha = ctx.tier.profile.highAvailability;
    const zones = this.options.route53HostedZoneIds ?? [];
    const partition = () => new DataAwsPartition(scope, 'cert-manager-partition', { provider: ctx.stack.aws }).partition;
    const arn = zones.length > 0 ? `arn:${partition()}:route53:::` : '';
    // The policy cert-manager documents for Route53 DNS-01, in the given zones only; without
    // ListHostedZonesByName, as its issuers name their zone (hostedZoneID).
    const role = zones.length > 0 ? addonRole(scope, ctx, this.id, SA, [
      { actions: ['route53:GetChange'], resources: [`${arn}change/*`] },
      {
        actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'],
        resources: zones.map((z) => `${arn}hostedzone/${z}`),
        conditions: [{ test: 'ForAllValues:StringEquals', variable: 'route53:ChangeResourceRecordSetsRecordTypes', values: ['TXT'] }],
      },
    ]) : undefined;
    const replicas = ha ? 2 : 1;
    return [helmRelease(scope, ctx, this.id, SA.namespace, this.chart, mergeValues({
      crds: { enabled: true, keep: true },
      replicaCount: replicas,
      podDisruptionBudget: { enabled: ha },
      webhook: { replicaCount: replicas, podDisruptionBudget: { enabled: ha } },
      cainjector: { replicaCount: replicas, podDisruptionBudget: { enabled: ha } },
      global: { leaderElection: { namespace: SA.namespace } },
      serviceAccount: { create: true, name: SA.name, ...(role ? { annotations: { 'eks.amazonaws.com/role-arn': role.arn } } : {}) },
      ...(this.options.gatewayApi === false ? {} : {
        config: { apiVersion: 'controller.config.cert-manager.io/v1alpha1', kind: 'ControllerConfiguration', enableGatewayAPI: true },
      }),
    }, this.options.values))];
  }
}

/** How a {@link ClusterIssuer} issues certificates. */
export interface ClusterIssuerProps {
  /** Name of the ClusterIssuer. @default "letsencrypt" for ACME, "selfsigned" otherwise */
  readonly name?: string;
  /**
   * ACME (Let's Encrypt): the account email and how challenges are solved: `http01` through the
   * platform's Gateway, or `route53` DNS-01 in a hosted zone (needs CertManager's route53HostedZoneIds).
   * @default - a self-signed issuer (dev)
   */
  readonly acme?: {
    /** Email of the ACME account (Let's Encrypt sends expiry notices to it). */
    readonly email: string;
    /** `production`, `staging` or a directory URL. @default "production" */
    readonly server?: 'production' | 'staging' | string;
    /**
     * How challenges are solved: `http01` through the platform's Gateway, or DNS-01 records in a Route53 zone.
     * @default "http01"
     */
    readonly solver?: 'http01' | {
      /** DNS-01 in a Route53 hosted zone (cert-manager's IRSA role must be allowed to change it). */
      readonly route53: {
        /**
         * AWS region of the Route53 client's calls (and of its STS calls through IRSA).
         * @default - the tier's region
         */
        readonly region?: string;
        /** ID of the hosted zone the challenge records go to. */
        readonly hostedZoneId: string;
      };
    };
  };
}

/** The region of a Route53 solver without one: the tier's. */
function route53Region(ctx: AddonContext, issuer: string): string {
  const region = ctx.tier.region;
  if (!region) {
    fail(ctx.stack, 'ClusterIssuer %v solves DNS-01 in Route53, but tier "' + ctx.tier.name + '" has no region', issuer, 'give the tier a region, or the solver one: acme.solver { route53: { region, hostedZoneId } }');
  }
  return region;
}

const ACME_SERVERS: Record<string, string> = {
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
};

/**
 * A cert-manager ClusterIssuer, in the config stack (after cert-manager's
 * CRDs exist): ACME with HTTP-01 through the platform's Gateway or DNS-01 in
 * Route53, or self-signed for dev.
 */
export class ClusterIssuer extends Addon {
  public readonly id = AddonIds.clusterIssuer;
  public readonly requires: readonly string[] = [AddonIds.certManager];
  /** The ClusterIssuer's name (what a Gateway's `cert-manager.io/cluster-issuer` annotation names). */
  public readonly name: string;
  private readonly props: ClusterIssuerProps;

  constructor(props: ClusterIssuerProps = {}) {
    super();
    this.name = checkName(`addon ${this.id}`, 'issuer name', props.name ?? (props.acme ? 'letsencrypt' : 'selfsigned'));
    if (props.acme && !/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(props.acme.email)) {
      fail(`addon ${this.id}`, 'ACME email %v is not an email address', props.acme.email, 'give the address Let\'s Encrypt sends expiry notices to');
    }
    const server = props.acme?.server;
    if (server && !(server in ACME_SERVERS) && !/^https:\/\/\S+$/.test(server)) {
      fail(`addon ${this.id}`, 'ACME server %v is not known', server, 'use "production", "staging" or an https:// directory URL');
    }
    this.props = props;
  }

  public _hasConfig(): boolean {
    return true;
  }

  public _issuer(): IssuerInfo {
    const acme = this.props.acme;
    // Self-signed signs any name; ACME (Let's Encrypt) issues a wildcard through DNS-01 only.
    return { name: this.name, wildcards: !acme || (acme.solver !== undefined && acme.solver !== 'http01') };
  }

  public _configure(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    const acme = this.props.acme;
    let spec: Record<string, unknown>;
    if (!acme) {
      spec = { selfSigned: {} };
    } else {
      const solver = acme.solver ?? 'http01';
      if (solver === 'http01' && !ctx.addons.some((a) => a._gateway()) && !ctx.platform.gateway) {
        fail(ctx.stack, 'ClusterIssuer %v solves HTTP-01 through the Gateway, but the platform has none', this.name, 'add EnvoyGateway (or AwsLoadBalancerController with gatewayApi) to the add-ons, or use the route53 solver');
      }
      spec = {
        acme: {
          email: acme.email,
          server: ACME_SERVERS[acme.server ?? 'production'] ?? acme.server,
          privateKeySecretRef: { name: `${this.name}-account-key` },
          solvers: [solver === 'http01'
            ? { http01: { gatewayHTTPRoute: { parentRefs: [{ name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE, kind: 'Gateway', sectionName: 'http' }] } } }
            : { dns01: { route53: { region: solver.route53.region ?? route53Region(ctx, this.name), hostedZoneID: solver.route53.hostedZoneId } } }],
        },
      };
    }
    return [new Manifest(scope, 'cluster-issuer', {
      provider: ctx.stack.kubernetes,
      manifest: { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: this.name }, spec },
      dependsOn: ctx.after,
    })];
  }
}
