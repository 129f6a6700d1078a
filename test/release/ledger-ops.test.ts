import * as fs from 'fs';
import * as path from 'path';
import { ConfigurationError } from '../../lib/private/errors';
import { LedgerData, ReleaseLedger } from '../../lib/release/ledger';
import {
  abort, approve, LedgerContext, pendingApprovals, promote, retire, rollback, rollbackTarget, setWeight, stage, switchLive,
} from '../../lib/release/ledger-ops';
import { formatLedger } from '../../lib/release/ledger-format';
import { Tiers } from '../../lib/tier/tier';

const EXAMPLE = path.join(__dirname, '../../examples/shop/releases.json');
// Only the ledger's modules are loaded here (not cdktf): these tests stay fast.
const ctx: LedgerContext = { tiers: Tiers.standard(), source: 'releases.json' };
const AT = '2026-12-01T10:00:00Z';
const LATER = '2026-12-01T11:00:00Z';
const by = 'ana';

/** The message of the error `fn` throws (test/helpers has the same, but loads cdktf with the whole library). */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, but none was thrown');
}

/** The shop example's ledger: dev live green 1.5.0 (blue 1.4.0 before it), staging live blue 1.4.0 with 1.5.0 staged, prod live blue 1.4.0. */
function example(): LedgerData {
  return ReleaseLedger.parse(fs.readFileSync(EXAMPLE, 'utf8'), ctx.tiers).data;
}
const empty: LedgerData = { app: 'shop', tiers: {} };
const entry = (d: LedgerData, tier: string, service = 'api') => d.tiers[tier][service];
const lastEvent = (d: LedgerData, tier: string, service = 'api') => entry(d, tier, service).history.slice(-1)[0];
/** A ledger with `api` live in dev and staging at `version` (switched in), approved for prod or not. */
function readyForProd(version: string, approved: boolean): LedgerData {
  let d = stage(empty, ctx, { service: 'api', tier: 'dev', version, by, at: AT });
  d = promote(d, ctx, { service: 'api', from: 'dev', to: 'staging', by, at: AT });
  if (approved) d = approve(d, ctx, { service: 'api', tier: 'prod', version, by: 'dana', at: AT });
  return d;
}

