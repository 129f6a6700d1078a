/**
 * `switchyard metrics`: DORA's four key metrics per tier and service, from
 * the release ledger's history, as a table or JSON, and optionally a chart.
 */
import type { DeliveryModel } from '../model';
import { fail } from '../private/errors';
import { doraMetrics, formatDuration, formatFrequency, Measured, MetricsReport } from '../release/dora';
import { ReleaseLedger } from '../release/ledger';
import { FlagSpec, parseArgs } from './args';
import { CliIo, Command, refusing } from './io';
import { readLedgerText } from './ledger-file';
import { checkGeneratedTarget, generatedMark, writeGeneratedFile } from './output';
import { DEFAULT_MODEL as DEFAULT_MODEL_PATH, readModel, tiersOf } from './model-file';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads a date flag (`--since`, `--until`): a day (`2026-11-01`, midnight UTC) or an ISO 8601 time with its zone. */
export function parseDate(value: string, flag = '--since'): Date {
  const ms = DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : TIME.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    fail(flag, 'date %v is not a date', value, 'use a day such as 2026-11-01 or an ISO 8601 time such as 2026-11-01T09:00:00Z');
  }
  return new Date(ms);
}

/** Reads `--since` (see {@link parseDate}). */
export const parseSince = (value: string): Date => parseDate(value, '--since');

/** The ledger to read: --ledger, else the one app of the model. */
function ledgerPath(model: DeliveryModel, flag: string | undefined, modelPath: string): string {
  if (flag !== undefined) return flag;
  if (model.apps.length === 1) return model.apps[0].ledger;
  if (model.apps.length === 0) fail(modelPath, 'the delivery model has %v apps with a ledger', 0, 'pass --ledger PATH');
  return fail(modelPath, 'the delivery model has several apps: %v', model.apps.map((a) => a.name), `pass the ledger of one: ${model.apps.map((a) => `--ledger ${a.ledger}`).join(' or ')}`);
}

const cell = (text: string, m: Measured): string => (m.band ? `${text} ${m.band}` : text);

/** An ISO time for people: minutes, UTC ("2026-11-23 12:00 UTC"). */
const shownTime = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** The report as an aligned text table. */
export function metricsTable(report: MetricsReport): string[] {
  const start = report.since ? `from ${shownTime(report.since)} or its service's first event in the tier, whichever is later` : 'from its service\'s first event in the tier';
  const head = report.window
    ? `DORA metrics of ${report.app} until ${shownTime(report.until)}, each row ${start}; bands: ${report.bands}`
    : `DORA metrics of ${report.app}: the ledger has no events until ${shownTime(report.until)}`;
  const rows = [['tier', 'service', 'from', 'days', 'deployments', 'frequency', 'lead time (median)', 'change failure rate', 'recovery (median)']];
  for (const s of report.services) {
    const rate = s.changeFailureRate.value;
    rows.push([
      s.tier,
      s.service,
      s.window ? s.window.from.slice(0, 10) : 'n/a',
      s.window ? s.window.days.toFixed(1) : 'n/a',
      String(s.deployments),
      cell(formatFrequency(s.frequency.value), s.frequency),
      cell(formatDuration(s.leadTime.value), s.leadTime),
      cell(rate === undefined ? 'n/a' : `${Math.round(rate * 100)}% (${s.changeFailureRate.failed}/${s.deployments})`, s.changeFailureRate),
      cell(formatDuration(s.recoveryTime.value), s.recoveryTime),
    ]);
  }
  if (report.services.length === 0) rows.push(['(no service has a release in these tiers)', '', '', '', '', '', '', '', '']);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return [head, '', ...rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd())];
}

/** The report as JSON: durations in milliseconds, rates from 0 to 1, "n/a" as null. */
export function metricsJson(report: MetricsReport): string {
  return JSON.stringify(report, (_k, v) => (v === undefined ? null : v), 2);
}

export const name = 'metrics';
export const usage = 'metrics [--tier T] [--since DATE] [--until DATE] [--format table|json] [--svg FILE]';
export const flags: FlagSpec = { ledger: 'string', model: 'string', tier: 'string', since: 'string', until: 'string', format: 'string', svg: 'string' };

/** Prints the metrics as a table or JSON, and draws the chart with `--svg`. */
export const run: Command = refusing((args: string[], io: CliIo): number | Promise<number> => {
  const parsed = parseArgs(args, flags, 0);
  const flag = (name: string) => parsed.flags[name] as string | undefined;
  const format = flag('format') ?? 'table';
  if (format !== 'table' && format !== 'json') fail('--format', 'format %v is not known', format, 'use table or json');
  const since = flag('since') !== undefined ? parseDate(flag('since')!, '--since') : undefined;
  const until = flag('until') !== undefined ? parseDate(flag('until')!, '--until') : io.now();
  if (since && since.getTime() > io.now().getTime()) {
    fail('--since', `date %v is in the future (now is ${io.now().toISOString()})`, since.toISOString(), 'give a start date before now, or leave --since out to start each row at its service\'s first event in the tier');
  }
  const modelPath = flag('model') ?? DEFAULT_MODEL_PATH;
  const model = readModel(io.cwd, modelPath);
  const tiers = tiersOf(model);
  const file = ledgerPath(model, flag('ledger'), modelPath);
  const text = readLedgerText(io.cwd, file, 'pass the right path with --ledger (the model names it relative to the folder the synth ran in)');
  const ledger = ReleaseLedger.parse(text, tiers, file);
  const report = doraMetrics(ledger.data, { tiers: tiers.names, tier: flag('tier'), since, until, source: file });
  const lines = format === 'json' ? [metricsJson(report)] : metricsTable(report);
  const svg = flag('svg');
  const print = (): number => {
    for (const l of lines) io.out(l);
    if (svg !== undefined && format === 'json') io.err(`wrote ${svg}`);
    if (svg !== undefined && format === 'table') {
      io.out('');
      io.out(`wrote ${svg}`);
    }
    return 0;
  };
  if (svg === undefined) return print();
  checkGeneratedTarget(io.cwd, svg, 'metrics', '--svg');
  // Loaded only here: the chart's packages are large and optional.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const chart = require('./chart') as typeof import('./chart');
  return chart.renderSvg(chart.chartSpec(report, tiers.names), svg).then((drawn) => {
    // An XML comment before the chart marks the file as generated: the next run may replace it, and nothing else.
    writeGeneratedFile(io.cwd, svg, `<!-- ${generatedMark('metrics')} -->\n${drawn}`, 'metrics', '--svg');
    return print();
  });
});
