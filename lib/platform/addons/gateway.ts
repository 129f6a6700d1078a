import { Construct, ITerraformDependable, Labels, Manifest } from '../../private/cdk';
import { fail } from '../../private/errors';
import { ENVOY_PROXY_NAMESPACE, envoyProxies, GatewayProxies, GatewayRef } from '../platform-ref';
import { Addon, AddonContext, CatalogAddonOptions, checkChart, HelmChart, helmRelease, mergeValues, pinned } from './addon';
import { AddonIds } from './ids';

/** Label an app namespace carries to attach routes to the platform's Gateway. */
export const GATEWAY_ACCESS_LABEL = 'switchyard.dev/gateway';
/** Namespace of the platform's Gateway. */
export const GATEWAY_NAMESPACE = 'gateway-system';
/** Name of the platform's Gateway. */
export const GATEWAY_NAME = 'switchyard';
/** API version of the Gateway API resources Switchyard writes. */
export const GATEWAY_API = 'gateway.networking.k8s.io/v1';

/** Envoy Gateway's chart of CRDs only (Gateway API and Envoy Gateway's own), same version as the gateway. */
const ENVOY_CRDS_CHART: HelmChart = { repository: 'oci://docker.io/envoyproxy', chart: 'gateway-crds-helm', version: 'v1.9.0' };

/**
 * The Gateway API CRDs (standard channel, v1.6), installed with Envoy
 * Gateway's CRD-only chart so Helm upgrades them (the upstream project has
 * no chart). Every Gateway implementation and cert-manager's Gateway support
 * need them first.
 */
export class GatewayApiCrds extends Addon {
  /** The chart it installs, pinned to one version. */
  public static readonly CHART = ENVOY_CRDS_CHART;
  public readonly id = AddonIds.gatewayApiCrds;
  private readonly chart: HelmChart;

  constructor(options: Pick<CatalogAddonOptions, 'version'> = {}) {
    super();
    this.chart = pinned(GatewayApiCrds.CHART, options);
    checkChart(`addon ${this.id}`, this.chart);
  }

  public _install(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    return [helmRelease(scope, ctx, this.id, GATEWAY_NAMESPACE, this.chart, {
      crds: { gatewayAPI: { enabled: true, channel: 'standard' }, envoyGateway: { enabled: false } },
    })];
  }
}

/** Options of {@link EnvoyGateway}. */
export interface EnvoyGatewayOptions extends CatalogAddonOptions {
  /**
   * Host name of the HTTPS listener (e.g. "*.shop.example.com"); with `issuer` the Gateway gets a
   * certificate from cert-manager.
   * @default - HTTP only
   */
  readonly hostname?: string;
  /**
   * ClusterIssuer that signs the HTTPS listener's certificate (needs cert-manager and `hostname`).
   * @default - no HTTPS listener
   */
  readonly issuer?: string;
  /**
   * On EKS, expose the Gateway through an internet-facing NLB (else an internal one).
   * @default true
   */
  readonly internetFacing?: boolean;
}

/**
 * Envoy Gateway, a Gateway API implementation for any cluster (the dev
 * default; on EKS its proxies sit behind an NLB made by the AWS Load Balancer
 * Controller). Installs its own CRDs and controller, then, in the config
 * stack, the GatewayClass `envoy` and the platform's Gateway
 * `gateway-system/switchyard`, which admits routes from namespaces labelled
 * `switchyard.dev/gateway=switchyard` (every Switchyard app namespace).
 */
export class EnvoyGateway extends Addon {
  /** The chart it installs, pinned to one version. */
  public static readonly CHART: HelmChart = { repository: 'oci://docker.io/envoyproxy', chart: 'gateway-helm', version: 'v1.9.0' };
  public readonly id = AddonIds.envoyGateway;
  public readonly requires: readonly string[];
  private readonly chart: HelmChart;
  private readonly options: EnvoyGatewayOptions;

  constructor(options: EnvoyGatewayOptions = {}) {
    super();
    this.chart = pinned(EnvoyGateway.CHART, options);
    checkChart(`addon ${this.id}`, this.chart);
    if (options.issuer && !options.hostname) {
      fail(`addon ${this.id}`, 'issuer %v is set without a hostname', options.issuer, 'give the hostname of the HTTPS listener (e.g. "*.shop.example.com") or drop the issuer');
    }
    this.requires = [AddonIds.gatewayApiCrds];
    this.options = options;
  }

  public _install(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    const ha = ctx.tier.profile.highAvailability;
    const crds = helmRelease(scope, ctx, `${this.id}-crds`, ENVOY_PROXY_NAMESPACE, { ...ENVOY_CRDS_CHART, version: this.chart.version }, {
      crds: { gatewayAPI: { enabled: false }, envoyGateway: { enabled: true } },
    });
    const controller = helmRelease(scope, { ...ctx, after: [...ctx.after, crds] }, this.id, ENVOY_PROXY_NAMESPACE, this.chart, mergeValues({
      // The CRDs come from the releases above, which Helm upgrades with the chart.
      crds: { enabled: false },
      deployment: { replicas: ha ? 2 : 1 },
      podDisruptionBudget: { minAvailable: ha ? 1 : 0 },
    }, this.options.values));
    return [crds, controller];
  }