describe('stage', () => {
  test('puts the version into the idle slot; the live slot, the other tiers and the approvals stay', () => {
    const before = example();
    const after = stage(before, ctx, { service: 'api', tier: 'dev', version: '1.6.0', by, at: AT, commitAt: '2026-12-01T09:00:00Z' });
    expect(entry(after, 'dev')).toMatchObject({ blue: '1.6.0', green: '1.5.0', live: 'green', weight: 0 });
    expect(lastEvent(after, 'dev')).toEqual({ at: AT, verb: 'stage', version: '1.6.0', slot: 'blue', by, commitAt: '2026-12-01T09:00:00Z' });
    expect(entry(after, 'dev').history).toHaveLength(entry(before, 'dev').history.length + 1);
    expect(after.tiers.staging).toEqual(before.tiers.staging);
    expect(after.tiers.prod).toEqual(before.tiers.prod);
  });

  test('the first release of a service in a tier goes into blue and is live at once (stage and switch recorded)', () => {
    const after = stage(empty, ctx, { service: 'api', tier: 'dev', version: '1.0.0', by, at: AT });
    expect(entry(after, 'dev')).toEqual({ blue: '1.0.0', live: 'blue', weight: 0, approvals: [], history: [
      { at: AT, verb: 'stage', version: '1.0.0', slot: 'blue', by },
      { at: AT, verb: 'switch', version: '1.0.0', slot: 'blue', by },
    ] });
    expect(ReleaseLedger.parse(JSON.stringify(after), ctx.tiers).wasLive('dev', 'api', '1.0.0')).toBe(true);
  });

  test('a first release keeps the approvals recorded before it', () => {
    let d = readyForProd('2.0.0', true);
    d = stage(d, ctx, { service: 'api', tier: 'prod', version: '2.0.0', by, at: LATER });
    expect(entry(d, 'prod')).toMatchObject({ blue: '2.0.0', live: 'blue', approvals: [{ version: '2.0.0', by: 'dana', at: AT }] });
    expect(entry(d, 'prod').history.map((e) => e.verb)).toEqual(['approve', 'stage', 'switch']);
  });

  test('resets the weight and clears a retired mark', () => {
    let d = retire(example(), ctx, { service: 'api', tier: 'dev', by, at: AT });
    d = stage(d, ctx, { service: 'api', tier: 'dev', version: '1.6.0', by, at: AT });
    expect(entry(d, 'dev')).not.toHaveProperty('retired');
    d = setWeight(d, ctx, { service: 'api', tier: 'dev', percent: 20, by, at: AT });
    d = stage(d, ctx, { service: 'api', tier: 'dev', version: '1.6.1', by, at: AT });
    expect(entry(d, 'dev')).toMatchObject({ blue: '1.6.1', weight: 0 });
  });

  test.each<[string, () => LedgerData, string]>([
    ['a version never live in the tier before', () => stage(example(), ctx, { service: 'api', tier: 'staging', version: '1.6.0', by, at: AT }),
      '[releases.json: tiers.staging.api] version "1.6.0" was never live in tier "dev": release it in "dev" first (stage, then switch), then promote it to "staging"'],
    ['a version without approval where the tier requires one', () => stage(readyForProd('2.0.0', false), ctx, { service: 'api', tier: 'prod', version: '2.0.0', by, at: AT }),
      '[releases.json: tiers.prod.api] version "2.0.0" has no approval for tier "prod": record one: switchyard approve api 2.0.0 --tier prod --by <name>'],
    ['the version that is already live', () => stage(example(), ctx, { service: 'api', tier: 'dev', version: '1.5.0', by, at: AT }),
      '[releases.json: tiers.dev.api] version "1.5.0" is already live in slot green: stage a different version (to go back to an earlier one: switchyard rollback api --tier dev)'],
    ['a step before the last event', () => stage(example(), ctx, { service: 'api', tier: 'dev', version: '1.6.0', by, at: '2026-11-16T10:00:00Z' }),
      '[releases.json: tiers.dev.api.history] time "2026-11-16T10:00:00Z" is before the last event (switch at 2026-11-16T10:20:00Z): history stays in time order: check the clock of this machine, or wait until after the last event'],
    ['an unknown tier', () => stage(example(), ctx, { service: 'api', tier: 'qa', version: '1.6.0', by, at: AT }),
      '[releases.json: tiers] tier "qa" is not known: use one of dev, staging, prod'],
    ['a version that is not a version', () => stage(example(), ctx, { service: 'api', tier: 'dev', version: '1.6 beta', by, at: AT }),
      '[releases.json: tiers.dev.api] version "1.6 beta" is not a version: use a version such as "1.4.2" (letters, digits, ".", "-", "_"; at most 128) or an image digest "sha256:<64 hex digits>"'],
    ['a commit time that is not a time', () => stage(example(), ctx, { service: 'api', tier: 'dev', version: '1.6.0', by, at: AT, commitAt: 'yesterday' }),
      '[releases.json: tiers.dev.api] commit time "yesterday" is not an ISO 8601 time: give it like "2026-11-20T14:00:00Z" (--commit-time)'],
    ['a service name that is not a name', () => stage(example(), ctx, { service: 'Api', tier: 'dev', version: '1.6.0', by, at: AT }),
      '[releases.json: tiers.dev.Api] service name "Api" is not valid: use the service name of its Deployments (`<service>-blue`): a DNS label such as "api"'],
    ['a step by nobody', () => stage(example(), ctx, { service: 'api', tier: 'dev', version: '1.6.0', by: ' ', at: AT }),
      '[releases.json: tiers.dev.api] who takes the step (" ") is not given: give a name with --by NAME, or set $SWITCHYARD_USER'],
    ['a step at no time', () => stage(example(), ctx, { service: 'api', tier: 'dev', version: '1.6.0', by, at: 'now' }),
      '[releases.json: tiers.dev.api] time "now" is not an ISO 8601 time: give it like "2026-11-20T14:00:00Z"'],
  ])('refuses %s', (_what, step, message) => {
    expect(step).toThrow(ConfigurationError);
    expect(errorOf(step)).toBe(message);
  });
});

