/**
 * The steps of a release, as pure functions over ledger data: each takes the
 * ledger as it is and returns the ledger after the step, or throws a
 * ConfigurationError that names the entry, the value and the fix. Nothing
 * here reads or writes a file; the `switchyard` CLI does the I/O.
 *
 * Every result passes `ReleaseLedger.parse` with the same tiers, so a step
 * never produces a ledger that synth would refuse.
 */
import { fail } from '../private/errors';
import { Tier, Tiers } from '../tier/tier';
import {
  Approval, HistoryEvent, isIsoTime, LedgerData, nameProblem, otherSlot, ReleaseLedger, ServiceRelease, Slot, versionIn, versionProblem,
} from './ledger';
import { approval, entryOf, idleTraffic, promotionOrder, refuse, weightRange } from './rules';

/** What every step needs besides the ledger: the tiers (order and approval rule) and the ledger's name for messages. */
export interface LedgerContext {
  readonly tiers: Tiers;
  /**
   * The ledger's path as the user gave it, for messages.
   * @default "releases.json"
   */
  readonly source?: string;
}

/** Who takes a step on which service in which tier, and when. */
export interface StepOptions {
  readonly service: string;
  readonly tier: string;
  /** Who takes the step. */
  readonly by: string;
  /** ISO 8601 time of the step; not before the last event of the service in the tier. */
  readonly at: string;
}

