/**
 * Canary analysis: the Prometheus queries that measure a slot (the same metric
 * names, labels and aggregation as the service's alert rules) and the verdict
 * on the idle slot against the service's thresholds and the live slot. Pure:
 * numbers in, a verdict out; the CLI does the HTTP (lib/cli/prometheus.ts).
 */
import type { MetricsOptions } from '../observability/monitoring';
import type { Slot } from './ledger';
import { versionLabel } from './version-label';

/** What a service's releases are measured against (`BlueGreenServiceProps.analysis`). */
export interface AnalysisOptions {
  /**
   * Time window of every query, a Prometheus duration such as "5m" or "30s".
   * @default "5m" (the alert rules' window)
   */
  readonly window?: string;
  /**
   * Largest share of 5xx responses of the idle slot (0 to 1).
   * @default - the error-rate alert's `metrics.errorRatio` (0.05)
   */
  readonly maxErrorRatio?: number;
  /**
   * Largest 99th-percentile latency of the idle slot, seconds.
   * @default - the latency alert's `metrics.latencySeconds` (1)
   */
  readonly maxLatencySeconds?: number;
  /**
   * Requests the idle slot must have served in the window for a verdict; fewer is inconclusive.
   * @default - the alerts' traffic floor over the window: `metrics.minRequestsPerSecond` (0.1) x window, at least 1
   */
  readonly minRequests?: number;
  /**
   * How far the idle slot's share of 5xx may exceed the live slot's (0 to 1: 0.01 is one percentage
   * point). Compared only when the live slot served `minRequests` in the window.
   * @default 0.01
   */
  readonly maxErrorRatioAboveLive?: number;
  /**
   * How many times the live slot's 99th-percentile latency the idle slot's may be. Compared only
   * when the live slot served `minRequests` in the window.
   * @default 1.5
   */
  readonly maxLatencyRatioToLive?: number;
  /**
   * Weights of `switchyard rollout`'s steps: the percent of traffic the idle slot gets at each step,
   * rising, the last 100 (then the switch).
   * @default [5, 25, 50, 100]
   */
  readonly steps?: number[];
  /**
   * How long each step of a rollout waits before it is analyzed, a Prometheus duration.
   * @default - the window
   */
  readonly stepInterval?: string;
}

/** A service's analysis with every default filled in, as the delivery model records it. */
export interface ResolvedAnalysis {
  /** Time window of every query, a Prometheus duration. */
  readonly window: string;
  /** Largest share of 5xx responses of the idle slot (0 to 1). */
  readonly maxErrorRatio: number;
  /** Largest 99th-percentile latency of the idle slot, seconds. */
  readonly maxLatencySeconds: number;
  /** Requests the idle slot must have served in the window for a verdict. */
  readonly minRequests: number;
  /** How far the idle slot's share of 5xx may exceed the live slot's (0 to 1). */
  readonly maxErrorRatioAboveLive: number;
  /** How many times the live slot's 99th-percentile latency the idle slot's may be. */
  readonly maxLatencyRatioToLive: number;
  /** Weights of a rollout's steps, rising, the last 100. */
  readonly steps: number[];
  /** How long each step of a rollout waits before it is analyzed, a Prometheus duration. */
  readonly stepInterval: string;
  /** The counter of HTTP requests the queries read (that of the alert rules). */
  readonly requestsMetric: string;
  /** Its label holding the HTTP status code. */
  readonly statusLabel: string;
  /** The histogram of request durations, seconds (without `_bucket`). */
  readonly durationMetric: string;
}

/** The default weights of a rollout's steps. */
export const DEFAULT_STEPS: readonly number[] = [5, 25, 50, 100];

const DURATION = /^([1-9]\d{0,5})(ms|s|m|h|d)$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds of a Prometheus duration of one unit ("30s", "5m"), or undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text);
  return m ? Number(m[1]) * UNIT_SECONDS[m[2]] : undefined;
}