describe('switch', () => {
  test('makes the idle slot live, resets the weight and records the version that went live', () => {
    let d = stage(example(), ctx, { service: 'api', tier: 'dev', version: '1.6.0', by, at: AT });
    d = setWeight(d, ctx, { service: 'api', tier: 'dev', percent: 10, by, at: AT });
    d = switchLive(d, ctx, { service: 'api', tier: 'dev', by, at: LATER });
    expect(entry(d, 'dev')).toMatchObject({ blue: '1.6.0', green: '1.5.0', live: 'blue', weight: 0 });
    expect(lastEvent(d, 'dev')).toEqual({ at: LATER, verb: 'switch', version: '1.6.0', slot: 'blue', by });
  });

  test.each<[string, () => LedgerData, string]>([
    ['a service with no release in the tier', () => switchLive(example(), ctx, { service: 'web', tier: 'dev', by, at: AT }),
      '[releases.json: tiers.dev.web] service "web" has no release in tier "dev": stage a version first: switchyard stage web <version> --tier dev'],
    ['an empty idle slot', () => switchLive(example(), ctx, { service: 'api', tier: 'prod', by, at: AT }),
      '[releases.json: tiers.prod.api] idle slot "green" holds no version: stage one first: switchyard stage api <version> --tier prod'],
    ['a retired idle slot', () => switchLive(retire(example(), ctx, { service: 'api', tier: 'dev', by, at: AT }), ctx, { service: 'api', tier: 'dev', by, at: AT }),
      '[releases.json: tiers.dev.api] idle slot "blue" (1.4.0) is retired: stage a version into it first: switchyard stage api <version> --tier dev'],
  ])('refuses %s', (_what, step, message) => {
    expect(errorOf(step)).toBe(message);
  });
});

describe('rollback', () => {
  test('flips back to the version live before the last switch', () => {
    const d = rollback(example(), ctx, { service: 'api', tier: 'dev', by, at: AT });
    expect(entry(d, 'dev')).toMatchObject({ blue: '1.4.0', green: '1.5.0', live: 'blue', weight: 0 });
    expect(lastEvent(d, 'dev')).toEqual({ at: AT, verb: 'rollback', version: '1.4.0', slot: 'blue', by });
    // A rollback of the rollback returns to where it was.
    expect(entry(rollback(d, ctx, { service: 'api', tier: 'dev', by, at: AT }), 'dev')).toMatchObject({ live: 'green' });
  });

  test.each<[string, () => LedgerData, string]>([
    ['a service with no release in the tier', () => rollback(empty, ctx, { service: 'api', tier: 'dev', by, at: AT }),
      '[releases.json: tiers.dev.api] service "api" has no release in tier "dev": stage a version first: switchyard stage api <version> --tier dev'],
    ['an empty idle slot', () => rollback(example(), ctx, { service: 'api', tier: 'prod', by, at: AT }),
      '[releases.json: tiers.prod.api] nothing to roll back to: idle slot "green" holds no version: a rollback returns to the version live before the last switch; release a fix instead: switchyard stage api <version> --tier prod'],
    ['a retired idle slot', () => rollback(retire(example(), ctx, { service: 'api', tier: 'dev', by, at: AT }), ctx, { service: 'api', tier: 'dev', by, at: AT }),
      '[releases.json: tiers.dev.api] nothing to roll back to: idle slot "blue" (1.4.0) was retired: stage it again to bring it back (switchyard stage api 1.4.0 --tier dev), then switch: switchyard switch api --tier dev'],
    ['a version staged since the last switch', () => rollback(example(), ctx, { service: 'api', tier: 'staging', by, at: AT }),
      '[releases.json: tiers.staging.api] nothing to roll back to: idle slot green holds "1.5.0", staged after the last switch: to put 1.5.0 live use switchyard switch api --tier staging'],
    ['a tier whose history has no switch', () => rollback({ app: 'shop', tiers: { dev: { api: { blue: '1.0.0', green: '1.1.0', live: 'blue', weight: 0, approvals: [], history: [] } } } }, ctx, { service: 'api', tier: 'dev', by, at: AT }),
      '[releases.json: tiers.dev.api] nothing to roll back to: the history of api in tier "dev" has no switch (idle slot green holds "1.1.0"): to put 1.1.0 live use switchyard switch api --tier dev'],
  ])('refuses %s', (_what, step, message) => {
    expect(errorOf(step)).toBe(message);
  });
});

