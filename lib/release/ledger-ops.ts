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
import { Approval, isIsoTime, LedgerData, otherSlot, ReleaseLedger, ServiceRelease, Slot, versionIn } from './ledger';
import type { AnalysisRecord } from './ledger-data';
import { LedgerContext, Step } from './ledger-step';
import { idleTraffic, refuse, weightRange } from './rules';

export { LedgerContext } from './ledger-step';

/** Who takes a step on which service in which tier, and when. */
export interface StepOptions {
  readonly service: string;
  readonly tier: string;
  /** Who takes the step. */
  readonly by: string;
  /** ISO 8601 time of the step; not before the last event of the service in the tier. */
  readonly at: string;
  /**
   * Why, one line, recorded in the history.
   * @default - none
   */
  readonly reason?: string;
  /**
   * The analysis the step was taken on (`switchyard rollout`), recorded in the history.
   * @default - none
   */
  readonly analysis?: AnalysisRecord;
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
  return s.commit(flip(r, idle), { verb: 'switch', version, slot: idle, ...noted(o) });
}

/** The reason and analysis of a step, for its history event. */
function noted(o: StepOptions): { reason?: string; analysis?: AnalysisRecord } {
  return { ...(o.reason !== undefined ? { reason: o.reason } : {}), ...(o.analysis !== undefined ? { analysis: o.analysis } : {}) };
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
  return s.commit(flip(r, idle), { verb: 'rollback', version, slot: idle, ...noted(o) });
}

/** Sends `percent` of the traffic to the idle slot (the canary): 0 to 100, the idle slot holding a version and not retired. */
export function setWeight(data: LedgerData, ctx: LedgerContext, o: WeightOptions): LedgerData {
  const s = new Step(data, ctx, o.service, o.tier, o.by, o.at);
  refuse(s.source, weightRange(`${s.entry}.weight`, o.percent));
  const r = s.released();
  const idle = otherSlot(r.live);
  const version = versionIn(r, idle);
  refuse(s.source, idleTraffic(`${s.entry}.weight`, { tier: s.tier.name, service: o.service, weight: o.percent, slot: idle, version, retired: r.retired }));
  return s.commit({ ...r, weight: o.percent }, { verb: 'weight', version, slot: idle, weight: o.percent, ...noted(o) });
}

/**
 * Withdraws the canary's traffic: the idle slot's weight back to 0, the live slot
 * unchanged (the rollback of a canary that was never switched to). Refused when
 * the idle slot takes no traffic.
 */
export function abort(data: LedgerData, ctx: LedgerContext, o: StepOptions): LedgerData {
  const s = new Step(data, ctx, o.service, o.tier, o.by, o.at);
  const r = s.released();
  const idle = otherSlot(r.live);
  const version = versionIn(r, idle);
  if (!version || r.weight === 0) {
    fail(`${s.where}.weight`, `nothing to abort: idle slot ${idle} takes %v of the traffic`, `${r.weight}%`,
      `an abort withdraws a canary's traffic; to go back to the version live before the last switch use switchyard rollback ${o.service} --tier ${o.tier}`);
  }
  return s.commit({ ...r, weight: 0 }, { verb: 'abort', version, slot: idle, weight: 0, ...noted(o) });
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

/** The entry with `slot` live and no canary traffic. */
function flip(r: ServiceRelease, slot: Slot): ServiceRelease {
  return { ...r, live: slot, weight: 0, retired: undefined };
}

