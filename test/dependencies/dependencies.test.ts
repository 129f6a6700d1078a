import { Construct } from 'constructs';
import { AppStack, BlueGreenService, Cache, PlatformRef, Postgres, Queue, Topic } from '../../lib';
import { appStack, ledgerOf, released, tiers } from '../fixtures';
import { errorOf, exampleOutput, k8s, manifests, resources, StackJson, synth, Synth } from '../helpers';

let out: Synth;
beforeAll(() => { out = exampleOutput('shop'); });

const only = (s: StackJson, type: string): any => { // eslint-disable-line @typescript-eslint/no-explicit-any
  const all = Object.values(resources(s, type));
  expect(all).toHaveLength(1);
  return all[0];
};
const t = tiers();

describe('Postgres', () => {
  test('managed: the password RDS rotates reaches the services: read every 2 minutes, and Reloader restarts the slots that read it', () => {
    for (const tier of ['staging', 'prod']) {
      const s = out.stacks[`shop-${tier}`];
      const secret = manifests(s, 'ExternalSecret').find((m) => m.manifest.metadata.name === 'orders-db').manifest;
      expect(secret.spec.refreshInterval).toBe('2m');
      // api and worker read orders-db: each slot follows it; the cache's token does not rotate.
      for (const name of ['api-blue', 'worker-blue']) {
        expect(k8s(s, 'kubernetes_deployment_v1', name).metadata.annotations).toEqual({ 'secret.reloader.stakater.com/reload': 'orders-db' });
      }
      expect(JSON.parse(resources(out.stacks[`addons-${tier}`], 'helm_release').addon_reloader.values[0]).reloader)
        .toMatchObject({ reloadStrategy: 'annotations', autoReloadAll: false });
    }
    // In the cluster (dev) the credentials never change: no Reloader, no annotation.
    expect(resources(out.stacks['addons-dev'], 'helm_release').addon_reloader).toBeUndefined();
    expect(k8s(out.stacks['shop-dev'], 'kubernetes_deployment_v1', 'api-blue').metadata.annotations).toBeUndefined();
  });

  test('managed: private, TLS forced, encrypted, RDS-managed password, IAM auth, logs, monitoring, per-tier protection', () => {
    for (const tier of ['staging', 'prod']) {
      const s = out.stacks[`shop-${tier}`];
      const db = resources(s, 'aws_db_instance').orders_postgres;
      const p = t.get(tier).profile;
      expect(db).toMatchObject({
        engine: 'postgres', storage_encrypted: true, publicly_accessible: false, manage_master_user_password: true,
        iam_database_authentication_enabled: true, copy_tags_to_snapshot: true, auto_minor_version_upgrade: true,
        enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade', 'iam-db-auth-error'], monitoring_interval: 60,
        multi_az: p.highAvailability, deletion_protection: p.deletionProtection, skip_final_snapshot: !p.deletionProtection,
        backup_retention_period: p.backupRetentionDays, instance_class: p.sizing.dbInstanceClass, max_allocated_storage: p.sizing.dbMaxStorageGiB,
        lifecycle: { prevent_destroy: p.deletionProtection },
      });
      expect(db.password).toBeUndefined();
      expect(db.monitoring_role_arn).toMatch(/aws_iam_role\.orders_monitoring-role/);
      expect(only(s, 'aws_db_parameter_group').parameter).toContainEqual({ name: 'rds.force_ssl', value: '1', apply_method: 'pending-reboot' });
      const subnets: string[] = only(s, 'aws_db_subnet_group').subnet_ids;
      expect(subnets).toHaveLength(p.highAvailability ? 3 : 2);
      expect(subnets.every((id) => /aws_subnetnetwork_private-\d/.test(id))).toBe(true);
    }
    expect(resources(out.stacks['shop-prod'], 'aws_db_instance').orders_postgres.final_snapshot_identifier).toBe('shop-prod-orders-final');
    expect(resources(out.stacks['shop-prod'], 'aws_db_instance').orders_postgres.backup_retention_period).toBeGreaterThanOrEqual(14);
  });

  test('managed: the database admits each connected service\'s own pods, only on 5432, one rule per connection, and has no open rule', () => {
    const s = out.stacks['shop-prod'];
    const sg = Object.entries(resources(s, 'aws_security_group')).find(([k]) => k.startsWith('orders_'))![1];
    expect(sg.ingress).toBeUndefined();
    const rules = Object.entries(resources(s, 'aws_vpc_security_group_ingress_rule')).filter(([k]) => k.startsWith('orders_')).map(([, r]) => r);
    // api and worker connect to orders: one rule each, from each service's pod security group.
    expect(rules.map((r) => r.referenced_security_group_id).sort()).toEqual([
      expect.stringMatching(/^\$\{aws_security_group\.api_pod-security-group_\w+\.id\}$/),
      expect.stringMatching(/^\$\{aws_security_group\.worker_pod-security-group_\w+\.id\}$/),
    ]);
    for (const rule of rules) {
      expect(rule).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp' });
      expect(rule.cidr_ipv4).toBeUndefined();
    }
    // The cache admits only api, the one service that connects to it.
    const cache = Object.entries(resources(s, 'aws_vpc_security_group_ingress_rule')).filter(([k]) => k.startsWith('sessions_')).map(([, r]) => r);
    expect(cache.map((r) => [r.from_port, r.referenced_security_group_id])).toEqual([[6379, expect.stringMatching(/aws_security_group\.api_pod-security-group_/)]]);
  });

  test('managed: a SecurityGroupPolicy gives a service\'s pods (every slot, and their migration Jobs) its own group and the cluster\'s, before they start', () => {
    const s = out.stacks['shop-prod'];
    const policies = manifests(s, 'SecurityGroupPolicy').map((m) => m.manifest);
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(['api-pods', 'worker-pods']);
    const api = policies.find((p) => p.metadata.name === 'api-pods');
    expect(api.metadata.namespace).toBe('shop');
    expect(api.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/part-of': 'shop' });
    expect(api.spec.securityGroups.groupIds).toEqual([
      expect.stringMatching(/aws_security_group\.api_pod-security-group_/), expect.stringMatching(/cluster_security_group_id/),
    ]);
    // The group itself has no rule: the cluster group keeps the pods' other traffic as it was.
    const group = Object.entries(resources(s, 'aws_security_group')).find(([k]) => k.startsWith('api_pod-security-group'))![1];
    expect([group.ingress, group.egress]).toEqual([undefined, undefined]);
    // The pods start after their policy: the migration Jobs (which the Deployments wait for) depend on it, once.
    const [policyName] = Object.entries(resources(s, 'kubernetes_manifest')).find(([, m]) => m.manifest.metadata.name === 'api-pods')!;
    const jobs = (Object.values(resources(s, 'kubernetes_job_v1')) as any[]).filter((j) => j.metadata.name.startsWith('api-migrate-')); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) expect((job.depends_on as string[]).filter((d) => d === `kubernetes_manifest.${policyName}`)).toHaveLength(1);
    // The pod template names the group: when it is first given (an upgrade) or replaced, the slot rolls out
    // and its pods start with it (a running pod keeps the interface it started with).
    const [groupName] = Object.keys(resources(s, 'aws_security_group')).filter((k) => k.startsWith('api_pod-security-group'));
    expect(k8s(s, 'kubernetes_deployment_v1', 'api-blue').spec.template.metadata.annotations).toEqual({ 'switchyard.dev/pod-security-group': `\${aws_security_group.${groupName}.id}` });
    for (const job of jobs) expect(job.spec.template.metadata.annotations).toEqual({ 'switchyard.dev/pod-security-group': `\${aws_security_group.${groupName}.id}` });
    // In dev, NetworkPolicies do it: no AWS, no SecurityGroupPolicy, no annotation.
    expect(manifests(out.stacks['shop-dev'], 'SecurityGroupPolicy')).toEqual([]);
    expect(k8s(out.stacks['shop-dev'], 'kubernetes_deployment_v1', 'api-blue').spec.template.metadata.annotations).toBeUndefined();
  });

  test('managed, on a cluster without security groups for pods: the database admits the cluster security group once', () => {
    const s = synth((app) => {
      const tier = t.get('staging');
      const platform = PlatformRef.fromEksCluster({ clusterName: 'acme-staging', region: 'eu-west-1', podSecurityGroups: false, addons: ['external-secrets'] });
      const shop = new AppStack(app, 'shop', { tier, platform, ledger: ledgerOf({ app: 'shop', tiers: { dev: { api: released(), worker: released() }, staging: { api: released(), worker: released() } } }) });
      const db = new Postgres(shop, 'orders');
      for (const name of ['api', 'worker']) new BlueGreenService(shop, name, { image: 'ghcr.io/acme/x', port: 8080, connections: [db] });
    }).stacks['shop-staging'];
    const rules = Object.values(resources(s, 'aws_vpc_security_group_ingress_rule')) as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(rules.map((r) => r.referenced_security_group_id)).toEqual([expect.stringMatching(/data\.aws_eks_cluster\.platform-cluster\.vpc_config\[0\]\.cluster_security_group_id/)]);
    expect(manifests(s, 'SecurityGroupPolicy')).toEqual([]);
    expect(Object.keys(resources(s, 'aws_security_group')).filter((k) => k.includes('pod-security-group'))).toEqual([]);
  });

  test('managed: the connection secret comes from the RDS-managed secret through the app\'s own SecretStore', () => {
    const s = out.stacks['shop-prod'];
    const es = manifests(s, 'ExternalSecret').find((m) => m.manifest.metadata.name === 'orders-db').manifest;
    expect(es.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'aws-secrets-manager' });
    expect(es.spec.data.map((d: any) => [d.secretKey, d.remoteRef.property])).toEqual([['username', 'username'], ['password', 'password']]); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(es.spec.data[0].remoteRef.key).toMatch(/aws_db_instance\.orders_postgres\.master_user_secret\[0\]\.secret_arn/);
    expect(Object.keys(es.spec.target.template.data).sort()).toEqual(['database', 'host', 'password', 'port', 'sslmode', 'url', 'username']);
    expect(es.spec.target.template.data.url).toMatch(/^postgresql:\/\/\{\{ \.username \| urlquery \}\}:\{\{ \.password \| urlquery \}\}@\$\{aws_db_instance\.orders_postgres\.address\}:5432\/orders\?sslmode=require$/);
    // The store's role reads exactly the secrets granted.
    const access = s.data.aws_iam_policy_document[Object.keys(s.data.aws_iam_policy_document).find((k) => k.startsWith('secrets_reader-access'))!];
    expect(access.statement[0].actions).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
    expect(access.statement[0].resources).toHaveLength(2);
  });

  test('in-cluster: a CloudNativePG cluster, credentials generated once in the cluster, reachable by connected services only', () => {
    const s = out.stacks['shop-dev'];
    const [cluster] = manifests(s, 'Cluster');
    expect(cluster.manifest.spec).toMatchObject({ instances: 1, enableSuperuserAccess: false, imageName: 'ghcr.io/cloudnative-pg/postgresql:17.11-standard-trixie' });
    const creds = manifests(s, 'ExternalSecret').find((m) => m.manifest.metadata.name === 'orders-postgres-credentials').manifest;
    // Orphaned: the Secret outlives its ExternalSecret (a replaced ExternalSecret cannot take the password with it).
    expect(creds.spec).toMatchObject({ refreshPolicy: 'CreatedOnce', target: { immutable: true, creationPolicy: 'Orphan', template: { type: 'kubernetes.io/basic-auth' } } });
    // A contract secret is rendered again from them: owned by its ExternalSecret.
    expect(manifests(s, 'ExternalSecret').find((m) => m.manifest.metadata.name === 'orders-db').manifest.spec.target.creationPolicy).toBe('Owner');
    const np = k8s(s, 'kubernetes_network_policy_v1', 'orders-postgres');
    const fromServices = np.spec.ingress.find((r: any) => r.ports); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(fromServices.ports).toEqual([{ port: '5432', protocol: 'TCP' }]);
    expect(fromServices.from.map((f: any) => f.pod_selector.match_labels['app.kubernetes.io/name']).sort()).toEqual(['api', 'worker']); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  test('Aurora as an option: a cluster with a writer, a reader in HA tiers, the same hardening', () => {
    const s = synth((app) => {
      const stack = appStack(app, t.get('prod'), ledgerOf({ app: 'shop', tiers: {} }));
      new Postgres(stack, 'orders', { engine: 'aurora', engineVersion: '16' });
    }).stacks['shop-prod'];
    expect(resources(s, 'aws_db_instance')).toEqual({});
    expect(resources(s, 'aws_rds_cluster').orders_postgres).toMatchObject({
      engine: 'aurora-postgresql', engine_version: '16', storage_encrypted: true, manage_master_user_password: true,
      iam_database_authentication_enabled: true, deletion_protection: true, backup_retention_period: 14, copy_tags_to_snapshot: true,
    });
    expect(Object.keys(resources(s, 'aws_rds_cluster_instance'))).toHaveLength(2);
    expect(only(s, 'aws_rds_cluster_parameter_group')).toMatchObject({ family: 'aurora-postgresql16' });
  });
});

describe('queues and topics', () => {
  test('managed: SQS encrypted, DLQ keeps messages longer and takes redrives from its source only', () => {
    const s = out.stacks['shop-prod'];
    const q = resources(s, 'aws_sqs_queue');
    // Prod asks for customer-managed keys: the queue and its dead-letter queue share one of their own.
    expect(q.fulfilment_queue).toMatchObject({ name: 'shop-prod-fulfilment', kms_master_key_id: '${aws_kms_key.fulfilment_key.arn}', visibility_timeout_seconds: 120, message_retention_seconds: 345600 });
    expect(q.fulfilment_queue.sqs_managed_sse_enabled).toBeUndefined();
    expect(JSON.parse(q.fulfilment_queue.redrive_policy)).toEqual({ deadLetterTargetArn: '${aws_sqs_queue.fulfilment_dlq.arn}', maxReceiveCount: 5 });
    expect(q.fulfilment_dlq).toMatchObject({ name: 'shop-prod-fulfilment-dlq', kms_master_key_id: '${aws_kms_key.fulfilment_key.arn}', message_retention_seconds: 1209600, lifecycle: { prevent_destroy: true } });
    expect(JSON.parse(only(s, 'aws_sqs_queue_redrive_allow_policy').redrive_allow_policy)).toEqual({ redrivePermission: 'byQueue', sourceQueueArns: ['${aws_sqs_queue.fulfilment_queue.arn}'] });
    // The key lets SNS encrypt what the subscribed topic delivers, for that topic only.
    const policy = s.data.aws_iam_policy_document[Object.keys(s.data.aws_iam_policy_document).find((k) => k.startsWith('fulfilment_key-policy'))!];
    expect(policy.statement[1]).toMatchObject({
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'], principals: [{ type: 'Service', identifiers: ['sns.amazonaws.com'] }],
      condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: ['${aws_sns_topic.order_events_topic.arn}'] }],
    });
    expect(resources(s, 'aws_kms_key').fulfilment_key).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
    // Staging keeps SQS-managed encryption.
    expect(resources(out.stacks['shop-staging'], 'aws_sqs_queue').fulfilment_queue).toMatchObject({ sqs_managed_sse_enabled: true });
    expect(resources(out.stacks['shop-staging'], 'aws_kms_key').fulfilment_key).toBeUndefined();
  });

  test('managed: SNS encrypted with KMS, fan-out to the queue, which only that topic may deliver to', () => {
    const s = out.stacks['shop-prod'];
    expect(resources(s, 'aws_sns_topic').order_events_topic).toMatchObject({ name: 'shop-prod-order-events', kms_master_key_id: '${aws_kms_key.order_events_key.arn}' });
    expect(resources(out.stacks['shop-staging'], 'aws_sns_topic').order_events_topic).toMatchObject({ kms_master_key_id: 'alias/aws/sns' });
    expect(Object.values(resources(s, 'aws_sns_topic_subscription')).filter((x: any) => x.protocol === 'sqs')).toEqual([ // eslint-disable-line @typescript-eslint/no-explicit-any
      expect.objectContaining({ protocol: 'sqs', raw_message_delivery: true, endpoint: '${aws_sqs_queue.fulfilment_queue.arn}', topic_arn: '${aws_sns_topic.order_events_topic.arn}' }),
    ]);
    const delivery = s.data.aws_iam_policy_document[Object.keys(s.data.aws_iam_policy_document).find((k) => k.startsWith('fulfilment_topic-delivery'))!];
    expect(delivery.statement[0]).toMatchObject({
      actions: ['sqs:SendMessage'], principals: [{ type: 'Service', identifiers: ['sns.amazonaws.com'] }],
      condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: ['${aws_sns_topic.order_events_topic.arn}'] }],
    });
  });

  test('each service gets exactly what it is granted, through its own IRSA role', () => {
    const s = out.stacks['shop-prod'];
    const docs = s.data.aws_iam_policy_document;
    const doc = (prefix: string) => docs[Object.keys(docs).find((k) => k.startsWith(prefix))!];
    // With the keys of what it was granted (prod's customer-managed keys), and nothing else.
    expect(doc('api_role-access').statement).toEqual([
      { effect: 'Allow', actions: ['sns:Publish'], resources: ['${aws_sns_topic.order_events_topic.arn}'] },
      { effect: 'Allow', actions: ['kms:GenerateDataKey*', 'kms:Decrypt'], resources: ['${aws_kms_key.order_events_key.arn}'], condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['sns.eu-west-1.amazonaws.com'] }] },
    ]);
    expect(doc('worker_role-access').statement).toEqual([{
      effect: 'Allow',
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      resources: ['${aws_sqs_queue.fulfilment_queue.arn}'],
    }, { effect: 'Allow', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: ['${aws_kms_key.fulfilment_key.arn}'], condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['sqs.eu-west-1.amazonaws.com'] }] }]);
    const staging = out.stacks['shop-staging'].data.aws_iam_policy_document;
    expect(staging[Object.keys(staging).find((k) => k.startsWith('api_role-access'))!].statement).toEqual([{ effect: 'Allow', actions: ['sns:Publish'], resources: ['${aws_sns_topic.order_events_topic.arn}'] }]);
    expect(doc('worker_role-trust').statement[0].condition[0].values).toEqual(['system:serviceaccount:shop:worker']);
    const sa = k8s(s, 'kubernetes_service_account_v1', 'worker');
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^\$\{aws_iam_role\.worker_role_/);
  });

  test('in-cluster: one SQS/SNS server with the same queues, topics and subscription, reachable by connected services only', () => {
    const s = out.stacks['shop-dev'];
    const server = k8s(s, 'kubernetes_deployment_v1', 'messaging');
    expect(server.spec.template.spec.container.map((c: any) => c.image)).toEqual(['motoserver/moto:5.2.3', 'motoserver/moto:5.2.3']); // eslint-disable-line @typescript-eslint/no-explicit-any
    const setup = JSON.parse(k8s(s, 'kubernetes_config_map_v1', 'messaging-setup').data['setup.json']);
    expect(setup).toEqual({
      queues: [{ name: 'fulfilment', deadLetterQueue: 'fulfilment-dlq', fifo: false, visibilityTimeoutSeconds: 120, retentionSeconds: 345600, maxReceiveCount: 5 }],
      topics: [{ name: 'order-events', fifo: false }],
      subscriptions: [{ topic: 'order-events', queue: 'fulfilment', raw: true }],
    });
    const np = k8s(s, 'kubernetes_network_policy_v1', 'messaging');
    expect(np.spec.ingress[0].from.map((f: any) => f.pod_selector.match_labels['app.kubernetes.io/name']).sort()).toEqual(['api', 'worker']); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(k8s(s, 'kubernetes_secret_v1', 'fulfilment-queue').data).toEqual({
      url: 'http://messaging.shop.svc:5000/123456789012/fulfilment', arn: 'arn:aws:sqs:us-east-1:123456789012:fulfilment',
      region: 'us-east-1', endpoint: 'http://messaging.shop.svc:5000',
    });
  });
});