describe('weight', () => {
  test('sends a share of the traffic to the idle slot and records it', () => {
    const d = setWeight(example(), ctx, { service: 'api', tier: 'staging', percent: 25, by, at: AT });
    expect(entry(d, 'staging')).toMatchObject({ live: 'blue', weight: 25 });
    expect(lastEvent(d, 'staging')).toEqual({ at: AT, verb: 'weight', version: '1.5.0', slot: 'green', weight: 25, by });
  });

  test.each<[string, () => LedgerData, string]>([
    ['more than 100 percent', () => setWeight(example(), ctx, { service: 'api', tier: 'staging', percent: 101, by, at: AT }),
      '[releases.json: tiers.staging.api.weight] weight 101 is not a percentage: use a whole number from 0 to 100 (the share of traffic sent to the idle slot)'],
    ['a fraction', () => setWeight(example(), ctx, { service: 'api', tier: 'staging', percent: 2.5, by, at: AT }),
      '[releases.json: tiers.staging.api.weight] weight 2.5 is not a percentage: use a whole number from 0 to 100 (the share of traffic sent to the idle slot)'],
    ['a negative share', () => setWeight(example(), ctx, { service: 'api', tier: 'staging', percent: -1, by, at: AT }),
      '[releases.json: tiers.staging.api.weight] weight -1 is not a percentage: use a whole number from 0 to 100 (the share of traffic sent to the idle slot)'],
    ['a service with no release in the tier', () => setWeight(empty, ctx, { service: 'api', tier: 'dev', percent: 5, by, at: AT }),
      '[releases.json: tiers.dev.api] service "api" has no release in tier "dev": stage a version first: switchyard stage api <version> --tier dev'],
    ['an empty idle slot', () => setWeight(example(), ctx, { service: 'api', tier: 'prod', percent: 5, by, at: AT }),
      '[releases.json: tiers.prod.api.weight] weight 5 sends traffic to idle slot green, which holds no version: stage a version into green first (switchyard stage api <version> --tier prod), or keep the weight at 0'],
    ['a retired idle slot', () => setWeight(retire(example(), ctx, { service: 'api', tier: 'dev', by, at: AT }), ctx, { service: 'api', tier: 'dev', percent: 5, by, at: AT }),
      '[releases.json: tiers.dev.api.weight] weight 5 sends traffic to idle slot blue (1.4.0), which is retired: stage a version into blue again first (switchyard stage api <version> --tier dev), or keep the weight at 0'],
  ])('refuses %s', (_what, step, message) => {
    expect(errorOf(step)).toBe(message);
  });
});

