import * as fs from 'fs';
import { fail } from '../private/errors';
import { JsonSyntaxError, parseStrictJson } from '../private/json';
import { Tiers } from '../tier/tier';
import { approval, idleTraffic, promotionOrder, refuse, weightRange } from './rules';

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

/** The verbs that change a ledger. */
export type Verb = 'stage' | 'switch' | 'rollback' | 'weight' | 'approve' | 'promote' | 'retire';
/** Every verb, in the order a release uses them. */
export const VERBS: readonly Verb[] = ['stage', 'switch', 'rollback', 'weight', 'approve', 'promote', 'retire'];

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

export const VERSION = /^(sha256:[a-f0-9]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/;
/** The shape of the ledger's times (ISO 8601); {@link isIsoTime} also checks that the date and time exist. */
export const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** Image tags that name no version but move (what runs would change under the ledger's feet). */
export const MOVING_TAGS: readonly string[] = ['latest', 'stable', 'edge', 'nightly', 'main', 'master', 'head'];

/** True for an ISO 8601 time of the ledger's shape whose date and time exist (no 30 February, no 25:61). */
export function isIsoTime(text: string): boolean {
  const m = ISO_TIME.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((x) => Number(x ?? 0));
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = m[8] === 'Z' || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  return month >= 1 && month <= 12 && day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 59 && offsetOk;
}

/** What is wrong with a version (a malformed one, a moving tag) and the fix, or undefined. */
export function versionProblem(version: unknown): [problem: string, fix: string] | undefined {
  if (typeof version !== 'string' || !VERSION.test(version)) {
    return ['is not a version', 'use a version such as "1.4.2" (letters, digits, ".", "-", "_"; at most 128) or an image digest "sha256:<64 hex digits>"'];
  }
  if (MOVING_TAGS.includes(version.toLowerCase())) {
    return ['is a moving tag, not a version (the image under it changes, so the ledger could not say what runs)', 'use the version or digest the image was built as'];
  }
  return undefined;
}

/** What is wrong with a person's or job's name in the ledger (`by`), or undefined. */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.trim() === '') return 'is empty';
  // A newline would forge a second line of the output and of the audit trail.
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name)) return 'holds a line break or another control character';
  if (name.length > 100) return 'is longer than 100 characters';
  return undefined;
}

/** The version in a slot. */
export function versionIn(r: ServiceRelease, slot: Slot): string | undefined {
  return slot === 'blue' ? r.blue : r.green;
}

/**
 * The release ledger (`releases.json`, kept in Git beside the app): per tier
 * and service, the version in each slot, the live slot, the canary weight,
 * approvals and history. Synth reads it and refuses what breaks the
 * promotion rules; the `switchyard` CLI edits it.
 */
