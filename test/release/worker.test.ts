/**
 * Workers (`kind: 'worker'`): no Services, only the live slot consumes, and a
 * switch is a flip (KEDA's pause, or the slots' replicas) that rolls no pod
 * template out; with the Keda add-on, queue-depth scaling per tier (SQS through
 * a scaler role, the in-cluster queue with the server's credentials).
 */
import {
  AddonsStack, App, AppStack, BlueGreenService, BlueGreenServiceProps, ExternalSecrets, Keda, KubePrometheusStack, PlatformRef, PlatformStack, Queue,
} from '../../lib';
import { buildModel } from '../../lib/model';
import { ledgerOf, released, tiers } from '../fixtures';
import { errorOf, k8s, manifests, resources, StackJson, synth } from '../helpers';
import { schemaProblems } from '../support/openapi-schema';
import { crd } from '../upstream/upstream';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const t = tiers();
const WORKER = { kind: 'worker' as const, image: 'ghcr.io/acme/worker', port: 8081, healthPath: '/healthz' };

/** The app `shop` in `tier` with a queue `jobs` and a worker consuming it; the dev platform has the add-ons in `addons`. */
function declare(app: App, tier: string, entry: Record<string, unknown>, props: Partial<BlueGreenServiceProps> = {}, addons = ['keda', 'external-secrets']): BlueGreenService {
  // The tiers before hold both versions, each live once.
  const before = { ...BOTH, history: ['1.0.0', '1.1.0'].map((version, i) => ({ at: `2026-11-0${i + 1}T10:00:00Z`, verb: 'switch', version, slot: i ? 'green' : 'blue', by: 'ci' })) };
  const order = ['dev', 'staging', 'prod'];
  const ledger = ledgerOf({ app: 'shop', tiers: { ...Object.fromEntries(order.slice(0, order.indexOf(tier)).map((x) => [x, { worker: before }])), [tier]: { worker: entry } } });
  const tt = t.get(tier);
  const platform = tt.managed
    ? new AddonsStack(app, {
      tier: tt, platform: new PlatformStack(app, { tier: tt }).ref,
      addons: [new ExternalSecrets(), ...(addons.includes('keda') ? [new Keda()] : []), ...(addons.includes('kube-prometheus-stack') ? [new KubePrometheusStack()] : [])],
    }).ref
    : PlatformRef.fromKubeconfig({ context: 'kind-test', addons });
  const stack = new AppStack(app, 'shop', { tier: tt, platform, ledger });
  const jobs = new Queue(stack, 'jobs');
  const worker = new BlueGreenService(stack, 'worker', { ...WORKER, ...props });
  worker.grantConsume(jobs);
  return worker;
}

function worker(tier: string, entry: Record<string, unknown>, props: Partial<BlueGreenServiceProps> = {}, addons?: string[]): StackJson {
  return synth((app) => declare(app, tier, entry, props, addons)).stacks[`shop-${tier}`];
}

const BOTH = { blue: '1.0.0', green: '1.1.0', live: 'green', weight: 0 };
const scaled = (s: StackJson, slot: string) => manifests(s, 'ScaledObject').find((m) => m.manifest.metadata.name === `worker-${slot}`);
const deployment = (s: StackJson, slot: string) => k8s(s, 'kubernetes_deployment_v1', `worker-${slot}`);
/** The Terraform address of a resource of `type` whose logical name starts with `prefix`. */
const address = (s: StackJson, type: string, prefix: string) => `${type}.${Object.keys(resources(s, type)).find((n) => n.startsWith(prefix))}`;

