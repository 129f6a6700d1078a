import type { Tier } from '../../tier/tier';
import type { GatewayRef } from '../platform-ref';
import { Addon } from './addon';
import { Alloy } from './alloy';
import { AwsLoadBalancerController } from './aws-load-balancer-controller';
import { CertManager, ClusterIssuer } from './cert-manager';
import { CloudNativePg } from './cloudnative-pg';
import { ClusterAutoscaler } from './cluster-autoscaler';
import { ExternalDns } from './external-dns';
import { ExternalSecrets } from './external-secrets';
import { EnvoyGateway, GatewayApiCrds } from './gateway';
import { Keda } from './keda';
import { KubePrometheusStack } from './kube-prometheus-stack';
import { Loki } from './loki';
import { MetricsServer } from './metrics-server';
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
 *   kube-prometheus-stack, KEDA (workers scale on queue depth), Loki and Alloy;
 * - in-cluster tiers: the CloudNativePG operator (Postgres in the cluster),
 *   a self-signed issuer;
 * - managed tiers (EKS): the gp3 StorageClass, the AWS Load Balancer
 *   Controller (the NLB in front of the Gateway), cluster-autoscaler, and with
 *   `dns` external-dns and a Let's Encrypt issuer.
 */
export function standardAddons(tier: Tier, options: StandardAddonsOptions = {}): Addon[] {
  const managed = tier.managed;
  const dns = managed ? options.dns : undefined;
  // The Gateway's certificate is a wildcard (`*.<domain>`): Let's Encrypt issues it through DNS-01 only,
  // so cert-manager writes the challenge records in the hosted zone (its IRSA role may write TXT records there).
  const issuer = dns
    ? new ClusterIssuer({ name: 'letsencrypt', acme: { email: dns.acmeEmail, solver: { route53: { hostedZoneId: dns.hostedZoneId } } } })
    : new ClusterIssuer({ name: 'selfsigned' });
  return [
    new GatewayApiCrds(),
    ...(managed ? [new Gp3StorageClass(), new AwsLoadBalancerController()] : []),
    new CertManager(dns ? { route53HostedZoneIds: [dns.hostedZoneId] } : {}),
    issuer,
    new EnvoyGateway(dns ? { hostname: `*.${dns.domain}`, issuer: issuer.name } : {}),
    ...(dns ? [new ExternalDns({ hostedZoneIds: [dns.hostedZoneId], domains: [dns.domain] })] : []),
    new MetricsServer({ insecureKubeletTls: !managed && (options.localCluster ?? true) }),
    ...(managed ? [new ClusterAutoscaler()] : []),
    new ExternalSecrets(),
    // Managed databases rotate their passwords: the services that read one restart with the new one.
    ...(managed ? [new Reloader()] : [new CloudNativePg()]),
    new KubePrometheusStack(),
    // Workers scale on the depth of their queues.
    new Keda(),
    new Loki(),
    new Alloy(),
  ];
}

/** Options of {@link standardPlatform}: what the platform team's {@link standardAddons} was given. */
export interface StandardPlatformOptions {
  /**
   * The public DNS domain the platform serves apps under in the tier (its `standardAddons` `dns.domain`).
   * @default - none: HTTP only, no DNS records (route host names are then not checked)
   */
  readonly dns?: {
    /** The domain apps are served under (the Gateway's certificate is for `*.<domain>`). */
    readonly domain: string;
  };
}

/**
 * What a platform built with {@link standardAddons} offers apps, for an app
 * repository that consumes it by name:
 * `PlatformRef.fromEksCluster({ clusterName, region, ...standardPlatform(tier, { dns: { domain } }) })`.
 * The Gateway it describes carries its certificate name and DNS domain, so the
 * app's route host names are checked against them at synth.
 */
export function standardPlatform(tier: Tier, options: StandardPlatformOptions = {}): {
  /** Catalog IDs of the add-ons {@link standardAddons} installs in the tier. */
  addons: string[];
  /** The Gateway routes attach to (Envoy Gateway's), with its HTTPS certificate name and DNS domain. */
  gateway: GatewayRef;
} {
  // The same list the platform team installs; the hosted zone and email only shape resources, never the list.
  const dns = options.dns && { domain: options.dns.domain, hostedZoneId: 'Z00000000000000000000', acmeEmail: 'unused@example.com' };
  const addons = standardAddons(tier, { dns });
  return {
    addons: addons.map((a) => a.id),
    gateway: { ...addons.map((a) => a._gateway()).find((g) => g !== undefined)!, dnsDomains: addons.flatMap((a) => a._dnsDomains() ?? []) },
  };
}
