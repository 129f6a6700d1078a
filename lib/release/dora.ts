/**
 * DORA's four key metrics of software delivery, computed from the release
 * ledger's history: deployment frequency, lead time for changes, change
 * failure rate and failed deployment recovery time, each with its DORA
 * performance band. Pure functions: the ledger and a clock in, figures out.
 */
import { fail } from '../private/errors';
import { HistoryEvent, LedgerData } from './ledger';

/** A DORA performance band. */
export type Band = 'elite' | 'high' | 'medium' | 'low';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;

/**
 * Where the bands come from: the software delivery performance clusters of
 * Google Cloud's "Accelerate State of DevOps Report 2023" (DORA), the report
 * that named the fourth metric "failed deployment recovery time". Each cluster
 * is given by a range (or, for the change failure rate, one typical value):
 *
 * | metric | elite | high | medium | low |
 * |---|---|---|---|---|
 * | deployment frequency | on demand (multiple deploys per day) | between once per day and once per week | between once per week and once per month | between once per week and once per month |
 * | lead time for changes | less than one day | between one day and one week | between one week and one month | between one week and one month |
 * | change failure rate | 5% | 10% | 15% | 64% |
 * | failed deployment recovery time | less than one hour | less than one day | between one day and one week | between one month and six months |
 *
 * How a figure gets its band (the cut points below):
 * - Ranges are read as stated: "less than" excludes its bound, "between" includes both ends.
 *   A figure in two ranges (a shared end) takes the better band.
 * - Elite deploys more than once a day: once a day is the top of the high range.
 * - The report gives its low cluster the same frequency and lead time as its medium one; low
 *   is read as beyond the medium range (fewer than one deploy a month, a lead time over a month).
 * - A figure between two clusters takes the nearer one; at the exact middle, the better one.
 *   Change failure rates are compared by difference (cuts at 7.5%, 12.5% and 39.5%);
 *   durations by ratio (recovery between a week and a month: cut at the geometric mean of
 *   7 and 30 days, about 14.5 days).
 * - A month is 30 days.
 */
export const DORA_BANDS_SOURCE = 'Accelerate State of DevOps Report 2023 (DORA)';

/** The change failure rates of the 2023 clusters, elite to low. */
export const CHANGE_FAILURE_CLUSTERS = [0.05, 0.10, 0.15, 0.64] as const;

/** Recovery time cut between medium (up to a week) and low (from a month): the geometric mean of the two. */
export const RECOVERY_LOW_CUT_MS = Math.sqrt(WEEK * MONTH);

/** The band of a deployment frequency, in deployments per day. */
export function frequencyBand(perDay: number): Band {
  if (perDay > 1) return 'elite';
  if (perDay * 7 >= 1) return 'high';
  if (perDay * 30 >= 1) return 'medium';
  return 'low';
}

/** The band of a (median) lead time for changes, in milliseconds. */
export function leadTimeBand(ms: number): Band {
  if (ms < DAY) return 'elite';
  if (ms <= WEEK) return 'high';
  if (ms <= MONTH) return 'medium';
  return 'low';
}

const BANDS: readonly Band[] = ['elite', 'high', 'medium', 'low'];

/** The band of a change failure rate (0 to 1): the nearest cluster; at the exact middle, the better one. */
export function changeFailureBand(rate: number): Band {
  const c = CHANGE_FAILURE_CLUSTERS;
  for (let i = 0; i < c.length - 1; i++) {
    // The tolerance keeps a rate of exactly 3/40 at the 7.5% cut despite floating point.
    if (rate <= (c[i] + c[i + 1]) / 2 + 1e-9) return BANDS[i];
  }
  return 'low';
}

/** The band of a (median) failed deployment recovery time, in milliseconds. */
export function recoveryBand(ms: number): Band {
  if (ms < HOUR) return 'elite';
  if (ms < DAY) return 'high';
  if (ms <= RECOVERY_LOW_CUT_MS) return 'medium';
  return 'low';
}

/** One deployment in a tier: a switch that made a version live, or a canary that took traffic and was aborted. */
export interface Deployment {
  readonly tier: string;
  readonly service: string;
  readonly version: string;
  /** ISO time of the switch, or of an aborted canary's first traffic. */
  readonly at: string;
  /** From the commit (or the version's first stage) to this switch, ms; undefined when the ledger has neither. */
  readonly leadTimeMs?: number;
  /** True when the next change of the live slot was a rollback of this switch, or the canary was aborted. */
  readonly failed: boolean;
  /** From this switch (or the canary's first traffic) to its rollback (or abort), ms (failed deployments only). */
  readonly recoveryMs?: number;
}

/** A metric's value and band; both undefined where there is nothing to measure ("n/a"). */
export interface Measured {
  readonly value?: number;
  readonly band?: Band;
}

