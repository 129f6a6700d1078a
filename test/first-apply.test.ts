import {
  AddonsStack, AppStack, BlueGreenService, Cache, PlatformRef, PlatformStack, Postgres, Queue, standardAddons, standardPlatform, Topic,
} from '../lib';
import { EXAMPLES } from './examples-list';
import { ledgerOf, released, tiers } from './fixtures';
import { exampleOutput, synth } from './helpers';
import { firstApplyRaces } from './support/first-apply';

describe('first apply: every object a resource needs is made before it (same stack)', () => {
  test.each(Object.keys(EXAMPLES))('example %s has no race', (name) => {
    const out = exampleOutput(name);
    const races = Object.entries(out.stacks).flatMap(([stack, json]) => firstApplyRaces(stack, json));
    expect(races).toEqual([]);
  });

  test('an app on a cluster without security groups for pods, every dependency kind, has no race', () => {
    const ledger = ledgerOf({ app: 'shop', tiers: { dev: { api: released() }, staging: { api: released() }, prod: { api: released('1.0.0', { approvals: [{ version: '1.0.0', by: 'dana', at: '2026-11-02T10:00:00Z' }] }) } } });
    const out = synth((app) => {
      for (const tier of tiers()) {
        const platform = tier.managed
          ? PlatformRef.fromEksCluster({ clusterName: `acme-${tier.name}`, region: 'eu-west-1', ...standardPlatform(tier) })
          : PlatformRef.fromKubeconfig({ context: 'kind-dev', ...standardPlatform(tier) });
        const shop = new AppStack(app, 'shop', { tier, platform, ledger });
        const api = new BlueGreenService(shop, 'api', { image: 'ghcr.io/acme/api', port: 8080, migration: { command: ['migrate'] } });
        api.connect(new Postgres(shop, 'orders', { engineVersion: '17' }));
        api.connect(new Cache(shop, 'sessions'));
        api.grantSend(new Queue(shop, 'jobs'));
        api.grantPublish(new Topic(shop, 'events'));
      }
    });
    const races = Object.entries(out.stacks).flatMap(([stack, json]) => firstApplyRaces(stack, json));
    expect(races).toEqual([]);
    // The case is real: the pods wait for the rule that admits the cluster security group.
    const staging = out.stacks['shop-staging'];
    const migrate = Object.entries<any>(staging.resource.kubernetes_job_v1).find(([n]) => n.startsWith('api_migrate-blue'))![1]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(migrate.depends_on.filter((d: string) => d.startsWith('aws_vpc_security_group_ingress_rule.') && d.includes('from-cluster'))).toHaveLength(2);
    expect(migrate.depends_on.some((d: string) => d.startsWith('aws_iam_role_policy.api_role-policy'))).toBe(true);
  });

  test('an add-ons stack with every standard add-on has no race', () => {
    const out = synth((app) => {
      for (const tier of tiers()) {
        const platform = tier.managed ? new PlatformStack(app, { tier }).ref : PlatformRef.fromKubeconfig({ context: 'kind-dev' });
        new AddonsStack(app, { tier, platform, addons: standardAddons(tier, { dns: { domain: `${tier.name}.example.com`, hostedZoneId: 'Z0123456789EXAMPLE', acmeEmail: 'ops@example.com' } }) });
      }
    });
    expect(Object.entries(out.stacks).flatMap(([stack, json]) => firstApplyRaces(stack, json))).toEqual([]);
  });
});

describe('the first-apply audit finds what it looks for', () => {
  const ns = { kubernetes_namespace_v1: { namespace: { metadata: { name: 'shop' } } } };

  test('a resource in a namespace the stack makes, without an order, is a race; with one through another resource, it is not', () => {
    const stack = {
      resource: {
        ...ns,
        kubernetes_manifest: { policy: { manifest: { kind: 'SecurityGroupPolicy', metadata: { name: 'api-pods', namespace: 'shop' } } } },
        kubernetes_service_account_v1: { sa: { metadata: { name: 'api', namespace: 'shop' }, depends_on: ['kubernetes_namespace_v1.namespace'] } },
        kubernetes_deployment_v1: { api: { metadata: { name: 'api', namespace: 'shop' }, spec: { template: { spec: { service_account_name: 'api' } } }, depends_on: ['kubernetes_service_account_v1.sa'] } },
      },
    };
    expect(firstApplyRaces('s', stack)).toEqual([{ stack: 's', user: 'kubernetes_manifest.policy', needs: 'namespace shop', creator: 'kubernetes_namespace_v1.namespace' }]);
  });

  test('a pod that reads a secret the stack writes must start after it; a reference orders it too', () => {
    const secret = { kubernetes_secret_v1: { db: { metadata: { name: 'orders-db', namespace: 'shop' }, depends_on: ['kubernetes_namespace_v1.namespace'] } } };
    const pod = (extra: Record<string, unknown>) => ({
      metadata: { name: 'api', namespace: 'shop' },
      spec: { template: { spec: { container: [{ env_from: [{ secret_ref: { name: 'orders-db' } }] }] } } },
      ...extra,
    });
    const racy = { resource: { ...ns, ...secret, kubernetes_deployment_v1: { api: pod({ depends_on: ['kubernetes_namespace_v1.namespace'] }) } } };
    expect(firstApplyRaces('s', racy).map((r) => r.needs)).toEqual(['secret shop/orders-db']);
    const ordered = { resource: { ...ns, ...secret, kubernetes_deployment_v1: { api: pod({ depends_on: ['kubernetes_namespace_v1.namespace'], metadata: { name: 'api', namespace: 'shop', labels: { s: '${kubernetes_secret_v1.db.id}' } } }) } } };
    expect(firstApplyRaces('s', ordered)).toEqual([]);
  });

  test('a pod whose role\'s policy or admitting rule is not before it is a race', () => {
    const stack = {
      resource: {
        ...ns,
        aws_iam_role: { r: {} },
        aws_iam_role_policy: { p: { role: '${aws_iam_role.r.id}' } },
        aws_security_group: { g: {} },
        aws_vpc_security_group_ingress_rule: { in: { referenced_security_group_id: '${aws_security_group.g.id}' } },
        kubernetes_service_account_v1: { sa: { metadata: { name: 'api', namespace: 'shop', annotations: { 'eks.amazonaws.com/role-arn': '${aws_iam_role.r.arn}' } }, depends_on: ['kubernetes_namespace_v1.namespace'] } },
        kubernetes_manifest: { sgp: { manifest: { kind: 'SecurityGroupPolicy', metadata: { name: 'api-pods', namespace: 'shop' }, spec: { podSelector: { matchLabels: { app: 'api' } }, securityGroups: { groupIds: ['${aws_security_group.g.id}'] } } }, depends_on: ['kubernetes_namespace_v1.namespace'] } },
        kubernetes_job_v1: { migrate: { metadata: { name: 'm', namespace: 'shop' }, spec: { template: { metadata: { labels: { app: 'api' } }, spec: { service_account_name: 'api' } } }, depends_on: ['kubernetes_service_account_v1.sa', 'kubernetes_manifest.sgp'] } },
      },
    };
    expect(firstApplyRaces('s', stack).map((r) => r.creator).sort()).toEqual(['aws_iam_role_policy.p', 'aws_vpc_security_group_ingress_rule.in']);
  });
});
