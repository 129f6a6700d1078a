/**
 * Default deny in every app namespace: the NetworkPolicies of the synthesized stacks, evaluated
 * with Kubernetes' semantics (test/support/network-policy.ts), allow every connection the app's
 * model has and deny the ones it does not.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AddonsStack, AppStack, AwsLoadBalancerController, Backend, BlueGreenService, Cache, CloudNativePg, EnvoyGateway, ExternalSecrets, GatewayApiCrds, KubePrometheusStack, PlatformRef, PlatformStack, Postgres, Queue, Topic } from '../lib';
import type { DeliveryModel } from '../lib/exports/model';
import { ledgerOf, released, tiers } from './fixtures';
import { exampleOutput, k8s, resources, StackJson, synth, Synth } from './helpers';
import { address, connection, Endpoint, Pod, pod, policiesOf, PolicySpec } from './support/network-policy';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// ---------------------------------------------------------------------------------------------
// The app's namespace, as its model says it is, against its policies.
// ---------------------------------------------------------------------------------------------

/** A service of the app as its delivery model and stack say: ports, route, monitoring, connections, AWS grants. */
interface ServiceModel {
  readonly name: string;
  /** The port it serves on (a worker's: the port of its metrics); undefined for a worker with none. */
  readonly port?: number;
  /** A worker (`kind: 'worker'`): it serves nothing. */
  readonly worker: boolean;
  /** The port Prometheus scrapes; undefined when the service is not monitored. */
  readonly metricsPort?: number;
  readonly routed: boolean;
  readonly connections: string[];
  /** Granted something in AWS (a managed queue or topic): it calls AWS's APIs. */
  readonly aws: boolean;
}

/** A dependency of the app in a tier. */
interface DependencyModel {
  readonly name: string;
  readonly kind: 'db' | 'queue' | 'topic' | 'cache';
  readonly binding: 'in-cluster' | 'managed';
}

/** A connection the test checks, and whether the namespace must allow it. */
interface Check {
  readonly what: string;
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  readonly protocol?: string;
  readonly allowed: boolean;
  /**
   * For a managed database or cache: whether its security group admits the source (the path needs
   * both; NetworkPolicies cannot tell one address of the VPC from another on the same port).
   */
  readonly securityGroup?: boolean;
}

/** The pods and addresses of a tier around the app's namespace. */
interface World {
  readonly policies: PolicySpec[];
  readonly services: Record<string, { model: ServiceModel; pods: Pod[] }>;
  readonly dependencies: Record<string, { model: DependencyModel; endpoints: Endpoint[]; port: number }>;
  readonly checks: Check[];
}

/** Pods of the workloads (Deployments, Jobs) the stack runs in `ns`, with their template's labels and named ports. */
function workloadPods(stack: StackJson, ns: string, ip: (i: number) => string): Pod[] {
  const out: Pod[] = [];
  for (const type of ['kubernetes_deployment_v1', 'kubernetes_job_v1']) {
    for (const r of Object.values<Json>(resources(stack, type))) {
      if (r.metadata.namespace !== ns) continue;
      const template = r.spec.template;
      const ports: Record<string, number> = {};
      for (const c of template.spec.container ?? []) for (const p of c.port ?? []) if (p.name) ports[p.name] = Number(p.container_port);
      out.push(pod(r.metadata.name, ns, template.metadata.labels, { ip: ip(out.length), ports }));
    }
  }
  return out;
}

const EKS_API_CLUSTER_IP = '172.20.0.1';
const KIND_API_CLUSTER_IP = '10.96.0.1';
const KIND_CONTROL_PLANE = '172.18.0.2';

/**
 * The world of one tier of an app: its services' and dependencies' pods (from the stack), the
 * platform's pods in their namespaces (the Gateway's proxies, Prometheus, the cluster DNS, the
 * CloudNativePG operator), addresses outside the cluster, and the checks its model implies.
 */