/** The four metrics of one service in one tier over its window. */
export interface ServiceMetrics {
  readonly tier: string;
  readonly service: string;
  /** The window of this row; undefined when the service has no event in the tier up to `until`. */
  readonly window?: MetricsWindow;
  /** Deployments in the window (switches, and canaries aborted after taking traffic). */
  readonly deployments: number;
  /** Deployments per day (value), per week, and band; n/a for an empty window. */
  readonly frequency: Measured & { readonly perWeek?: number };
  /** Median lead time, ms, over the deployments that have one. */
  readonly leadTime: Measured & { readonly samples: number };
  /** Failed deployments / deployments (0 to 1). */
  readonly changeFailureRate: Measured & { readonly failed: number };
  /** Median time from a failed switch to its rollback, ms. */
  readonly recoveryTime: Measured & { readonly samples: number };
  /** The deployments counted, oldest first. */
  readonly events: readonly Deployment[];
}

/** A span of time the metrics cover. */
export interface MetricsWindow {
  /** ISO time of the start. */
  readonly from: string;
  /** ISO time of the end: `until`. */
  readonly to: string;
  readonly days: number;
}

/** Metrics of every service of the selected tiers. */
export interface MetricsReport {
  readonly app: string;
  /** ISO time the windows end at (`until`). */
  readonly until: string;
  /** ISO time of `since`, when given. */
  readonly since?: string;
  /** From the earliest row's start to `until`: the span of every row; undefined when no row has a window. */
  readonly window?: MetricsWindow;
  readonly bands: string;
  readonly services: readonly ServiceMetrics[];
}

/** Options of {@link doraMetrics}. */
export interface MetricsOptions {
  /** Tier names in promotion order (the rows come in this order). */
  readonly tiers: readonly string[];
  /** Only this tier. */
  readonly tier?: string;
  /**
   * Start of every window. A row starts at `since` or at its service's first event in its
   * tier, whichever is later (a service cannot deploy before it exists).
   * @default - each row at its service's first event in its tier
   */
  readonly since?: Date;
  /** End of every window (usually now); events after it are left out, as if not yet recorded. */
  readonly until: Date;
  /** The ledger's path, for messages. @default "releases.json" */
  readonly source?: string;
}

const label = (e: HistoryEvent): string => `${e.verb}${e.version ? ` ${e.version}` : ''}`;

/**
 * Checks that every history of the ledger is in time order and that no commit
 * time comes after its stage.
 * @throws ConfigurationError naming the tier, the service and the two events
 */
export function checkTimeOrder(data: LedgerData, source = 'releases.json'): void {
  for (const [tier, services] of Object.entries(data.tiers)) {
    for (const [service, release] of Object.entries(services)) {
      const h = release.history;
      for (let i = 0; i < h.length; i++) {
        const where = `${source}: tiers.${tier}.${service}.history[${i}]`;
        if (h[i].commitAt !== undefined && Date.parse(h[i].commitAt!) > Date.parse(h[i].at)) {
          fail(`${where}.commitAt`, `commit time %v of "${label(h[i])}" is after the event itself (${h[i].at})`, h[i].commitAt, 'a version is committed before it is staged: fix the commit time');
        }
        if (i > 0 && Date.parse(h[i].at) < Date.parse(h[i - 1].at)) {
          fail(where, `event "${label(h[i])}" at %v comes before the event above it, history[${i - 1}] "${label(h[i - 1])}" at "${h[i - 1].at}"`, h[i].at,
            `keep tier "${tier}", service "${service}" in time order: fix the time, or move the event after the one it follows`);
        }
      }
    }
  }
}

/** When the change in `version` of `service` started: its commit, else its first stage in any tier. */
function changeStart(data: LedgerData, service: string, version: string): number | undefined {
  const stages = Object.values(data.tiers).flatMap((t) => t[service]?.history ?? []).filter((e) => e.verb === 'stage' && e.version === version);
  const commits = stages.filter((e) => e.commitAt !== undefined).map((e) => Date.parse(e.commitAt!));
  if (commits.length > 0) return Math.min(...commits);
  return stages.length > 0 ? Math.min(...stages.map((e) => Date.parse(e.at))) : undefined;
}

/**
 * Every deployment of `service` in `tier` from the history up to `until` (a rollback after it is not
 * known yet): each switch, with its lead time and whether (and when) it was rolled back; and each
 * canary that took traffic (a weight above 0) and was aborted before a switch: a failed deployment
 * from its first traffic to the abort.
 */