/** What is wrong with analysis options: [message with %v, the value, the fix], or undefined. */
export function analysisProblem(options: AnalysisOptions): [string, unknown, string] | undefined {
  for (const key of ['window', 'stepInterval'] as const) {
    const v = options[key];
    if (v !== undefined && (typeof v !== 'string' || durationSeconds(v) === undefined || durationSeconds(v)! < 1)) {
      return [`analysis.${key} %v is not a duration`, v, 'give one number and a unit, at least a second: "30s", "5m", "1h"'];
    }
  }
  const share = (key: 'maxErrorRatio' | 'maxErrorRatioAboveLive') => {
    const v = options[key];
    return v !== undefined && !(typeof v === 'number' && v >= 0 && v < 1) ? [`analysis.${key} %v is not a share from 0 to below 1`, v, 'give a share such as 0.01 (1%)'] as [string, unknown, string] : undefined;
  };
  const problem = share('maxErrorRatio') ?? share('maxErrorRatioAboveLive');
  if (problem) return problem;
  if (options.maxLatencySeconds !== undefined && !(typeof options.maxLatencySeconds === 'number' && options.maxLatencySeconds > 0)) {
    return ['analysis.maxLatencySeconds %v is not positive', options.maxLatencySeconds, 'give seconds such as 0.5'];
  }
  if (options.maxLatencyRatioToLive !== undefined && !(typeof options.maxLatencyRatioToLive === 'number' && options.maxLatencyRatioToLive >= 1)) {
    return ['analysis.maxLatencyRatioToLive %v is below 1', options.maxLatencyRatioToLive, 'give a factor of 1 or more, such as 1.5 (the idle slot may be 50% slower than the live one)'];
  }
  if (options.minRequests !== undefined && !(Number.isInteger(options.minRequests) && options.minRequests >= 1)) {
    return ['analysis.minRequests %v is not a count', options.minRequests, 'give a whole number of requests, 1 or more, such as 30'];
  }
  const steps = options.steps;
  if (steps !== undefined) {
    const ok = Array.isArray(steps) && steps.length > 0 && steps.every((w, i) => Number.isInteger(w) && w >= 1 && w <= 100 && (i === 0 || w > steps[i - 1])) && steps[steps.length - 1] === 100;
    if (!ok) return ['analysis.steps %v are not rising weights ending at 100', steps, 'give whole percents from 1 to 100, each above the last, ending at 100, such as [5, 25, 50, 100]'];
  }
  return undefined;
}

/** The analysis of a service: its options over the defaults of its metrics options. */
export function analysisOf(options: AnalysisOptions = {}, metrics: MetricsOptions = {}): ResolvedAnalysis {
  const window = options.window ?? '5m';
  const floor = metrics.minRequestsPerSecond ?? 0.1;
  return {
    window,
    maxErrorRatio: options.maxErrorRatio ?? metrics.errorRatio ?? 0.05,
    maxLatencySeconds: options.maxLatencySeconds ?? metrics.latencySeconds ?? 1,
    minRequests: options.minRequests ?? Math.max(1, Math.ceil(floor * durationSeconds(window)!)),
    maxErrorRatioAboveLive: options.maxErrorRatioAboveLive ?? 0.01,
    maxLatencyRatioToLive: options.maxLatencyRatioToLive ?? 1.5,
    steps: [...(options.steps ?? DEFAULT_STEPS)],
    stepInterval: options.stepInterval ?? window,
    requestsMetric: metrics.requestsMetric ?? 'http_requests_total',
    statusLabel: metrics.statusLabel ?? 'code',
    durationMetric: metrics.durationMetric ?? 'http_request_duration_seconds',
  };
}

/** Which pods a measurement reads: a slot of a service, and the version it runs when that can be a label. */
export interface SlotTarget {
  readonly namespace: string;
  readonly service: string;
  readonly slot: Slot;
  /** The slot's version: its pods' `app.kubernetes.io/version` label (see version-label.ts) is filtered on. */
  readonly version?: string;
}

