import { AppStack, BlueGreenService } from '../../lib';
import { appStack, ledgerOf, released, tiers } from '../fixtures';
import { errorOf, exampleOutput, k8s, manifests, resources, synth, Synth } from '../helpers';

let out: Synth;
beforeAll(() => { out = exampleOutput('shop'); });
const t = tiers();

describe('autoscaling', () => {
  test('one HPA per slot with the same bounds from the tier; Terraform leaves the replicas to it', () => {
    for (const tier of ['dev', 'staging', 'prod']) {
      const s = out.stacks[`shop-${tier}`];
      const sizing = t.get(tier).profile.sizing;
      // The worker scales on its queue's depth (KEDA), with no HPA of ours: test/release/worker.test.ts.
      expect(Object.values(resources(s, 'kubernetes_horizontal_pod_autoscaler_v2')).map((h: any) => h.metadata.name)).not.toContain('worker-blue'); // eslint-disable-line @typescript-eslint/no-explicit-any
      const deployments = Object.values(resources(s, 'kubernetes_deployment_v1')).filter((d: any) => /^api-/.test(d.metadata.name)); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(deployments.length).toBeGreaterThan(0);
      for (const d of deployments as any[]) { // eslint-disable-line @typescript-eslint/no-explicit-any
        const hpa = k8s(s, 'kubernetes_horizontal_pod_autoscaler_v2', d.metadata.name);
        expect(hpa.spec).toMatchObject({
          min_replicas: sizing.replicas, max_replicas: sizing.maxReplicas,
          scale_target_ref: { api_version: 'apps/v1', kind: 'Deployment', name: d.metadata.name },
          metric: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', average_utilization: 70 } } }],
        });
        // Where the platform runs Reloader (managed tiers), the annotation it writes when it restarts a slot too.
        expect(d.lifecycle.ignore_changes).toEqual(['spec[0].replicas', ...(tier === 'dev' ? [] : ['spec[0].template[0].metadata[0].annotations[\"reloader.stakater.com/last-reloaded-from\"]'])]);
        expect(d.spec.replicas).toBe(String(sizing.replicas));
      }
    }
  });
});