describe('a worker serves nothing', () => {
  const s = worker('dev', BOTH);

  test('no Service, no preview, no route, no autoscaler of ours', () => {
    expect(Object.values<Json>(resources(s, 'kubernetes_service_v1')).map((r) => r.metadata.name)).not.toEqual(expect.arrayContaining([expect.stringMatching(/^worker/)]));
    expect(manifests(s, 'HTTPRoute')).toEqual([]);
    expect(resources(s, 'kubernetes_horizontal_pod_autoscaler_v2')).toEqual({});
  });

  test('its port is the port of its metrics and probes; a worker without a port probes with commands and is not scraped', () => {
    const c = deployment(s, 'blue').spec.template.spec.container[0];
    expect(c.port).toEqual([{ name: 'metrics', container_port: 8081, protocol: 'TCP' }]);
    expect(c.readiness_probe.http_get).toEqual({ path: '/healthz', port: '8081' });
    const probes = { readiness: { command: ['/app/worker', 'ready'] }, liveness: { command: ['/app/worker', 'alive'] } };
    const portless = worker('dev', BOTH, { port: undefined, healthPath: undefined, probes }, ['keda', 'external-secrets', 'kube-prometheus-stack']);
    const pc = deployment(portless, 'blue').spec.template.spec.container[0];
    expect(pc.port).toBeUndefined();
    expect(pc.readiness_probe.exec).toEqual({ command: ['/app/worker', 'ready'] });
    expect(pc.liveness_probe.exec).toEqual({ command: ['/app/worker', 'alive'] });
    expect(manifests(portless, 'PodMonitor')).toEqual([]);
    expect(k8s(portless, 'kubernetes_network_policy_v1', 'worker-ingress').spec.ingress).toEqual([]);
  });

  test('its alerts: restarts and a stuck rollout, no error-rate, latency or burn-rate alert', () => {
    const m = worker('dev', BOTH, {}, ['keda', 'external-secrets', 'kube-prometheus-stack']);
    const rules = manifests(m, 'PrometheusRule').find((r) => r.manifest.metadata.name === 'worker').manifest.spec.groups[0].rules;
    expect(rules.map((r: Json) => r.alert)).toEqual(['WorkerRestarting', 'WorkerRolloutStuck']);
    expect(manifests(m, 'PodMonitor')[0].manifest.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
    expect(k8s(m, 'kubernetes_network_policy_v1', 'worker-ingress').spec.ingress[0].ports).toEqual([{ port: '8081', protocol: 'TCP' }]);
  });

  test('the delivery model records it as a worker, and a service as nothing more', () => {
    const app = new App({ outdir: '/nonexistent' });
    declare(app, 'dev', BOTH);
    const services = buildModel(app).apps[0].tiers.dev.services;
    expect(services.map((x) => [x.name, x.kind, x.route])).toEqual([['worker', 'worker', false]]);
  });
});

describe('with KEDA: a ScaledObject per slot, the idle one paused at 0', () => {
  const s = worker('dev', BOTH);

  test('the live slot scales on the queue\'s depth; the idle one is held at 0 and pauses after the live one resumes', () => {
    const live = scaled(s, 'green');
    const idle = scaled(s, 'blue');
    expect(live.manifest.metadata.annotations).toBeUndefined();
    expect(idle.manifest.metadata.annotations).toEqual({ 'autoscaling.keda.sh/paused-replicas': '0' });
    expect(live.manifest.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker-green' },
      pollingInterval: 30,
      cooldownPeriod: 300,
      minReplicaCount: t.get('dev').profile.sizing.replicas,
      maxReplicaCount: t.get('dev').profile.sizing.maxReplicas,
      triggers: [{
        type: 'aws-sqs-queue',
        name: 'jobs',
        authenticationRef: { name: 'worker-queues' },
        metadata: { queueURL: 'http://messaging.shop.svc:5000/123456789012/jobs', awsRegion: 'us-east-1', awsEndpoint: 'http://messaging.shop.svc:5000', queueLength: '5' },
      }],
    });
    expect(idle.depends_on).toContain(address(s, 'kubernetes_manifest', 'worker_green-scaled-object'));
    expect(live.depends_on).toEqual([address(s, 'kubernetes_deployment_v1', 'worker_green'), address(s, 'kubernetes_manifest', 'worker_queue-scaler-auth')]);
  });

  test('KEDA owns the replicas: Terraform sets them only when it makes a slot (the live one at least 1, the idle one 0)', () => {
    expect(deployment(s, 'green').spec.replicas).toBe(String(t.get('dev').profile.sizing.replicas));
    expect(deployment(s, 'blue').spec.replicas).toBe('0');
    for (const slot of ['blue', 'green']) expect(deployment(s, slot).lifecycle.ignore_changes).toEqual(['spec[0].replicas']);
    const fromZero = worker('dev', BOTH, { queueScaling: { minReplicas: 0, maxReplicas: 4 } });
    expect(deployment(fromZero, 'green').spec.replicas).toBe('1');
    expect(scaled(fromZero, 'green').manifest.spec).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 4 });
  });

  test('in the cluster KEDA reads the messaging server with its generated credentials, and the server admits KEDA\'s operator', () => {
    expect(manifests(s, 'TriggerAuthentication')[0].manifest).toEqual({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'TriggerAuthentication',
      metadata: { name: 'worker-queues', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'worker', 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/managed-by': 'switchyard' } },
      spec: {
        secretTargetRef: [
          { parameter: 'awsAccessKeyID', name: 'messaging-credentials', key: 'AWS_ACCESS_KEY_ID' },
          { parameter: 'awsSecretAccessKey', name: 'messaging-credentials', key: 'AWS_SECRET_ACCESS_KEY' },
        ],
      },
    });
    expect(k8s(s, 'kubernetes_network_policy_v1', 'messaging').spec.ingress).toContainEqual({
      from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'keda' } }, pod_selector: { match_labels: { 'app.kubernetes.io/name': 'keda-operator' } } }],
      ports: [{ port: '5000', protocol: 'TCP' }],
    });
  });

  test('a switch is a flip of the pause: the Deployments stay as they are (pod templates; the replicas are KEDA\'s)', () => {
    const after = worker('dev', { ...BOTH, live: 'blue' });
    // Only the replicas Terraform would set on a new Deployment differ, and Terraform ignores them on one that exists.
    const kept = (d: Json) => ({ ...d, spec: { ...d.spec, replicas: undefined } });
    for (const slot of ['blue', 'green']) {
      expect(kept(deployment(after, slot))).toEqual(kept(deployment(s, slot)));
      expect(deployment(after, slot).lifecycle.ignore_changes).toEqual(['spec[0].replicas']);
    }
    expect(scaled(after, 'green').manifest.metadata.annotations).toEqual({ 'autoscaling.keda.sh/paused-replicas': '0' });
    expect(scaled(after, 'blue').manifest.metadata.annotations).toBeUndefined();
    const { metadata: a, ...restAfter } = scaled(after, 'blue').manifest;
    const { metadata: b, ...restBefore } = scaled(s, 'blue').manifest;
    expect([restAfter, { ...a, annotations: undefined }]).toEqual([restBefore, { ...b, annotations: undefined }]);
  });

  test('retire removes the idle slot\'s ScaledObject (held at 0, it stays there); the live one and the Deployments stay', () => {
    const retired = worker('dev', { ...BOTH, retired: true });
    expect(manifests(retired, 'ScaledObject').map((m) => m.manifest.metadata.name)).toEqual(['worker-green']);
    for (const slot of ['blue', 'green']) expect(deployment(retired, slot)).toEqual(deployment(s, slot));
  });

  test('several queues: one trigger each; queueScaling.queues picks some', () => {
    const out = synth((app) => {
      const w = declare(app, 'dev', BOTH, { queueScaling: { messagesPerReplica: 20 } });
      w.grantConsume(new Queue(AppStack.ofScope(w), 'retries', { fifo: true }));
    }).stacks['shop-dev'];
    expect(scaled(out, 'green').manifest.spec.triggers.map((x: Json) => [x.name, x.metadata.queueURL, x.metadata.queueLength])).toEqual([
      ['jobs', 'http://messaging.shop.svc:5000/123456789012/jobs', '20'],
      ['retries', 'http://messaging.shop.svc:5000/123456789012/retries.fifo', '20'],
    ]);
  });
});