function world(out: Synth, appName: string, tier: string, opts: { refs?: Record<string, string>; vpcCidr?: string; gateway: 'envoy' | 'alb' }): World {
  const model = JSON.parse(fs.readFileSync(path.join(out.outdir, 'switchyard.json'), 'utf8')) as DeliveryModel;
  const appTier = model.apps.find((a) => a.name === appName)!.tiers[tier];
  const stack = out.stacks[appTier.stack];
  const ns = appTier.namespace;
  const managed = appTier.dependencies.some((d) => d.binding === 'managed') || opts.vpcCidr !== undefined;
  const vpcCidr = opts.vpcCidr;
  // Pod addresses: in the VPC on EKS (the VPC CNI), in kind's pod range otherwise.
  const vpcBase = vpcCidr ? vpcCidr.split('.').slice(0, 2).join('.') : '10.244';
  let next = 10;
  const ip = () => `${vpcBase}.${Math.floor(next / 250) + 1}.${(next++ % 250) + 1}`;
  const pods = workloadPods(stack, ns, ip);

  const services: World['services'] = {};
  for (const s of appTier.services) {
    const mine = pods.filter((p) => p.labels['app.kubernetes.io/name'] === s.name);
    const slot = k8s(stack, 'kubernetes_deployment_v1', `${s.name}-blue`);
    const ports: Json[] = slot.spec.template.spec.container[0].port ?? [];
    const worker = s.kind === 'worker';
    // A worker serves nothing: its one port, if any, is its metrics'.
    const served = ports.find((p) => p.name === (worker ? 'metrics' : 'http'));
    const http = served ? Number(served.container_port) : undefined;
    const metrics = ports.find((p) => p.name === 'metrics');
    const monitored = Object.values<Json>(resources(stack, 'kubernetes_manifest')).some((m) => m.manifest.kind === 'PodMonitor' && m.manifest.metadata.name === s.name);
    services[s.name] = {
      model: {
        name: s.name,
        port: http,
        worker,
        metricsPort: monitored ? (metrics ? Number(metrics.container_port) : http) : undefined,
        routed: s.route === true,
        connections: [...s.connections],
        aws: (s.grants ?? []).some((g) => appTier.dependencies.find((d) => d.name === g.dependency)?.binding === 'managed'),
      },
      pods: mine,
    };
    expect(mine.length).toBeGreaterThan(0);
  }

  // The dependencies' pods (in the cluster) or addresses (managed).
  const cnpgPods: Pod[] = [];
  const dependencies: World['dependencies'] = {};
  const messaging = pods.filter((p) => p.labels['app.kubernetes.io/name'] === 'messaging');
  const awsEndpoint = address('sqs.eu-west-1.amazonaws.com', '52.94.0.10');
  let hostInVpc = 200;
  for (const d of appTier.dependencies) {
    const m: DependencyModel = { name: d.name, kind: d.kind as DependencyModel['kind'], binding: d.binding as DependencyModel['binding'] };
    if (d.binding === 'managed') {
      const at = address(`${d.name} (managed)`, `${vpcBase}.${hostInVpc++}.20`);
      dependencies[d.name] = d.kind === 'db' ? { model: m, endpoints: [at], port: 5432 }
        : d.kind === 'cache' ? { model: m, endpoints: [at], port: 6379 }
          : { model: m, endpoints: [awsEndpoint], port: 443 };
    } else if (d.kind === 'db') {
      const cluster = `${d.name}-postgres`;
      const base = { 'cnpg.io/cluster': cluster, 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': cluster };
      const instances = [
        pod(`${cluster}-1`, ns, { ...base, 'cnpg.io/instanceName': `${cluster}-1`, 'cnpg.io/podRole': 'instance', 'cnpg.io/instanceRole': 'primary', role: 'primary' }, { ip: ip() }),
        pod(`${cluster}-2`, ns, { ...base, 'cnpg.io/instanceName': `${cluster}-2`, 'cnpg.io/podRole': 'instance', 'cnpg.io/instanceRole': 'replica', role: 'replica' }, { ip: ip() }),
      ];
      const initdb = pod(`${cluster}-1-initdb`, ns, { ...base, 'cnpg.io/instanceName': `${cluster}-1`, 'cnpg.io/jobRole': 'initdb' }, { ip: ip() });
      cnpgPods.push(...instances, initdb);
      dependencies[d.name] = { model: m, endpoints: instances, port: 5432 };
    } else if (d.kind === 'cache') {
      const release = `${d.name}-valkey`;
      expect(Object.values<Json>(resources(stack, 'helm_release')).some((r) => r.name === release && r.chart === 'valkey')).toBe(true);
      dependencies[d.name] = { model: m, endpoints: [pod(`${release}-0`, ns, { 'app.kubernetes.io/name': 'valkey', 'app.kubernetes.io/instance': release }, { ip: ip() })], port: 6379 };
    } else {
      expect(messaging).toHaveLength(1);
      dependencies[d.name] = { model: m, endpoints: messaging, port: 5000 };
    }
  }
  const dependencyPods = [...new Set(Object.values(dependencies).flatMap((d) => d.endpoints.filter((e): e is Pod => e.kind === 'pod')))];

  // The platform around the namespace.
  const dns = pod('coredns', 'kube-system', { 'k8s-app': 'kube-dns' }, { ip: ip() });
  const notDns = pod('metrics-server', 'kube-system', { 'k8s-app': 'metrics-server' }, { ip: ip() });
  const envoy = pod('envoy-switchyard', 'envoy-gateway-system', {
    'app.kubernetes.io/name': 'envoy', 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/managed-by': 'envoy-gateway',
    'gateway.envoyproxy.io/owning-gateway-name': 'switchyard', 'gateway.envoyproxy.io/owning-gateway-namespace': 'gateway-system',
  }, { ip: ip() });
  const envoyController = pod('envoy-gateway', 'envoy-gateway-system', { 'app.kubernetes.io/name': 'gateway-helm', control_plane: 'envoy-gateway' }, { ip: ip() });
  const alb = address('ALB interface in the VPC', `${vpcBase}.100.7`);
  const gateway = opts.gateway === 'alb' ? alb : envoy;
  const prometheus = pod('prometheus-0', 'monitoring', { 'app.kubernetes.io/name': 'prometheus', prometheus: 'kube-prometheus-stack-prometheus' }, { ip: ip() });
  const grafana = pod('grafana', 'monitoring', { 'app.kubernetes.io/name': 'grafana' }, { ip: ip() });
  const operator = pod('cnpg-operator', 'cnpg-system', { 'app.kubernetes.io/name': 'cloudnative-pg', 'app.kubernetes.io/instance': 'cloudnative-pg' }, { ip: ip() });
  // KEDA's operator reads the depth of the queues workers scale on; its metrics server does not.
  const keda = pod('keda-operator', 'keda', { app: 'keda-operator', name: 'keda-operator', 'app.kubernetes.io/name': 'keda-operator' }, { ip: ip() });
  const kedaMetrics = pod('keda-operator-metrics-apiserver', 'keda', { app: 'keda-operator-metrics-apiserver', 'app.kubernetes.io/name': 'keda-operator-metrics-apiserver' }, { ip: ip() });
  // The ScaledObjects of the namespace whose triggers read the in-cluster server (an endpoint of the cluster).
  const scalesInCluster = Object.values<Json>(resources(stack, 'kubernetes_manifest'))
    .some((m) => m.manifest.kind === 'ScaledObject' && m.manifest.metadata.namespace === ns && m.manifest.spec.triggers.some((t: Json) => t.metadata.awsEndpoint));
  const apiServer = managed ? [address('kubernetes Service', EKS_API_CLUSTER_IP)] : [address('kubernetes Service', KIND_API_CLUSTER_IP), address('control-plane node', KIND_CONTROL_PLANE)];
  const apiServerPort = (a: Endpoint) => (a.ip === KIND_CONTROL_PLANE ? 6443 : 443);
  const internet = address('internet', '93.184.216.34');
  const imds = address('instance metadata', '169.254.169.254');
  const elsewhereInVpc = address('another address in the VPC', `${vpcBase}.250.9`);

  const checks: Check[] = [];
  const check = (allowed: boolean, what: string, from: Endpoint, to: Endpoint, port: number, protocol = 'TCP') => checks.push({ what, from, to, port, protocol, allowed });

  for (const s of Object.values(services)) {
    const { model: m } = s;
    // A worker without a port: what would come in on a port is checked on 8080.
    const port = m.port ?? 8080;
    for (const p of s.pods) {
      const isJob = p.labels['app.kubernetes.io/component'] === 'migration';
      // Into the service. An ALB sends from its interfaces in the VPC, which has no fixed addresses: a
      // routed service admits the VPC's range on its port, and so any pod of the VPC there too.
      if (!isJob) {
        const vpcOpen = (at: number) => opts.gateway === 'alb' && m.routed && at === m.port;
        check(m.routed, `the Gateway -> ${m.name} on its port`, gateway, p, port);
        if (m.metricsPort !== undefined && m.metricsPort !== port) check(false, `the Gateway -> ${m.name} on its metrics port`, gateway, p, m.metricsPort);
        check(m.metricsPort !== undefined || vpcOpen(port), `Prometheus -> ${m.name} on its metrics port`, prometheus, p, m.metricsPort ?? port);
        if (m.metricsPort !== undefined && m.metricsPort !== port) check(vpcOpen(port), `Prometheus -> ${m.name} on its service port`, prometheus, p, port);
        check(vpcOpen(m.metricsPort ?? port), `Grafana (monitoring, not Prometheus) -> ${m.name}`, grafana, p, m.metricsPort ?? port);
        check(vpcOpen(port), `a pod of another namespace with ${m.name}'s labels -> ${m.name}`, pod('impostor', 'intruder', p.labels, { ip: ip() }), p, port);
        check(vpcOpen(port), `the CloudNativePG operator -> ${m.name}`, operator, p, port);
        check(vpcOpen(port), `KEDA's operator -> ${m.name}`, keda, p, port);
        if (opts.gateway === 'envoy') check(false, `Envoy Gateway's controller (not a proxy) -> ${m.name}`, envoyController, p, port);
        else check(false, `an address outside the VPC -> ${m.name}`, internet, p, port);
        for (const other of Object.values(services)) {
          if (other === s) continue;
          for (const q of other.pods) check(false, `${other.model.name} -> ${m.name} directly`, q, p, port);
        }
        for (const d of dependencyPods) check(false, `${d.name} -> ${m.name}`, d, p, port);
      }
      // Out of the service (slots and migrations alike). What the network can tell apart: the
      // in-cluster server holds every queue and topic of the app, so a service connected to one
      // reaches it; a managed database or cache is told apart by its security group, a managed
      // queue or topic by IAM (HTTPS to AWS comes with any grant).
      for (const [name, d] of Object.entries(dependencies)) {
        const connected = m.connections.includes(name);
        const sameServer = d.model.binding === 'in-cluster' && (d.model.kind === 'queue' || d.model.kind === 'topic')
          && m.connections.some((c) => ['queue', 'topic'].includes(dependencies[c]?.model.kind) && dependencies[c].model.binding === 'in-cluster');
        const managedStore = d.model.binding === 'managed' && (d.model.kind === 'db' || d.model.kind === 'cache');
        for (const e of d.endpoints) {
          if (managedStore) {
            const samePort = m.connections.some((c) => dependencies[c]?.model.binding === 'managed' && dependencies[c].port === d.port);
            checks.push({ what: `${p.name} -> ${name} (${d.model.kind}, managed), network and security group`, from: p, to: e, port: d.port, protocol: 'TCP', allowed: connected, securityGroup: admits(stack, name, m.name, d.port) });
            checks.push({ what: `${p.name} -> ${name} (${d.model.kind}, managed), network only`, from: p, to: e, port: d.port, protocol: 'TCP', allowed: samePort });
          } else if (d.model.binding === 'managed') {
            check(m.aws, `${p.name} -> ${name} (${d.model.kind}, managed: AWS's API; IAM admits the granted resources only)`, p, e, d.port);
          } else {
            check(connected || sameServer, `${p.name} -> ${name} (${d.model.kind}, in the cluster)`, p, e, d.port);
          }
        }
      }
      check(true, `${p.name} -> the cluster DNS (UDP)`, p, dns, 53, 'UDP');
      check(true, `${p.name} -> the cluster DNS (TCP)`, p, dns, 53, 'TCP');
      check(false, `${p.name} -> the DNS pod on another port`, p, dns, 8080);
      check(false, `${p.name} -> another kube-system pod on 53`, p, notDns, 53, 'UDP');
      check(false, `${p.name} -> the internet on 80`, p, internet, 80);
      check(m.aws, `${p.name} -> AWS's public endpoints on 443`, p, awsEndpoint, 443);
      check(false, `${p.name} -> the instance metadata service`, p, imds, 80);
      check(false, `${p.name} -> the instance metadata service on 443`, p, imds, 443);
      check(false, `${p.name} -> an address in the VPC on 443`, p, elsewhereInVpc, 443);
      for (const a of apiServer) check(false, `${p.name} -> the Kubernetes API server`, p, a, apiServerPort(a));
      check(false, `${p.name} -> Prometheus`, p, prometheus, 9090);
    }
  }
  // The dependencies themselves: DNS only, but CloudNativePG's instances, operator and API server.
  for (const d of [...new Set([...dependencyPods, ...cnpgPods])]) {
    check(true, `${d.name} -> the cluster DNS`, d, dns, 53, 'UDP');
    check(false, `${d.name} -> the internet on 443`, d, internet, 443);
    check(false, `${d.name} -> the internet on 80`, d, internet, 80);
    const cnpg = d.labels['cnpg.io/cluster'];
    for (const a of apiServer) check(cnpg !== undefined, `${d.name} -> the Kubernetes API server`, d, a, apiServerPort(a));
    for (const e of [...dependencyPods, ...cnpgPods]) {
      // Nothing connects to a CloudNativePG job's pod (it only connects out); not checked.
      if (e === d || e.labels['cnpg.io/jobRole'] !== undefined) continue;
      const peer = cnpg !== undefined && e.labels['cnpg.io/cluster'] === cnpg;
      for (const port of [5432, 8000]) check(peer, `${d.name} -> ${e.name} on ${port}`, d, e, port);
      if (e.labels['app.kubernetes.io/name'] === 'messaging') check(false, `${d.name} -> the messaging server`, d, e, 5000);
      if (e.labels['app.kubernetes.io/name'] === 'valkey') check(false, `${d.name} -> ${e.name}`, d, e, 6379);
    }
  }
  for (const c of cnpgPods.filter((p) => p.labels['cnpg.io/podRole'] === 'instance')) {
    for (const port of [5432, 8000]) check(true, `the CloudNativePG operator -> ${c.name} on ${port}`, operator, c, port);
    check(false, `the CloudNativePG operator -> ${c.name} on its metrics port`, operator, c, 9187);
    check(false, `Prometheus -> ${c.name}`, prometheus, c, 5432);
    check(false, `the Gateway -> ${c.name}`, gateway, c, 5432);
    check(false, `a pod of another namespace -> ${c.name}`, pod('impostor', 'intruder', c.labels, { ip: ip() }), c, 5432);
  }
  for (const m of messaging) {
    check(false, 'the Gateway -> the messaging server', gateway, m, 5000);
    // KEDA's operator reads the depth of the queues a worker scales on here; nothing else of its namespace, nor a look-alike.
    check(scalesInCluster, 'KEDA\'s operator -> the messaging server (a worker scales on a queue there)', keda, m, 5000);
    check(false, 'KEDA\'s operator -> the messaging server on another port', keda, m, 8080);
    check(false, 'KEDA\'s metrics server -> the messaging server', kedaMetrics, m, 5000);
    check(false, 'a pod of another namespace with the KEDA operator\'s labels -> the messaging server', pod('impostor', 'intruder', keda.labels, { ip: ip() }), m, 5000);
  }
  for (const d of dependencyPods.filter((e) => e.labels['app.kubernetes.io/name'] !== 'messaging')) {
    check(false, `KEDA's operator -> ${d.name}`, keda, d, dependencies[Object.keys(dependencies).find((n) => dependencies[n].endpoints.includes(d))!].port);
  }

  return { policies: policiesOf(stack, opts.refs ?? {}), services, dependencies, checks };
}

/** The checks whose verdict is not the expected one, with the evaluator's reason. */
function wrong(w: World): string[] {
  return w.checks.map((c) => ({ c, v: connection(w.policies, c.from, c.to, c.port, c.protocol) }))
    .map(({ c, v }) => ({ c, allowed: v.allowed && c.securityGroup !== false, why: c.securityGroup === false ? `${v.why}; the security group does not admit it` : v.why }))
    .filter(({ c, allowed }) => allowed !== c.allowed)
    .map(({ c, why }) => `${c.allowed ? 'should be allowed' : 'should be denied'}: ${c.what}: ${why}`);
}

/**
 * Whether the security group of the managed dependency `dependency` admits the pods of `service` on
 * `port`: a rule referencing the service's own pod security group, or the cluster's (every pod).
 */
function admits(stack: StackJson, dependency: string, service: string, port: number): boolean {
  return Object.values<Json>(resources(stack, 'aws_vpc_security_group_ingress_rule')).some((r) =>
    String(r.security_group_id).startsWith(`\${aws_security_group.${dependency}_security-group`)
    && r.from_port <= port && port <= r.to_port
    && (String(r.referenced_security_group_id).startsWith(`\${aws_security_group.${service}_pod-security-group`)
      || String(r.referenced_security_group_id).includes('cluster_security_group_id')));
}

/** The VPC range of a PlatformStack (its `aws_vpc`). */
function vpcOf(out: Synth, stack: string): string {
  return (Object.values(resources(out.stacks[stack], 'aws_vpc'))[0] as Json).cidr_block;
}

describe('the main example: default deny, and what the model needs', () => {
  const out = exampleOutput('shop');

  test.each([
    ['dev', undefined],
    ['staging', 'platform-staging'],
    ['prod', 'platform-prod'],
  ])('%s: every connection the model has is allowed, the others checked are denied', (tier, platform) => {
    const w = world(out, 'shop', tier, { gateway: 'envoy', vpcCidr: platform ? vpcOf(out, platform) : undefined });
    // The checks are many and of both kinds.
    expect(w.checks.filter((c) => c.allowed).length).toBeGreaterThan(tier === 'dev' ? 40 : 10);
    expect(w.checks.filter((c) => !c.allowed).length).toBeGreaterThan(tier === 'dev' ? 100 : 30);
    // The worker scales on its queue's depth: in dev KEDA's operator reads the in-cluster server.
    expect(w.checks.some((c) => c.allowed && c.what.startsWith('KEDA\'s operator -> the messaging server'))).toBe(tier === 'dev');
    expect(wrong(w)).toEqual([]);
  });

  test('the namespace denies by default, lets every pod ask the cluster DNS, and names its policies after what they admit', () => {
    for (const tier of ['dev', 'prod']) {
      const s = out.stacks[`shop-${tier}`];
      expect(k8s(s, 'kubernetes_network_policy_v1', 'default-deny').spec).toEqual({ pod_selector: {}, policy_types: ['Ingress', 'Egress'] });
      expect(k8s(s, 'kubernetes_network_policy_v1', 'allow-dns').spec).toEqual({
        pod_selector: {},
        policy_types: ['Egress'],
        egress: [{
          to: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'kube-system' } }, pod_selector: { match_labels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }],
        }],
      });
      const names = (Object.values(resources(s, 'kubernetes_network_policy_v1')) as Json[]).map((p) => p.metadata.name).sort();
      expect(names).toEqual(tier === 'dev'
        ? ['allow-dns', 'api-egress', 'api-ingress', 'api-smoke-egress', 'default-deny', 'messaging', 'orders-postgres', 'orders-postgres-egress', 'sessions-valkey', 'worker-egress', 'worker-ingress']
        : ['allow-dns', 'api-egress', 'api-ingress', 'api-smoke-egress', 'default-deny', 'worker-egress', 'worker-ingress']);
      for (const p of Object.values(resources(s, 'kubernetes_network_policy_v1')) as Json[]) {
        expect(p.metadata).toMatchObject({ namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'switchyard', 'app.kubernetes.io/part-of': 'shop' } });
      }
    }
  });

  test('the policies are made in an order that never cuts a path a pod needs: DNS first, the default deny last', () => {
    for (const tier of ['dev', 'staging', 'prod']) {
      const s = out.stacks[`shop-${tier}`];
      const all = resources(s, 'kubernetes_network_policy_v1');
      const deny = all['default-deny'];
      for (const [address, p] of Object.entries<Json>(all)) {
        expect(p.depends_on).toContain('kubernetes_namespace_v1.namespace');
        if (address === 'default-deny') continue;
        expect(deny.depends_on).toContain(`kubernetes_network_policy_v1.${address}`);
        if (address !== 'allow-dns' && p.spec.policy_types.includes('Egress')) expect(p.depends_on).toContain('kubernetes_network_policy_v1.allow-dns');
      }
    }
  });

  test('CloudNativePG: instances admit each other and the operator on 5432 and 8000 only, and reach the API server on its ports only', () => {
    const s = out.stacks['shop-dev'];
    const ingress = k8s(s, 'kubernetes_network_policy_v1', 'orders-postgres').spec.ingress;
    expect(ingress.slice(1)).toEqual([
      { from: [{ pod_selector: { match_labels: { 'cnpg.io/cluster': 'orders-postgres' } } }], ports: [{ port: '5432', protocol: 'TCP' }, { port: '8000', protocol: 'TCP' }] },
      {
        from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'cnpg-system' } }, pod_selector: { match_labels: { 'app.kubernetes.io/name': 'cloudnative-pg' } } }],
        ports: [{ port: '5432', protocol: 'TCP' }, { port: '8000', protocol: 'TCP' }],
      },
    ]);
    expect(k8s(s, 'kubernetes_network_policy_v1', 'orders-postgres-egress').spec.egress[1]).toEqual({
      to: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((cidr) => ({ ip_block: { cidr } })),
      ports: [{ port: '443', protocol: 'TCP' }, { port: '6443', protocol: 'TCP' }],
    });
  });

  test('HTTPS to AWS: only services granted something in AWS, on 443, never to a private, shared or link-local address', () => {
    const s = out.stacks['shop-prod'];
    for (const svc of ['api', 'worker']) {
      expect(k8s(s, 'kubernetes_network_policy_v1', `${svc}-egress`).spec.egress.at(-1)).toEqual({
        to: [{ ip_block: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'] } }],
        ports: [{ port: '443', protocol: 'TCP' }],
      });
    }
    // In dev the same grants are to the in-cluster server: no HTTPS out at all.
    const dev = out.stacks['shop-dev'];
    for (const svc of ['api', 'worker']) {
      expect(JSON.stringify(k8s(dev, 'kubernetes_network_policy_v1', `${svc}-egress`).spec)).not.toContain('0.0.0.0/0');
    }
  });
});