/** The PromQL of one slot's measurement, keyed by what each returns. */
export interface SlotQueries {
  /** Requests served in the window. */
  readonly requests: string;
  /** 5xx responses in the window. */
  readonly errors: string;
  /** 99th-percentile latency over the window, seconds. */
  readonly p99: string;
}

/** The queries of a slot: the alert rules' selectors (scraped target labels) narrowed to the slot and its version. */
export function slotQueries(a: ResolvedAnalysis, target: SlotTarget, window = a.window): SlotQueries {
  const quote = (v: string) => JSON.stringify(v);
  const labels = [
    `namespace=${quote(target.namespace)}`, `app_kubernetes_io_name=${quote(target.service)}`, `switchyard_dev_slot=${quote(target.slot)}`,
    ...(target.version !== undefined ? [`app_kubernetes_io_version=${quote(versionLabel(target.version))}`] : []),
  ].join(', ');
  return {
    requests: `sum(increase(${a.requestsMetric}{${labels}}[${window}]))`,
    errors: `sum(increase(${a.requestsMetric}{${labels}, ${a.statusLabel}=~"5.."}[${window}]))`,
    p99: `histogram_quantile(0.99, sum by (le) (rate(${a.durationMetric}_bucket{${labels}}[${window}])))`,
  };
}

/** What Prometheus answered for a slot; undefined: no series (or NaN). */
export interface SlotMeasurement {
  readonly requests?: number;
  readonly errors?: number;
  readonly p99?: number;
}

/** One line of an analysis. */
export interface AnalysisCheck {
  /** What is checked. */
  readonly check: string;
  /** The idle slot's figure, formatted. */
  readonly idle: string;
  /** The live slot's figure, formatted ('' when it has none). */
  readonly live: string;
  /** The limit, formatted. */
  readonly limit: string;
  /** ok, FAIL, too little traffic, no data, or not compared. */
  readonly result: string;
}

/** The outcome of an analysis: pass (exit 0), fail (1), inconclusive (2). */
export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** A verdict, its checks and the reason in one line. */
export interface Analysis {
  readonly verdict: Verdict;
  readonly checks: AnalysisCheck[];
  readonly reason: string;
  /** The idle slot's figures (for the ledger's record of a rollback). */
  readonly measured: { requests: number; errorRatio?: number; p99Seconds?: number };
}

const pct = (v: number) => `${Number((v * 100).toFixed(2))}%`;
const secs = (v: number) => `${Number(v.toFixed(3))} s`;
const count = (v: number) => String(Math.round(v));

/** The share of 5xx of a measurement: no 5xx series with requests served is 0 (a client library makes the series at its first 5xx). */
function errorRatio(m: SlotMeasurement): number | undefined {
  if (m.requests === undefined || !(m.requests > 0)) return undefined;
  return (m.errors ?? 0) / m.requests;
}

/**
 * The verdict on the idle slot: inconclusive when it served fewer than
 * `minRequests` in the window (or the latency histogram has no data), else
 * fail when any limit is broken (absolute, or relative to a live slot that
 * served enough to compare with), else pass.
 */