test('a service can scale on memory alone', () => {
  const s = synth((app) => {
    new BlueGreenService(appStack(app, t.get('dev'), ledgerOf({ app: 'shop', tiers: { dev: { api: released() } } })), 'api', {
      image: 'ghcr.io/acme/api', port: 8080, autoscaling: { cpuPercent: false, memoryPercent: 75 },
    });
  }).stacks['shop-dev'];
  const live = Object.values(resources(s, 'kubernetes_horizontal_pod_autoscaler_v2'))[0];
  expect(live.spec.metric).toEqual([{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', average_utilization: 75 } } }]);
});

describe('highly available tiers', () => {
  test('prod: a disruption budget per slot and pods spread over zones; dev: neither', () => {
    const prod = out.stacks['shop-prod'];
    expect(k8s(prod, 'kubernetes_pod_disruption_budget_v1', 'api-blue').spec).toEqual({
      max_unavailable: '1', selector: { match_labels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/part-of': 'shop', 'switchyard.dev/slot': 'blue' } },
    });
    expect(k8s(prod, 'kubernetes_deployment_v1', 'api-blue').spec.template.spec.topology_spread_constraint[0]).toMatchObject({
      max_skew: 1, topology_key: 'topology.kubernetes.io/zone', when_unsatisfiable: 'ScheduleAnyway',
    });
    expect(resources(out.stacks['shop-dev'], 'kubernetes_pod_disruption_budget_v1')).toEqual({});
    expect(k8s(out.stacks['shop-dev'], 'kubernetes_deployment_v1', 'api-blue').spec.template.spec.topology_spread_constraint).toBeUndefined();
  });
});

describe('monitors and alert rules', () => {
  test('each service has a PodMonitor over both slots and the basic alerts, in every tier', () => {
    for (const tier of ['dev', 'staging', 'prod']) {
      const s = out.stacks[`shop-${tier}`];
      const monitor = manifests(s, 'PodMonitor').find((m) => m.manifest.metadata.name === 'api').manifest;
      expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(monitor.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/part-of': 'shop' });
      expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
      expect(monitor.spec.podTargetLabels).toContain('switchyard.dev/slot');
      const rules = manifests(s, 'PrometheusRule').find((m) => m.manifest.metadata.name === 'api').manifest.spec.groups[0].rules;
      expect(rules.map((r: any) => r.alert)).toEqual(['ApiHighErrorRate', 'ApiHighLatency', 'ApiErrorBudgetBurnFast', 'ApiErrorBudgetBurnSlow', 'ApiRestarting', 'ApiRolloutStuck']); // eslint-disable-line @typescript-eslint/no-explicit-any
      // Per slot (a failing canary is not averaged away by the live slot), and only once a slot serves traffic.
      expect(rules[0].expr).toBe('(sum by (switchyard_dev_slot) (rate(http_requests_total{namespace="shop", app_kubernetes_io_name="api", code=~"5.."}[5m]))'
        + ' / sum by (switchyard_dev_slot) (rate(http_requests_total{namespace="shop", app_kubernetes_io_name="api"}[5m])) > 0.05)'
        + ' and on (switchyard_dev_slot) sum by (switchyard_dev_slot) (rate(http_requests_total{namespace="shop", app_kubernetes_io_name="api"}[5m])) > 0.1');
      expect(rules[1].expr).toBe('(histogram_quantile(0.99, sum by (le, switchyard_dev_slot) (rate(http_request_duration_seconds_bucket{namespace="shop", app_kubernetes_io_name="api"}[5m]))) > 1)'
        + ' and on (switchyard_dev_slot) sum by (switchyard_dev_slot) (rate(http_request_duration_seconds_count{namespace="shop", app_kubernetes_io_name="api"}[5m])) > 0.1');
      // Pages only where the tier guards its releases.
      expect(rules[0].labels.severity).toBe(tier === 'prod' ? 'critical' : 'warning');
    }
    // The metrics port is a named port of the container.
    expect(k8s(out.stacks['shop-dev'], 'kubernetes_deployment_v1', 'api-blue').spec.template.spec.container[0].port)
      .toEqual([{ name: 'http', container_port: 8080, protocol: 'TCP' }, { name: 'metrics', container_port: 9090, protocol: 'TCP' }]);
  });

  test('an availability objective adds multiwindow burn-rate alerts on the service as a whole', () => {
    const rules = manifests(out.stacks['shop-prod'], 'PrometheusRule').find((m) => m.manifest.metadata.name === 'api').manifest.spec.groups[0].rules;
    const ratio = (w: string) => `(sum(rate(http_requests_total{namespace="shop", app_kubernetes_io_name="api", code=~"5.."}[${w}])) / sum(rate(http_requests_total{namespace="shop", app_kubernetes_io_name="api"}[${w}])))`;
    const fast = rules.find((r: any) => r.alert === 'ApiErrorBudgetBurnFast'); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(fast.expr).toBe(`${ratio('1h')} > (14.4 * 0.001) and ${ratio('5m')} > (14.4 * 0.001) and sum(rate(http_requests_total{namespace="shop", app_kubernetes_io_name="api"}[1h])) > 0.1`);
    expect(fast.for).toBe('2m');
    expect(fast.annotations.summary).toBe('api in prod: the error budget of its 99.9% availability objective burns 14.4 times too fast');
    const slow = rules.find((r: any) => r.alert === 'ApiErrorBudgetBurnSlow'); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(slow.expr).toBe(`${ratio('6h')} > (6 * 0.001) and ${ratio('30m')} > (6 * 0.001) and sum(rate(http_requests_total{namespace="shop", app_kubernetes_io_name="api"}[6h])) > 0.1`);
    expect(slow.labels.severity).toBe('critical');
    // worker has no objective: no burn-rate alert.
    const worker = manifests(out.stacks['shop-prod'], 'PrometheusRule').find((m) => m.manifest.metadata.name === 'worker');
    if (worker) expect(worker.manifest.spec.groups[0].rules.filter((r: any) => /Burn/.test(r.alert))).toEqual([]); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  test('a platform without kube-prometheus-stack gets no monitors, and asking for them is refused', () => {
    expect(errorOf(() => synth((app) => {
      const stack = new AppStack(app, 'shop', { tier: t.get('dev'), platform: require('../../lib').PlatformRef.fromKubeconfig({ context: 'x', addons: ['external-secrets'] }), ledger: ledgerOf({ app: 'shop', tiers: { dev: { api: released() } } }) });
      new BlueGreenService(stack, 'api', { image: 'ghcr.io/acme/api', port: 8080, metrics: { path: '/metrics' } });
    }))).toBe('[shop-dev/api] metrics are configured but the platform of tier "dev" has no kube-prometheus-stack: add KubePrometheusStack to the add-ons (its CRDs hold PodMonitor and PrometheusRule), or set metrics: false');
  });
});

describe('Prometheus alerts reach a person', () => {
  test('in AWS tiers, Alertmanager sends the app\'s alerts to its alert topic through its own IRSA role; dev keeps them in Alertmanager', () => {
    for (const tier of ['staging', 'prod']) {
      const s = out.stacks[`shop-${tier}`];
      const [route] = manifests(s, 'AlertmanagerConfig').map((m) => m.manifest);
      expect(route.metadata).toMatchObject({ name: 'shop-alerts', namespace: 'shop' });
      expect(route.spec.route.receiver).toBe('alert-topic');
      const topic = Object.entries(resources(s, 'aws_sns_topic')).find(([, t]) => t.name === `shop-${tier}-alerts`)!;
      expect(route.spec.receivers).toEqual([{
        name: 'alert-topic',
        snsConfigs: [{ topicARN: `\${aws_sns_topic.${topic[0]}.arn}`, sigv4: { region: 'eu-west-1' }, subject: `[shop-${tier}] {{ .CommonLabels.alertname }} ({{ .Status }})`, sendResolved: true }],
      }]);
      // The add-ons stack: Alertmanager's service account has a role that may publish to this tier's alert topics only.
      const addons = out.stacks[`addons-${tier}`];
      const values = JSON.parse(resources(addons, 'helm_release').addon_kube_prometheus_stack.values[0]);
      expect(values.alertmanager.serviceAccount).toEqual({ create: true, name: 'alertmanager', annotations: { 'eks.amazonaws.com/role-arn': expect.stringMatching(/^\$\{aws_iam_role\.alertmanager-role/) } });
      expect(values.alertmanager.alertmanagerSpec).toMatchObject({ alertmanagerConfigSelector: {}, alertmanagerConfigNamespaceSelector: {}, alertmanagerConfigMatcherStrategy: { type: 'OnNamespace' } });
      const docs = addons.data.aws_iam_policy_document;
      expect(docs['alertmanager-trust'].statement[0].condition[0].values).toEqual(['system:serviceaccount:monitoring:alertmanager']);
      const [publish, kms] = docs['alertmanager-access'].statement;
      expect(publish.actions).toEqual(['sns:Publish']);
      expect(publish.resources).toEqual([expect.stringMatching(new RegExp(`^arn:.*:sns:eu-west-1:.*:\\*-${tier}-alerts$`))]);
      expect(kms.condition).toEqual([{ test: 'StringEquals', variable: 'kms:ViaService', values: ['sns.eu-west-1.amazonaws.com'] }]);
    }
    expect(manifests(out.stacks['shop-dev'], 'AlertmanagerConfig')).toEqual([]);
  });

  test('what SNS cannot deliver is kept: subscriptions have dead-letter queues that admit their topic only', () => {
    const s = out.stacks['shop-prod'];
    const subs = Object.values(resources(s, 'aws_sns_topic_subscription')) as Array<{ protocol: string; redrive_policy: string }>;
    expect(subs.map((x) => [x.protocol, JSON.parse(x.redrive_policy).deadLetterTargetArn]).sort()).toEqual([
      ['email', '${aws_sqs_queue.alerts_dlq.arn}'],
      ['https', '${aws_sqs_queue.alerts_dlq.arn}'],
      // The fulfilment queue's subscription to order-events: failed deliveries go where the queue's failed messages go.
      ['sqs', '${aws_sqs_queue.fulfilment_dlq.arn}'],
    ]);
    // Prod: the alert topic's key encrypts its dead-letter queue too, and admits SNS for that topic only.
    expect(resources(s, 'aws_sqs_queue').alerts_dlq).toMatchObject({ name: 'shop-prod-alerts-dlq', kms_master_key_id: '${aws_kms_key.alerts_key.arn}', message_retention_seconds: 1209600, lifecycle: { prevent_destroy: true } });
    const alertKey = s.data.aws_iam_policy_document[Object.keys(s.data.aws_iam_policy_document).find((k) => k.startsWith('alerts_key-policy'))!];
    expect(alertKey.statement[2]).toMatchObject({ principals: [{ type: 'Service', identifiers: ['sns.amazonaws.com'] }], condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [expect.stringMatching(/:sns:eu-west-1:\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:shop-prod-alerts$/)] }] });
    const dlqAccess = s.data.aws_iam_policy_document[Object.keys(s.data.aws_iam_policy_document).find((k) => k.startsWith('fulfilment_dlq-delivery-policy'))!];
    expect(dlqAccess.statement[0]).toMatchObject({ actions: ['sqs:SendMessage'], principals: [{ type: 'Service', identifiers: ['sns.amazonaws.com'] }] });
    expect(dlqAccess.statement[0].condition[0].values).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\.order_events_topic\.arn\}$/)]);
    expect(dlqAccess.statement[1]).toMatchObject({ effect: 'Deny', condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] });
  });

  test('subscribers get the alert topic even when nothing alarms on it yet', () => {
    const s = synth((app) => {
      new AppStack(app, 'shop', {
        tier: t.get('staging'), platform: require('../../lib').PlatformRef.fromEksCluster({ clusterName: 'acme-staging', region: 'eu-west-1' }),
        ledger: ledgerOf({ app: 'shop', tiers: {} }), alerts: { email: ['oncall@example.com'] },
      });
    }).stacks['shop-staging'];
    const [topic] = Object.values(resources(s, 'aws_sns_topic'));
    expect(topic.name).toBe('shop-staging-alerts');
    expect(Object.values(resources(s, 'aws_sns_topic_subscription'))).toEqual([expect.objectContaining({ protocol: 'email', endpoint: 'oncall@example.com' })]);
    expect(resources(out.stacks['addons-dev'], 'aws_iam_role')).toEqual({});
  });
});

describe('CloudWatch alarms on managed dependencies', () => {
  test('database, queue and cache alarms notify the encrypted alert topic of the tier on alarm and on recovery', () => {
    const s = out.stacks['shop-prod'];
    const alarms = Object.values(resources(s, 'aws_cloudwatch_metric_alarm')) as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const byName = Object.fromEntries(alarms.map((a) => [a.alarm_name, a]));
    expect(Object.keys(byName).sort()).toEqual([
      // An alert SNS could not deliver waits in the topic's dead-letter queue.
      'shop-prod-alerts-undelivered',
      'shop-prod-fulfilment-dead-letters', 'shop-prod-fulfilment-oldest-message',
      'shop-prod-orders-connections', 'shop-prod-orders-cpu', 'shop-prod-orders-free-storage',
      'shop-prod-sessions-cpu-1', 'shop-prod-sessions-cpu-2', 'shop-prod-sessions-evictions-1', 'shop-prod-sessions-evictions-2',
      'shop-prod-sessions-memory-1', 'shop-prod-sessions-memory-2',
    ]);
    // 80% of what RDS allows a db.m7g.large (8 GiB: 901 connections), not a fixed number.
    expect(byName['shop-prod-orders-connections']).toMatchObject({ metric_name: 'DatabaseConnections', threshold: 720 });
    expect(byName['shop-prod-orders-cpu']).toMatchObject({ namespace: 'AWS/RDS', metric_name: 'CPUUtilization', dimensions: { DBInstanceIdentifier: 'shop-prod-orders' }, threshold: 80 });
    expect(byName['shop-prod-fulfilment-dead-letters']).toMatchObject({ namespace: 'AWS/SQS', metric_name: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: 'shop-prod-fulfilment-dlq' }, threshold: 0 });
    expect(byName['shop-prod-fulfilment-oldest-message']).toMatchObject({ metric_name: 'ApproximateAgeOfOldestMessage', threshold: 900 });
    expect(byName['shop-prod-sessions-evictions-1']).toMatchObject({ namespace: 'AWS/ElastiCache', dimensions: { CacheClusterId: 'shop-prod-sessions-001' } });
    for (const a of alarms) {
      expect(a.alarm_actions).toEqual(['${aws_sns_topic.alerts_topic_3313844B.arn}']);
      expect(a.ok_actions).toEqual(a.alarm_actions);
    }
    const topic = resources(s, 'aws_sns_topic').alerts_topic_3313844B;
    expect(topic).toMatchObject({ name: 'shop-prod-alerts' });
    expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.alerts_key/);
    const subs = Object.values(resources(s, 'aws_sns_topic_subscription')).filter((x: any) => x.topic_arn === '${aws_sns_topic.alerts_topic_3313844B.arn}'); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(subs.map((x: any) => [x.protocol, x.endpoint])).toEqual([['email', 'oncall@example.com'], ['https', 'https://hooks.example.com/alerts/shop']]); // eslint-disable-line @typescript-eslint/no-explicit-any
    const keyPolicy = s.data.aws_iam_policy_document[Object.keys(s.data.aws_iam_policy_document).find((k) => k.startsWith('alerts_key-policy'))!];
    expect(keyPolicy.statement[1].principals).toEqual([{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }]);
  });

  test('dev has no alarms (no AWS)', () => {
    expect(resources(out.stacks['shop-dev'], 'aws_cloudwatch_metric_alarm')).toEqual({});
  });
});