describe('every dependency kind and both Gateways: the model\'s connections, and no more', () => {
  const t = tiers();
  const prodRelease = released('1.0.0', { approvals: [{ version: '1.0.0', by: 'dana', at: '2026-11-02T10:00:00Z' }] });
  const ledger = ledgerOf({
    app: 'shop',
    tiers: {
      dev: { api: released(), worker: released(), reports: released() },
      staging: { api: released(), worker: released(), reports: released() },
      prod: { api: prodRelease, worker: prodRelease, reports: prodRelease },
    },
  });
  const STAGING_VPC = '10.120.0.0/16';
  const refs = { '${data.aws_vpc.platform-vpc.cidr_block}': STAGING_VPC };
  const out = synth((app) => {
    for (const tier of t) {
      let platform: PlatformRef;
      if (tier.name === 'dev') {
        // dev: a kind cluster with Envoy Gateway.
        platform = new AddonsStack(app, {
          tier, platform: PlatformRef.fromKubeconfig({ context: 'kind-dev' }),
          addons: [new GatewayApiCrds(), new EnvoyGateway(), new ExternalSecrets(), new CloudNativePg(), new KubePrometheusStack()],
        }).ref;
      } else if (tier.name === 'staging') {
        // staging: another repository's cluster, found by name; its Gateway is an ALB (ip targets).
        platform = PlatformRef.fromEksCluster({
          clusterName: 'acme-staging', region: 'eu-west-1', podSecurityGroups: true,
          addons: ['external-secrets', 'kube-prometheus-stack', 'gateway-api-crds', 'aws-load-balancer-controller'],
          gateway: { name: 'switchyard', namespace: 'gateway-system', proxies: { fromVpc: true } },
        });
      } else {
        // prod: this program's platform, the ALB Gateway of the load balancer controller.
        platform = new AddonsStack(app, {
          tier, platform: new PlatformStack(app, { tier }).ref,
          addons: [new GatewayApiCrds(), new AwsLoadBalancerController({ gatewayApi: true }), new ExternalSecrets(), new KubePrometheusStack()],
        }).ref;
      }
      const shop = new AppStack(app, 'shop', { tier, platform, ledger });
      const orders = new Postgres(shop, 'orders', { engine: tier.name === 'prod' ? 'aurora' : 'rds' });
      const audit = new Postgres(shop, 'audit');
      const sessions = new Cache(shop, 'sessions');
      const jobs = new Queue(shop, 'jobs');
      const events = new Topic(shop, 'events');
      const api = new BlueGreenService(shop, 'api', {
        image: 'ghcr.io/acme/api', port: 8080, route: {}, metrics: { port: 9090 }, migration: { command: ['migrate'] },
      });
      api.connect(orders);
      api.connect(sessions);
      api.grantSend(jobs);
      api.grantPublish(events);
      const worker = new BlueGreenService(shop, 'worker', { image: 'ghcr.io/acme/worker', port: 8081 });
      worker.grantConsume(jobs);
      worker.connect(audit);
      // Connected to a database only, not monitored, not routed: nothing gets in.
      const reports = new BlueGreenService(shop, 'reports', { image: 'ghcr.io/acme/reports', port: 8082, metrics: false, connections: [orders] });
      void reports;
    }
  });

  test.each([
    ['dev', 'envoy' as const, undefined],
    ['staging', 'alb' as const, STAGING_VPC],
    ['prod', 'alb' as const, 'platform-prod'],
  ])('%s (%s Gateway): every connection the model has is allowed, the others checked are denied', (tier, gateway, vpc) => {
    const vpcCidr = vpc === 'platform-prod' ? vpcOf(out, 'platform-prod') : vpc;
    const w = world(out, 'shop', tier, { gateway, vpcCidr, refs });
    expect(Object.keys(w.dependencies).sort()).toEqual(['audit', 'events', 'jobs', 'orders', 'sessions']);
    expect(wrong(w)).toEqual([]);
  });

  test('the ALB Gateway: routed services admit the VPC\'s range on their port, read where the platform is', () => {
    const staging = k8s(out.stacks['shop-staging'], 'kubernetes_network_policy_v1', 'api-ingress').spec.ingress[0];
    expect(staging).toEqual({ from: [{ ip_block: { cidr: '${data.aws_vpc.platform-vpc.cidr_block}' } }], ports: [{ port: '8080', protocol: 'TCP' }] });
    expect(out.stacks['shop-staging'].data.aws_vpc['platform-vpc'].id).toMatch(/data\.aws_eks_cluster\.platform-cluster\.vpc_config\[0\]\.vpc_id/);
    const prod = k8s(out.stacks['shop-prod'], 'kubernetes_network_policy_v1', 'api-ingress').spec.ingress[0];
    expect(prod.from).toEqual([{ ip_block: { cidr: vpcOf(out, 'platform-prod') } }]);
    // Not monitored, not routed: the service admits nothing.
    expect(k8s(out.stacks['shop-prod'], 'kubernetes_network_policy_v1', 'reports-ingress').spec.ingress).toEqual([]);
  });
});

