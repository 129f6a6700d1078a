import * as path from 'path';
import { exampleOutput, k8s, manifests, resources, resourceTypes, Synth } from '../helpers';

let out: Synth;
beforeAll(() => {
  out = exampleOutput('shop');
});

describe('the shop example', () => {
  test('writes one set of stacks per tier, each named <layer>-<tier>', () => {
    expect(Object.keys(out.stacks).sort()).toEqual([
      'addons-config-dev', 'addons-config-prod', 'addons-config-staging',
      'addons-dev', 'addons-prod', 'addons-staging',
      'platform-prod', 'platform-staging',
      'shop-dev', 'shop-prod', 'shop-staging',
    ]);
  });

  test('every stack asks for the Terraform its arguments need (write-only arguments: 1.11)', () => {
    for (const [name, s] of Object.entries(out.stacks)) expect([name, s.terraform.required_version]).toEqual([name, '>= 1.11']);
    // The cache's AUTH token is written with a write-only argument, which Terraform < 1.11 does not know.
    expect(Object.values(resources(out.stacks['shop-prod'], 'aws_secretsmanager_secret_version'))[0]).toHaveProperty('secret_string_wo');
  });

  test('orders the stacks: app after add-ons after platform', () => {
    expect(out.dependencies['addons-staging']).toEqual(['platform-staging']);
    expect(out.dependencies['addons-config-staging'].sort()).toEqual(['addons-staging', 'platform-staging']);
    expect(out.dependencies['shop-staging'].sort()).toEqual(['addons-config-staging', 'addons-staging', 'platform-staging']);
    expect(out.dependencies['shop-prod'].sort()).toEqual(['addons-config-prod', 'addons-prod', 'platform-prod']);
    expect(out.dependencies['shop-dev'].sort()).toEqual(['addons-config-dev', 'addons-dev']);
    expect(out.dependencies['addons-dev']).toEqual([]);
  });

  test('dev has no AWS at all: no provider, no resource, no data source', () => {
    for (const name of ['addons-dev', 'addons-config-dev', 'shop-dev']) {
      const s = out.stacks[name];
      expect(Object.keys(s.provider)).not.toContain('aws');
      expect(resourceTypes(s).filter((t) => t.startsWith('aws_'))).toEqual([]);
      expect(Object.keys(s.data ?? {}).filter((t) => t.startsWith('aws_'))).toEqual([]);
      expect(s.terraform.required_providers.aws).toBeUndefined();
    }
  });

  test('dev reaches its cluster through the kubeconfig context', () => {
    for (const name of ['addons-dev', 'shop-dev']) {
      const p = out.stacks[name].provider;
      const kube = (p.kubernetes ?? [p.helm[0].kubernetes])[0];
      expect(kube).toMatchObject({ config_path: '~/.kube/config', config_context: 'kind-switchyard' });
    }
  });

  test('staging and prod configure Kubernetes from the platform stack, never from a cluster in the same stack', () => {
    for (const tier of ['staging', 'prod']) {
      expect(resources(out.stacks[`platform-${tier}`], 'aws_eks_cluster')).not.toEqual({});
      expect(out.stacks[`platform-${tier}`].provider.kubernetes).toBeUndefined();
      expect(out.stacks[`platform-${tier}`].provider.helm).toBeUndefined();
      for (const name of [`addons-${tier}`, `shop-${tier}`]) {
        const s = out.stacks[name];
        expect(resources(s, 'aws_eks_cluster')).toEqual({});
        const kube = s.provider.kubernetes?.[0] ?? s.provider.helm[0].kubernetes;
        expect(kube.host).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-platform-/);
        expect(kube.exec[0] ?? kube.exec).toMatchObject({
          command: 'aws',
          args: ['eks', 'get-token', '--cluster-name', `platform-${tier}`, '--region', 'eu-west-1'],
        });
      }
    }
  });

  test('the AWS provider of staging and prod carries the region and default tags of the tier', () => {
    const aws = out.stacks['shop-prod'].provider.aws[0];
    expect(aws.region).toBe('eu-west-1');
    expect(aws.default_tags[0].tags).toEqual({ 'managed-by': 'switchyard', 'switchyard:stack': 'shop-prod', 'switchyard:tier': 'prod' });
  });

  test('Postgres is a CloudNativePG cluster in dev and RDS in staging and prod', () => {
    const dev = out.stacks['shop-dev'];
    expect(resources(dev, 'aws_db_instance')).toEqual({});
    const [cluster] = manifests(dev, 'Cluster');
    expect(cluster.manifest.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(cluster.manifest.spec.bootstrap.initdb).toEqual({ database: 'orders', owner: 'app', secret: { name: 'orders-postgres-credentials' } });
    for (const tier of ['staging', 'prod']) {
      const s = out.stacks[`shop-${tier}`];
      const db = resources(s, 'aws_db_instance').orders_postgres;
      expect(db).toMatchObject({ engine: 'postgres', engine_version: '17', manage_master_user_password: true, storage_encrypted: true, publicly_accessible: false });
      expect(manifests(s, 'Cluster')).toEqual([]);
    }
    expect(resources(out.stacks['shop-prod'], 'aws_db_instance').orders_postgres).toMatchObject({ multi_az: true, deletion_protection: true, backup_retention_period: 14 });
    expect(resources(out.stacks['shop-staging'], 'aws_db_instance').orders_postgres).toMatchObject({ multi_az: false, deletion_protection: false, backup_retention_period: 7 });
  });

  test('the service runs blue-green with the live slot from the ledger', () => {
    // dev: green is live (1.5.0), blue holds 1.4.0 for a rollback.
    const dev = out.stacks['shop-dev'];
    expect(k8s(dev, 'kubernetes_service_v1', 'api').spec.selector['switchyard.dev/slot']).toBe('green');
    expect(k8s(dev, 'kubernetes_service_v1', 'api-preview').spec.selector['switchyard.dev/slot']).toBe('blue');
    expect(k8s(dev, 'kubernetes_deployment_v1', 'api-green').spec.template.spec.container[0].image).toBe('ghcr.io/acme/shop-api:1.5.0');
    expect(k8s(dev, 'kubernetes_deployment_v1', 'api-blue').spec.template.spec.container[0].image).toBe('ghcr.io/acme/shop-api:1.4.0');
    // prod: only blue has a version, and it is live.
    const prod = out.stacks['shop-prod'];
    expect(k8s(prod, 'kubernetes_service_v1', 'api').spec.selector['switchyard.dev/slot']).toBe('blue');
    expect(Object.values(resources(prod, 'kubernetes_deployment_v1')).map((d: any) => d.metadata.name).sort()).toEqual(['api-blue', 'worker-blue']); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  test('the service reads the connection secret as environment variables in every tier', () => {
    for (const tier of ['dev', 'staging', 'prod']) {
      const env = k8s(out.stacks[`shop-${tier}`], 'kubernetes_deployment_v1', 'api-blue').spec.template.spec.container[0].env;
      const fromSecret = env.filter((e: any) => e.value_from && e.name.startsWith('ORDERS_')).map((e: any) => [e.name, e.value_from.secret_key_ref.name, e.value_from.secret_key_ref.key]); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(fromSecret).toEqual([
        ['ORDERS_DB_HOST', 'orders-db', 'host'],
        ['ORDERS_DB_PORT', 'orders-db', 'port'],
        ['ORDERS_DB_USERNAME', 'orders-db', 'username'],
        ['ORDERS_DB_PASSWORD', 'orders-db', 'password'],
        ['ORDERS_DB_DATABASE', 'orders-db', 'database'],
        ['ORDERS_DB_URL', 'orders-db', 'url'],
        ['ORDERS_DB_SSLMODE', 'orders-db', 'sslmode'],
      ]);
    }
  });

  test('state stays local by default: one file per stack in the project folder, by a relative path', () => {
    for (const [name, s] of Object.entries(out.stacks)) {
      const statePath: string = s.terraform.backend.local.path;
      expect(path.isAbsolute(statePath)).toBe(false);
      // Terraform resolves it from the stack's working directory.
      expect(path.resolve(out.outdir, 'stacks', name, statePath)).toBe(path.resolve(`terraform.${name}.tfstate`));
    }
  });
});
