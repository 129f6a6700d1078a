import type { AppStack } from '../app-stack';
import { Construct, Lazy, NetworkPolicyV1 } from '../private/cdk';
import type { IConnectable } from './contract';

/** More sources a dependency's pods admit besides the connected services (their own peers, an operator). */
export interface ExtraIngress {
  /** Pods of the same namespace with these labels, on any port. */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Pods of the namespace with this name, on any port. */
  readonly namespace?: string;
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
  return new NetworkPolicyV1(scope, 'network-policy', {
    provider: app.kubernetes,
    metadata: { name, namespace: app.namespace, labels: { 'app.kubernetes.io/managed-by': 'switchyard' } },
    spec: {
      podSelector: { matchLabels: podLabels },
      policyTypes: ['Ingress'],
      // A lazy value bypasses the binding's mapping: it is written in Terraform's own keys.
      // No rule is written without sources (an empty `from` would admit every pod).
      ingress: Lazy.anyValue({
        produce: () => [
          ...(peers.length > 0 ? [{
            ports: [{ port: String(port), protocol: 'TCP' }],
            from: peers.map((p) => ({ pod_selector: { match_labels: { ...p.podSelector } } })),
          }] : []),
          ...extra.map((e) => ({
            from: [e.namespace
              ? { namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': e.namespace } } }
              : { pod_selector: { match_labels: { ...e.podLabels } } }],
          })),
        ],
      }),
    },
    dependsOn: [app.namespaceResource],
  });
}
