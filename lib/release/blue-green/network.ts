/**
 * The NetworkPolicies of a service's pods (the app's namespace denies by default): who may connect
 * to them, where they may connect to, and what its smoke tests' pods may reach.
 */
import { cidrPeer, namespacePeer, networkPolicy, podPeer, Rule, tcp, toAwsApis } from '../../dependencies/network-policy';
import { AddonIds } from '../../platform/addons/ids';
import { MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS } from '../../platform/addons/monitoring-names';
import type { NetworkPolicyV1 } from '../../private/cdk';
import type { BlueGreenService } from '../blue-green-service';
import type { BlueGreenServiceProps } from './props';
import { gatewayIngress } from './route';
import { SMOKE_LABEL } from './smoke';

/**
 * Makes the service's `<name>-ingress` and `<name>-egress` policies, and `<name>-smoke-egress` when
 * it has smoke tests. Who may connect is known now; where the pods may connect to is read at synth
 * (connections made after construction count), as is whether it was granted something in AWS.
 */
export function servicePolicies(s: BlueGreenService, p: BlueGreenServiceProps, awsGranted: () => boolean): { ingress: NetworkPolicyV1; egress: NetworkPolicyV1 } {
  const ingress = ingressRules(s, p);
  const policies = {
    ingress: networkPolicy(s, 'ingress-policy', s.app, {
      name: `${s.name}-ingress`, podLabels: s.podSelector, direction: 'Ingress', rules: () => ingress,
    }),
    egress: networkPolicy(s, 'egress-policy', s.app, {
      name: `${s.name}-egress`, podLabels: s.podSelector, direction: 'Egress', rules: () => egressRules(s, awsGranted()),
    }),
  };
  // The smoke tests' pods reach the service's port, and nothing else (DNS: the namespace's allow-dns).
  if (p.smoke) {
    networkPolicy(s, 'smoke-egress-policy', s.app, {
      name: `${s.name}-smoke-egress`, podLabels: { [SMOKE_LABEL]: s.name }, direction: 'Egress',
      // A worker has no port: its smoke tests (commands) reach nothing but DNS.
      rules: () => (p.port === undefined ? [] : [{ peers: [podPeer(s.podSelector)], ports: tcp(p.port) }]),
    });
  }
  return policies;
}

/**
 * Who may connect to the pods: the platform Gateway's proxies (pods of their namespace, or the
 * VPC's range for a load balancer with `ip` targets) on the service's port when it has a route;
 * its smoke tests on that port; Prometheus on the metrics port when it is monitored.
 */
function ingressRules(s: BlueGreenService, p: BlueGreenServiceProps): Rule[] {
  const rules: Rule[] = [];
  if (p.route && s.app.platform.gateway) rules.push(gatewayIngress(s, p.port!));
  // The slot's Service sends the smoke tests to the slot's pods.
  if (p.smoke && p.port !== undefined) rules.push({ peers: [podPeer({ [SMOKE_LABEL]: s.name })], ports: tcp(p.port) });
  // Prometheus scrapes the pods where the PodMonitor says (the metrics port, or the service's port; a worker's port, if it has one).
  const metricsPort = (p.metrics ? p.metrics.port : undefined) ?? p.port;
  if (p.metrics !== false && metricsPort !== undefined && s.app.platform.hasAddon(AddonIds.kubePrometheusStack)) {
    rules.push({ peers: [namespacePeer(MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS)], ports: tcp(metricsPort) });
  }
  return rules;
}

/** Where the pods may connect to: every connected dependency's destinations, and AWS's APIs once granted something there. */
function egressRules(s: BlueGreenService, aws: boolean): Rule[] {
  return [
    ...s.connectedDependencies.flatMap((d) => (d.networkDestinations ?? []).map((to) => ({
      peers: [...(to.podLabels ? [podPeer(to.podLabels)] : []), ...(to.cidrs ?? []).map((c) => cidrPeer(c))],
      ports: tcp(to.port),
    }))).filter((r) => r.peers.length > 0),
    ...(aws ? [toAwsApis()] : []),
  ];
}