describe('approve', () => {
  test('records the approval in the tier, before the first release there too', () => {
    const d = approve(readyForProd('2.0.0', false), ctx, { service: 'api', tier: 'prod', version: '2.0.0', by: 'dana', at: LATER });
    expect(entry(d, 'prod')).toEqual({ live: 'blue', weight: 0, approvals: [{ version: '2.0.0', by: 'dana', at: LATER }], history: [
      { at: LATER, verb: 'approve', version: '2.0.0', by: 'dana' },
    ] });
  });

  test('adds to the approvals of a released service, and is allowed in a tier that does not require one', () => {
    let d = switchLive(example(), ctx, { service: 'api', tier: 'staging', by, at: AT });
    const before = entry(d, 'prod').approvals.map((a) => a.version);
    expect(before).not.toContain('1.5.0');
    d = approve(d, ctx, { service: 'api', tier: 'prod', version: '1.5.0', by: 'dana', at: AT });
    expect(entry(d, 'prod').approvals.map((a) => a.version)).toEqual([...before, '1.5.0']);
    d = approve(d, ctx, { service: 'api', tier: 'staging', version: '1.5.0', by: 'dana', at: AT });
    expect(entry(d, 'staging').approvals).toEqual([{ version: '1.5.0', by: 'dana', at: AT }]);
  });

  test.each<[string, () => LedgerData, string]>([
    ['a version never live in the tier before', () => approve(example(), ctx, { service: 'api', tier: 'prod', version: '1.5.0', by: 'dana', at: AT }),
      '[releases.json: tiers.prod.api] version "1.5.0" was never live in tier "staging", so there is nothing to approve yet: release it in "staging" first (stage or promote, then switch), then approve it for "prod"'],
    ['a second approval of the same version', () => approve(example(), ctx, { service: 'api', tier: 'prod', version: '1.4.0', by: 'dana', at: AT }),
      '[releases.json: tiers.prod.api.approvals] version "1.4.0" is already approved for tier "prod" (by dana at 2026-11-05T16:00:00Z): each version is approved once per tier; release it with switchyard stage api 1.4.0 --tier prod'],
  ])('refuses %s', (_what, step, message) => {
    expect(errorOf(step)).toBe(message);
  });
});

describe('promote', () => {
  test('stages the live version of a tier into the next one, recording where it came from', () => {
    const base = example();
    const { green: _staged, ...staging } = base.tiers.staging.api; // eslint-disable-line @typescript-eslint/no-unused-vars
    const d = promote({ ...base, tiers: { ...base.tiers, staging: { ...base.tiers.staging, api: staging } } }, ctx, { service: 'api', from: 'dev', to: 'staging', by, at: AT });
    expect(entry(d, 'staging')).toMatchObject({ blue: '1.4.0', green: '1.5.0', live: 'blue', weight: 0 });
    expect(lastEvent(d, 'staging')).toEqual({ at: AT, verb: 'promote', version: '1.5.0', slot: 'green', by, from: 'dev' });
  });

  test('with an approval it enters a tier that requires one; the first release there goes live', () => {
    const d = promote(readyForProd('2.0.0', true), ctx, { service: 'api', from: 'staging', to: 'prod', by, at: LATER });
    expect(entry(d, 'prod')).toMatchObject({ blue: '2.0.0', live: 'blue' });
    expect(entry(d, 'prod').history.map((e) => [e.verb, e.from])).toEqual([['approve', undefined], ['promote', 'staging'], ['switch', undefined]]);
  });

  test.each<[string, () => LedgerData, string]>([
    ['a version staged already', () => promote(example(), ctx, { service: 'api', from: 'dev', to: 'staging', by, at: AT }),
      '[releases.json: tiers.staging.api] version "1.5.0" is already staged in idle slot green: nothing to stage: deploy it, then switch to it: switchyard switch api --tier staging'],
    ['a skipped tier', () => promote(example(), ctx, { service: 'api', from: 'dev', to: 'prod', by, at: AT }),
      '[releases.json: tiers.prod.api] promoting from "dev" to "prod" would skip tier "staging": promote one tier at a time: switchyard promote api --from dev --to staging'],
    ['a missing approval', () => promote(readyForProd('2.0.0', false), ctx, { service: 'api', from: 'staging', to: 'prod', by, at: AT }),
      '[releases.json: tiers.prod.api] version "2.0.0" has no approval for tier "prod": record one: switchyard approve api 2.0.0 --tier prod --by <name>'],
    ['a tier backwards', () => promote(example(), ctx, { service: 'api', from: 'staging', to: 'dev', by, at: AT }),
      '[releases.json: tiers.dev.api] tier "dev" does not come after "staging" in the promotion order (dev, staging, prod): promote to the next tier: switchyard promote api --from staging --to prod'],
    ['a promotion from the last tier', () => promote(example(), ctx, { service: 'api', from: 'prod', to: 'prod', by, at: AT }),
      '[releases.json: tiers.prod.api] tier "prod" is the last in the promotion order (dev, staging, prod): there is no tier after it to promote to'],
    ['a tier with nothing live', () => promote(empty, ctx, { service: 'api', from: 'dev', to: 'staging', by, at: AT }),
      '[releases.json: tiers.dev.api] service "api" has no live version in tier "dev": release it there first: switchyard stage api <version> --tier dev'],
    ['an unknown source tier', () => promote(example(), ctx, { service: 'api', from: 'qa', to: 'staging', by, at: AT }),
      '[releases.json: tiers] tier "qa" is not known: use one of dev, staging, prod'],
    ['the version already live in the target tier', () => promote(readyForProd('2.0.0', false), ctx, { service: 'api', from: 'dev', to: 'staging', by, at: AT }),
      '[releases.json: tiers.staging.api] version "2.0.0" is already live in slot blue: stage a different version (to go back to an earlier one: switchyard rollback api --tier staging)'],
  ])('refuses %s', (_what, step, message) => {
    expect(errorOf(step)).toBe(message);
  });
});

