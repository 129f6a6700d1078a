import { paymentsTiers } from '../../examples/app-team/payments';
import { exampleOutput, k8s, resources, Synth } from '../helpers';

describe('the platform-team example', () => {
  let out: Synth;
  beforeAll(() => { out = exampleOutput('platform-team'); });

  test('publishes the platform of every tier and no app', () => {
    expect(Object.keys(out.stacks).sort()).toEqual([
      'addons-config-dev', 'addons-config-prod', 'addons-config-staging',
      'addons-dev', 'addons-prod', 'addons-staging',
      'platform-prod', 'platform-staging',
    ]);
  });

  test('names the clusters for app teams and keeps state in each tier\'s bucket', () => {
    expect(Object.values(resources(out.stacks['platform-prod'], 'aws_eks_cluster'))[0].name).toBe('acme-prod');
    expect(out.stacks['platform-prod'].terraform.backend.s3).toMatchObject({
      bucket: 'acme-platform-prod-tfstate', key: 'platform/platform-prod.tfstate', region: 'eu-central-1', encrypt: true, use_lockfile: true,
    });
    expect(out.stacks['platform-staging'].provider.aws[0].region).toBe('eu-west-1');
    expect(out.stacks['platform-prod'].provider.aws[0].default_tags[0].tags['cost-center']).toBe('platform');
  });
});

describe('the two teams\' examples together', () => {
  test('the platform gives the app team\'s pipeline roles access to each cluster: deploy as cluster-admin, plan read-only', () => {
    const platform = exampleOutput('platform-team');
    for (const tier of paymentsTiers()) {
      if (!tier.managed) continue;
      const stack = platform.stacks[`platform-${tier.name}`];
      const entries = resources(stack, 'aws_eks_access_entry');
      const policyOf = (arn: string) => {
        const key = Object.keys(entries).find((k) => entries[k].principal_arn === arn);
        expect(key).toBeDefined();
        return Object.values(resources(stack, 'aws_eks_access_policy_association')).filter((a: any) => a.principal_arn === `\${aws_eks_access_entry.${key}.principal_arn}`).map((a: any) => a.policy_arn.replace(/^.*\//, '')); // eslint-disable-line @typescript-eslint/no-explicit-any
      };
      expect(policyOf(tier.clusterAccess.deployRole!)).toEqual(['AmazonEKSClusterAdminPolicy']);
      expect(policyOf(tier.clusterAccess.planRole!)).toEqual(['AmazonEKSAdminViewPolicy']);
    }
  });
});

describe('the app-team example', () => {
  let out: Synth;
  beforeAll(() => { out = exampleOutput('app-team'); });

  test('builds only the app, on the platform it finds by name', () => {
    expect(Object.keys(out.stacks).sort()).toEqual(['payments-dev', 'payments-prod', 'payments-staging']);
    for (const s of Object.values(out.stacks)) {
      expect(resources(s, 'aws_eks_cluster')).toEqual({});
      expect(resources(s, 'aws_vpc')).toEqual({});
      expect(resources(s, 'helm_release')).toEqual({});
    }
    const staging = out.stacks['payments-staging'];
    expect(staging.data.aws_eks_cluster['platform-cluster'].name).toBe('acme-staging');
    expect(staging.provider.kubernetes[0].exec[0].args).toEqual(['eks', 'get-token', '--cluster-name', 'acme-staging', '--region', 'eu-west-1']);
    expect(out.stacks['payments-dev'].provider.kubernetes[0].config_context).toBe('acme-dev');
  });

  test('its namespace may attach routes to the platform\'s Gateway', () => {
    const ns = Object.values(resources(out.stacks['payments-staging'], 'kubernetes_namespace_v1'))[0];
    expect(ns.metadata.labels['switchyard.dev/gateway']).toBe('switchyard');
  });

  test('releases from its own ledger; prod has nothing released yet', () => {
    expect(k8s(out.stacks['payments-dev'], 'kubernetes_deployment_v1', 'gateway-green').spec.template.spec.container[0].image).toBe('ghcr.io/acme/payments-gateway:3.3.0');
    expect(resources(out.stacks['payments-prod'], 'kubernetes_deployment_v1')).toEqual({});
    expect(k8s(out.stacks['payments-prod'], 'kubernetes_service_v1', 'gateway-blue')).toBeDefined();
  });
});