export class ReleaseLedger {
  /**
   * Reads and checks a ledger file.
   * @throws ConfigurationError naming the file and the entry that breaks a rule
   */
  public static load(file: string, tiers: Tiers): ReleaseLedger {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      return fail(file, 'the release ledger %v cannot be read', file, `create it (e.g. {"app": "<app>", "tiers": {}}) or pass the right path (${(e as Error).message})`);
    }
    return ReleaseLedger.parse(text, tiers, file);
  }

  /**
   * Checks a ledger given as JSON text; `source` names it in errors. The JSON is read strictly: a
   * key given twice, a `__proto__` key, a byte order mark are refused with their line.
   */
  public static parse(text: string, tiers: Tiers, source = 'releases.json'): ReleaseLedger {
    let raw: unknown;
    try {
      raw = parseStrictJson(text);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      return fail(e.path ? `${source}: ${e.path}` : source, 'the release ledger is not valid JSON: %v', e.message,
        'fix the file there (it is written by `switchyard`; resolve merge conflicts by hand, keeping one of each key)');
    }
    return new ReleaseLedger(normalize(raw, source), tiers, source);
  }

  /** An empty ledger for an app. */
  public static empty(app: string, tiers: Tiers): ReleaseLedger {
    return new ReleaseLedger({ app, tiers: {} }, tiers, 'releases.json');
  }

  private constructor(
    /** The ledger's content, checked. */
    public readonly data: LedgerData,
    /** The tiers the ledger was checked against (their order and approval rules). */
    public readonly tiers: Tiers,
    /** Where the ledger came from (its path), for messages. */
    public readonly source: string,
  ) {
    for (const tier of Object.keys(data.tiers)) {
      if (!tiers.has(tier)) fail(`${source}: tiers`, 'tier %v is not known', tier, `use one of ${tiers.names.join(', ')}, or remove it from the ledger`);
    }
    this.checkRules();
  }

  /** The application name. */
  public get app(): string {
    return this.data.app;
  }

  /** Release state of `service` in `tier`, if it was ever staged there. */
  public release(tier: string, service: string): ServiceRelease | undefined {
    return this.data.tiers[tier]?.[service];
  }

  /** Services that have a release in `tier`. */
  public servicesIn(tier: string): string[] {
    return Object.keys(this.data.tiers[tier] ?? {});
  }

  /** Every service named anywhere in the ledger. */
  public get services(): string[] {
    return [...new Set(Object.values(this.data.tiers).flatMap((t) => Object.keys(t)))].sort();
  }

  /** True when `version` of `service` was ever live in `tier` (now, or by a switch or rollback in its history). */
  public wasLive(tier: string, service: string, version: string): boolean {
    const r = this.release(tier, service);
    if (!r) return false;
    if (versionIn(r, r.live) === version) return true;
    return r.history.some((e) => (e.verb === 'switch' || e.verb === 'rollback') && e.version === version);
  }

  /** True when `version` of `service` has an approval recorded in `tier`. */
  public isApproved(tier: string, service: string, version: string): boolean {
    return (this.release(tier, service)?.approvals ?? []).some((a) => a.version === version);
  }

  /** The rules, checked on every load: promotion order, approvals, traffic only to a version (lib/release/rules.ts). */
  private checkRules(): void {
    for (const tier of this.tiers) {
      const previous = this.tiers.previous(tier);
      for (const [service, r] of Object.entries(this.data.tiers[tier.name] ?? {})) {
        const entry = `tiers.${tier.name}.${service}`;
        const idle = otherSlot(r.live);
        // An entry without any version holds only approvals, recorded before the first release here.
        if (!versionIn(r, r.live) && versionIn(r, idle)) {
          fail(`${this.source}: ${entry}`, `live slot %v has no version`, r.live, `stage a version into ${r.live} first, or set "live" to the slot that has one`);
        }
        refuse(this.source, idleTraffic(`${entry}.weight`, { tier: tier.name, service, weight: r.weight, slot: idle, version: versionIn(r, idle), retired: r.retired }));
        for (const slot of SLOTS) {
          const version = versionIn(r, slot);
          if (!version) continue;
          refuse(this.source, promotionOrder(`${entry}.${slot}`, {
            tier: tier.name, previous: previous?.name, version, wasLiveBefore: previous !== undefined && this.wasLive(previous.name, service, version),
          }));
          refuse(this.source, approval(`${entry}.${slot}`, {
            tier: tier.name, service, version, approvalRequired: tier.profile.approvalRequired, approved: this.isApproved(tier.name, service, version),
          }));
        }
      }
    }
  }
}

