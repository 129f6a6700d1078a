/**
 * The NetworkPolicies of an app's namespace. The namespace denies every connection into and out of
 * its pods (`default-deny`), lets every pod ask the cluster DNS (`allow-dns`), and each workload's
 * own policies admit exactly what it needs: the Gateway's proxies and Prometheus into a service,
 * a service out to the dependencies it connects to, the connected services into a dependency, and
 * what a dependency needs for itself (CloudNativePG's instances, operator and API server).
 *
 * Rules are written in Terraform's own keys (snake_case blocks) through lazy values, so
 * connections made after a construct exists are included at synth.
 */
import type { AppStack } from '../app-stack';
import { Construct, Lazy, NetworkPolicyV1 } from '../private/cdk';
import { formatCidr, PRIVATE_RANGES } from '../private/cidr';
import type { IConnectable } from './contract';

/** Labels of every NetworkPolicy Switchyard writes. */
export const NETWORK_POLICY_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/managed-by': 'switchyard' };

/** The cluster DNS: CoreDNS (or kube-dns) pods of `kube-system` labelled `k8s-app: kube-dns` (kind, EKS, kubeadm), UDP and TCP 53. */
export const CLUSTER_DNS = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 } as const;

/** The private IPv4 ranges (RFC 1918). */
export const PRIVATE_CIDRS: readonly string[] = PRIVATE_RANGES.map(formatCidr);

/**
 * Ranges where no public AWS endpoint is: the private ranges, the shared address space (RFC 6598,
 * which EKS custom networking gives pods) and link-local (the instance metadata service).
 */
export const NON_PUBLIC_CIDRS: readonly string[] = [...PRIVATE_CIDRS, '100.64.0.0/10', '169.254.0.0/16'];

/**
 * Ports of the Kubernetes API server as a pod reaches it: 443 at the `kubernetes` Service's cluster
 * IP (EKS's endpoints listen on 443 too), 6443 at the control-plane node of kind, k3d and kubeadm
 * clusters (a policy evaluated after the Service's DNAT sees that address and port).
 */
export const API_SERVER_PORTS: readonly number[] = [443, 6443];

/** A NetworkPolicy peer (`from` or `to` entry), in Terraform's keys. */
export type Peer = Record<string, unknown>;

/** A NetworkPolicy rule: peers and TCP/UDP ports, in Terraform's keys. */
export interface Rule {
  /** The peers (`from` of an ingress rule, `to` of an egress rule); never empty (an empty list admits everyone). */
  readonly peers: Peer[];
  /** The ports; never empty here (every rule Switchyard writes names its ports). */
  readonly ports: Array<{ readonly port: string; readonly protocol: 'TCP' | 'UDP' }>;
}

/** Pods of the policy's own namespace with `labels`. */
export function podPeer(labels: Readonly<Record<string, string>>): Peer {
  return { pod_selector: { match_labels: { ...labels } } };
}

/** Pods of the namespace named `namespace` (all of them, or those with `labels`). */
export function namespacePeer(namespace: string, labels?: Readonly<Record<string, string>>): Peer {
  return {
    namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': namespace } },
    ...(labels && Object.keys(labels).length > 0 ? { pod_selector: { match_labels: { ...labels } } } : {}),
  };
}

/** Addresses in `cidr`, except those in `except`. */
export function cidrPeer(cidr: string, except: readonly string[] = []): Peer {
  return { ip_block: { cidr, ...(except.length > 0 ? { except: [...except] } : {}) } };
}

/** TCP ports. */
export function tcp(...ports: number[]): Rule['ports'] {
  return ports.map((p) => ({ port: String(p), protocol: 'TCP' as const }));
}

/** A rule as Terraform writes it in `ingress` (`from`) or `egress` (`to`). */
function written(direction: 'Ingress' | 'Egress', rule: Rule): Record<string, unknown> {
  return { ports: rule.ports.map((p) => ({ ...p })), [direction === 'Ingress' ? 'from' : 'to']: rule.peers };
}