/** Options of {@link stage}. */
export interface StageOptions extends StepOptions {
  readonly version: string;
  /** Commit time of the version (ISO 8601), recorded in the history. */
  readonly commitAt?: string;
  /**
   * Dependency settings the version needs, by dependency name (e.g. `{ orders: { engineVersion: '18' } }`):
   * recorded in the entry's `requires`, applied at synth before the slot rolls out, and carried along by `promote`.
   */
  readonly requires?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Options of {@link setWeight}. */
export interface WeightOptions extends StepOptions {
  /** Percent of traffic to the idle slot, a whole number from 0 to 100. */
  readonly percent: number;
}

/** Options of {@link approve}. */
export interface ApproveOptions extends StepOptions {
  readonly version: string;
}

/** Options of {@link promote}. */
export interface PromoteOptions {
  readonly service: string;
  /** The tier whose live version is promoted. */
  readonly from: string;
  /** The tier directly after `from`. */
  readonly to: string;
  readonly by: string;
  readonly at: string;
}

/**
 * Puts `version` into the idle slot of the tier (never the live one); weight
 * goes to 0 and a `retired` mark is cleared. The first release of a service
 * in a tier has no live slot to protect: it goes into blue and is live at
 * once (the history records the stage and the switch).
 */
export function stage(data: LedgerData, ctx: LedgerContext, o: StageOptions): LedgerData {
  const s = new Step(data, ctx, o.service, o.tier, o.by, o.at);
  if (o.commitAt !== undefined && !isIsoTime(o.commitAt)) {
    fail(s.where, 'commit time %v is not an ISO 8601 time', o.commitAt, 'give it like "2026-11-20T14:00:00Z" (--commit-time)');
  }
  return s.stageInto(o.version, { verb: 'stage', ...(o.commitAt !== undefined ? { commitAt: o.commitAt } : {}) }, o.requires);
}

/**
 * Takes the live version of `from` into the tier directly after it, as
 * {@link stage} does; refuses a tier that is not the next one and a missing
 * approval where the target tier requires one.
 */
export function promote(data: LedgerData, ctx: LedgerContext, o: PromoteOptions): LedgerData {
  const s = new Step(data, ctx, o.service, o.to, o.by, o.at);
  const from = s.tiers.get(o.from, `${s.source}: tiers`);
  const order = s.tiers.names;
  const i = order.indexOf(from.name);
  const j = order.indexOf(s.tier.name);
  if (i === order.length - 1) {
    fail(s.where, `tier %v is the last in the promotion order (${order.join(', ')})`, from.name, 'there is no tier after it to promote to');
  }
  if (j <= i) {
    fail(s.where, `tier %v does not come after "${from.name}" in the promotion order (${order.join(', ')})`, s.tier.name,
      `promote to the next tier: switchyard promote ${o.service} --from ${from.name} --to ${order[i + 1]}`);
  }
  if (j > i + 1) {
    const skipped = order.slice(i + 1, j);
    fail(s.where, `promoting from "${from.name}" to "${s.tier.name}" would skip ${skipped.length === 1 ? 'tier' : 'tiers'} %v`,
      skipped.length === 1 ? skipped[0] : skipped,
      `promote one tier at a time: switchyard promote ${o.service} --from ${from.name} --to ${order[i + 1]}`);
  }
  const source = s.ledger.release(from.name, o.service);
  const version = source && versionIn(source, source.live);
  if (!source || !version) {
    fail(`${s.source}: tiers.${from.name}.${o.service}`, `service %v has no live version in tier "${from.name}"`, o.service,
      `release it there first: switchyard stage ${o.service} <version> --tier ${from.name}`);
  }
  // A dependency change the version needed below goes with it.
  return s.stageInto(version, { verb: 'promote', from: from.name }, source.requires);
}

/** Makes the idle slot live (it must hold a version and not be retired); weight goes to 0. */
export function switchLive(data: LedgerData, ctx: LedgerContext, o: StepOptions): LedgerData {
  const s = new Step(data, ctx, o.service, o.tier, o.by, o.at);
  const r = s.released();
  const idle = otherSlot(r.live);
  const version = versionIn(r, idle);
  if (!version) {
    fail(s.where, 'idle slot %v holds no version', idle, `stage one first: switchyard stage ${o.service} <version> --tier ${o.tier}`);
  }
  if (r.retired) {
    fail(s.where, `idle slot %v (${version}) is retired`, idle, `stage a version into it first: switchyard stage ${o.service} <version> --tier ${o.tier}`);
  }
  return s.commit(flip(r, idle), { verb: 'switch', version, slot: idle });
}

/**
 * Flips back to the previous version: the idle slot, which must hold the
 * version that was live before the last switch (or rollback). Refused when the
 * idle slot is empty or retired, or holds a version staged since then.
 */
export function rollback(data: LedgerData, ctx: LedgerContext, o: StepOptions): LedgerData {
  const s = new Step(data, ctx, o.service, o.tier, o.by, o.at);
  const r = s.released();
  const idle = otherSlot(r.live);
  const version = versionIn(r, idle);
  if (!version) {
    fail(s.where, 'nothing to roll back to: idle slot %v holds no version', idle,
      `a rollback returns to the version live before the last switch; release a fix instead: switchyard stage ${o.service} <version> --tier ${o.tier}`);
  }
  if (r.retired) {
    fail(s.where, `nothing to roll back to: idle slot %v (${version}) was retired`, idle,
      `stage it again to bring it back (switchyard stage ${o.service} ${version} --tier ${o.tier}), then switch: switchyard switch ${o.service} --tier ${o.tier}`);
  }
  const target = rollbackTarget(r);
  if (!target) {
    const switched = r.history.some((e) => e.verb === 'switch' || e.verb === 'rollback');
    fail(s.where, switched
      ? `nothing to roll back to: idle slot ${idle} holds %v, staged after the last switch`
      : `nothing to roll back to: the history of ${o.service} in tier "${o.tier}" has no switch (idle slot ${idle} holds %v)`,
    version, `to put ${version} live use switchyard switch ${o.service} --tier ${o.tier}`);
  }
  return s.commit(flip(r, idle), { verb: 'rollback', version, slot: idle });
}

/** Sends `percent` of the traffic to the idle slot (the canary): 0 to 100, the idle slot holding a version and not retired. */
export function setWeight(data: LedgerData, ctx: LedgerContext, o: WeightOptions): LedgerData {
  const s = new Step(data, ctx, o.service, o.tier, o.by, o.at);
  refuse(s.source, weightRange(`${s.entry}.weight`, o.percent));
  const r = s.released();
  const idle = otherSlot(r.live);
  const version = versionIn(r, idle);
  refuse(s.source, idleTraffic(`${s.entry}.weight`, { tier: s.tier.name, service: o.service, weight: o.percent, slot: idle, version, retired: r.retired }));
  return s.commit({ ...r, weight: o.percent }, { verb: 'weight', version, slot: idle, weight: o.percent });
}

/**
 * Records an approval of `version` for the tier. Refused when the version was
 * never live in the tier before (nothing to approve yet) and when it is
 * approved already. Before the first release of the service in the tier the
 * entry holds only approvals.
 */
export function approve(data: LedgerData, ctx: LedgerContext, o: ApproveOptions): LedgerData {
  const s = new Step(data, ctx, o.service, o.tier, o.by, o.at);
  s.checkVersion(o.version);
  const previous = s.tiers.previous(s.tier);
  if (previous && !s.ledger.wasLive(previous.name, o.service, o.version)) {
    fail(s.where, `version %v was never live in tier "${previous.name}", so there is nothing to approve yet`, o.version,
      `release it in "${previous.name}" first (stage or promote, then switch), then approve it for "${s.tier.name}"`);
  }
  const r = s.ledger.release(s.tier.name, o.service);
  const existing = r?.approvals.find((a) => a.version === o.version);
  if (existing) {
    fail(`${s.where}.approvals`, `version %v is already approved for tier "${s.tier.name}" (by ${existing.by} at ${existing.at})`, o.version,
      `each version is approved once per tier; release it with switchyard stage ${o.service} ${o.version} --tier ${s.tier.name}`);
  }
  const approval: Approval = { version: o.version, by: o.by, at: o.at };
  const base: ServiceRelease = r ?? { live: 'blue', weight: 0, approvals: [], history: [] };
  return s.commit({ ...base, approvals: [...base.approvals, approval] }, { verb: 'approve', version: o.version });
}

/**
 * Scales the idle slot to zero: it keeps its version, but there is no rollback
 * target until the next stage. Refused for an empty or already retired idle
 * slot, and while the idle slot takes traffic.
 */
export function retire(data: LedgerData, ctx: LedgerContext, o: StepOptions): LedgerData {
  const s = new Step(data, ctx, o.service, o.tier, o.by, o.at);
  const r = s.released();
  const idle = otherSlot(r.live);
  const version = versionIn(r, idle);
  if (!version) {
    fail(s.where, 'idle slot %v holds no version: nothing to retire', idle,
      `retire scales down the previous version after a switch; ${o.service} in "${o.tier}" runs only its live slot ${r.live}`);
  }
  if (r.retired) {
    fail(s.where, `idle slot %v (${version}) is already retired`, idle, `nothing to do; the next version goes in with switchyard stage ${o.service} <version> --tier ${o.tier}`);
  }
  if (r.weight > 0) {
    fail(s.where, `idle slot %v (${version}) takes ${r.weight}% of the traffic`, idle, `set the weight to 0 first: switchyard weight ${o.service} 0 --tier ${o.tier}`);
  }
  return s.commit({ ...r, retired: true }, { verb: 'retire', version, slot: idle });
}

/**
 * The slot a rollback would make live: the idle slot, when it holds the
 * version that was live before the last switch or rollback (not retired, and
 * nothing staged into it since). Undefined when there is nothing to roll back to.
 */
export function rollbackTarget(r: ServiceRelease): Slot | undefined {
  const idle = otherSlot(r.live);
  if (!versionIn(r, idle) || r.retired) return undefined;
  const slotSteps = r.history.filter((e) => e.verb === 'stage' || e.verb === 'promote' || e.verb === 'switch' || e.verb === 'rollback' || e.verb === 'retire');
  const last = slotSteps[slotSteps.length - 1];
  return last && (last.verb === 'switch' || last.verb === 'rollback') ? idle : undefined;
}

/**
 * Versions of `service` waiting for an approval in `tier`: where the tier
 * requires approval, the versions that went live in the tier before it after
 * the last one approved (or live) in `tier`, and that have no approval.
 */
export function pendingApprovals(ledger: ReleaseLedger, tier: string, service: string): string[] {
  const t = ledger.tiers.get(tier);
  const previous = ledger.tiers.previous(t);
  if (!t.profile.approvalRequired || !previous) return [];
  const before = ledger.release(previous.name, service);
  if (!before) return [];
  // Versions in the order they first went live in the tier before.
  const wentLive: string[] = [];
  for (const e of before.history) {
    if ((e.verb === 'switch' || e.verb === 'rollback') && e.version && !wentLive.includes(e.version)) wentLive.push(e.version);
  }
  const live = versionIn(before, before.live);
  if (live && !wentLive.includes(live)) wentLive.push(live);
  const settled = (v: string) => ledger.isApproved(tier, service, v) || ledger.wasLive(tier, service, v);
  let start = 0;
  wentLive.forEach((v, i) => { if (settled(v)) start = i + 1; });
  return wentLive.slice(start).filter((v) => !settled(v));
}

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
  return { at: e.at, verb: e.verb, version: e.version, slot: e.slot, weight: e.weight, by: e.by, commitAt: e.commitAt, from: e.from };
}