describe('Cache', () => {
  test('managed: Valkey encrypted at rest and in transit, AUTH token from Secrets Manager, failover and multi-AZ in HA tiers', () => {
    for (const tier of ['staging', 'prod']) {
      const s = out.stacks[`shop-${tier}`];
      const ha = t.get(tier).profile.highAvailability;
      const g = resources(s, 'aws_elasticache_replication_group').sessions_cache;
      expect(g).toMatchObject({
        engine: 'valkey', engine_version: '9.0', at_rest_encryption_enabled: 'true', transit_encryption_enabled: true,
        transit_encryption_mode: 'required', automatic_failover_enabled: ha, multi_az_enabled: ha, num_cache_clusters: ha ? 2 : 1,
        snapshot_retention_limit: t.get(tier).profile.backupRetentionDays, lifecycle: { prevent_destroy: ha, ignore_changes: ['auth_token', 'kms_key_id'] },
      });
      // Secrets Manager generates the token; the plan that creates the group writes that value to the secret
      // (write-only, never in state) and to the group; nothing reads it back into state.
      const version = only(s, 'aws_secretsmanager_secret_version');
      const generated = version.secret_string_wo;
      expect(generated).toMatch(/^\$\{data\.aws_secretsmanager_random_password\.[\w-]+\.random_password\}$/);
      expect(version.secret_string_wo_version).toBe(1);
      expect(g.auth_token).toBe(generated);
      expect(s.data.aws_secretsmanager_secret_version).toBeUndefined();
      // Prod: the data and the token's secret are encrypted with the cache's own key (a new key on an old group is ignored, not a replacement).
      const secret = only(s, 'aws_secretsmanager_secret');
      expect([g.kms_key_id, secret.kms_key_id]).toEqual(tier === 'prod' ? ['${aws_kms_key.sessions_key.arn}', '${aws_kms_key.sessions_key.arn}'] : [undefined, undefined]);
      expect(only(s, 'aws_elasticache_parameter_group').family).toBe('valkey9');
    }
  });

  test('in-cluster: the official Valkey chart, with a password generated in the cluster', () => {
    const s = out.stacks['shop-dev'];
    const r = resources(s, 'helm_release').sessions_cache;
    expect(r).toMatchObject({ repository: 'https://valkey.io/valkey-helm/', chart: 'valkey', version: '0.11.0', atomic: true });
    expect(JSON.parse(r.values[0]).auth).toEqual({ enabled: true, usersExistingSecret: 'sessions-valkey-users', aclUsers: { default: { permissions: '~* &* +@all', passwordKey: 'default' } } });
    const es = manifests(s, 'ExternalSecret').find((m) => m.manifest.metadata.name === 'sessions-cache').manifest;
    expect(es.spec.target.template.data).toMatchObject({ host: 'sessions-valkey.shop.svc', port: '6379', tls: 'false', url: 'redis://:{{ .password | urlquery }}@sessions-valkey.shop.svc:6379' });
  });
});

