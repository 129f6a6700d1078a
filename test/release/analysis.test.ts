import { analysisProblem, analysisTable, analyze, durationSeconds, analysisOf, slotQueries } from '../../lib/release/analysis';
import { versionLabel } from '../../lib/release/version-label';

const a = analysisOf();

describe('defaults', () => {
  test('follow the alert rules: their thresholds, window and traffic floor', () => {
    expect(a).toEqual({
      window: '5m', maxErrorRatio: 0.05, maxLatencySeconds: 1, minRequests: 30, maxErrorRatioAboveLive: 0.01, maxLatencyRatioToLive: 1.5,
      steps: [5, 25, 50, 100], stepInterval: '5m', requestsMetric: 'http_requests_total', statusLabel: 'code', durationMetric: 'http_request_duration_seconds',
    });
    const custom = analysisOf({ window: '30s' }, { errorRatio: 0.02, latencySeconds: 0.25, minRequestsPerSecond: 2, requestsMetric: 'reqs', statusLabel: 'status', durationMetric: 'lat' });
    expect(custom).toMatchObject({ maxErrorRatio: 0.02, maxLatencySeconds: 0.25, minRequests: 60, stepInterval: '30s', requestsMetric: 'reqs', statusLabel: 'status', durationMetric: 'lat' });
    expect(analysisOf({ window: '1s' }).minRequests).toBe(1);
  });

  test('durations: one number and a unit', () => {
    expect([durationSeconds('30s'), durationSeconds('5m'), durationSeconds('2h'), durationSeconds('1d'), durationSeconds('500ms')]).toEqual([30, 300, 7200, 86400, 0.5]);
    for (const bad of ['5', '1m30s', '-5m', '0s', '5 m', 'm', '05m']) expect(durationSeconds(bad)).toBeUndefined();
  });
});

describe('refused options', () => {
  test.each<[object, string]>([
    [{ window: '5 minutes' }, 'analysis.window %v is not a duration'],
    [{ window: '500ms' }, 'analysis.window %v is not a duration'],
    [{ stepInterval: 10 }, 'analysis.stepInterval %v is not a duration'],
    [{ maxErrorRatio: 5 }, 'analysis.maxErrorRatio %v is not a share from 0 to below 1'],
    [{ maxErrorRatioAboveLive: -0.1 }, 'analysis.maxErrorRatioAboveLive %v is not a share from 0 to below 1'],
    [{ maxLatencySeconds: 0 }, 'analysis.maxLatencySeconds %v is not positive'],
    [{ maxLatencyRatioToLive: 0.5 }, 'analysis.maxLatencyRatioToLive %v is below 1'],
    [{ minRequests: 2.5 }, 'analysis.minRequests %v is not a count'],
    [{ steps: [5, 50] }, 'analysis.steps %v are not rising weights ending at 100'],
    [{ steps: [50, 25, 100] }, 'analysis.steps %v are not rising weights ending at 100'],
    [{ steps: [0, 100] }, 'analysis.steps %v are not rising weights ending at 100'],
    [{ steps: [] }, 'analysis.steps %v are not rising weights ending at 100'],
  ])('%j', (options, message) => {
    expect(analysisProblem(options)?.[0]).toBe(message);
  });

  test('good options pass', () => {
    expect(analysisProblem({ window: '30s', stepInterval: '1m', maxErrorRatio: 0, steps: [100], minRequests: 1, maxLatencyRatioToLive: 1 })).toBeUndefined();
  });
});

describe('queries', () => {
  test('read the alert rules\' metrics and target labels, narrowed to the slot and its version', () => {
    expect(slotQueries(a, { namespace: 'shop', service: 'api', slot: 'green', version: '1.5.0' })).toEqual({
      requests: 'sum(increase(http_requests_total{namespace="shop", app_kubernetes_io_name="api", switchyard_dev_slot="green", app_kubernetes_io_version="1.5.0"}[5m]))',
      errors: 'sum(increase(http_requests_total{namespace="shop", app_kubernetes_io_name="api", switchyard_dev_slot="green", app_kubernetes_io_version="1.5.0", code=~"5.."}[5m]))',
      p99: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="shop", app_kubernetes_io_name="api", switchyard_dev_slot="green", app_kubernetes_io_version="1.5.0"}[5m])))',
    });
  });

  test('a version that cannot be a label value (a digest) is filtered on as its pods\' label gives it', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(slotQueries(a, { namespace: 'shop', service: 'api', slot: 'blue', version: digest }).requests)
      .toContain(`app_kubernetes_io_version="${versionLabel(digest)}"`);
  });
});

