import type { IConstruct } from '../private/cdk';
import { fail } from '../private/errors';
import { SWITCHYARD_RULES } from './rules';

/** Construct metadata type of a suppression: `{ rule, reason }`. */
export const SUPPRESS_METADATA = 'switchyard:policy:suppress';
/** Construct metadata type that turns the rule pack off for a scope: `{ reason }`. */
export const DISABLE_METADATA = 'switchyard:policy:disable';

const IDS = new Set(SWITCHYARD_RULES.map((r) => r.id));

/** `SY-RDS-1..10, SY-SQS-1..2, ...`: the pack's IDs in short. */
function idRanges(): string {
  const areas = new Map<string, number[]>();
  for (const r of SWITCHYARD_RULES) {
    const m = /^(SY-[A-Z0-9]+)-(\d+)$/.exec(r.id);
    if (m) areas.set(m[1], [...(areas.get(m[1]) ?? []), Number(m[2])]);
  }
  return [...areas].map(([a, ns]) => (ns.length > 1 ? `${a}-${Math.min(...ns)}..${Math.max(...ns)}` : `${a}-${ns[0]}`)).join(', ');
}

/**
 * Refuses a suppression with an unknown rule ID or an empty reason (from
 * `Policy.suppress`, or metadata written by hand and found at synth).
 */
export function checkSuppression(where: IConstruct, entry: { rule?: unknown; reason?: unknown }): void {
  if (typeof entry.rule !== 'string' || !IDS.has(entry.rule)) {
    fail(where, 'suppression names rule %v, which the rule pack does not have', entry.rule, `use one of ${idRanges()} (see docs/RULES.md)`);
  }
  if (typeof entry.reason !== 'string' || entry.reason.trim() === '') {
    fail(where, `suppression of ${entry.rule} has an empty reason %v`, entry.reason ?? '',
      `say why ${entry.rule} does not apply here: Policy.suppress(construct, "${entry.rule}", "<why>"); the reason goes into policy-report.json`);
  }
}

/** Checks every suppression written on `scope`, on the scopes above it and on everything under it. */
export function checkSuppressionsAround(scope: IConstruct): void {
  for (const c of [...scope.node.scopes, ...scope.node.findAll().slice(1)]) {
    for (const m of c.node.metadata) {
      if (m.type === SUPPRESS_METADATA) checkSuppression(c, (m.data ?? {}) as { rule?: unknown; reason?: unknown });
    }
  }
}

/** The reason of the nearest suppression of `rule` on the construct or a scope above it. */
export function suppressionOf(c: IConstruct, rule: string): string | undefined {
  for (const s of [...c.node.scopes].reverse()) {
    const m = s.node.metadata.find((e) => e.type === SUPPRESS_METADATA && (e.data as { rule?: string }).rule === rule);
    if (m) return (m.data as { reason: string }).reason;
  }
  return undefined;
}

/** True when the rule pack is disabled for the construct or a scope above it. */
export function isDisabled(c: IConstruct): boolean {
  return c.node.scopes.some((s) => s.node.metadata.some((m) => m.type === DISABLE_METADATA));
}
