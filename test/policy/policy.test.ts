import * as fs from 'fs';
import * as path from 'path';
import { App, ConfigurationError, Policy, TierStack } from '../../lib';
import { POLICY_REPORT_FILE, PolicyError, PolicyReport, SUPPRESS_METADATA } from '../../lib/exports/policy';
import { Aspects, Construct } from '../../lib/private/cdk';
import { errorOf, tempDir } from '../helpers';
import { raw, tierStack } from './support';

/**
 * A queue with neither encryption nor a dead-letter queue (but kept from destruction), inside
 * `<stack>/orders/queue`: two findings (SY-SQS-1, SY-SQS-2), and in protected tiers a third (SY-KMS-2: no key of its own).
 */
function badQueue(stack: TierStack): Construct {
  const owner = new Construct(stack, 'orders');
  raw(owner, 'queue', 'aws_sqs_queue', { name: 'orders', lifecycle: { prevent_destroy: true } }, stack.aws);
  return owner;
}

/** A new app writing to a fresh folder, with one stack of `tier` built by `build`. */
function appWith(tier: string, build: (stack: TierStack) => void, config: { skipValidation?: boolean } = {}): { app: App; outdir: string } {
  const outdir = path.join(tempDir(), 'cdktf.out');
  const app = new App({ outdir, ...config });
  build(tierStack(tier, app));
  return { app, outdir };
}

const report = (outdir: string): PolicyReport => JSON.parse(fs.readFileSync(path.join(outdir, POLICY_REPORT_FILE), 'utf8'));

describe('severity by tier', () => {
  test('severity follows the profile: errors where dependencies are managed or data protected, warnings elsewhere', () => {
    const { tiers } = jest.requireActual('../fixtures') as typeof import('../fixtures');
    const t = tiers();
    expect(t.names.map((n) => Policy.severityIn(t.get(n)))).toEqual(['warning', 'error', 'error']);
    expect(Policy.severityIn({ ...t.get('dev').profile, deletionProtection: true })).toBe('error');
  });

  test('dev: findings are warnings; the synth succeeds, annotates the resource and reports them', () => {
    const { app, outdir } = appWith('dev', (s) => { badQueue(s); });
    app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    const warnings = manifest.stacks['things-dev'].annotations.filter((a: { level: string }) => a.level === '@cdktf/warn');
    expect(warnings.map((a: { constructPath: string; message: string }) => [a.constructPath, a.message.split(':')[0]])).toEqual([
      ['things-dev/orders/queue', 'SY-SQS-1 aws_sqs_queue.queue'],
      ['things-dev/orders/queue', 'SY-SQS-2 aws_sqs_queue.queue'],
    ]);
    expect(warnings[0].message).toBe('SY-SQS-1 aws_sqs_queue.queue: neither sqs_managed_sse_enabled nor kms_master_key_id is set: set sqs_managed_sse_enabled = true, or kms_master_key_id to a KMS key for SSE-KMS (an error in tiers that bind managed services; if it does not apply, Policy.suppress(construct, "SY-SQS-1", reason))');
    expect(report(outdir).summary).toEqual({ errors: 0, warnings: 2, suppressed: 0 });
  });

  test('prod: findings are errors; the synth fails naming rule, path, address and fix, and writes nothing', () => {
    const { app, outdir } = appWith('prod', (s) => { badQueue(s); });
    const message = errorOf(() => app.synth());
    expect(message).toContain('Switchyard policy: 3 findings are errors in tier prod, where findings fail the synth.');
    expect(message).toContain('SY-SQS-1 [things-prod/orders/queue] aws_sqs_queue.queue (stack things-prod, tier prod): neither sqs_managed_sse_enabled nor kms_master_key_id is set: set sqs_managed_sse_enabled = true, or kms_master_key_id to a KMS key for SSE-KMS');
    expect(message).toContain('SY-SQS-2 [things-prod/orders/queue] aws_sqs_queue.queue (stack things-prod, tier prod): redrive_policy is not set, and no queue of this stack uses this one as its dead-letter queue: give it a dead-letter queue');
    expect(message).toContain('SY-KMS-2 [things-prod/orders/queue] aws_sqs_queue.queue (stack things-prod, tier prod): kms_master_key_id is undefined, so a key AWS owns or manages encrypts the queue\'s messages');
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('prod fails even when the cdktf CLI asks synth to go on past error annotations', () => {
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = 'true';
    try {
      const { app } = appWith('prod', (s) => { badQueue(s); });
      expect(errorOf(() => app.synth())).toContain('SY-SQS-1 [things-prod/orders/queue]');
    } finally {
      delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    }
  });

  test('prod fails even when the app skips validations', () => {
    const { app, outdir } = appWith('prod', (s) => { badQueue(s); }, { skipValidation: true });
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).findings.map((f) => f.rule)).toEqual(['SY-KMS-2', 'SY-SQS-1', 'SY-SQS-2']);
    expect((error as PolicyError).message).toContain('SY-SQS-2 [things-prod/orders/queue]');
    expect(fs.existsSync(outdir)).toBe(false);
  });
});