describe('the platform tells the app where its Gateway sends from', () => {
  const t = tiers();
  const ledger = ledgerOf({ app: 'shop', tiers: { dev: { api: released() }, staging: { api: released() } } });

  test('a GatewayRef described by hand: Envoy Gateway\'s proxies of that Gateway by default, or the proxies it names', () => {
    const policies = (gateway: Json) => synth((app) => {
      const platform = PlatformRef.fromKubeconfig({ context: 'kind-dev', addons: ['external-secrets'], gateway });
      const shop = new AppStack(app, 'shop', { tier: t.get('dev'), platform, ledger });
      new BlueGreenService(shop, 'api', { image: 'ghcr.io/acme/api', port: 8080, route: {} });
    }).stacks['shop-dev'];
    expect(k8s(policies({ name: 'edge', namespace: 'edge-system' }), 'kubernetes_network_policy_v1', 'api-ingress').spec.ingress).toEqual([{
      from: [{
        namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
        pod_selector: {
          match_labels: {
            'app.kubernetes.io/name': 'envoy', 'app.kubernetes.io/component': 'proxy',
            'gateway.envoyproxy.io/owning-gateway-name': 'edge', 'gateway.envoyproxy.io/owning-gateway-namespace': 'edge-system',
          },
        },
      }],
      ports: [{ port: '8080', protocol: 'TCP' }],
    }]);
    expect(k8s(policies({ name: 'edge', namespace: 'edge-system', proxies: { namespace: 'traefik' } }), 'kubernetes_network_policy_v1', 'api-ingress').spec.ingress[0].from)
      .toEqual([{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'traefik' } } }]);
  });

  test('from another repository\'s state, a managed database is reached in the VPC range the platform stack publishes', () => {
    const s = synth((app) => {
      const tier = t.get('staging');
      const platform = PlatformRef.fromRemoteState({
        backend: Backend.s3({ bucket: 'acme-tfstate', region: 'eu-west-1' }), stack: 'platform-staging', addons: ['external-secrets'],
      });
      const shop = new AppStack(app, 'shop', { tier, platform, ledger });
      new BlueGreenService(shop, 'api', { image: 'ghcr.io/acme/api', port: 8080, connections: [new Postgres(shop, 'orders')] });
    }).stacks['shop-staging'];
    expect(k8s(s, 'kubernetes_network_policy_v1', 'api-egress').spec.egress).toEqual([
      { to: [{ ip_block: { cidr: '${data.terraform_remote_state.platform-state.outputs.vpc_cidr}' } }], ports: [{ port: '5432', protocol: 'TCP' }] },
    ]);
  });
});
