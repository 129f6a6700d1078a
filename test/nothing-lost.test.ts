/**
 * Nothing lost: in protected tiers (prod) every stateful resource Switchyard
 * makes survives a `terraform destroy`, a replacing change and a console
 * click; no stack carries a secret literal. Over every example, every tier,
 * plus Aurora (which no example uses).
 */
import { scanForSecrets } from './secret-scan';
import { STATEFUL_AWS_TYPES, STATELESS_TYPES, statefulResources, synthAurora, synthExamples } from './stateful';
import { StackJson, Synth } from './helpers';

let all: Record<string, Synth>;
beforeAll(() => {
  all = { ...synthExamples(), aurora: synthAurora() };
});

/** Every stack of every synth whose name ends in `-<tier>`, as `[example/stack, json]`. */
function stacksOf(tier?: string): Array<[string, StackJson]> {
  return Object.entries(all).flatMap(([example, out]) => Object.entries(out.stacks)
    .filter(([name]) => tier === undefined || name.endsWith(`-${tier}`))
    .map(([name, json]): [string, StackJson] => [`${example}/${name}`, json]));
}

/** The resources of `type` in the stacks of `tier`, as `[example/stack address, resource]`. */
function resourcesOf(type: string, tier: string): Array<[string, any]> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return stacksOf(tier).flatMap(([where, s]) => Object.entries<any>(s.resource?.[type] ?? {}).map(([name, r]): [string, any] => [`${where} ${type}.${name}`, r])); // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** What each stateful type must have in prod, in Terraform's own terms, beside `prevent_destroy`. */
const PROD: Readonly<Record<string, Record<string, unknown>>> = {
  aws_db_instance: { deletion_protection: true, skip_final_snapshot: false, final_snapshot_identifier: expect.stringMatching(/-final$/), backup_retention_period: 14 },
  aws_rds_cluster: { deletion_protection: true, skip_final_snapshot: false, final_snapshot_identifier: expect.stringMatching(/-final$/), backup_retention_period: 14 },
  aws_rds_cluster_instance: {},
  // SQS has no deletion protection or snapshot: prevent_destroy is all there is.
  aws_sqs_queue: {},
  // ElastiCache has no deletion protection: a final snapshot and daily snapshots instead.
  aws_elasticache_replication_group: { final_snapshot_identifier: expect.stringMatching(/-final$/), snapshot_retention_limit: 14 },
  // The longest wait before a scheduled deletion, so a mistake can be cancelled.
  aws_kms_key: { deletion_window_in_days: 30 },
  aws_s3_bucket: { force_destroy: false },
  aws_secretsmanager_secret: { recovery_window_in_days: 30 },
  aws_secretsmanager_secret_version: {},
  aws_eks_cluster: { deletion_protection: true },
};

describe('nothing lost in prod', () => {
  test('every stateful type has its checks', () => {
    expect(Object.keys(PROD).sort()).toEqual(Object.keys(STATEFUL_AWS_TYPES).sort());
  });

  test.each(Object.keys(PROD))('%s: prevent_destroy, deletion protection and final snapshots where the service has them', (type) => {
    const found = resourcesOf(type, 'prod');
    expect(found.length).toBeGreaterThan(0);
    for (const [where, r] of found) {
      expect({ where, prevent_destroy: r.lifecycle?.prevent_destroy }).toEqual({ where, prevent_destroy: true });
      expect({ where, ...r }).toMatchObject({ where, ...PROD[type] });
    }
  });

  test('staging keeps none of it: its stateful resources can be torn down', () => {
    let seen = 0;
    for (const type of Object.keys(PROD)) {
      for (const [where, r] of resourcesOf(type, 'staging')) {
        seen++;
        expect({ where, prevent_destroy: r.lifecycle?.prevent_destroy ?? false }).toEqual({ where, prevent_destroy: false });
        if ('deletion_protection' in r) expect({ where, deletion_protection: r.deletion_protection }).toEqual({ where, deletion_protection: false });
        if ('skip_final_snapshot' in r) expect({ where, skip_final_snapshot: r.skip_final_snapshot }).toEqual({ where, skip_final_snapshot: true });
      }
    }
    expect(seen).toBeGreaterThan(10);
  });

  test('the in-cluster stores of dev are there, and are not where prod keeps its data', () => {
    const dev = stacksOf('dev').flatMap(([where, s]) => statefulResources(s).map((r) => `${where} ${r.address}`));
    expect(dev).toEqual(expect.arrayContaining([
      'shop/shop-dev kubernetes_manifest.orders_postgres',
      'shop/shop-dev helm_release.sessions_cache',
      'app-team/payments-dev kubernetes_manifest.ledger_postgres',
    ]));
    const prodInCluster = stacksOf('prod').flatMap(([where, s]) => statefulResources(s).filter((r) => !(r.type in STATEFUL_AWS_TYPES)).map((r) => `${where} ${r.address}`));
    expect(prodInCluster).toEqual([]);
  });

  test('every resource type Switchyard makes is classified as stateful or not', () => {
    const types = new Set(stacksOf().flatMap(([, s]) => Object.keys(s.resource ?? {})));
    const unclassified = [...types].filter((t) => !(t in STATEFUL_AWS_TYPES) && !STATELESS_TYPES.includes(t)).sort();
    // A new type: add it to STATEFUL_AWS_TYPES (and protect it in protected tiers) or to STATELESS_TYPES, in test/stateful.ts.
    expect(unclassified).toEqual([]);
  });
});

describe('no secret literal in any synthesized stack', () => {
  test('every stack of every example, every tier, is clean', () => {
    const stacks = stacksOf();
    expect(stacks.length).toBeGreaterThan(20);
    const findings = stacks.flatMap(([where, s]) => scanForSecrets(s).map((f) => `${where}: ${f}`));
    expect(findings).toEqual([]);
  });

  test('a chart default that is a known password is overridden: Grafana\'s admin password is generated in the cluster', () => {
    const releases = stacksOf().flatMap(([, s]) => Object.values<any>(s.resource?.helm_release ?? {})).filter((r) => r.chart === 'kube-prometheus-stack'); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(releases.length).toBeGreaterThan(0);
    // kube-prometheus-stack sets grafana.adminPassword to "prom-operator"; empty makes the Grafana chart generate one.
    for (const r of releases) expect(JSON.parse(r.values[0]).grafana.adminPassword).toBe('');
  });
});