test('an aspect added after the stack was built cannot change a resource behind the pack\'s back', () => {
  const { app } = appWith('prod', (s) => {
    const owner = new Construct(s, 'orders');
    const queue = raw(owner, 'queue', 'aws_sqs_queue', { name: 'orders', sqs_managed_sse_enabled: true, redrive_policy: '{}', lifecycle: { prevent_destroy: true } }, s.aws);
    // Runs after everything the stack added at construction: it turns encryption off at synth.
    Aspects.of(s).add({ visit: (node) => { if (node === queue) queue.addOverride('sqs_managed_sse_enabled', false); } });
  });
  const message = errorOf(() => app.synth());
  expect(message).toContain('SY-SQS-1 [things-prod/orders/queue] aws_sqs_queue.queue (stack things-prod, tier prod): sqs_managed_sse_enabled is false');
});

describe('suppressions', () => {
  test('a suppression with a reason covers the construct and its children, and the report lists it with the reason', () => {
    const { app, outdir } = appWith('prod', (s) => {
      const owner = badQueue(s);
      Policy.suppress(owner, ['SY-SQS-1', 'SY-SQS-2', 'SY-KMS-2'], 'load-test queue, deleted after the run');
    });
    app.synth();
    const r = report(outdir);
    expect(r.summary).toEqual({ errors: 0, warnings: 0, suppressed: 3 });
    expect(r.findings.map((f) => [f.rule, f.severity, f.suppressed, f.reason])).toEqual([
      ['SY-KMS-2', 'error', true, 'load-test queue, deleted after the run'],
      ['SY-SQS-1', 'error', true, 'load-test queue, deleted after the run'],
      ['SY-SQS-2', 'error', true, 'load-test queue, deleted after the run'],
    ]);
  });

  test('a suppression covers only the rule it names', () => {
    const { app } = appWith('prod', (s) => { Policy.suppress(badQueue(s), 'SY-SQS-1', 'SSE is set by an account-wide SCP'); });
    const message = errorOf(() => app.synth());
    expect(message).toContain('2 findings are errors');
    expect(message).toContain('SY-SQS-2 [things-prod/orders/queue]');
    expect(message).not.toContain('SY-SQS-1');
  });

  test.each([
    ['', '[things-prod/orders] suppression of SY-SQS-1 has an empty reason "": say why SY-SQS-1 does not apply here: Policy.suppress(construct, "SY-SQS-1", "<why>"); the reason goes into policy-report.json'],
    ['   ', '[things-prod/orders] suppression of SY-SQS-1 has an empty reason "   ": say why SY-SQS-1 does not apply here: Policy.suppress(construct, "SY-SQS-1", "<why>"); the reason goes into policy-report.json'],
  ])('an empty reason is refused (%j)', (reason, expected) => {
    const owner = badQueue(tierStack('prod'));
    expect(() => Policy.suppress(owner, 'SY-SQS-1', reason)).toThrow(ConfigurationError);
    expect(errorOf(() => Policy.suppress(owner, 'SY-SQS-1', reason))).toBe(expected);
    expect(owner.node.metadata).toEqual([]);
  });

  test('an unknown rule ID is refused with the IDs that exist', () => {
    const owner = badQueue(tierStack('prod'));
    expect(errorOf(() => Policy.suppress(owner, 'SY-RDS-99', 'typo'))).toBe(
      '[things-prod/orders] suppression names rule "SY-RDS-99", which the rule pack does not have: use one of SY-RDS-1..10, SY-SQS-1..2, SY-SNS-1..2, SY-CACHE-1..4, SY-EKS-1..3, SY-K8S-1..12, SY-EC2-1..4, SY-KMS-1..2, SY-LOGS-1..3, SY-DATA-1..2 (see docs/RULES.md)');
  });

  test('suppression metadata written by hand is held to the same rules at synth', () => {
    const { app } = appWith('dev', (s) => { badQueue(s).node.addMetadata(SUPPRESS_METADATA, { rule: 'SY-SQS-1', reason: '' }); });
    expect(errorOf(() => app.synth())).toContain('[things-dev/orders] suppression of SY-SQS-1 has an empty reason ""');
  });
});

