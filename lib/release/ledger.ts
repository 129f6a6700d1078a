import * as fs from 'fs';
import { fail } from '../private/errors';
import { JsonSyntaxError, parseStrictJson } from '../private/json';
import { Tiers } from '../tier/tier';
import { LedgerData, otherSlot, ServiceRelease, SLOTS, versionIn } from './ledger-data';
import { normalize } from './ledger-parse';
import { approval, idleTraffic, promotionOrder, refuse } from './rules';

export { AnalysisRecord, Approval, HistoryEvent, LedgerData, otherSlot, ServiceRelease, Slot, SLOTS, Verb, VERBS, versionIn } from './ledger-data';
export { ISO_TIME, isIsoTime, MOVING_TAGS, nameProblem, VERSION, versionProblem } from './ledger-parse';

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
