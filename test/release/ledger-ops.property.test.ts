import * as assert from 'assert';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigurationError } from '../../lib/private/errors';
import { LedgerData, otherSlot, ReleaseLedger, ServiceRelease, SLOTS, versionIn } from '../../lib/release/ledger';
import {
  approve, LedgerContext, promote, retire, rollback, rollbackTarget, setWeight, stage, switchLive,
} from '../../lib/release/ledger-ops';
import { formatLedger } from '../../lib/release/ledger-format';
import { Tiers } from '../../lib/tier/tier';

// Only the ledger's modules are loaded here (not cdktf): these tests stay fast.
const ctx: LedgerContext = { tiers: Tiers.standard(), source: 'releases.json' };
const TIERS = ['dev', 'staging', 'prod'] as const;
const START = Date.parse('2026-12-01T00:00:00Z');
const EXAMPLE = fs.readFileSync(path.join(__dirname, '../../examples/shop/releases.json'), 'utf8');

/** One random step: a verb with every argument it might need. */
const stepArb = fc.record({
  // Weighted towards the steps that move a release forward, so sequences get past the first tier.
  verb: fc.constantFrom('stage', 'stage', 'switch', 'switch', 'rollback', 'rollback', 'weight', 'approve', 'approve', 'promote', 'promote', 'retire'),
  service: fc.constantFrom('api', 'web'),
  tier: fc.constantFrom('dev', 'dev', 'staging', 'prod'),
  // Promotion: mostly to the next tier, sometimes skipping one or going back.
  step: fc.constantFrom(1, 1, 1, 1, 2, 0),
  version: fc.constantFrom('1.0.0', '1.1.0', '1.2.0'),
  percent: fc.constantFrom(0, 10, 50, 100, 101),
  // Mostly forward in time; now and then a step before the last one.
  minutes: fc.integer({ min: -3, max: 20 }),
});
type RandomStep = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

function apply(d: LedgerData, s: RandomStep, at: string): LedgerData {
  const base = { service: s.service, tier: s.tier, by: 'prop', at };
  switch (s.verb) {
    case 'stage': return stage(d, ctx, { ...base, version: s.version });
    case 'switch': return switchLive(d, ctx, base);
    case 'rollback': return rollback(d, ctx, base);
    case 'weight': return setWeight(d, ctx, { ...base, percent: s.percent });
    case 'approve': return approve(d, ctx, { ...base, version: s.version });
    case 'promote': return promote(d, ctx, { service: s.service, from: s.tier, to: promotedTo(s), by: 'prop', at });
    default: return retire(d, ctx, base);
  }
}

const promotedTo = (s: RandomStep) => TIERS[(TIERS.indexOf(s.tier) + s.step) % TIERS.length];
/** The tier a step changes the slots of. */
const target = (s: RandomStep) => (s.verb === 'promote' ? promotedTo(s) : s.tier);

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

const entries = (d: LedgerData): Array<[string, ServiceRelease]> =>
  Object.entries(d.tiers).flatMap(([t, services]) => Object.entries(services).map(([svc, r]): [string, ServiceRelease] => [`${t}/${svc}`, r]));

describe('release steps, in random sequences', () => {
  test('keep the live slot filled, keep a rollback target from a switch until a retire or a stage, and leave the ledger alone when refused', () => {
    const accepted: Record<string, number> = {};
    fc.assert(fc.property(fc.boolean(), fc.array(stepArb, { minLength: 20, maxLength: 40 }), (fromExample, steps) => {
      // From nothing, or from the shop example (api live in every tier, a rollback target in dev).
      let d: LedgerData = deepFreeze(fromExample ? ReleaseLedger.parse(EXAMPLE, ctx.tiers).data : { app: 'shop', tiers: {} });
      let clock = START;
      // Per tier/service: the version a rollback must return to, while one exists.
      const expected = new Map<string, string>(fromExample ? [['dev/api', '1.4.0']] : []);
      for (const s of steps) {
        clock += s.minutes * 60_000;
        const at = new Date(clock).toISOString().replace('.000Z', 'Z');
        const key = `${target(s)}/${s.service}`;
        const before = JSON.stringify(d);
        const liveBefore = d.tiers[target(s)]?.[s.service];
        let next: LedgerData;
        try {
          next = deepFreeze(apply(d, s, at));
        } catch (e) {
          // Refused: a ConfigurationError (a frozen input turns any write into a TypeError), nothing changed.
          assert.ok(e instanceof ConfigurationError, `${s.verb}: ${String(e)}`);
          assert.strictEqual(JSON.stringify(d), before);
          if (s.verb === 'rollback' && expected.has(key)) assert.match(e.message, /is before the last event/);
          continue;
        }
        accepted[s.verb] = (accepted[s.verb] ?? 0) + 1;
        // The result passes the same rules as synth.
        ReleaseLedger.parse(formatLedger(next, ctx.tiers), ctx.tiers);
        const r = next.tiers[target(s)][s.service];
        if (s.verb === 'rollback') {
          // Only where a switch left a target, and back to the version live before it.
          assert.ok(expected.has(key), `rollback accepted without a target: ${key}`);
          assert.strictEqual(versionIn(r, r.live), expected.get(key));
        }
        if (s.verb === 'switch' || s.verb === 'rollback') {
          expected.set(key, versionIn(liveBefore!, liveBefore!.live)!);
        } else if (s.verb === 'stage' || s.verb === 'promote' || s.verb === 'retire') {
          expected.delete(key);
        }
        // Every step but weight and approve leaves the weight at 0 (retire is refused while it is not).
        if (s.verb !== 'weight' && s.verb !== 'approve') assert.strictEqual(r.weight, 0, `${key}: weight after ${s.verb}`);
        if ((s.verb === 'stage' || s.verb === 'promote') && liveBefore && versionIn(liveBefore, liveBefore.live)) {
          // Staging never touches the live slot.
          assert.deepStrictEqual([r.live, versionIn(r, r.live)], [liveBefore.live, versionIn(liveBefore, liveBefore.live)]);
        }
        for (const [k, e] of entries(next)) {
          if (SLOTS.some((slot) => versionIn(e, slot) !== undefined)) assert.ok(versionIn(e, e.live), `${k}: live slot ${e.live} is empty`);
          const times = e.history.map((h) => Date.parse(h.at));
          assert.deepStrictEqual(times, [...times].sort((a, b) => a - b), `${k}: history out of time order`);
          if (expected.has(k)) {
            assert.strictEqual(rollbackTarget(e), otherSlot(e.live), `${k}: no rollback target after a switch`);
            assert.strictEqual(versionIn(e, otherSlot(e.live)), expected.get(k));
          } else {
            assert.strictEqual(rollbackTarget(e), undefined, `${k}: a rollback target without a switch`);
          }
        }
        d = next;
      }
    }), { numRuns: 80 });
    // The sequences reach every kind of step, not only refusals.
    const rare = ['stage', 'switch', 'rollback', 'weight', 'approve', 'promote', 'retire'].filter((verb) => (accepted[verb] ?? 0) < 10);
    expect(rare).toEqual([]);
  });
});
