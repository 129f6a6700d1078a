/**
 * AWS facts the synthesized stacks rely on, against what AWS and the tools
 * publish (test/data/upstream/aws): every CloudWatch alarm watches a metric
 * AWS publishes in its namespace, with one of the sets of dimensions AWS
 * publishes it with, in its unit.
 */
import { Policy, Postgres } from '../../lib';
import { EXAMPLES } from '../examples-list';
import { appStack, ledgerOf, tiers } from '../fixtures';
import { exampleOutput, resources, StackJson, synth } from '../helpers';
import { awsData } from './upstream';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Metric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: string[][];
  readonly unit: string;
}

const METRICS = (): Metric[] => awsData('cloudwatch-metrics').metrics;

/** What is wrong with an alarm against the metrics AWS publishes (empty when it fits). */
function alarmProblems(alarm: Json): string[] {
  const found = METRICS().filter((m) => m.namespace === alarm.namespace && m.name === alarm.metric_name);
  if (found.length === 0) return [`${alarm.namespace} ${alarm.metric_name}: AWS publishes no such metric (test/data/upstream/aws/cloudwatch-metrics.json)`];
  const dims = Object.keys(alarm.dimensions ?? {}).sort().join(',');
  const sets = found.flatMap((m) => m.dimensions.map((d) => [...d].sort().join(',')));
  if (!sets.includes(dims)) return [`${alarm.namespace} ${alarm.metric_name}: published with dimensions ${sets.map((s) => `[${s}]`).join(' or ')}, not [${dims}]`];
  const unit = found[0].unit;
  // A threshold on a byte metric is in bytes (the console shows megabytes; CloudWatch gets bytes).
  if (unit === 'Bytes' && !(alarm.threshold >= 1024 ** 2)) return [`${alarm.metric_name}: threshold ${alarm.threshold} is not a number of bytes`];
  if (unit === 'Percent' && !(alarm.threshold > 0 && alarm.threshold <= 100)) return [`${alarm.metric_name}: threshold ${alarm.threshold} is not a percentage`];
  return [];
}

function alarmsOf(stacks: Record<string, StackJson>): Array<{ where: string; alarm: Json }> {
  return Object.entries(stacks).flatMap(([stack, json]) => Object.entries<Json>(resources(json, 'aws_cloudwatch_metric_alarm'))
    .map(([name, alarm]) => ({ where: `${stack}: ${name}`, alarm })));
}

describe('CloudWatch alarms watch metrics AWS publishes', () => {
  test.each(Object.keys(EXAMPLES))('example %s', (name) => {
    const alarms = alarmsOf(exampleOutput(name).stacks);
    if (name !== 'platform-team') expect(alarms.length).toBeGreaterThan(0);
    expect(alarms.flatMap(({ where, alarm }) => alarmProblems(alarm).map((p) => `${where}: ${p}`))).toEqual([]);
  });

  test('an Aurora database\'s alarms, by cluster', () => {
    const staging = tiers().get('staging');
    const out = synth((app) => { new Postgres(appStack(app, staging, ledgerOf({ app: 'shop', tiers: {} })), 'orders', { engine: 'aurora' }); });
    const alarms = alarmsOf(out.stacks).filter(({ alarm }) => alarm.namespace === 'AWS/RDS');
    expect(alarms.length).toBeGreaterThan(0);
    expect(alarms.flatMap(({ where, alarm }) => alarmProblems(alarm).map((p) => `${where}: ${p}`))).toEqual([]);
  });

  test('the check finds a metric AWS does not publish, wrong dimensions and a threshold in the wrong unit', () => {
    expect(alarmProblems({ namespace: 'AWS/RDS', metric_name: 'FreeStorageSpace', dimensions: { DBClusterIdentifier: 'x' }, threshold: 2e9 }))
      .toEqual(['AWS/RDS FreeStorageSpace: published with dimensions [DBInstanceIdentifier], not [DBClusterIdentifier]']);
    expect(alarmProblems({ namespace: 'AWS/RDS', metric_name: 'FreeStorageSpace', dimensions: { DBInstanceIdentifier: 'x' }, threshold: 2 }))
      .toEqual(['FreeStorageSpace: threshold 2 is not a number of bytes']);
    expect(alarmProblems({ namespace: 'AWS/SQS', metric_name: 'ApproximateAgeOfOldestMessages', dimensions: { QueueName: 'q' } })[0]).toMatch(/AWS publishes no such metric/);
  });
});

describe('the policy rules name the Checkov checks that inspect the same resources', () => {
  test('each Checkov ID a rule names that the data holds checks one of the rule\'s resource types', () => {
    const checks = Object.values<{ id: string; resource_types: string[] }>(awsData('checkov').checks);
    const byId = new Map(checks.map((c) => [c.id, c]));
    let compared = 0;
    for (const rule of Policy.rules) {
      for (const id of rule.checkov) {
        const check = byId.get(id);
        if (!check) continue;
        compared++;
        expect([rule.id, id, check.resource_types.some((t) => rule.resourceTypes.includes(t))]).toEqual([rule.id, id, true]);
      }
    }
    // The checks of the rules this release added (customer-managed keys, a year of audit logs) are in the data.
    for (const id of ['CKV_AWS_191', 'CKV_AWS_149', 'CKV_AWS_338']) expect(byId.has(id)).toBe(true);
    expect(compared).toBeGreaterThanOrEqual(10);
  });
});