describe('retire', () => {
  test('scales the idle slot to zero; there is no rollback target until the next stage', () => {
    expect(rollbackTarget(entry(example(), 'dev'))).toBe('blue');
    const d = retire(example(), ctx, { service: 'api', tier: 'dev', by, at: AT });
    expect(entry(d, 'dev')).toMatchObject({ blue: '1.4.0', live: 'green', retired: true });
    expect(lastEvent(d, 'dev')).toEqual({ at: AT, verb: 'retire', version: '1.4.0', slot: 'blue', by });
    expect(rollbackTarget(entry(d, 'dev'))).toBeUndefined();
  });

  test.each<[string, () => LedgerData, string]>([
    ['a service with no release in the tier', () => retire(empty, ctx, { service: 'api', tier: 'dev', by, at: AT }),
      '[releases.json: tiers.dev.api] service "api" has no release in tier "dev": stage a version first: switchyard stage api <version> --tier dev'],
    ['an empty idle slot', () => retire(example(), ctx, { service: 'api', tier: 'prod', by, at: AT }),
      '[releases.json: tiers.prod.api] idle slot "green" holds no version: nothing to retire: retire scales down the previous version after a switch; api in "prod" runs only its live slot blue'],
    ['a slot retired already', () => retire(retire(example(), ctx, { service: 'api', tier: 'dev', by, at: AT }), ctx, { service: 'api', tier: 'dev', by, at: AT }),
      '[releases.json: tiers.dev.api] idle slot "blue" (1.4.0) is already retired: nothing to do; the next version goes in with switchyard stage api <version> --tier dev'],
    ['a slot that takes traffic', () => retire(setWeight(example(), ctx, { service: 'api', tier: 'dev', percent: 10, by, at: AT }), ctx, { service: 'api', tier: 'dev', by, at: AT }),
      '[releases.json: tiers.dev.api] idle slot "blue" (1.4.0) takes 10% of the traffic: set the weight to 0 first: switchyard weight api 0 --tier dev'],
  ])('refuses %s', (_what, step, message) => {
    expect(errorOf(step)).toBe(message);
  });
});

