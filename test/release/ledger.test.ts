import { ConfigurationError, ReleaseLedger } from '../../lib';
import { isIsoTime } from '../../lib/release/ledger';
import { formatLedger } from '../../lib/release/ledger-format';
import { errorOf } from '../helpers';
import { ledgerOf, released, tiers } from '../fixtures';

const liveIn = (version: string) => released(version, { history: [{ at: '2026-11-01T10:00:00Z', verb: 'switch', version, slot: 'blue' }] });

describe('ReleaseLedger', () => {
  test('reads slots, live slot, weight, approvals and history', () => {
    const l = ledgerOf({
      app: 'shop',
      tiers: {
        dev: { api: { blue: '1.0.0', green: '1.1.0', live: 'green', weight: 10, approvals: [], history: [
          { at: '2026-11-01T10:00:00Z', verb: 'switch', version: '1.0.0', slot: 'blue', by: 'ci' },
        ] } },
      },
    });
    expect(l.release('dev', 'api')).toMatchObject({ blue: '1.0.0', green: '1.1.0', live: 'green', weight: 10 });
    expect(l.wasLive('dev', 'api', '1.0.0')).toBe(true);
    expect(l.wasLive('dev', 'api', '1.1.0')).toBe(true);
    expect(l.wasLive('dev', 'api', '0.9.0')).toBe(false);
    expect(l.servicesIn('dev')).toEqual(['api']);
    expect(l.release('prod', 'api')).toBeUndefined();
  });

  test('a version enters a tier once it was live in the tier before, with an approval where the tier asks for one', () => {
    const l = ledgerOf({
      app: 'shop',
      tiers: {
        dev: { api: liveIn('2.0.0') },
        staging: { api: liveIn('2.0.0') },
        prod: { api: released('2.0.0', { approvals: [{ version: '2.0.0', by: 'dana', at: '2026-11-02T10:00:00Z' }] }) },
      },
    });
    expect(l.isApproved('prod', 'api', '2.0.0')).toBe(true);
  });

  test('reads a retired idle slot, and keeps the field out when false', () => {
    const l = ledgerOf({ app: 'shop', tiers: { dev: { api: released('1.0.0', { green: '0.9.0', retired: true }), web: released('2.0.0', { retired: false }) } } });
    expect(l.release('dev', 'api')).toMatchObject({ blue: '1.0.0', green: '0.9.0', live: 'blue', retired: true });
    expect(l.release('dev', 'web')).not.toHaveProperty('retired');
  });

  test('accepts an entry that holds only approvals (recorded before the first release in the tier)', () => {
    const l = ledgerOf({
      app: 'shop',
      tiers: {
        dev: { api: liveIn('2.0.0') },
        staging: { api: liveIn('2.0.0') },
        prod: { api: { live: 'blue', weight: 0, approvals: [{ version: '2.0.0', by: 'dana', at: '2026-11-02T10:00:00Z' }], history: [] } },
      },
    });
    expect(l.isApproved('prod', 'api', '2.0.0')).toBe(true);
    expect(l.wasLive('prod', 'api', '2.0.0')).toBe(false);
  });

  test.each<[string, unknown, string]>([
    ['an unknown tier', { app: 'shop', tiers: { production: { api: released() } } },
      '[releases.json: tiers] tier "production" is not known: use one of dev, staging, prod, or remove it from the ledger'],
    ['an empty live slot', { app: 'shop', tiers: { dev: { api: { green: '1.0.0', live: 'blue' } } } },
      '[releases.json: tiers.dev.api] live slot "blue" has no version: stage a version into blue first, or set "live" to the slot that has one'],
    ['traffic to an empty slot', { app: 'shop', tiers: { dev: { api: released('1.0.0', { weight: 20 }) } } },
      '[releases.json: tiers.dev.api.weight] weight 20 sends traffic to idle slot green, which holds no version: stage a version into green first (switchyard stage api <version> --tier dev), or keep the weight at 0'],
    ['a skipped tier', { app: 'shop', tiers: { dev: { api: liveIn('1.0.0') }, staging: { api: released('1.1.0') } } },
      '[releases.json: tiers.staging.api.blue] version "1.1.0" was never live in tier "dev": release it in "dev" first (stage, then switch), then promote it to "staging"'],
    ['a missing approval', { app: 'shop', tiers: { dev: { api: liveIn('1.0.0') }, staging: { api: liveIn('1.0.0') }, prod: { api: released('1.0.0') } } },
      '[releases.json: tiers.prod.api.blue] version "1.0.0" has no approval for tier "prod": record one: switchyard approve api 1.0.0 --tier prod --by <name>'],
    ['a weight out of range', { app: 'shop', tiers: { dev: { api: released('1.0.0', { weight: 120 }) } } },
      '[releases.json: tiers.dev.api.weight] weight 120 is not a percentage: use a whole number from 0 to 100 (the share of traffic sent to the idle slot)'],
    ['a slot that is not blue or green', { app: 'shop', tiers: { dev: { api: released('1.0.0', { live: 'red' }) } } },
      '[releases.json: tiers.dev.api.live] live slot "red" is not a slot: use "blue" or "green"'],
    ['an unknown field', { app: 'shop', tiers: { dev: { api: released('1.0.0', { color: 'x' }) } } },
      '[releases.json: tiers.dev.api] unknown field "color": use only blue, green, live, weight, retired, approvals, history, requires'],
    ['retired that is not a boolean', { app: 'shop', tiers: { dev: { api: released('1.0.0', { green: '0.9.0', retired: 'yes' }) } } },
      '[releases.json: tiers.dev.api.retired] retired "yes" is not true or false: use true (the idle slot is scaled to zero) or leave the field out'],
    ['a retired slot without a version', { app: 'shop', tiers: { dev: { api: released('1.0.0', { retired: true }) } } },
      '[releases.json: tiers.dev.api.retired] idle slot green is marked retired (true) but holds no version: leave "retired" out (an empty slot has nothing to scale down), or stage a version into green'],
    ['traffic to a retired slot', { app: 'shop', tiers: { dev: { api: released('1.0.0', { green: '0.9.0', retired: true, weight: 5 }) } } },
      '[releases.json: tiers.dev.api.weight] weight 5 sends traffic to idle slot green (0.9.0), which is retired: stage a version into green again first (switchyard stage api <version> --tier dev), or keep the weight at 0'],
    ['an entry whose only version is in the idle slot', { app: 'shop', tiers: { dev: { api: { green: '1.0.0', live: 'blue', approvals: [{ version: '1.0.0', by: 'dana', at: '2026-11-01T10:00:00Z' }] } } } },
      '[releases.json: tiers.dev.api] live slot "blue" has no version: stage a version into blue first, or set "live" to the slot that has one'],
    ['a version with a space', { app: 'shop', tiers: { dev: { api: released('1.0 beta') } } },
      '[releases.json: tiers.dev.api.blue] version "1.0 beta" is not a version: use a version such as "1.4.2" (letters, digits, ".", "-", "_"; at most 128) or an image digest "sha256:<64 hex digits>"'],
  ])('refuses %s', (_what, data, message) => {
    expect(() => ledgerOf(data)).toThrow(ConfigurationError);
    expect(errorOf(() => ledgerOf(data))).toBe(message);
  });

  test('refuses a file that is not JSON, naming the file', () => {
    expect(errorOf(() => ReleaseLedger.parse('{"app": "shop",', tiers(), 'shop/releases.json'))).toMatch(
      /^\[shop\/releases\.json\] the release ledger is not valid JSON: "line 1, column 16: the text ends where a string in double quotes should come \(is the file cut short\?\)": fix the file there/);
  });
});