/** The entry with `slot` live and no canary traffic. */
function flip(r: ServiceRelease, slot: Slot): ServiceRelease {
  return { ...r, live: slot, weight: 0, retired: undefined };
}

/** One step on one service in one tier: the checks every verb shares, and the commit. */
class Step {
  public readonly ledger: ReleaseLedger;
  public readonly tiers: Tiers;
  public readonly source: string;
  public readonly tier: Tier;
  /** The entry's path in the ledger: `tiers.<tier>.<service>`. */
  public readonly entry: string;
  /** The entry, for messages: `<ledger>: tiers.<tier>.<service>`. */
  public readonly where: string;

  constructor(private readonly data: LedgerData, ctx: LedgerContext, public readonly service: string, tier: string,
    private readonly by: string, private readonly at: string) {
    this.tiers = ctx.tiers;
    this.source = ctx.source ?? 'releases.json';
    this.ledger = ReleaseLedger.parse(formatLedger(data, ctx.tiers), ctx.tiers, this.source);
    this.tier = ctx.tiers.get(tier, `${this.source}: tiers`);
    this.entry = entryOf(this.tier.name, service);
    this.where = `${this.source}: ${this.entry}`;
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(service)) {
      fail(this.where, 'service name %v is not valid', service, 'use the service name of its Deployments (`<service>-blue`): a DNS label such as "api"');
    }
    if (typeof by !== 'string' || by.trim() === '') {
      fail(this.where, 'who takes the step (%v) is not given', by, 'give a name with --by NAME, or set $SWITCHYARD_USER');
    }
    const problem = nameProblem(by);
    if (problem) fail(this.where, `who takes the step (%v) ${problem}`, by, 'give a plain name on one line with --by NAME');
    if (!isIsoTime(at)) fail(this.where, 'time %v is not an ISO 8601 time', at, 'give it like "2026-11-20T14:00:00Z"');
  }

  /** The entry, which must hold a live version. */
  public released(): ServiceRelease {
    const r = this.ledger.release(this.tier.name, this.service);
    if (!r || !versionIn(r, r.live)) {
      fail(this.where, `service %v has no release in tier "${this.tier.name}"`, this.service,
        `stage a version first: switchyard stage ${this.service} <version> --tier ${this.tier.name}`);
    }
    return r;
  }

  public checkVersion(version: string): void {
    const problem = versionProblem(version);
    if (problem) fail(this.where, `version %v ${problem[0]}`, version, problem[1]);
  }

  /** Stage (or promote) `version` into the idle slot, or as the first release. */
  public stageInto(version: string, extra: Pick<HistoryEvent, 'verb' | 'commitAt' | 'from'>, requires?: ServiceRelease['requires']): LedgerData {
    this.checkVersion(version);
    const tier = this.tier.name;
    const previous = this.tiers.previous(this.tier);
    refuse(this.source, promotionOrder(this.entry, {
      tier, previous: previous?.name, version, wasLiveBefore: previous !== undefined && this.ledger.wasLive(previous.name, this.service, version),
    }));
    refuse(this.source, approval(this.entry, {
      tier, service: this.service, version, approvalRequired: this.tier.profile.approvalRequired, approved: this.ledger.isApproved(tier, this.service, version),
    }));
    const r = this.ledger.release(tier, this.service);
    if (!r || !versionIn(r, r.live)) {
      // The first release here: nothing is live, so it goes live at once.
      const merged = mergeRequires(r?.requires, requires);
      const first: ServiceRelease = {
        blue: version, live: 'blue', weight: 0, approvals: r?.approvals ?? [], history: r?.history ?? [], ...(merged ? { requires: merged } : {}),
      };
      const staged = this.event({ ...extra, version, slot: 'blue' }, first.history);
      return this.put({ ...first, history: [...first.history, staged, { at: this.at, verb: 'switch', version, slot: 'blue', by: this.by }] });
    }
    if (versionIn(r, r.live) === version) {
      fail(this.where, `version %v is already live in slot ${r.live}`, version, `stage a different version (to go back to an earlier one: switchyard rollback ${this.service} --tier ${tier})`);
    }
    const idle = otherSlot(r.live);
    const merged = mergeRequires(r.requires, requires);
    // Staged already (and serving): a second stage would change nothing but the history.
    if (versionIn(r, idle) === version && !r.retired && JSON.stringify(merged) === JSON.stringify(r.requires)) {
      fail(this.where, `version %v is already staged in idle slot ${idle}`, version, `nothing to stage: deploy it, then switch to it: switchyard switch ${this.service} --tier ${tier}`);
    }
    return this.commit({ ...r, [idle]: version, weight: 0, retired: undefined, ...(merged ? { requires: merged } : {}) }, { ...extra, version, slot: idle });
  }

  /** The entry with one more history event, in the ledger. */
  public commit(r: ServiceRelease, event: Omit<HistoryEvent, 'at' | 'by'>): LedgerData {
    return this.put({ ...r, history: [...r.history, this.event(event, r.history)] });
  }

  /** A history event at this step's time, refused if it is before the last one. */
  private event(e: Omit<HistoryEvent, 'at' | 'by'>, history: readonly HistoryEvent[]): HistoryEvent {
    const last = history[history.length - 1];
    if (last && Date.parse(this.at) < Date.parse(last.at)) {
      fail(`${this.where}.history`, `time %v is before the last event (${last.verb} at ${last.at})`, this.at,
        'history stays in time order: check the clock of this machine, or wait until after the last event');
    }
    return { at: this.at, ...e, by: this.by };
  }

  /** The ledger with the entry replaced, checked by the same rules as synth. */
  private put(r: ServiceRelease): LedgerData {
    const tier = this.tier.name;
    const next: LedgerData = {
      ...this.data,
      tiers: { ...this.data.tiers, [tier]: { ...(this.data.tiers[tier] ?? {}), [this.service]: r } },
    };
    return ReleaseLedger.parse(formatLedger(next, this.tiers), this.tiers, this.source).data;
  }
}

/** The entry's required dependency settings with `more` laid over them, dependency by dependency. */
function mergeRequires(base: ServiceRelease['requires'], more: ServiceRelease['requires']): ServiceRelease['requires'] {
  if (!more || Object.keys(more).length === 0) return base;
  const out: Record<string, Record<string, string>> = {};
  for (const [dep, settings] of Object.entries(base ?? {})) out[dep] = { ...settings };
  for (const [dep, settings] of Object.entries(more)) out[dep] = { ...(out[dep] ?? {}), ...settings };
  return out;
}
