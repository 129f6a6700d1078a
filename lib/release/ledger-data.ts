/**
 * The release ledger's data: slots, verbs, history events, a service's
 * release in a tier, the whole file (what `releases.json` holds).
 */
/** The two fixed slots of a blue-green service. */
export type Slot = 'blue' | 'green';
/** Both slots, blue first. */
export const SLOTS: readonly Slot[] = ['blue', 'green'];

/** The other slot. */
export function otherSlot(slot: Slot): Slot {
  return slot === 'blue' ? 'green' : 'blue';
}

/** An approval of a version for a tier. */
export interface Approval {
  /** The version approved. */
  readonly version: string;
  /** Who approved it. */
  readonly by: string;
  /** ISO 8601 time. */
  readonly at: string;
}

/**
 * The verbs that change a ledger. `abort` withdraws a canary's traffic (the idle slot's weight back
 * to 0) without a switch: the rollback of a canary, taken by `switchyard rollout` when its analysis
 * fails, or by hand.
 */
export type Verb = 'stage' | 'switch' | 'rollback' | 'weight' | 'abort' | 'approve' | 'promote' | 'retire';
/** Every verb, in the order a release uses them. */
export const VERBS: readonly Verb[] = ['stage', 'switch', 'rollback', 'weight', 'abort', 'approve', 'promote', 'retire'];

/** The figures of a canary analysis a step was taken on (`switchyard rollout`). */
export interface AnalysisRecord {
  /** The verdict: pass, fail or inconclusive. */
  readonly verdict: 'pass' | 'fail' | 'inconclusive';
  /** The query window, a Prometheus duration (e.g. "5m"). */
  readonly window: string;
  /** The version measured (the idle slot's). */
  readonly version: string;
  /** Requests the idle slot served in the window. */
  readonly requests: number;
  /**
   * Its share of 5xx responses, 0 to 1.
   * @default - not measured (no traffic)
   */
  readonly errorRatio?: number;
  /**
   * Its 99th-percentile latency, seconds.
   * @default - not measured (no latency histogram)
   */
  readonly p99Seconds?: number;
}

/** One step in a service's history in a tier. */
export interface HistoryEvent {
  /** ISO 8601 time of the step. */
  readonly at: string;
  /** What the step did. */
  readonly verb: Verb;
  /**
   * The version the step is about (for switch and rollback: the version that became live).
   * @default - none recorded
   */
  readonly version?: string;
  /**
   * The slot the step acted on.
   * @default - none: the step acted on no slot (an approval)
   */
  readonly slot?: Slot;
  /**
   * Who took the step.
   * @default - not recorded
   */
  readonly by?: string;
  /**
   * Commit time of the version (ISO 8601), when given to `stage --commit-time`.
   * @default - not recorded: lead time counts from the version's first stage
   */
  readonly commitAt?: string;
  /**
   * Weight set by a `weight` step.
   * @default - none: not a `weight` step
   */
  readonly weight?: number;
  /**
   * Tier a promoted version came from.
   * @default - none: not a `promote` step
   */
  readonly from?: string;
  /**
   * Why the step was taken, one line (an abort's failed check, a manual step's note).
   * @default - none recorded
   */
  readonly reason?: string;
  /**
   * The analysis the step was taken on: for `weight` and `switch` steps of a rollout the pass that
   * allowed them, for an `abort` the failure.
   * @default - none: the step was not taken on an analysis
   */
  readonly analysis?: AnalysisRecord;
}

/**
 * The release state of one service in one tier. An entry with no version in
 * either slot holds only approvals (recorded before the service's first
 * release in the tier) and deploys nothing.
 */
export interface ServiceRelease {
  /**
   * Version in the blue slot.
   * @default - none: the slot is empty
   */
  readonly blue?: string;
  /**
   * Version in the green slot.
   * @default - none: the slot is empty
   */
  readonly green?: string;
  /** The slot that takes traffic. */
  readonly live: Slot;
  /** Percent of traffic sent to the idle (staged) slot, 0 to 100. */
  readonly weight: number;
  /**
   * True when the idle slot is scaled to zero (`switchyard retire`): it keeps its version but
   * runs no pods, so there is no rollback target until the next stage. Only on a slot that
   * holds a version, and only with weight 0.
   * @default false
   */
  readonly retired?: boolean;
  /** Versions approved for the tier (needed where the tier's profile has `approvalRequired`). */
  readonly approvals: readonly Approval[];
  /** Every step, in time order. */
  readonly history: readonly HistoryEvent[];
  /**
   * Dependency settings this tier's release requires, by dependency name, applied before the
   * staged slot rolls out (e.g. `{ "orders": { "engineVersion": "17.11" } }`).
   * @default - none: the dependencies keep their declared settings
   */
  readonly requires?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The whole ledger file. */
export interface LedgerData {
  /** The application the ledger belongs to. */
  readonly app: string;
  /** Release state per tier, then per service. */
  readonly tiers: Readonly<Record<string, Readonly<Record<string, ServiceRelease>>>>;
  /**
   * Top-level fields named `x-<anything>`: yours (a note, a link), kept as they are by every step.
   * @default - none
   */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** The version in a slot. */
export function versionIn(r: ServiceRelease, slot: Slot): string | undefined {
  return slot === 'blue' ? r.blue : r.green;
}