describe('verdicts', () => {
  const live = { requests: 1000, errors: 2, p99: 0.2 };

  test('a healthy idle slot passes', () => {
    const r = analyze(a, { requests: 100, errors: 1, p99: 0.25 }, live);
    expect(r.verdict).toBe('pass');
    expect(r.checks.map((c) => c.result)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(r.measured).toEqual({ requests: 100, errorRatio: 0.01, p99Seconds: 0.25 });
  });

  test('no 5xx series with traffic served is a share of 0, not missing data', () => {
    expect(analyze(a, { requests: 100, p99: 0.1 }, live).verdict).toBe('pass');
  });

  test('too many 5xx fails, naming the share and the limit', () => {
    const r = analyze(a, { requests: 100, errors: 10, p99: 0.2 }, live);
    expect(r.verdict).toBe('fail');
    expect(r.reason).toBe('10% of requests failed (limit 5%); its share of 5xx is 9.8 points above the live slot\'s (limit 1)');
  });

  test('worse than the live slot fails even under the absolute limit', () => {
    const r = analyze(a, { requests: 100, errors: 4, p99: 0.2 }, { requests: 1000, errors: 0, p99: 0.2 });
    expect([r.verdict, r.reason]).toEqual(['fail', 'its share of 5xx is 4 points above the live slot\'s (limit 1)']);
    const slow = analyze(a, { requests: 100, errors: 0, p99: 0.5 }, live);
    expect([slow.verdict, slow.reason]).toEqual(['fail', 'its p99 latency is 2.5 times the live slot\'s (limit 1.5)']);
  });

  test('slow beyond the absolute limit fails', () => {
    const r = analyze(a, { requests: 100, errors: 0, p99: 1.2 }, { requests: 1000, errors: 0, p99: 1.1 });
    expect([r.verdict, r.reason]).toEqual(['fail', 'its p99 latency is 1.2 s (limit 1 s)']);
  });

  test('too little traffic is inconclusive, whatever the figures', () => {
    const r = analyze(a, { requests: 29, errors: 29, p99: 9 }, live);
    expect([r.verdict, r.reason]).toEqual(['inconclusive', 'the idle slot served 29 requests in 5m, fewer than the 30 a verdict needs']);
    expect(analyze(a, {}, {}).verdict).toBe('inconclusive');
  });

  test('a live slot with too little traffic is not compared with', () => {
    const r = analyze(a, { requests: 100, errors: 3, p99: 0.9 }, { requests: 5, errors: 0, p99: 0.1 });
    expect(r.verdict).toBe('pass');
    expect(r.checks.filter((c) => c.result.startsWith('not compared'))).toHaveLength(2);
  });

  test('no latency histogram with enough traffic is inconclusive (unless another check fails)', () => {
    expect(analyze(a, { requests: 100, errors: 0 }, live)).toMatchObject({ verdict: 'inconclusive', reason: 'no latency histogram http_request_duration_seconds_bucket for the idle slot in 5m' });
    expect(analyze(a, { requests: 100, errors: 50 }, live).verdict).toBe('fail');
  });

  test('the table lines up, one row per check', () => {
    const lines = analysisTable(analyze(a, { requests: 100, errors: 1, p99: 0.25 }, live), 'green 1.5.0', 'blue 1.4.2');
    expect(lines).toHaveLength(7);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[0]).toMatch(/^\| check +\| idle: green 1\.5\.0 \| live: blue 1\.4\.2 \| limit +\| result \|$/);
    expect(lines[4]).toMatch(/^\| share of 5xx above live +\| \+0\.8 pts +\| +\| <= \+1 pts +\| ok +\|$/);
  });
});
