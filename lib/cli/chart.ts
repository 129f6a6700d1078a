/**
 * The DORA chart of `switchyard metrics --svg`: a Vega-Lite specification
 * built here (pure), rendered to SVG by Vega in this process.
 *
 * Vega and Vega-Lite 6 are ES modules with top-level await, which only
 * `import()` loads from CommonJS; they are imported when a chart is asked
 * for, so `switchyard metrics` without --svg never loads them. Every time
 * scale is UTC: the same ledger gives the same file in any time zone.
 */
import { pathToFileURL } from 'url';
import { fail } from '../private/errors';
import { MetricsReport } from '../release/dora';

/** The chart's packages: optional peer dependencies of Switchyard. */
export const CHART_PACKAGES = ['vega', 'vega-lite'] as const;

/** A Vega-Lite specification (a plain JSON object). */
export type VegaLiteSpec = Record<string, unknown>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Midnight UTC of the Sunday that starts the week of `t` (Vega's utcyearweek weeks start on Sunday). */
function weekStart(t: number): number {
  const day = Math.floor(t / DAY) * DAY;
  return day - new Date(day).getUTCDay() * DAY;
}

/**
 * The chart of a report, the four DORA metrics over time: per tier, deployments
 * per week, the lead time of each deployment, the change failure rate per week,
 * and the recovery time of each failed deployment.
 */
export function chartSpec(report: MetricsReport, tierOrder: readonly string[]): VegaLiteSpec {
  const rows = report.services.flatMap((s) => s.events.map((d) => ({
    tier: d.tier,
    service: d.service,
    version: d.version,
    at: d.at,
    leadTimeHours: d.leadTimeMs === undefined ? null : Math.round((d.leadTimeMs / HOUR) * 10) / 10,
    failed: d.failed,
    failedShare: d.failed ? 1 : 0,
    recoveryMinutes: d.recoveryMs === undefined ? null : Math.round(d.recoveryMs / 60_000),
  })));
  const tiers = tierOrder.filter((t) => report.services.some((s) => s.tier === t));
  const color = { field: 'tier', type: 'nominal', title: 'tier', sort: tiers, scale: { domain: tiers } };
  const time = (title: string) => ({
    field: 'at', type: 'temporal', title, scale: { type: 'utc', ...(report.window ? { domain: [report.window.from, report.window.to] } : {}) },
    axis: { format: '%d %b', labelAngle: 0 },
  });
  const width = 560;
  // Weekly panels share one domain: from the Sunday of the first week to the end of the last.
  const weeks = report.window ? [weekStart(Date.parse(report.window.from)), weekStart(Date.parse(report.window.to)) + WEEK] : undefined;
  const weekScale = { type: 'utc', ...(weeks ? { domain: weeks.map((t) => new Date(t).toISOString()) } : {}) };
  const week = (title: string) => ({
    field: 'at', timeUnit: 'utcyearweek', type: 'temporal', title, scale: weekScale,
    axis: { format: '%d %b', labelAngle: 0, tickCount: 'week' },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `DORA metrics of ${report.app}`,
      subtitle: report.window
        ? `${report.window.from.slice(0, 10)} to ${report.window.to.slice(0, 10)} (each row from its service's first event in the tier); bands: ${report.bands}`
        : 'no events in the ledger',
    },
    data: { values: rows },
    config: { font: 'sans-serif', view: { stroke: null }, legend: { orient: 'top' } },
    vconcat: [
      {
        title: 'Deployments per week',
        width,
        height: 120,
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: week('week (from Sunday)'),
          y: { aggregate: 'count', type: 'quantitative', title: 'deployments', axis: { tickMinStep: 1 } },
          color,
        },
      },
      {
        title: 'Lead time for changes (commit to live)',
        width,
        height: 140,
        transform: [{ filter: 'datum.leadTimeHours !== null' }],
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          x: time('switched'),
          y: { field: 'leadTimeHours', type: 'quantitative', title: 'hours' },
          color,
          detail: { field: 'service' },
        },
      },
      {
        // A text per tier and week (a rate and its counts): weeks without deployments stay empty,
        // and tiers at the same rate do not hide each other as points would.
        title: 'Change failure rate per week (rolled back / deployed)',
        width,
        height: 24 * Math.max(tiers.length, 1),
        transform: [
          { timeUnit: 'utcyearweek', field: 'at', as: 'week' },
          { aggregate: [{ op: 'sum', field: 'failedShare', as: 'failedCount' }, { op: 'count', as: 'deployed' }], groupby: ['tier', 'week'] },
          { calculate: 'time(datum.week) + 3.5 * 864e5', as: 'midweek' },
          { calculate: "format(datum.failedCount / datum.deployed, '.0%') + ' (' + datum.failedCount + '/' + datum.deployed + ')'", as: 'rate' },
          { calculate: "'change failure rate of ' + datum.tier + ', week from ' + utcFormat(datum.week, '%d %b') + ': ' + datum.rate", as: 'label' },
        ],
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          x: { field: 'midweek', type: 'temporal', title: 'week (from Sunday)', scale: weekScale, axis: { format: '%d %b', labelAngle: 0, tickCount: 'week', grid: true } },
          y: { field: 'tier', type: 'nominal', title: null, sort: tiers },
          text: { field: 'rate' },
          color,
          description: { field: 'label' },
          tooltip: { field: 'label' },
        },
      },
      {
        title: 'Failed deployments: time to rollback',
        width,
        height: 100,
        transform: [{ filter: 'datum.failed' }, { calculate: "datum.version + ' (' + datum.recoveryMinutes + ' min)'", as: 'label' }],
        encoding: {
          x: time('switched'),
          y: { field: 'recoveryMinutes', type: 'quantitative', title: 'minutes', scale: { zero: true, nice: true } },
          color,
        },
        layer: [
          { mark: { type: 'point', filled: true, size: 90, shape: 'triangle-down', tooltip: true } },
          { mark: { type: 'text', align: 'left', dx: 8, fontSize: 11 }, encoding: { text: { field: 'label' } } },
        ],
      },
    ],
    resolve: { scale: { color: 'shared' } },
  };
}

/** `import()` kept as written: TypeScript's CommonJS output would turn it into a require(), which cannot load these modules. */
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

interface VegaModule {
  View: new (runtime: unknown, options: object) => { toSVG(): Promise<string> };
  parse(spec: unknown): unknown;
  Warn: number;
}

/**
 * Renders a Vega-Lite specification to SVG text (offline: the data is inline).
 * @param where names the output in errors (the --svg file)
 * @throws ConfigurationError when vega or vega-lite is not installed or rendering fails
 */
export async function renderSvg(spec: VegaLiteSpec, where = '--svg'): Promise<string> {
  let urls: string[];
  try {
    urls = CHART_PACKAGES.map((p) => pathToFileURL(require.resolve(p)).href);
  } catch {
    return fail(where, 'drawing a chart needs the packages %v', CHART_PACKAGES.join(' and '), 'install them beside switchyard: npm install --save-dev vega@6 vega-lite@6');
  }
  try {
    const [vega, vl] = await Promise.all(urls.map((u) => importModule(u))) as [VegaModule, { compile(spec: unknown): { spec: unknown } }];
    const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none', logLevel: vega.Warn });
    return await view.toSVG();
  } catch (e) {
    return fail(where, 'the chart could not be drawn: %v', (e as Error).message, 'check that vega@6 and vega-lite@6 are installed and Node.js is 20.19 or later');
  }
}