describe('bad observability input', () => {
  const dev = t.get('dev');
  const svc = (props: Record<string, unknown>) => () => synth((app) => {
    new BlueGreenService(appStack(app, dev, ledgerOf({ app: 'shop', tiers: { dev: { api: released() } } })), 'api', { image: 'ghcr.io/acme/api', port: 8080, ...props });
  });
  test.each<[string, Record<string, unknown>, string]>([
    ['min replicas above max', { autoscaling: { minReplicas: 5, maxReplicas: 3 } },
      '[shop-dev/api] autoscaling min replicas 5 are above max replicas 3: keep minReplicas <= maxReplicas'],
    ['a CPU target above 100 %', { autoscaling: { cpuPercent: 150 } },
      '[shop-dev/api] autoscaling.cpuPercent 150 is outside 1-100 %: give a whole percentage of the request, e.g. 70'],
    ['a memory target of 0 %', { autoscaling: { memoryPercent: 0 } },
      '[shop-dev/api] autoscaling.memoryPercent 0 is outside 1-100 %: give a whole percentage of the request, e.g. 70'],
    ['no CPU target and no memory target', { autoscaling: { cpuPercent: false } },
      '[shop-dev/api] autoscaling.cpuPercent is false and no memoryPercent is given: give memoryPercent (e.g. 75) to scale on memory, or a cpuPercent'],
    ['a min requests rate below 0', { metrics: { minRequestsPerSecond: -1 } },
      '[shop-dev/api] metrics.minRequestsPerSecond -1 is not a rate: give requests per second, 0 or more, such as 0.1'],
    ['a probe on a port the container does not expose', { probes: { liveness: { port: 9999 } } },
      '[shop-dev/api] the liveness probe\'s port 9999 is not a port the container exposes: probe 8080 (the service\'s port)'],
    ['an availability objective of 100 %', { metrics: { availabilityObjective: 1 } },
      '[shop-dev/api] metrics.availabilityObjective 1 is not a share from 0.9 to below 1: give the share of requests that must succeed, such as 0.999 (99.9%); below 90% a burn-rate alert means little'],
    ['a bad alert metric name', { metrics: { requestsMetric: 'http requests' } },
      '[shop-dev/api] metrics.requestsMetric "http requests" is not a Prometheus name: use letters, digits, "_" and ":", not starting with a digit'],
  ])('refuses %s', (_what, props, message) => {
    expect(errorOf(svc(props))).toBe(message);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['an alert email that is not one', { email: ['oncall'] }, '[shop-prod] alert email "oncall" is not an email address: give an address such as "oncall@example.com"'],
    ['an alert endpoint over plain http', { https: ['http://hooks.example.com/x'] }, '[shop-prod] alert endpoint "http://hooks.example.com/x" is not an https:// URL: give the https:// URL of a webhook (plain http would send alerts in clear)'],
  ])('refuses %s', (_what, alerts, message) => {
    expect(errorOf(() => synth((app) => {
      const base = appStack(app, t.get('prod'), ledgerOf({ app: 'other', tiers: {} }), 'other');
      new AppStack(app, 'shop', { tier: t.get('prod'), platform: base.platform, ledger: ledgerOf({ app: 'shop', tiers: {} }), alerts });
    }))).toBe(message);
  });
});

