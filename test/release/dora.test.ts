import { ConfigurationError } from '../../lib';
import { HistoryEvent, LedgerData } from '../../lib/exports/ledger';
import {
  CHANGE_FAILURE_CLUSTERS, changeFailureBand, checkTimeOrder, deploymentsOf, doraMetrics, formatDuration, formatFrequency, frequencyBand,
  leadTimeBand, median, RECOVERY_LOW_CUT_MS, recoveryBand,
} from '../../lib/release/dora';
import { errorOf } from '../helpers';

const H = 3_600_000;
const D = 24 * H;
const TIERS = ['dev', 'staging', 'prod'];

/** A ledger with the given histories, e.g. { dev: { api: [...] } }. */
function ledger(histories: Record<string, Record<string, HistoryEvent[]>>): LedgerData {
  const tiers: Record<string, Record<string, any>> = {}; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const [tier, services] of Object.entries(histories)) {
    tiers[tier] = {};
    for (const [service, history] of Object.entries(services)) tiers[tier][service] = { blue: '1.0.0', live: 'blue', weight: 0, approvals: [], history };
  }
  return { app: 'shop', tiers };
}

const ev = (at: string, verb: HistoryEvent['verb'], version?: string, extra: Partial<HistoryEvent> = {}): HistoryEvent =>
  ({ at, verb, ...(version ? { version } : {}), ...extra });

const NOW = new Date('2026-11-11T00:00:00Z');

describe('DORA bands (Accelerate State of DevOps Report 2023)', () => {
  const M = 30 * D;
  // Each cut with the values just either side of it.
  test.each<[number, string]>([
    [3, 'elite'], [1.01, 'elite'],
    [1, 'high'], // once a day is the top of the high range, not "multiple deploys per day"
    [0.99, 'high'], [1 / 7, 'high'], // once a week: in high's and medium's ranges, the better one
    [1 / 7.01, 'medium'], [1 / 30, 'medium'],
    [1 / 30.01, 'low'], [0, 'low'],
  ])('deployment frequency %d per day is %s', (perDay, band) => expect(frequencyBand(perDay)).toBe(band));
  test.each<[number, string]>([
    [0, 'elite'], [D - 1, 'elite'],
    [D, 'high'], [7 * D, 'high'], // a week: the end of high's range and the start of medium's
    [7 * D + 1, 'medium'], [M, 'medium'],
    [M + 1, 'low'], [180 * D, 'low'],
  ])('lead time %d ms is %s', (ms, band) => expect(leadTimeBand(ms)).toBe(band));
  // Clusters at 5%, 10%, 15% and 64%: the nearest one, the better one at the exact middle.
  test.each<[number, string]>([
    [0, 'elite'], [0.05, 'elite'], [0.075, 'elite'], [3 / 40, 'elite'],
    [0.0751, 'high'], [0.10, 'high'], [1 / 8, 'high'],
    [0.1251, 'medium'], [0.15, 'medium'], [0.25, 'medium'], [0.395, 'medium'],
    [0.3951, 'low'], [0.5, 'low'], [0.64, 'low'], [1, 'low'],
  ])('change failure rate %d is %s', (rate, band) => expect(changeFailureBand(rate)).toBe(band));
  const cut = Math.sqrt(7 * 30) * D; // between a week (medium) and a month (low): about 14.5 days
  test.each<[number, string]>([
    [0, 'elite'], [H - 1, 'elite'],
    [H, 'high'], [D - 1, 'high'],
    [D, 'medium'], [7 * D, 'medium'], [14 * D, 'medium'], [cut, 'medium'],
    [cut + 1, 'low'], [15 * D, 'low'], [M, 'low'], [180 * D, 'low'],
  ])('recovery time %d ms is %s', (ms, band) => expect(recoveryBand(ms)).toBe(band));
  test('the recovery cut sits at the geometric mean of a week and a month', () => {
    expect(RECOVERY_LOW_CUT_MS / D).toBeCloseTo(14.49, 2);
    expect(CHANGE_FAILURE_CLUSTERS).toEqual([0.05, 0.10, 0.15, 0.64]);
  });
});