export function analyze(a: ResolvedAnalysis, idle: SlotMeasurement, live: SlotMeasurement): Analysis {
  const checks: AnalysisCheck[] = [];
  const failures: string[] = [];
  const requests = idle.requests ?? 0;
  const enough = requests >= a.minRequests;
  const liveEnough = (live.requests ?? 0) >= a.minRequests;
  checks.push({
    check: `requests in ${a.window}`, idle: count(requests), live: count(live.requests ?? 0), limit: `>= ${a.minRequests}`,
    result: enough ? 'ok' : 'too little traffic',
  });
  const ratio = errorRatio(idle);
  const liveRatio = errorRatio(live);
  const judge = (broken: boolean, why: string) => {
    if (broken) failures.push(why);
    return broken ? 'FAIL' : 'ok';
  };
  checks.push({
    check: 'share of 5xx', idle: ratio === undefined ? '-' : pct(ratio), live: liveRatio === undefined ? '-' : pct(liveRatio), limit: `<= ${pct(a.maxErrorRatio)}`,
    result: !enough || ratio === undefined ? 'too little traffic' : judge(ratio > a.maxErrorRatio, `${pct(ratio)} of requests failed (limit ${pct(a.maxErrorRatio)})`),
  });
  checks.push({
    check: 'share of 5xx above live', idle: ratio === undefined || liveRatio === undefined ? '-' : `${ratio - liveRatio >= 0 ? '+' : ''}${Number(((ratio - liveRatio) * 100).toFixed(2))} pts`, live: '',
    limit: `<= +${Number((a.maxErrorRatioAboveLive * 100).toFixed(2))} pts`,
    result: !enough || ratio === undefined ? 'too little traffic' : !liveEnough || liveRatio === undefined ? 'not compared (live slot: too little traffic)'
      : judge(ratio - liveRatio > a.maxErrorRatioAboveLive + 1e-12, `its share of 5xx is ${Number(((ratio - liveRatio) * 100).toFixed(2))} points above the live slot's (limit ${Number((a.maxErrorRatioAboveLive * 100).toFixed(2))})`),
  });
  const p99 = idle.p99;
  const noLatency = enough && p99 === undefined;
  checks.push({
    check: 'p99 latency', idle: p99 === undefined ? '-' : secs(p99), live: live.p99 === undefined ? '-' : secs(live.p99), limit: `<= ${secs(a.maxLatencySeconds)}`,
    result: !enough ? 'too little traffic' : p99 === undefined ? 'no data' : judge(p99 > a.maxLatencySeconds, `its p99 latency is ${secs(p99)} (limit ${secs(a.maxLatencySeconds)})`),
  });
  checks.push({
    check: 'p99 latency to live', idle: p99 === undefined || live.p99 === undefined || !(live.p99 > 0) ? '-' : `${Number((p99 / live.p99).toFixed(2))}x`, live: '',
    limit: `<= ${a.maxLatencyRatioToLive}x`,
    result: !enough ? 'too little traffic' : p99 === undefined ? 'no data' : !liveEnough || live.p99 === undefined || !(live.p99 > 0) ? 'not compared (live slot: too little traffic)'
      : judge(p99 > live.p99 * a.maxLatencyRatioToLive, `its p99 latency is ${Number((p99 / live.p99).toFixed(2))} times the live slot's (limit ${a.maxLatencyRatioToLive})`),
  });
  const measured = { requests: Math.round(requests), ...(ratio === undefined ? {} : { errorRatio: Number(ratio.toFixed(6)) }), ...(p99 === undefined ? {} : { p99Seconds: Number(p99.toFixed(6)) }) };
  if (!enough) {
    return { verdict: 'inconclusive', checks, measured, reason: `the idle slot served ${Math.round(requests)} requests in ${a.window}, fewer than the ${a.minRequests} a verdict needs` };
  }
  if (failures.length > 0) return { verdict: 'fail', checks, measured, reason: failures.join('; ') };
  if (noLatency) return { verdict: 'inconclusive', checks, measured, reason: `no latency histogram ${a.durationMetric}_bucket for the idle slot in ${a.window}` };
  return { verdict: 'pass', checks, measured, reason: 'every check passed' };
}

/** The checks as a table (Markdown), for the terminal and the docs. */
export function analysisTable(analysis: Analysis, idle: string, live: string): string[] {
  const rows = [['check', `idle: ${idle}`, `live: ${live}`, 'limit', 'result'], ...analysis.checks.map((c) => [c.check, c.idle, c.live, c.limit, c.result])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)];
}