describe('with KEDA in a managed tier: SQS, read through a scaler role KEDA\'s operator assumes', () => {
  const out = synth((app) => declare(app, 'staging', BOTH));
  const s = out.stacks['shop-staging'];
  const doc = (prefix: string) => Object.entries<Json>(s.data.aws_iam_policy_document).find(([n]) => n.startsWith(prefix))![1];

  test('the scaler role is trusted by KEDA\'s operator only, and may read the depth of the worker\'s queues, nothing else', () => {
    expect(doc('worker_scaler-role-trust').statement[0]).toMatchObject({
      actions: ['sts:AssumeRoleWithWebIdentity'],
      condition: [
        { test: 'StringEquals', values: ['system:serviceaccount:keda:keda-operator'] },
        { test: 'StringEquals', values: ['sts.amazonaws.com'] },
      ],
    });
    expect(doc('worker_scaler-role-access').statement).toEqual([
      { effect: 'Allow', actions: ['sqs:GetQueueAttributes'], resources: [expect.stringMatching(/^\$\{aws_sqs_queue\.jobs_queue\.arn\}$/)] },
    ]);
    // The worker's own role (it consumes) is not the one KEDA uses: it trusts the worker's service account only.
    expect(doc('worker_role-trust').statement[0].condition[0].values).toEqual(['system:serviceaccount:shop:worker']);
  });

  test('the triggers name the SQS queue; the TriggerAuthentication the role, once it may read', () => {
    expect(scaled(s, 'green').manifest.spec.triggers[0]).toEqual({
      type: 'aws-sqs-queue', name: 'jobs', authenticationRef: { name: 'worker-queues' },
      metadata: { queueURL: '${aws_sqs_queue.jobs_queue.url}', awsRegion: 'eu-west-1', queueLength: '5' },
    });
    const auth = manifests(s, 'TriggerAuthentication')[0];
    expect(auth.manifest.spec).toEqual({ podIdentity: { provider: 'aws', roleArn: expect.stringMatching(/^\$\{aws_iam_role\.worker_scaler-role_\w+\.arn\}$/) } });
    expect(auth.depends_on).toContain(address(s, 'aws_iam_role_policy', 'worker_scaler-role-policy'));
    // No messaging server: nothing in the cluster to admit KEDA to.
    expect(Object.values<Json>(resources(s, 'kubernetes_network_policy_v1')).map((p) => p.metadata.name)).not.toContain('messaging');
  });

  test('the Keda add-on: an IRSA role with no permission of its own, no Secret read outside its namespace, locked-down pods', () => {
    const addons = out.stacks['addons-staging'];
    const values = JSON.parse(resources(addons, 'helm_release').addon_keda.values[0]);
    expect(values.podIdentity).toEqual({ aws: { irsa: { enabled: true, roleArn: expect.stringMatching(/^\$\{aws_iam_role\.keda-role(_\w+)?\.arn\}$/) } } });
    expect(values.permissions).toEqual({ operator: { restrict: { secret: true } }, metricServer: { restrict: { secret: true } } });
    expect(Object.keys(resources(addons, 'aws_iam_role_policy')).filter((n) => n.startsWith('keda'))).toEqual([]);
    const trust = Object.entries<Json>(addons.data.aws_iam_policy_document).find(([n]) => n.startsWith('keda-trust'))![1];
    expect(trust.statement[0].condition[0].values).toEqual(['system:serviceaccount:keda:keda-operator']);
    for (const part of ['operator', 'metricServer', 'webhooks']) {
      expect(values.securityContext[part]).toEqual({ capabilities: { drop: ['ALL'] }, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(values.podSecurityContext[part]).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    }
    expect(values.metricsServer).toEqual({ enabled: true, replicaCount: 1 });
  });

  test('in a highly available tier: two replicas of each part and disruption budgets', () => {
    const prod = synth((app) => declare(app, 'prod', released('1.0.0', { approvals: [{ version: '1.0.0', by: 'dana', at: '2026-11-02T10:00:00Z' }] })));
    const values = JSON.parse(resources(prod.stacks['addons-prod'], 'helm_release').addon_keda.values[0]);
    expect([values.operator.replicaCount, values.metricsServer.replicaCount, values.webhooks.replicaCount]).toEqual([2, 2, 2]);
    expect(values.podDisruptionBudget).toEqual({ operator: { minAvailable: 1 }, metricServer: { minAvailable: 1 }, webhooks: { minAvailable: 1 } });
  });
});

describe('without KEDA: fixed replicas, the idle slot at 0', () => {
  const s = worker('dev', BOTH, { replicas: 3 }, ['external-secrets']);

  test('the live slot runs its replicas, the idle one none, and no ScaledObject is made', () => {
    expect(deployment(s, 'green').spec.replicas).toBe('3');
    expect(deployment(s, 'blue').spec.replicas).toBe('0');
    expect(deployment(s, 'green').lifecycle).toBeUndefined();
    expect(manifests(s, 'ScaledObject')).toEqual([]);
    expect(manifests(s, 'TriggerAuthentication')).toEqual([]);
    // The old live slot stops only once the new one rolled out.
    expect(deployment(s, 'blue').depends_on).toContain(address(s, 'kubernetes_deployment_v1', 'worker_green'));
  });

  test('a switch changes the two slots\' replicas and nothing of their pod templates', () => {
    const after = worker('dev', { ...BOTH, live: 'blue' }, { replicas: 3 }, ['external-secrets']);
    expect([deployment(after, 'blue').spec.replicas, deployment(after, 'green').spec.replicas]).toEqual(['3', '0']);
    for (const slot of ['blue', 'green']) expect(deployment(after, slot).spec.template).toEqual(deployment(s, slot).spec.template);
  });
});

describe('what a worker refuses', () => {
  test.each<[string, Partial<BlueGreenServiceProps>, string[] | undefined, string]>([
    ['queue-depth scaling without KEDA', { queueScaling: { maxReplicas: 4 } }, ['external-secrets'],
      '[shop-dev/worker] queueScaling is given, but the platform of tier "dev" has no "keda" add-on: add Keda to the add-ons (standardAddons has it), or give the PlatformRef the "keda" add-on; or drop queueScaling to run a fixed replicas'],
    ['a route', { route: {} }, undefined, '[shop-dev/worker] a worker takes no route ({}): drop the route: a worker serves nothing; give kind: "service" to serve requests'],
    ['a fixed replicas where KEDA scales it', { replicas: 2 }, undefined,
      '[shop-dev/worker] replicas 2 is fixed, but the worker scales on the depth of its queues (the platform has KEDA): give queueScaling: { minReplicas, maxReplicas }, or queueScaling: false for a fixed replicas'],
    ['no port and no probe command', { port: undefined, healthPath: undefined }, undefined,
      '[shop-dev/worker] the worker has neither a port nor probe commands (probes: {}): give probes: { readiness: { command: [...] }, liveness: { command: [...] } } (a command that exits 0 while the worker is healthy), or a port with a healthPath'],
  ])('refuses %s', (_what, props, addons, message) => {
    expect(errorOf(() => worker('dev', BOTH, props, addons))).toBe(message);
  });

  test('a worker that consumes no queue where KEDA would scale it: refused at synth, with the fix', () => {
    const message = errorOf(() => synth((app) => {
      const w = declare(app, 'dev', BOTH);
      new BlueGreenService(AppStack.ofScope(w), 'idle-worker', { ...WORKER });
    }));
    expect(message).toContain('[shop-dev/idle-worker] the worker scales on the depth of the queues it consumes (the platform has KEDA), but it consumes "no queue": grant it the queues it consumes (worker.grantConsume(queue)), or give queueScaling: false for a fixed replicas');
    // queueScaling: false: fixed replicas, no queue needed.
    expect(() => synth((app) => {
      const w = declare(app, 'dev', BOTH);
      new BlueGreenService(AppStack.ofScope(w), 'idle-worker', { ...WORKER, queueScaling: false });
    })).not.toThrow();
  });
});

test('the ScaledObjects (live and paused) and both kinds of TriggerAuthentication fit the CRDs of KEDA v2.20.2', () => {
  const found = [...['dev', 'staging'].flatMap((tier) => {
    const s = synth((app) => declare(app, tier, BOTH, { queueScaling: { minReplicas: 0, maxReplicas: 3, pollingIntervalSeconds: 15, cooldownSeconds: 120 } })).stacks[`shop-${tier}`];
    return [...manifests(s, 'ScaledObject'), ...manifests(s, 'TriggerAuthentication')];
  })];
  expect(found.map((m) => m.manifest.kind).sort()).toEqual(['ScaledObject', 'ScaledObject', 'ScaledObject', 'ScaledObject', 'TriggerAuthentication', 'TriggerAuthentication']);
  for (const { manifest } of found) {
    const def = crd(manifest.apiVersion, manifest.kind)!;
    expect(def.release).toMatch(/KEDA v2\.20\.2/);
    expect([manifest.kind, schemaProblems(def.schema, manifest)]).toEqual([manifest.kind, []]);
  }
  // The check sees a field the CRD does not have.
  const so = found[0].manifest;
  expect(schemaProblems(crd(so.apiVersion, so.kind)!.schema, { ...so, spec: { ...so.spec, maxReplicas: 3 } })).toEqual([expect.stringMatching(/^spec\.maxReplicas: unknown field/)]);
});