/** Validates the shape of a parsed ledger and returns it with defaults filled in. */
function normalize(raw: unknown, source: string): LedgerData {
  const obj = (v: unknown, where: string): Record<string, unknown> => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) fail(`${source}: ${where}`, 'expected an object, found %v', v, 'see the ledger format in docs/releases.md');
    return v as Record<string, unknown>;
  };
  const str = (v: unknown, where: string, re?: RegExp, hint = 'a non-empty string'): string => {
    if (typeof v !== 'string' || v.length === 0 || (re && !re.test(v))) fail(`${source}: ${where}`, 'value %v is not valid', v, `use ${hint}`);
    return v;
  };
  const top = obj(raw, '(top level)');
  const extensions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(top)) {
    if (k === 'app' || k === 'tiers') continue;
    // A field a step would not know is lost at its next write, unless it is marked as the user's own.
    if (!k.startsWith('x-')) fail(`${source}: ${k}`, 'unknown top-level field %v', k, 'the ledger has "app" and "tiers"; name a field of your own "x-<name>" (kept as it is by every step), or remove it');
    extensions[k] = v;
  }
  const app = str(top.app, 'app', /^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'the app name (a DNS label)');
  const version = (v: unknown, where: string): string => {
    const problem = versionProblem(v);
    if (problem) fail(`${source}: ${where}`, `version %v ${problem[0]}`, v, problem[1]);
    return v as string;
  };
  const time = (v: unknown, where: string): string => {
    if (typeof v !== 'string' || !isIsoTime(v)) fail(`${source}: ${where}`, 'time %v is not an ISO 8601 time that exists', v, 'use a time such as "2026-11-20T14:00:00Z" (a real date, hours 00-23, minutes and seconds 00-59)');
    return v as string;
  };
  const name = (v: unknown, where: string): string => {
    const problem = nameProblem(v);
    if (problem) fail(`${source}: ${where}`, `name %v ${problem}`, v, 'use a plain name on one line, e.g. "dana"');
    return v as string;
  };
  const tiers: Record<string, Record<string, ServiceRelease>> = {};
  for (const [tier, services] of Object.entries(obj(top.tiers ?? {}, 'tiers'))) {
    tiers[tier] = {};
    for (const [service, value] of Object.entries(obj(services, `tiers.${tier}`))) {
      const where = `tiers.${tier}.${service}`;
      str(service, where, /^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'a service name (a DNS label)');
      const e = obj(value, where);
      const known = new Set(['blue', 'green', 'live', 'weight', 'retired', 'approvals', 'history', 'requires']);
      for (const k of Object.keys(e)) if (!known.has(k)) fail(`${source}: ${where}`, 'unknown field %v', k, `use only ${[...known].join(', ')}`);
      const blue = e.blue === undefined || e.blue === null ? undefined : version(e.blue, `${where}.blue`);
      const green = e.green === undefined || e.green === null ? undefined : version(e.green, `${where}.green`);
      if (e.live !== 'blue' && e.live !== 'green') fail(`${source}: ${where}.live`, 'live slot %v is not a slot', e.live, 'use "blue" or "green"');
      const weight = percentage(e.weight ?? 0, source, `${where}.weight`);
      const retired = e.retired ?? false;
      if (typeof retired !== 'boolean') fail(`${source}: ${where}.retired`, 'retired %v is not true or false', retired, 'use true (the idle slot is scaled to zero) or leave the field out');
      if (retired) {
        const idle = otherSlot(e.live);
        if ((idle === 'blue' ? blue : green) === undefined) {
          fail(`${source}: ${where}.retired`, `idle slot ${idle} is marked retired (%v) but holds no version`, retired, `leave "retired" out (an empty slot has nothing to scale down), or stage a version into ${idle}`);
        }
      }
      const approvals = ((e.approvals ?? []) as unknown[]);
      if (!Array.isArray(approvals)) fail(`${source}: ${where}.approvals`, 'approvals %v is not a list', approvals, 'use a list of {"version", "by", "at"}');
      const history = ((e.history ?? []) as unknown[]);
      if (!Array.isArray(history)) fail(`${source}: ${where}.history`, 'history %v is not a list', history, 'use a list of events');
      const requires = e.requires === undefined ? undefined : obj(e.requires, `${where}.requires`);
      for (const [dep, settings] of Object.entries(requires ?? {})) {
        for (const [key, value] of Object.entries(obj(settings, `${where}.requires.${dep}`))) {
          if (typeof value !== 'string') {
            fail(`${source}: ${where}.requires.${dep}.${key}`, 'setting %v is not a string', value, `give dependency settings as strings, e.g. {"${dep}": {"engineVersion": "17.11"}}`);
          }
        }
      }
      tiers[tier][service] = {
        blue,
        green,
        live: e.live,
        weight,
        ...(retired ? { retired: true } : {}),
        approvals: approvals.map((a, i) => {
          const o = obj(a, `${where}.approvals[${i}]`);
          for (const k of Object.keys(o)) if (!['version', 'by', 'at'].includes(k)) fail(`${source}: ${where}.approvals[${i}]`, 'unknown field %v', k, 'an approval has "version", "by" and "at"');
          return {
            version: version(o.version, `${where}.approvals[${i}].version`),
            by: name(o.by, `${where}.approvals[${i}].by`),
            at: time(o.at, `${where}.approvals[${i}].at`),
          };
        }),
        history: history.map((h, i) => {
          const w = `${where}.history[${i}]`;
          const o = obj(h, w);
          if (!VERBS.includes(o.verb as Verb)) fail(`${source}: ${w}.verb`, 'verb %v is not known', o.verb, `use one of ${VERBS.join(', ')}`);
          const fields = ['at', 'verb', 'version', 'slot', 'weight', 'by', 'commitAt', 'from'];
          for (const k of Object.keys(o)) if (!fields.includes(k)) fail(`${source}: ${w}`, 'unknown field %v', k, `a history event has ${fields.join(', ')}`);
          return {
            at: time(o.at, `${w}.at`),
            verb: o.verb as Verb,
            ...(o.version !== undefined ? { version: version(o.version, `${w}.version`) } : {}),
            ...(o.slot !== undefined ? { slot: (o.slot === 'blue' || o.slot === 'green') ? o.slot : fail(`${source}: ${w}.slot`, 'slot %v is not a slot', o.slot, 'use "blue" or "green"') } : {}),
            ...(o.by !== undefined ? { by: name(o.by, `${w}.by`) } : {}),
            ...(o.commitAt !== undefined ? { commitAt: time(o.commitAt, `${w}.commitAt`) } : {}),
            ...(o.weight !== undefined ? { weight: percentage(o.weight, source, `${w}.weight`) } : {}),
            ...(o.from !== undefined ? { from: str(o.from, `${w}.from`) } : {}),
          };
        }),
        requires: requires as ServiceRelease['requires'],
      };
    }
  }
  return { app, tiers, ...(Object.keys(extensions).length > 0 ? { extensions } : {}) };
}

/** A weight: a whole number from 0 to 100. */
function percentage(weight: unknown, source: string, entry: string): number {
  refuse(source, weightRange(entry, weight));
  return weight as number;
}