describe('deploymentsOf', () => {
  const data = ledger({
    dev: { api: [
      ev('2026-11-01T10:00:00Z', 'stage', '1.0.0', { commitAt: '2026-11-01T09:00:00Z', slot: 'blue' }),
      ev('2026-11-01T10:30:00Z', 'switch', '1.0.0', { slot: 'blue' }),
      ev('2026-11-02T10:00:00Z', 'stage', '1.1.0', { slot: 'green' }),
      ev('2026-11-02T12:00:00Z', 'switch', '1.1.0', { slot: 'green' }),
    ] },
    prod: { api: [
      ev('2026-11-03T10:00:00Z', 'promote', '1.0.0', { slot: 'blue', from: 'staging' }),
      ev('2026-11-03T11:00:00Z', 'switch', '1.0.0', { slot: 'blue' }),
      ev('2026-11-04T09:00:00Z', 'switch', '1.1.0', { slot: 'green' }),
      ev('2026-11-04T09:45:00Z', 'rollback', '1.0.0', { slot: 'blue' }),
      ev('2026-11-05T09:00:00Z', 'weight', undefined, { weight: 10 }),
      ev('2026-11-06T09:00:00Z', 'switch', '1.1.0', { slot: 'green' }),
      ev('2026-11-06T10:00:00Z', 'switch', '2.0.0', { slot: 'blue' }),
    ] },
  });

  test('lead time runs from the commit, else from the first stage of the version anywhere', () => {
    const dev = deploymentsOf(data, 'dev', 'api');
    expect(dev.map((d) => [d.version, d.leadTimeMs])).toEqual([['1.0.0', 1.5 * H], ['1.1.0', 2 * H]]);
    const prod = deploymentsOf(data, 'prod', 'api');
    // 1.0.0 was committed at 09:00 on the 1st; 1.1.0 has no commit time: its dev stage at 10:00 on the 2nd counts.
    expect(prod.map((d) => d.leadTimeMs)).toEqual([2 * D + 2 * H, 2 * D - H, 4 * D - H, undefined]);
  });

  test('a switch whose next live change is a rollback failed; recovery runs from the switch to the rollback', () => {
    const prod = deploymentsOf(data, 'prod', 'api');
    expect(prod.map((d) => [d.version, d.failed, d.recoveryMs])).toEqual([
      ['1.0.0', false, undefined], ['1.1.0', true, 45 * 60_000], ['1.1.0', false, undefined], ['2.0.0', false, undefined],
    ]);
  });
});

describe('aborted canaries', () => {
  const data = ledger({
    prod: { api: [
      ev('2026-11-03T10:00:00Z', 'stage', '1.1.0', { slot: 'green', commitAt: '2026-11-03T08:00:00Z' }),
      ev('2026-11-03T11:00:00Z', 'weight', '1.1.0', { slot: 'green', weight: 5 }),
      ev('2026-11-03T11:10:00Z', 'weight', '1.1.0', { slot: 'green', weight: 25 }),
      ev('2026-11-03T11:25:00Z', 'abort', '1.1.0', { slot: 'green', weight: 0, reason: '10% of requests failed (limit 5%)' }),
      ev('2026-11-04T10:00:00Z', 'stage', '1.1.1', { slot: 'green' }),
      ev('2026-11-04T11:00:00Z', 'weight', '1.1.1', { slot: 'green', weight: 5 }),
      ev('2026-11-04T11:30:00Z', 'switch', '1.1.1', { slot: 'green' }),
      // An abort of a canary that never took traffic is no deployment.
      ev('2026-11-05T10:00:00Z', 'stage', '1.2.0', { slot: 'blue' }),
      ev('2026-11-05T10:05:00Z', 'weight', '1.2.0', { slot: 'blue', weight: 0 }),
    ] },
  });

  test('a canary that took traffic and was aborted is a failed deployment from its first traffic to the abort', () => {
    expect(deploymentsOf(data, 'prod', 'api').map((d) => [d.version, d.at, d.failed, d.recoveryMs, d.leadTimeMs])).toEqual([
      ['1.1.0', '2026-11-03T11:00:00Z', true, 25 * 60_000, 3 * H],
      ['1.1.1', '2026-11-04T11:30:00Z', false, undefined, 1.5 * H],
    ]);
  });

  test('the change failure rate counts it', () => {
    const row = doraMetrics(data, { tiers: TIERS, until: NOW }).services.find((r) => r.tier === 'prod')!;
    expect([row.deployments, row.changeFailureRate.failed, row.changeFailureRate.value]).toEqual([2, 1, 0.5]);
  });
});