describe('turning the rule pack off', () => {
  test('only explicitly, with a reason: nothing is checked under the scope and the report says why', () => {
    const { app, outdir } = appWith('prod', (s) => { badQueue(s); Policy.disable(s, 'scratch stack for a load test'); });
    app.synth();
    const r = report(outdir);
    expect(r.findings).toEqual([]);
    expect(r.disabled).toEqual([{ path: 'things-prod', reason: 'scratch stack for a load test' }]);
  });

  test('an empty reason is refused', () => {
    const s = tierStack('prod');
    expect(errorOf(() => Policy.disable(s, ''))).toBe('[things-prod] Policy.disable has an empty reason "": say why the rule pack must not run here, e.g. "scratch stack for a load test, destroyed after the run"');
  });
});

describe('policy-report.json', () => {
  test('is written with the synth, beside the manifest, one entry per finding', () => {
    const { app, outdir } = appWith('dev', (s) => { badQueue(s); });
    app.synth();
    const r = report(outdir);
    expect(r.version).toBe(1);
    expect(r.severityRule).toBe('error (fails the synth) in tiers whose profile has binding "managed" or deletionProtection; warning elsewhere');
    expect(r.findings[0]).toEqual({
      rule: 'SY-SQS-1',
      title: 'SQS queue encrypted at rest',
      severity: 'warning',
      tier: 'dev',
      stack: 'things-dev',
      path: 'things-dev/orders/queue',
      address: 'aws_sqs_queue.queue',
      message: 'neither sqs_managed_sse_enabled nor kms_master_key_id is set',
      fix: 'set sqs_managed_sse_enabled = true, or kms_master_key_id to a KMS key for SSE-KMS',
      suppressed: false,
    });
    expect(r.rules.map((x) => x.id)).toEqual(Policy.rules.map((x) => x.id));
    expect(r.rules.find((x) => x.id === 'SY-RDS-1')).toEqual({ id: 'SY-RDS-1', title: 'RDS/Aurora storage encrypted at rest', checkov: ['CKV_AWS_16', 'CKV_AWS_96'], fsbp: ['RDS.3', 'RDS.27'] });
  });

  test('a second synth of the same app reports each finding once', () => {
    const { app, outdir } = appWith('dev', (s) => { badQueue(s); });
    app.synth();
    app.synth();
    expect(report(outdir).findings.map((f) => f.rule)).toEqual(['SY-SQS-1', 'SY-SQS-2']);
  });
});