describe('the ledger\'s times and extensions', () => {
  test.each([
    ['2026-11-20T14:00:00Z', true], ['2026-11-20T14:00Z', true], ['2024-02-29T23:59:59.123+02:00', true],
    ['2026-02-29T10:00:00Z', false], ['2026-02-30T25:61:00Z', false], ['2026-13-01T10:00:00Z', false], ['2026-04-31T10:00:00Z', false],
    ['2026-11-20T24:00:00Z', false], ['2026-11-20T10:60:00Z', false], ['2026-11-20T10:00:60Z', false], ['2026-11-20T10:00:00+25:00', false],
    ['2026-11-20 10:00:00Z', false], ['2026-11-20T10:00:00', false],
  ])('%s is a time that exists: %s', (text, ok) => {
    expect(isIsoTime(text)).toBe(ok);
  });

  test('fields of the user\'s own (x-...) are kept as they are by every write', () => {
    const text = '{\n  "app": "shop",\n  "tiers": {},\n  "x-owner": { "team": "payments", "pager": ["ana", "dana"] },\n  "x-note": "frozen until 2027-01-05"\n}\n';
    const ledger = ReleaseLedger.parse(text, tiers());
    expect(ledger.data.extensions).toEqual({ 'x-owner': { team: 'payments', pager: ['ana', 'dana'] }, 'x-note': 'frozen until 2027-01-05' });
    const written = formatLedger(ledger.data, tiers());
    expect(ReleaseLedger.parse(written, tiers()).data).toEqual(ledger.data);
    expect(written).toContain('"x-note": "frozen until 2027-01-05"');
  });
});