describe('doraMetrics', () => {
  test('computes the four metrics per tier and service over the window, with bands', () => {
    const data = ledger({
      prod: {
        api: [
          ev('2026-11-01T00:00:00Z', 'stage', '1', { commitAt: '2026-10-31T22:00:00Z' }),
          ev('2026-11-01T01:00:00Z', 'switch', '1'),
          ev('2026-11-03T00:00:00Z', 'stage', '2', { commitAt: '2026-11-02T00:00:00Z' }),
          ev('2026-11-03T01:00:00Z', 'switch', '2'),
          ev('2026-11-03T03:00:00Z', 'rollback', '1'),
          ev('2026-11-05T00:00:00Z', 'stage', '3', { commitAt: '2026-11-04T20:00:00Z' }),
          ev('2026-11-05T01:00:00Z', 'switch', '3'),
          ev('2026-11-07T00:00:00Z', 'stage', '4', { commitAt: '2026-11-06T23:00:00Z' }),
          ev('2026-11-07T01:00:00Z', 'switch', '4'),
        ],
      },
      dev: { web: [ev('2026-11-06T00:00:00Z', 'stage', '9')] },
    });
    const r = doraMetrics(data, { tiers: TIERS, until: NOW });
    expect(r.window).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-11T00:00:00.000Z', days: 10 });
    const [dev, prod] = r.services;
    expect([dev.tier, dev.service, prod.tier, prod.service]).toEqual(['dev', 'web', 'prod', 'api']);
    expect(prod.deployments).toBe(4);
    expect(prod.frequency).toEqual({ value: 0.4, perWeek: 2.8000000000000003, band: 'high' });
    // Lead times 3 h, 25 h, 5 h, 2 h: median 4 h.
    expect(prod.leadTime).toEqual({ value: 4 * H, band: 'elite', samples: 4 });
    expect(prod.changeFailureRate).toEqual({ value: 0.25, band: 'medium', failed: 1 }); // nearer 15% than 64%
    expect(prod.recoveryTime).toEqual({ value: 2 * H, band: 'high', samples: 1 });
    expect(prod.window).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-11T00:00:00.000Z', days: 10 });
    // A service that was never switched: nothing to measure but its frequency (0 in its 5-day window, from its first event).
    expect(dev.window).toEqual({ from: '2026-11-06T00:00:00.000Z', to: '2026-11-11T00:00:00.000Z', days: 5 });
    expect(dev.deployments).toBe(0);
    expect(dev.frequency).toEqual({ value: 0, perWeek: 0, band: 'low' });
    expect(dev.leadTime).toEqual({ value: undefined, band: undefined, samples: 0 });
    expect(dev.changeFailureRate).toEqual({ value: undefined, band: undefined, failed: 0 });
    expect(dev.recoveryTime).toEqual({ value: undefined, band: undefined, samples: 0 });
  });

  test('--since narrows the window and the deployments counted; --tier keeps one tier', () => {
    const data = ledger({
      dev: { api: [ev('2026-11-01T00:00:00Z', 'switch', '1'), ev('2026-11-08T00:00:00Z', 'switch', '2'), ev('2026-11-09T00:00:00Z', 'switch', '3')] },
      prod: { api: [ev('2026-11-09T00:00:00Z', 'switch', '3')] },
    });
    const r = doraMetrics(data, { tiers: TIERS, until: NOW, since: new Date('2026-11-07T00:00:00Z'), tier: 'dev' });
    expect(r.services.map((s) => [s.tier, s.deployments, s.frequency.value])).toEqual([['dev', 2, 0.5]]);
    expect(r.window?.days).toBe(4);
  });

  test('each row has its own window: from its first event in its tier, or --since when that is later', () => {
    const data = ledger({
      dev: { api: [ev('2026-11-01T00:00:00Z', 'switch', '1'), ev('2026-11-03T00:00:00Z', 'switch', '2')], worker: [ev('2026-11-09T00:00:00Z', 'switch', '1')] },
      prod: { api: [ev('2026-11-06T00:00:00Z', 'switch', '1')] },
    });
    const rows = (since?: string) => doraMetrics(data, { tiers: TIERS, until: NOW, ...(since ? { since: new Date(since) } : {}) }).services
      .map((s) => [`${s.tier}/${s.service}`, s.window?.from.slice(0, 10), s.window?.days, s.deployments, s.frequency.value]);
    // A service that started two days ago is not diluted by the ledger's older history.
    expect(rows()).toEqual([
      ['dev/api', '2026-11-01', 10, 2, 0.2], ['dev/worker', '2026-11-09', 2, 1, 0.5], ['prod/api', '2026-11-06', 5, 1, 0.2],
    ]);
    expect(rows('2026-11-02')).toEqual([
      ['dev/api', '2026-11-02', 9, 1, 1 / 9], ['dev/worker', '2026-11-09', 2, 1, 0.5], ['prod/api', '2026-11-06', 5, 1, 0.2],
    ]);
    const r = doraMetrics(data, { tiers: TIERS, until: NOW });
    expect([r.until, r.since, r.window]).toEqual(['2026-11-11T00:00:00.000Z', undefined, { from: '2026-11-01T00:00:00.000Z', to: '2026-11-11T00:00:00.000Z', days: 10 }]);
  });

  test('until ends every window: later events are left out, a later rollback is not known yet', () => {
    const data = ledger({ prod: { api: [
      ev('2026-11-01T00:00:00Z', 'switch', '1'), ev('2026-11-05T00:00:00Z', 'switch', '2'),
      ev('2026-11-05T12:00:00Z', 'rollback', '1'), ev('2026-11-08T00:00:00Z', 'switch', '3'),
    ] }, staging: { api: [ev('2026-11-09T00:00:00Z', 'switch', '3')] } });
    const at = (until: string) => doraMetrics(data, { tiers: TIERS, until: new Date(until) });
    const early = at('2026-11-05T06:00:00Z');
    expect(early.services.map((s) => [s.tier, s.window?.days, s.deployments, s.changeFailureRate.failed])).toEqual([
      ['staging', undefined, 0, 0], // nothing yet in staging
      ['prod', 4.25, 2, 0],
    ]);
    const late = at('2026-11-11T00:00:00Z').services[1];
    expect([late.deployments, late.changeFailureRate.failed, late.recoveryTime.value]).toEqual([3, 1, 12 * H]);
  });

  test('an empty ledger has no window and no rows; nothing divides by zero', () => {
    const r = doraMetrics(ledger({}), { tiers: TIERS, until: NOW });
    expect(r.window).toBeUndefined();
    expect(r.services).toEqual([]);
    const none = doraMetrics(ledger({ dev: { api: [] } }), { tiers: TIERS, until: NOW });
    expect(none.services[0]).toMatchObject({ deployments: 0, frequency: { value: undefined }, changeFailureRate: { value: undefined } });
  });

  test('a single event: a switch at the very moment of the report has no frequency (an empty window), but has a rate', () => {
    const r = doraMetrics(ledger({ dev: { api: [ev(NOW.toISOString(), 'switch', '1')] } }), { tiers: TIERS, until: NOW });
    expect(r.window?.days).toBe(0);
    expect(r.services[0]).toMatchObject({
      deployments: 1,
      frequency: { value: undefined, band: undefined },
      leadTime: { value: undefined, samples: 0 },
      changeFailureRate: { value: 0, band: 'elite', failed: 0 },
      recoveryTime: { value: undefined, samples: 0 },
    });
    const later = doraMetrics(ledger({ dev: { api: [ev('2026-11-10T00:00:00Z', 'switch', '1')] } }), { tiers: TIERS, until: NOW });
    expect(later.services[0].frequency).toEqual({ value: 1, perWeek: 7, band: 'high' });
  });

  test.each<[string, () => unknown, string]>([
    ['a history out of time order, naming the tier, the service and both events', () => doraMetrics(ledger({
      staging: { api: [ev('2026-11-02T10:00:00Z', 'promote', '1.1.0'), ev('2026-11-02T09:00:00Z', 'switch', '1.1.0')] },
    }), { tiers: TIERS, until: NOW, source: 'examples/shop/releases.json' }),
    '[examples/shop/releases.json: tiers.staging.api.history[1]] event "switch 1.1.0" at "2026-11-02T09:00:00Z" comes before the event above it, history[0] "promote 1.1.0" at "2026-11-02T10:00:00Z": keep tier "staging", service "api" in time order: fix the time, or move the event after the one it follows'],
    ['a commit after its stage', () => checkTimeOrder(ledger({ dev: { api: [ev('2026-11-02T10:00:00Z', 'stage', '2', { commitAt: '2026-11-02T11:00:00Z' })] } })),
      '[releases.json: tiers.dev.api.history[0].commitAt] commit time "2026-11-02T11:00:00Z" of "stage 2" is after the event itself (2026-11-02T10:00:00Z): a version is committed before it is staged: fix the commit time'],
    ['a switch in a later tier before the version was staged anywhere', () => doraMetrics(ledger({
      dev: { api: [ev('2026-11-05T10:00:00Z', 'stage', '3')] }, prod: { api: [ev('2026-11-04T10:00:00Z', 'switch', '3')] },
    }), { tiers: TIERS, until: NOW }),
    '[releases.json: tiers.prod.api.history[0]] switch to "3" at "2026-11-04T10:00:00Z" comes before the version was committed or first staged (2026-11-05T10:00:00.000Z): a version goes live after it was staged: fix the times in the ledger'],
    ['--since after the end of the window', () => doraMetrics(ledger({}), { tiers: TIERS, until: NOW, since: new Date('2026-12-01T00:00:00Z') }),
      '[--since] date "2026-12-01T00:00:00.000Z" is after the end of the window (2026-11-11T00:00:00.000Z): give a start date before the end (--until, else now)'],
    ['an unknown tier', () => doraMetrics(ledger({}), { tiers: TIERS, until: NOW, tier: 'production' }),
      '[--tier] tier "production" is not known: use one of dev, staging, prod'],
  ])('refuses %s', (_what, fn, message) => {
    expect(fn).toThrow(ConfigurationError);
    expect(errorOf(fn)).toBe(message);
  });
});

describe('formatting', () => {
  test.each<[number | undefined, string]>([[undefined, 'n/a'], [0, '0 min'], [35 * 60_000, '35 min'], [H, '1 h'], [20 * H + 10 * 60_000, '20 h 10 min'], [2 * D, '2 d'], [49.9 * H, '2 d 1 h']])(
    'duration %p is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
  test.each<[number | undefined, string]>([[undefined, 'n/a'], [2.25, '2.25/day'], [1, '1.00/day'], [0.5, '3.50/week'], [0.999 / 7, '0.99/week'], [0, '0.00/week']])(
    'frequency %p is %s', (perDay, text) => expect(formatFrequency(perDay)).toBe(text));
  test('median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