describe('the connection contract', () => {
  test('every tier gives the same environment variable names, from the same secret names', () => {
    const envOf = (tier: string) => k8s(out.stacks[`shop-${tier}`], 'kubernetes_deployment_v1', 'api-blue').spec.template.spec.container[0].env
      .filter((e: any) => e.value_from && /^(ORDERS|SESSIONS|ORDER_EVENTS)_/.test(e.name)) // eslint-disable-line @typescript-eslint/no-explicit-any
      .map((e: any) => `${e.name}=${e.value_from.secret_key_ref.name}/${e.value_from.secret_key_ref.key}`); // eslint-disable-line @typescript-eslint/no-explicit-any
    const dev = envOf('dev');
    expect(dev).toEqual(envOf('staging'));
    expect(dev).toEqual(envOf('prod'));
    expect(dev).toEqual(expect.arrayContaining([
      'ORDERS_DB_URL=orders-db/url', 'SESSIONS_CACHE_URL=sessions-cache/url', 'SESSIONS_CACHE_TLS=sessions-cache/tls',
      'ORDER_EVENTS_TOPIC_ARN=order-events-topic/arn', 'ORDER_EVENTS_TOPIC_ENDPOINT=order-events-topic/endpoint',
    ]));
    const workerEnv = k8s(out.stacks['shop-dev'], 'kubernetes_deployment_v1', 'worker-blue').spec.template.spec.container[0].env.map((e: any) => e.name); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(workerEnv).toEqual(expect.arrayContaining(['FULFILMENT_QUEUE_URL', 'FULFILMENT_QUEUE_ENDPOINT', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']));
  });

  test('no stack of any tier holds a secret literal', () => {
    for (const [name, s] of Object.entries(out.stacks)) {
      const text = JSON.stringify(s);
      expect([name, /"(password|auth_token|secret_string|master_password)"\s*:\s*"(?!\$\{)[^"{]/.test(text)]).toEqual([name, false]);
      expect([name, /AKIA[0-9A-Z]{16}/.test(text)]).toEqual([name, false]);
      expect(Object.keys(resources(s, 'kubernetes_secret_v1')).length === 0
        || Object.values(resources(s, 'kubernetes_secret_v1')).every((sec: any) => Object.keys(sec.data).every((k) => !/pass|token|key/i.test(k)))).toBe(true); // eslint-disable-line @typescript-eslint/no-explicit-any
    }
  });
});

describe('bad dependency input', () => {
  const dev = t.get('dev');
  const build = (declare: (s: ReturnType<typeof appStack>) => void) => () => synth((app) => {
    declare(appStack(app, dev, ledgerOf({ app: 'shop', tiers: { dev: { api: released() } } })));
  });
  test.each<[string, (s: ReturnType<typeof appStack>) => void, string]>([
    ['an unsupported engine version', (s) => { new Postgres(s, 'orders', { engineVersion: '9.6' }); },
      '[shop-dev/orders] engineVersion "9.6" is not supported: use a major version of 15, 16, 17, 18 (e.g. "17"), optionally with its minor ("17.11")'],
    ['a queue that is its own dead-letter queue', (s) => { new Queue(s, 'jobs', { deadLetterQueue: 'jobs' }); },
      '[shop-dev/jobs] deadLetterQueue "jobs" is the queue itself: name another queue of the app, or leave it out to get a dead-letter queue of its own'],
    ['a dead-letter queue that keeps messages shorter', (s) => { new Queue(s, 'failed', { retentionSeconds: 3600 }); new Queue(s, 'jobs', { deadLetterQueue: 'failed' }); },
      '[shop-dev/jobs] deadLetterQueue "failed" keeps messages 3600 s, not longer than this queue (345600 s): give the dead-letter queue a longer retentionSeconds, or this queue a shorter one'],
    ['a retention outside SQS limits', (s) => { new Queue(s, 'jobs', { retentionSeconds: 30 }); },
      '[shop-dev/jobs] retentionSeconds 30 is outside what SQS and the dead-letter queue allow: use a whole number of seconds from 60 to 1123200 (13 days): the dead-letter queue keeps messages 14 days, the SQS maximum, and must keep them longer than its source'],
    ['a visibility timeout longer than the retention', (s) => { new Queue(s, 'jobs', { retentionSeconds: 600, visibilityTimeoutSeconds: 900 }); },
      '[shop-dev/jobs] visibilityTimeoutSeconds 900 is longer than the retention (600 s): keep the visibility timeout shorter than the retention, or a message expires while a consumer holds it'],
    ['a cache node type without encryption', (s) => { new Cache(s, 'sessions', { nodeType: 'cache.t2.micro' }); },
      '[shop-dev/sessions] nodeType "cache.t2.micro" does not support encryption in transit: use a current generation (t4g, t3, m7g, m6g, r7g, r6g ...), e.g. "cache.t4g.small"'],
    ['an unsupported Valkey version', (s) => { new Cache(s, 'sessions', { engineVersion: '6.2' }); },
      '[shop-dev/sessions] engineVersion "6.2" is not a supported Valkey version: use one of 7.2, 8.0, 8.1, 8.2, 9.0 (major.minor)'],
    ['two dependencies with the same name', (s) => { new Postgres(s, 'orders'); new Queue(new Construct(s, 'bus'), 'orders'); },
      '[shop-dev/bus/orders] dependency name "orders" is already used: give each dependency of app "shop" its own name (first used at shop-dev/orders)'],
    ['a FIFO queue on a standard topic', (s) => { new Topic(s, 'events').subscribe(new Queue(s, 'jobs', { fifo: true })); },
      '[shop-dev/events] queue "jobs" is FIFO but the topic is not FIFO: subscribe FIFO queues to FIFO topics and standard queues to standard topics'],
  ])('refuses %s', (_what, declare, message) => {
    expect(errorOf(build((s) => { declare(s); new BlueGreenService(s, 'api', { image: 'ghcr.io/acme/api', port: 8080 }); }))).toBe(message);
  });

  test('refuses a service that is granted a queue of another app', () => {
    const message = errorOf(() => synth((app) => {
      const shopStack = appStack(app, dev, ledgerOf({ app: 'shop', tiers: { dev: { api: released() } } }));
      const billing = appStack(app, dev, ledgerOf({ app: 'billing', tiers: {} }));
      const invoices = new Queue(billing, 'invoices');
      new BlueGreenService(shopStack, 'api', { image: 'ghcr.io/acme/api', port: 8080 }).grantSend(invoices);
    }));
    expect(message).toBe('[shop-dev/api] dependency "billing-dev/invoices" belongs to another app or tier: connect only to dependencies declared in shop-dev (declare "invoices" in this app)');
  });
});
