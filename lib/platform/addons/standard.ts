import type { Tier } from '../../tier/tier';
import type { GatewayRef } from '../platform-ref';
import { Addon } from './addon';
import { AwsLoadBalancerController } from './aws-load-balancer-controller';
import { CertManager, ClusterIssuer } from './cert-manager';
import { ClusterAutoscaler } from './cluster-autoscaler';
import { ExternalDns } from './external-dns';
import { EnvoyGateway, GATEWAY_NAME, GATEWAY_NAMESPACE, GatewayApiCrds } from './gateway';
import { MetricsServer } from './metrics-server';
import { Alloy, KubePrometheusStack, Loki } from './observability';
import { CloudNativePg, ExternalSecrets } from './operators';
import { Reloader } from './reloader';
import { Gp3StorageClass } from './storage';

/** Options of {@link standardAddons}. */
export interface StandardAddonsOptions {
  /**
   * Public DNS: the domain apps are served under and its Route53 hosted zone, for external-dns and
   * an ACME (Let's Encrypt) certificate on the Gateway. Managed tiers only.
   * @default - no DNS records, no public certificate (HTTP, or a self-signed certificate in dev)
   */
  readonly dns?: {
    /** The domain apps are served under (the Gateway's certificate is for `*.<domain>`). */
    readonly domain: string;
    /** ID of its Route53 hosted zone, where external-dns writes the records. */
    readonly hostedZoneId: string;
    /** Email Let's Encrypt sends expiry notices to. */
    readonly acmeEmail: string;
  };
  /**
   * Skip verifying kubelet certificates in metrics-server on in-cluster tiers (kind, k3d).
   * @default true
   */
  readonly localCluster?: boolean;
}

/**
 * The add-ons a tier needs to run Switchyard apps, in a working order:
 *
 * - every tier: Gateway API CRDs, cert-manager and a ClusterIssuer, Envoy
 *   Gateway (the platform's Gateway), metrics-server, external-secrets,
 *   kube-prometheus-stack, Loki and Alloy;
 * - in-cluster tiers: the CloudNativePG operator (Postgres in the cluster),
 *   a self-signed issuer;
 * - managed tiers (EKS): the gp3 StorageClass, the AWS Load Balancer
 *   Controller (the NLB in front of the Gateway), cluster-autoscaler, and with
 *   `dns` external-dns and a Let's Encrypt issuer.
 */
export function standardAddons(tier: Tier, options: StandardAddonsOptions = {}): Addon[] {
  const managed = tier.managed;
  const dns = managed ? options.dns : undefined;
  const issuer = dns
    ? new ClusterIssuer({ name: 'letsencrypt', acme: { email: dns.acmeEmail } })
    : new ClusterIssuer({ name: 'selfsigned' });
  return [
    new GatewayApiCrds(),
    ...(managed ? [new Gp3StorageClass(), new AwsLoadBalancerController()] : []),
    new CertManager(),
    issuer,
    new EnvoyGateway(dns ? { hostname: `*.${dns.domain}`, issuer: issuer.name } : {}),
    ...(dns ? [new ExternalDns({ hostedZoneIds: [dns.hostedZoneId], domains: [dns.domain] })] : []),
    new MetricsServer({ insecureKubeletTls: !managed && (options.localCluster ?? true) }),
    ...(managed ? [new ClusterAutoscaler()] : []),
    new ExternalSecrets(),
    // Managed databases rotate their passwords: the services that read one restart with the new one.
    ...(managed ? [new Reloader()] : [new CloudNativePg()]),
    new KubePrometheusStack(),
    new Loki(),
    new Alloy(),
  ];
}

/**
 * What a platform built with {@link standardAddons} offers apps, for an app
 * repository that consumes it by name:
 * `PlatformRef.fromEksCluster({ clusterName, region, ...standardPlatform(tier) })`.
 */
export function standardPlatform(tier: Tier, options: StandardAddonsOptions = {}): {
  /** Catalog IDs of the add-ons {@link standardAddons} installs in the tier. */
  addons: string[];
  /** The Gateway routes attach to (Envoy Gateway's). */
  gateway: GatewayRef;
} {
  return {
    addons: standardAddons(tier, options).map((a) => a.id),
    gateway: { name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE },
  };
}