  public _hasConfig(): boolean {
    return true;
  }

  public _configure(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    const provider = ctx.stack.kubernetes;
    const ha = ctx.tier.profile.highAvailability;
    const onEks = ctx.platform.kind === 'eks';
    const proxy = new Manifest(scope, 'envoy-proxy', {
      provider,
      manifest: {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'EnvoyProxy',
        metadata: { name: 'switchyard', namespace: ENVOY_PROXY_NAMESPACE },
        spec: {
          provider: {
            type: 'Kubernetes',
            kubernetes: {
              envoyDeployment: { replicas: ha ? 3 : 1 },
              ...(onEks ? {
                envoyService: {
                  annotations: {
                    'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
                    'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
                    'service.beta.kubernetes.io/aws-load-balancer-scheme': this.options.internetFacing === false ? 'internal' : 'internet-facing',
                  },
                },
              } : {}),
            },
          },
        },
      },
      dependsOn: ctx.after,
    });
    const gatewayClass = new Manifest(scope, 'gateway-class', {
      provider,
      manifest: {
        apiVersion: GATEWAY_API,
        kind: 'GatewayClass',
        metadata: { name: 'envoy' },
        spec: {
          controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
          parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'switchyard', namespace: ENVOY_PROXY_NAMESPACE },
        },
      },
      dependsOn: [proxy],
    });
    return [gatewayClass, gateway(scope, ctx, 'envoy', this.options, [gatewayClass])];
  }

  public _gateway(): GatewayRef {
    // Its proxies run in envoy-gateway-system, labelled with the Gateway they serve.
    return gatewayRef(this.options, envoyProxies({ name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE }));
  }
}

/**
 * The platform's Gateway as app stacks see it: where it is, the names its HTTPS listener has
 * certificates for, and where its traffic to the services comes from.
 */
export function gatewayRef(options: { hostname?: string; issuer?: string }, proxies: GatewayProxies): GatewayRef {
  return { name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE, httpsHostnames: options.hostname && options.issuer ? [options.hostname] : [], proxies };
}

/** The platform's Gateway of a GatewayClass: HTTP, and HTTPS when a hostname and issuer are given. */
export function gateway(
  scope: Construct, ctx: AddonContext, gatewayClassName: string, options: { hostname?: string; issuer?: string }, after: ITerraformDependable[],
): Manifest {
  if (options.issuer && !ctx.installed.has(AddonIds.certManager)) {
    fail(ctx.stack, 'the Gateway\'s certificate issuer %v needs cert-manager, which the platform lacks', options.issuer, 'add CertManager and a ClusterIssuer to the add-ons, or drop the issuer');
  }
  // ACME issues a wildcard name only through DNS-01: an HTTP-01 issuer would leave the listener without a certificate.
  const issuer = ctx.addons.map((a) => a._issuer()).find((i) => i?.name === options.issuer);
  if (options.hostname?.startsWith('*.') && issuer && !issuer.wildcards) {
    fail(ctx.stack, `the Gateway's HTTPS listener ${options.hostname} is a wildcard, but ClusterIssuer %v solves HTTP-01 challenges only, and ACME issues wildcard certificates through DNS-01 only`, issuer.name,
      'give the issuer a DNS-01 solver (ClusterIssuer acme.solver { route53: { hostedZoneId } }, with CertManager route53HostedZoneIds), or give the listener one host name');
  }
  const allowedRoutes = { namespaces: { from: 'Selector', selector: { matchLabels: { [GATEWAY_ACCESS_LABEL]: GATEWAY_NAME } } } };
  const listeners: Record<string, unknown>[] = [{ name: 'http', protocol: 'HTTP', port: 80, allowedRoutes }];
  if (options.hostname && options.issuer) {
    listeners.push({
      name: 'https',
      protocol: 'HTTPS',
      port: 443,
      hostname: options.hostname,
      tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: `${GATEWAY_NAME}-tls` }] },
      allowedRoutes,
    });
  }
  // Routes attach from the namespaces that carry the access label: the Gateway's own namespace carries it
  // too, where cert-manager puts the HTTPRoutes that answer HTTP-01 challenges for the listener's certificate.
  const label = new Labels(scope, 'gateway-namespace-label', {
    provider: ctx.stack.kubernetes,
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: GATEWAY_NAMESPACE },
    labels: { [GATEWAY_ACCESS_LABEL]: GATEWAY_NAME },
    dependsOn: ctx.after,
  });
  return new Manifest(scope, 'gateway', {
    provider: ctx.stack.kubernetes,
    manifest: {
      apiVersion: GATEWAY_API,
      kind: 'Gateway',
      metadata: {
        name: GATEWAY_NAME,
        namespace: GATEWAY_NAMESPACE,
        ...(options.issuer ? { annotations: { 'cert-manager.io/cluster-issuer': options.issuer } } : {}),
      },
      spec: { gatewayClassName, listeners },
    },
    dependsOn: [...after, label],
  });
}