/** Rules with the same peers and ports written once (a queue and a topic on the same server, say). */
function distinct(rules: Rule[]): Rule[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const key = JSON.stringify(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What a NetworkPolicy of the app's namespace holds. */
export interface NetworkPolicyProps {
  /** The policy's name in the namespace (refused when another policy of the app has it). */
  readonly name: string;
  /** Labels of the pods it selects. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Ingress: what it admits into the pods; Egress: where the pods may connect to. */
  readonly direction: 'Ingress' | 'Egress';
  /** The rules, read at synth. No rule: the policy only isolates its pods in that direction. */
  readonly rules: () => Rule[];
}

/**
 * A NetworkPolicy of the app's namespace: made after the namespace, registered with the app stack
 * (which refuses a second policy of the same name and orders the namespace's `default-deny` after
 * it; an egress policy comes after `allow-dns`, so that a pod it isolates never loses DNS).
 */
export function networkPolicy(scope: Construct, id: string, app: AppStack, props: NetworkPolicyProps): NetworkPolicyV1 {
  const policy = new NetworkPolicyV1(scope, id, {
    provider: app.kubernetes,
    metadata: { name: props.name, namespace: app.namespace, labels: { ...NETWORK_POLICY_LABELS, 'app.kubernetes.io/part-of': app.appName } },
    spec: {
      podSelector: { matchLabels: { ...props.podLabels } },
      policyTypes: [props.direction],
      // A lazy value bypasses the binding's mapping: it is written in Terraform's own keys.
      ...(props.direction === 'Ingress'
        ? { ingress: Lazy.anyValue({ produce: () => distinct(props.rules()).map((r) => written('Ingress', r)) }) as never }
        : { egress: Lazy.anyValue({ produce: () => distinct(props.rules()).map((r) => written('Egress', r)) }) as never }),
    },
    dependsOn: [app.namespaceResource],
  });
  app._registerNetworkPolicy(scope, policy, props.name, props.direction);
  return policy;
}

/** More sources a dependency's pods admit besides the connected services (their own peers, an operator). */
export interface ExtraIngress {
  /** Pods of the same namespace with these labels. */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Pods of the namespace with this name (those with `podLabels` there, when given). */
  readonly namespace?: string;
  /** The TCP ports they may connect to. */
  readonly ports: number[];
}

/**
 * A NetworkPolicy that lets into the pods selected by `podLabels` only the
 * services connected to the dependency (on `port`), plus `extra` sources.
 * The list of services is read at synth, so connections made later count; a
 * dependency nobody connects to admits no service.
 */
export function allowFrom(
  scope: Construct, app: AppStack, name: string, podLabels: Record<string, string>, port: number, peers: readonly IConnectable[], extra: ExtraIngress[] = [],
): NetworkPolicyV1 {
  // The construct ID (and so the Terraform address) is the one this policy always had.
  return networkPolicy(scope, 'network-policy', app, {
    name,
    podLabels,
    direction: 'Ingress',
    // No rule is written without sources (an empty `from` would admit every pod).
    rules: () => [
      ...(peers.length > 0 ? [{ peers: peers.map((p) => podPeer(p.podSelector)), ports: tcp(port) }] : []),
      ...extra.map((e) => ({ peers: [e.namespace ? namespacePeer(e.namespace, e.podLabels) : podPeer(e.podLabels ?? {})], ports: tcp(...e.ports) })),
    ],
  });
}

/** Egress to the Kubernetes API server, for pods that call it (CloudNativePG's instance manager). */
export function toApiServer(): Rule {
  // The API server is reached at the `kubernetes` Service's cluster IP, which an implementation that
  // enforces before the Service's DNAT sees (the VPC CNI's agent), or at the Service's endpoints
  // (kind's kube-network-policies, after DNAT: the control-plane node). Neither is a pod a selector
  // can name, and a kubeconfig cluster's addresses are not known at synth; both are in the private
  // ranges (EKS requires a private Service range), so: those ranges, on the API server's ports only.
  return { peers: PRIVATE_CIDRS.map((c) => cidrPeer(c)), ports: tcp(...API_SERVER_PORTS) };
}

/**
 * Egress to the public endpoints of AWS services (STS for IRSA, SQS, SNS ...) on TCP 443: any
 * address but the non-public ranges. NetworkPolicies have no DNS names, and AWS's public ranges
 * are many and change; excluding the private, shared and link-local ranges keeps the pods off
 * the cluster's own network (pods, nodes, the API server, databases) and off the instance
 * metadata service on that port.
 */
export function toAwsApis(): Rule {
  return { peers: [cidrPeer('0.0.0.0/0', NON_PUBLIC_CIDRS)], ports: tcp(443) };
}