describe('steps', () => {
  test('never change the ledger they are given', () => {
    const d = example();
    const text = JSON.stringify(d);
    stage(d, ctx, { service: 'api', tier: 'dev', version: '1.6.0', by, at: AT });
    switchLive(d, ctx, { service: 'api', tier: 'staging', by, at: AT });
    rollback(d, ctx, { service: 'api', tier: 'dev', by, at: AT });
    retire(d, ctx, { service: 'api', tier: 'dev', by, at: AT });
    expect(JSON.stringify(d)).toBe(text);
  });

  test('refuse a ledger that breaks the rules before the step', () => {
    const broken = { app: 'shop', tiers: { staging: { api: { blue: '9.9.9', live: 'blue', weight: 0, approvals: [], history: [] } } } } as LedgerData;
    expect(errorOf(() => switchLive(broken, ctx, { service: 'api', tier: 'staging', by, at: AT }))).toBe(
      '[releases.json: tiers.staging.api.blue] version "9.9.9" was never live in tier "dev": release it in "dev" first (stage, then switch), then promote it to "staging"');
  });
});

describe('pendingApprovals', () => {
  test('lists versions live in the tier before that wait for an approval, newest since the last approved', () => {
    let d = example();
    const pending = (x: LedgerData) => pendingApprovals(ReleaseLedger.parse(JSON.stringify(x), ctx.tiers), 'prod', 'api');
    expect(pending(d)).toEqual([]);
    d = switchLive(d, ctx, { service: 'api', tier: 'staging', by, at: AT });
    expect(pending(d)).toEqual(['1.5.0']);
    d = approve(d, ctx, { service: 'api', tier: 'prod', version: '1.5.0', by: 'dana', at: AT });
    expect(pending(d)).toEqual([]);
    expect(pendingApprovals(ReleaseLedger.parse(JSON.stringify(d), ctx.tiers), 'staging', 'api')).toEqual([]);
  });
});

describe('formatLedger', () => {
  test('writes the example ledger back byte for byte', () => {
    const text = fs.readFileSync(EXAMPLE, 'utf8');
    expect(formatLedger(ReleaseLedger.parse(text, ctx.tiers).data, ctx.tiers)).toBe(text);
  });

  test('orders tiers by promotion, services by name and keys as documented; retired only when true', () => {
    const d = { app: 'shop', tiers: {
      prod: {},
      dev: {
        web: { requires: { orders: { engineVersion: '17.11' } }, history: [], approvals: [], weight: 0, live: 'blue', blue: '2.0.0' },
        api: { retired: true, history: [{ by, slot: 'blue', verb: 'retire', at: AT, version: '1.0.0' }], approvals: [], weight: 0, live: 'green', green: '1.1.0', blue: '1.0.0' },
      },
    } } as unknown as LedgerData;
    expect(formatLedger(d, ctx.tiers)).toBe(`{
  "app": "shop",
  "tiers": {
    "dev": {
      "api": {
        "blue": "1.0.0",
        "green": "1.1.0",
        "live": "green",
        "weight": 0,
        "retired": true,
        "approvals": [],
        "history": [
          { "at": "${AT}", "verb": "retire", "version": "1.0.0", "slot": "blue", "by": "ana" }
        ]
      },
      "web": {
        "blue": "2.0.0",
        "live": "blue",
        "weight": 0,
        "approvals": [],
        "history": [],
        "requires": {
          "orders": {
            "engineVersion": "17.11"
          }
        }
      }
    },
    "prod": {}
  }
}
`);
  });
});