export function deploymentsOf(data: LedgerData, tier: string, service: string, source = 'releases.json', until = Infinity): Deployment[] {
  const history = (data.tiers[tier]?.[service]?.history ?? []).filter((e) => Date.parse(e.at) <= until);
  const result: Deployment[] = [];
  history.forEach((e, i) => {
    if (e.verb !== 'switch' || e.version === undefined) return;
    const at = Date.parse(e.at);
    const start = changeStart(data, service, e.version);
    if (start !== undefined && start > at) {
      fail(`${source}: tiers.${tier}.${service}.history[${i}]`, `switch to %v at "${e.at}" comes before the version was committed or first staged (${new Date(start).toISOString()})`, e.version,
        'a version goes live after it was staged: fix the times in the ledger');
    }
    // The next change of the live slot decides: a rollback undoes this switch.
    const next = history.slice(i + 1).find((x) => x.verb === 'switch' || x.verb === 'rollback');
    const failed = next?.verb === 'rollback';
    result.push({
      tier, service, version: e.version, at: e.at,
      ...(start !== undefined ? { leadTimeMs: at - start } : {}),
      failed,
      ...(failed ? { recoveryMs: Date.parse(next!.at) - at } : {}),
    });
  });
  history.forEach((e, i) => {
    if (e.verb !== 'abort' || e.version === undefined) return;
    // The canary's first traffic: the first weight above 0 for it since its slot last changed.
    let exposed: HistoryEvent | undefined;
    for (let j = i - 1; j >= 0; j--) {
      const x = history[j];
      if (x.verb === 'stage' || x.verb === 'promote' || x.verb === 'switch' || x.verb === 'rollback' || x.verb === 'abort') break;
      if (x.verb === 'weight' && (x.weight ?? 0) > 0 && x.version === e.version) exposed = x;
    }
    if (!exposed) return;
    const at = Date.parse(exposed.at);
    const start = changeStart(data, service, e.version);
    result.push({
      tier, service, version: e.version, at: exposed.at,
      ...(start !== undefined && start <= at ? { leadTimeMs: at - start } : {}),
      failed: true,
      recoveryMs: Date.parse(e.at) - at,
    });
  });
  return result.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** A value and its band, both undefined when there is no value. */
function measure(value: number | undefined, band: (v: number) => Band): Measured {
  return { value, band: value === undefined ? undefined : band(value) };
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The four DORA metrics per tier and service, each over its own window: from `since` or the
 * service's first event in the tier (whichever is later) to `until`.
 * @throws ConfigurationError for a history out of time order, `since` after `until`, or an unknown tier
 */
export function doraMetrics(data: LedgerData, options: MetricsOptions): MetricsReport {
  const source = options.source ?? 'releases.json';
  const until = options.until.getTime();
  if (options.tier !== undefined && !options.tiers.includes(options.tier)) {
    fail('--tier', 'tier %v is not known', options.tier, `use one of ${options.tiers.join(', ')}`);
  }
  if (options.since && options.since.getTime() > until) {
    fail('--since', `date %v is after the end of the window (${options.until.toISOString()})`, options.since.toISOString(), 'give a start date before the end (--until, else now)');
  }
  checkTimeOrder(data, source);

  const windowOf = (from: number): MetricsWindow => ({ from: new Date(from).toISOString(), to: options.until.toISOString(), days: (until - from) / DAY });
  const services: ServiceMetrics[] = [];
  for (const tier of options.tiers.filter((t) => options.tier === undefined || t === options.tier)) {
    for (const service of Object.keys(data.tiers[tier] ?? {}).sort()) {
      const first = (data.tiers[tier][service].history ?? []).map((e) => Date.parse(e.at)).find((at) => at <= until);
      const from = first === undefined ? undefined : Math.max(first, options.since?.getTime() ?? first);
      const window = from === undefined ? undefined : windowOf(from);
      const events = deploymentsOf(data, tier, service, source, until).filter((d) => from !== undefined && Date.parse(d.at) >= from);
      const leads = events.flatMap((d) => (d.leadTimeMs !== undefined ? [d.leadTimeMs] : []));
      const failures = events.filter((d) => d.failed);
      const recoveries = failures.map((d) => d.recoveryMs!);
      const perDay = window && window.days > 0 ? events.length / window.days : undefined;
      const rate = events.length > 0 ? failures.length / events.length : undefined;
      services.push({
        tier,
        service,
        ...(window ? { window } : {}),
        deployments: events.length,
        frequency: { ...measure(perDay, frequencyBand), perWeek: perDay === undefined ? undefined : perDay * 7 },
        leadTime: { ...measure(leads.length > 0 ? median(leads) : undefined, leadTimeBand), samples: leads.length },
        changeFailureRate: { ...measure(rate, changeFailureBand), failed: failures.length },
        recoveryTime: { ...measure(recoveries.length > 0 ? median(recoveries) : undefined, recoveryBand), samples: recoveries.length },
        events,
      });
    }
  }
  const starts = services.flatMap((s) => (s.window ? [Date.parse(s.window.from)] : []));
  return {
    app: data.app,
    until: options.until.toISOString(),
    ...(options.since ? { since: options.since.toISOString() } : {}),
    ...(starts.length > 0 ? { window: windowOf(Math.min(...starts)) } : {}),
    bands: DORA_BANDS_SOURCE,
    services,
  };
}

/** A duration for people: "45 min", "3 h 20 min", "2 d 4 h"; "n/a" when undefined. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return 'n/a';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** A deployment frequency for people: per day from one a day up, per week below; truncated, so a figure never reads as the next band. */
export function formatFrequency(perDay: number | undefined): string {
  if (perDay === undefined) return 'n/a';
  return perDay >= 1 ? `${round(perDay)}/day` : `${round(perDay * 7)}/week`;
}

function round(n: number): string {
  return (Math.floor(n * 100) / 100).toFixed(2);
}