describe('the platform side: metrics and logs sized by tier', () => {
  const values = (stack: string, release: string) => JSON.parse(resources(out.stacks[stack], 'helm_release')[release].values[0]);

  test('kube-prometheus-stack: a day on ephemeral storage in dev, volumes and longer retention in managed tiers, two replicas in prod', () => {
    const spec = (tier: string) => values(`addons-${tier}`, 'addon_kube_prometheus_stack').prometheus.prometheusSpec;
    expect(spec('dev')).toMatchObject({ retention: '1d', replicas: 1 });
    expect(spec('dev').storageSpec).toBeUndefined();
    expect(spec('staging')).toMatchObject({ retention: '7d', replicas: 1, storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '20Gi' } } } } } });
    expect(spec('prod')).toMatchObject({ retention: '15d', replicas: 2, storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '100Gi' } } } } } });
    // Every monitor and rule of the cluster is selected, not only the chart's own.
    expect(spec('prod')).toMatchObject({ podMonitorSelectorNilUsesHelmValues: false, ruleSelectorNilUsesHelmValues: false, serviceMonitorSelectorNilUsesHelmValues: false });
  });

  test('kube-prometheus-stack upgrades its CRDs with the chart, through its hook Job on a pinned image, in every tier', () => {
    for (const tier of ['dev', 'staging', 'prod']) {
      const crds = values(`addons-${tier}`, 'addon_kube_prometheus_stack').crds;
      expect(crds).toMatchObject({ enabled: true, upgradeJob: { enabled: true, forceConflicts: true, image: { busybox: { tag: '1.37.0' } } } });
      expect(crds.upgradeJob.resources.limits.memory).toBe('256Mi');
    }
  });

  test('Loki: the pod\'s volume in dev; a private, encrypted S3 bucket in managed tiers, through a role limited to it', () => {
    const dev = values('addons-dev', 'addon_loki');
    expect(dev.loki.storage).toEqual({ type: 'filesystem' });
    expect(dev.singleBinary.replicas).toBe(1);
    const prod = values('addons-prod', 'addon_loki');
    expect(prod.loki.storage.type).toBe('s3');
    expect(prod.singleBinary.replicas).toBe(3);
    expect(prod.loki.limits_config.retention_period).toBe(`${t.get('prod').profile.logRetentionDays * 24}h`);
    const s = out.stacks['addons-prod'];
    const [bucketName] = Object.keys(resources(s, 'aws_s3_bucket'));
    expect(prod.loki.storage.bucketNames.chunks).toBe(`\${aws_s3_bucket.${bucketName}.bucket}`);
    expect(Object.values(resources(s, 'aws_s3_bucket_public_access_block'))[0]).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    // Prod: objects encrypted with the bucket's own key (staging: SSE-S3), which Loki uses through S3 only.
    expect(Object.values(resources(s, 'aws_s3_bucket_server_side_encryption_configuration'))[0].rule[0].apply_server_side_encryption_by_default)
      .toEqual({ sse_algorithm: 'aws:kms', kms_master_key_id: '${aws_kms_key.loki-logs-key.arn}' });
    expect(Object.values(resources(out.stacks['addons-staging'], 'aws_s3_bucket_server_side_encryption_configuration'))[0].rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
    const access = s.data.aws_iam_policy_document['loki-access'].statement;
    expect(access.map((st: { actions: string[]; resources: string[] }) => [st.actions, st.resources])).toEqual([
      [['s3:ListBucket'], [`\${aws_s3_bucket.${bucketName}.arn}`]],
      [['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [`\${aws_s3_bucket.${bucketName}.arn}/*`]],
      [['kms:GenerateDataKey', 'kms:Decrypt'], ['${aws_kms_key.loki-logs-key.arn}']],
    ]);
    expect(access[2].condition).toEqual([{ test: 'StringEquals', variable: 'kms:ViaService', values: ['s3.eu-west-1.amazonaws.com'] }]);
  });

  test('a highly available tier that keeps logs in the cluster runs one Loki (replicas need object storage)', () => {
    const { Tier: TierClass, Profiles, AddonsStack, PlatformRef, Loki } = require('../../lib');
    const perf = TierClass.custom('perf', 25, { ...Profiles.prod, binding: 'in-cluster' });
    const s = synth((app) => {
      new AddonsStack(app, { tier: perf, platform: PlatformRef.fromKubeconfig({ context: 'kind-perf' }), addons: [new Loki()] });
    }).stacks['addons-perf'];
    expect(JSON.parse(resources(s, 'helm_release').addon_loki.values[0]).singleBinary.replicas).toBe(1);
  });
});
