/** A service's route through the platform's Gateway: the HTTPRoute that splits traffic by the ledger's weight, and who may send it. */
import { cidrPeer, namespacePeer, Rule, tcp } from '../../dependencies/network-policy';
import { GATEWAY_API } from '../../platform/addons/gateway';
import { envoyProxies } from '../../platform/platform-ref';
import { ITerraformDependable, Manifest } from '../../private/cdk';
import { fail } from '../../private/errors';
import type { BlueGreenService } from '../blue-green-service';
import { otherSlot, ServiceRelease, Slot, versionIn } from '../ledger';
import { serviceLabels } from './pod-template';
import type { RouteOptions } from './props';

/** The HTTPRoute on the platform's Gateway: the live slot, and the ledger's weight to the idle one. */
export function buildRoute(service: BlueGreenService, route: RouteOptions, release: ServiceRelease): Manifest {
  const app = service.app;
  const gateway = app.platform.gateway!;
  const idle = otherSlot(release.live);
  const idleServes = versionIn(release, idle) !== undefined && !release.retired && release.weight > 0;
  const backend = (slot: Slot, weight: number) => ({ name: `${service.name}-${slot}`, port: 80, weight });
  const after: ITerraformDependable[] = [service.activeService!, ...(idleServes ? [service.slots[idle]!.deployment] : [])];
  return new Manifest(service, 'route', {
    provider: app.kubernetes,
    manifest: {
      apiVersion: GATEWAY_API,
      kind: 'HTTPRoute',
      metadata: { name: service.name, namespace: app.namespace, labels: serviceLabels(service.podSelector) },
      spec: {
        parentRefs: [{ name: gateway.name, namespace: gateway.namespace }],
        ...(route.hostnames ? { hostnames: route.hostnames } : {}),
        rules: [{
          matches: [{ path: { type: 'PathPrefix', value: route.path ?? '/' } }],
          backendRefs: idleServes
            ? [backend(release.live, 100 - release.weight), backend(idle, release.weight)]
            : [backend(release.live, 100)],
        }],
      },
    },
    dependsOn: after,
  });
}

/**
 * Who may connect to the pods of a routed service on its port: the platform Gateway's proxies
 * (pods of their namespace, or the VPC's range for a load balancer with `ip` targets).
 */
export function gatewayIngress(service: BlueGreenService, port: number): Rule {
  const app = service.app;
  const gateway = app.platform.gateway!;
  const proxies = gateway.proxies ?? envoyProxies(gateway);
  if (proxies.fromVpc) {
    const eks = app.platform.eks(app, `the route of service "${service.name}" (the Gateway ${gateway.namespace}/${gateway.name} sends from the VPC)`);
    return { peers: [cidrPeer(eks.vpcCidr)], ports: tcp(port) };
  }
  if (proxies.namespace) return { peers: [namespacePeer(proxies.namespace, proxies.podLabels)], ports: tcp(port) };
  return fail(service, `the platform's Gateway ${gateway.namespace}/${gateway.name} says neither where its proxies run nor that they send from the VPC: %v`, proxies,
    'give the GatewayRef proxies: { namespace, podLabels } (pods of the cluster) or { fromVpc: true } (a load balancer with ip targets)');
}
