import { BENCH_APP, benchApp, serviceNames } from './support/bench-app';
import { errorOf, resources, synth } from './helpers';

describe('the benchmark\'s generated app (test/support/bench-app.ts)', () => {
  test('N services, each with a Postgres and a queue or a cache, released in every tier', () => {
    const out = synth((app) => benchApp(app, 2));
    expect(Object.keys(out.stacks).filter((s) => s.startsWith(`${BENCH_APP}-`)).sort()).toEqual(['bench-dev', 'bench-prod', 'bench-staging']);
    for (const tier of ['dev', 'staging', 'prod']) {
      const stack = out.stacks[`${BENCH_APP}-${tier}`];
      const deployments = Object.values(resources(stack, 'kubernetes_deployment_v1')).map((d) => d.metadata.name).sort();
      // dev binds the queue in the cluster (its messaging Deployment), staging and prod to SQS.
      expect(deployments).toEqual([...(tier === 'dev' ? ['messaging'] : []), 'svc-1-blue', 'svc-2-blue']);
    }
    const prod = out.stacks['bench-prod'];
    expect(Object.keys(resources(prod, 'aws_db_instance'))).toHaveLength(2);
    expect(Object.values(resources(prod, 'aws_sqs_queue')).map((q) => q.name).sort()).toEqual(['bench-prod-alerts-dlq', 'bench-prod-jobs-1', 'bench-prod-jobs-1-dlq']);
    expect(Object.keys(resources(prod, 'aws_elasticache_replication_group'))).toHaveLength(1);
  });

  test('refuses a count it cannot name', () => {
    expect(serviceNames(3)).toEqual(['svc-1', 'svc-2', 'svc-3']);
    expect(errorOf(() => synth((app) => benchApp(app, 0)))).toBe('bench app: the number of services 0 is not valid: use a whole number from 1 to 99');
  });
});
