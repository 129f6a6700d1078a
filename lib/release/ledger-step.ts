/**
 * One step on one service in one tier, as every verb of lib/release/ledger-ops.ts
 * takes it: the checks they share (the service, who, when; a release to act on;
 * a version that may enter the tier) and the commit, which checks the new
 * ledger by the same rules as synth.
 */
import { fail } from '../private/errors';
import { Tier, Tiers } from '../tier/tier';
import { HistoryEvent, isIsoTime, LedgerData, nameProblem, otherSlot, ReleaseLedger, ServiceRelease, versionIn, versionProblem } from './ledger';
import { formatLedger } from './ledger-format';
import { approval, entryOf, promotionOrder, refuse } from './rules';

/** What every step needs besides the ledger: the tiers (order and approval rule) and the ledger's name for messages. */
export interface LedgerContext {
  readonly tiers: Tiers;
  /**
   * The ledger's path as the user gave it, for messages.
   * @default "releases.json"
   */
  readonly source?: string;
}

/** One step on one service in one tier: the checks every verb shares, and the commit. */
export class Step {
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