describe('a release that needs a dependency change', () => {
  test('stage records it in the entry, promote carries it to the next tier, and the file keeps it', () => {
    let d = stage(empty, ctx, { service: 'api', tier: 'dev', version: '3.0.0', by, at: AT });
    d = stage(d, ctx, { service: 'api', tier: 'dev', version: '3.1.0', by, at: LATER, requires: { orders: { engineVersion: '18' } } });
    expect(entry(d, 'dev').requires).toEqual({ orders: { engineVersion: '18' } });
    d = switchLive(d, ctx, { service: 'api', tier: 'dev', by, at: LATER });
    d = promote(d, ctx, { service: 'api', from: 'dev', to: 'staging', by, at: LATER });
    expect(entry(d, 'staging').requires).toEqual({ orders: { engineVersion: '18' } });
    expect(JSON.parse(formatLedger(d)).tiers.staging.api.requires).toEqual({ orders: { engineVersion: '18' } });
  });

  test('a later requirement of the same dependency overrides the setting, other settings stay', () => {
    let d = stage(empty, ctx, { service: 'api', tier: 'dev', version: '3.0.0', by, at: AT, requires: { orders: { engineVersion: '17' } } });
    d = stage(d, ctx, { service: 'api', tier: 'dev', version: '3.1.0', by, at: LATER, requires: { orders: { engineVersion: '18' }, sessions: { engineVersion: '9.0' } } });
    expect(entry(d, 'dev').requires).toEqual({ orders: { engineVersion: '18' }, sessions: { engineVersion: '9.0' } });
  });
});

describe('abort (a canary\'s rollback)', () => {
  const analysis = { verdict: 'fail' as const, window: '5m', version: '1.6.0', requests: 120, errorRatio: 0.1, p99Seconds: 0.25 };
  const canary = () => setWeight(stage(example(), ctx, { service: 'api', tier: 'dev', version: '1.6.0', by, at: AT }), ctx, { service: 'api', tier: 'dev', percent: 25, by, at: AT });

  test('withdraws the idle slot\'s traffic, keeps the live slot, and records the reason and the analysis', () => {
    const after = abort(canary(), ctx, { service: 'api', tier: 'dev', by: 'switchyard rollout', at: LATER, reason: '10% of requests failed (limit 5%)', analysis });
    expect(entry(after, 'dev')).toMatchObject({ blue: '1.6.0', green: '1.5.0', live: 'green', weight: 0 });
    expect(lastEvent(after, 'dev')).toEqual({ at: LATER, verb: 'abort', version: '1.6.0', slot: 'blue', weight: 0, by: 'switchyard rollout', reason: '10% of requests failed (limit 5%)', analysis });
    // Written and read back as it was; an abort changes no slot, so no rollback target either.
    expect(ReleaseLedger.parse(formatLedger(after, ctx.tiers), ctx.tiers).data).toEqual(after);
    expect(formatLedger(after, ctx.tiers)).toContain('"reason": "10% of requests failed (limit 5%)", "analysis": {"verdict":"fail","window":"5m","version":"1.6.0","requests":120,"errorRatio":0.1,"p99Seconds":0.25} }');
    expect(rollbackTarget(entry(after, 'dev'))).toBe(rollbackTarget(entry(canary(), 'dev')));
  });

  test('is refused when the idle slot takes no traffic', () => {
    expect(errorOf(() => abort(example(), ctx, { service: 'api', tier: 'dev', by, at: AT }))).toBe(
      '[releases.json: tiers.dev.api.weight] nothing to abort: idle slot blue takes "0%" of the traffic: an abort withdraws a canary\'s traffic; to go back to the version live before the last switch use switchyard rollback api --tier dev');
  });

  test.each<[string, unknown, string]>([
    ['a reason with a line break', { reason: 'bad\nforged line' }, 'reason "bad\\nforged line" is not one line of text'],
    ['an unknown verdict', { analysis: { ...analysis, verdict: 'meh' } }, 'verdict "meh" is not known'],
    ['a share above 1', { analysis: { ...analysis, errorRatio: 2 } }, 'errorRatio 2 is not valid'],
    ['an analysis field it does not know', { analysis: { ...analysis, note: 'x' } }, 'unknown field "note"'],
    ['no request count', { analysis: { verdict: 'pass', window: '5m', version: '1.6.0' } }, 'requests undefined is missing'],
  ])('a history event with %s is refused when the ledger is read', (_what, extra, message) => {
    const data = JSON.parse(formatLedger(canary(), ctx.tiers));
    Object.assign(data.tiers.dev.api.history.at(-1), extra);
    expect(errorOf(() => ReleaseLedger.parse(JSON.stringify(data), ctx.tiers))).toContain(message);
  });
});
