/**
 * The ledger as its file holds it (`releases.json`): the same data always
 * gives the same bytes, so a step changes only the lines it must.
 */
import type { Tiers } from '../tier/tier';
import type { HistoryEvent, LedgerData, ServiceRelease } from './ledger';

/**
 * The ledger as its file holds it: 2-space JSON with a trailing newline; tiers
 * in promotion order, services by name, entry keys in a fixed order (blue,
 * green, live, weight, retired (only when true), approvals, history,
 * requires), one approval and one history event per line. The same data
 * always gives the same bytes, so a step changes only the lines it must.
 */
export function formatLedger(data: LedgerData, tiers?: Tiers): string {
  const known = tiers ? tiers.names.filter((t) => t in data.tiers) : [];
  const tierNames = [...known, ...Object.keys(data.tiers).filter((t) => !known.includes(t))];
  const q = (v: unknown) => JSON.stringify(v);
  const inline = (o: object) => {
    const fields = Object.entries(o).filter(([, v]) => v !== undefined);
    return fields.length === 0 ? '{}' : `{ ${fields.map(([k, v]) => `${q(k)}: ${q(v)}`).join(', ')} }`;
  };
  const list = (items: string[], indent: string) =>
    items.length === 0 ? '[]' : `[\n${items.map((i) => `${indent}  ${i}`).join(',\n')}\n${indent}]`;
  const block = (fields: Array<[string, string]>, indent: string) =>
    fields.length === 0 ? '{}' : `{\n${fields.map(([k, v]) => `${indent}  ${q(k)}: ${v}`).join(',\n')}\n${indent}}`;
  const entry = (r: ServiceRelease, indent: string): string => {
    const fields: Array<[string, string]> = [];
    if (r.blue !== undefined) fields.push(['blue', q(r.blue)]);
    if (r.green !== undefined) fields.push(['green', q(r.green)]);
    fields.push(['live', q(r.live)], ['weight', q(r.weight)]);
    if (r.retired) fields.push(['retired', 'true']);
    fields.push(['approvals', list(r.approvals.map((a) => inline({ version: a.version, by: a.by, at: a.at })), indent + '  ')]);
    fields.push(['history', list(r.history.map((e) => inline(orderedEvent(e))), indent + '  ')]);
    if (r.requires !== undefined) {
      fields.push(['requires', JSON.stringify(r.requires, null, 2).split('\n').join(`\n${indent}  `)]);
    }
    return block(fields, indent);
  };
  const tiersBlock = block(tierNames.map((t) => {
    const services = Object.keys(data.tiers[t]).sort();
    return [t, block(services.map((svc) => [svc, entry(data.tiers[t][svc], '      ')]), '    ')];
  }), '  ');
  // The user's own fields (`x-...`), after the ledger's, as they were.
  const extensions = Object.entries(data.extensions ?? {}).map(([k, v]): [string, string] => [k, JSON.stringify(v, null, 2).split('\n').join('\n  ')]);
  return `${block([['app', q(data.app)], ['tiers', tiersBlock], ...extensions], '')}\n`;
}

/** A history event's keys in the file's order. */
function orderedEvent(e: HistoryEvent): HistoryEvent {
  const a = e.analysis;
  return {
    at: e.at, verb: e.verb, version: e.version, slot: e.slot, weight: e.weight, by: e.by, commitAt: e.commitAt, from: e.from, reason: e.reason,
    analysis: a && { verdict: a.verdict, window: a.window, version: a.version, requests: a.requests, errorRatio: a.errorRatio, p99Seconds: a.p99Seconds },
  };
}
