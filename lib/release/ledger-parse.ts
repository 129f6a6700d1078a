/**
 * Reading a ledger's JSON: every field checked (versions, times, names,
 * weights, known fields only), defaults filled in; a problem names the file,
 * the entry, the value and the fix.
 */
import { fail } from '../private/errors';
import { AnalysisRecord, LedgerData, otherSlot, ServiceRelease, Verb, VERBS } from './ledger-data';
import { refuse, weightRange } from './rules';

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


/** Validates the shape of a parsed ledger and returns it with defaults filled in. */
export function normalize(raw: unknown, source: string): LedgerData {
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
  const line = (v: unknown, where: string): string => {
    if (typeof v !== 'string' || v.trim() === '' || v.length > 300 || /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(v)) {
      fail(`${source}: ${where}`, 'reason %v is not one line of text', v, 'give a reason of at most 300 characters on one line');
    }
    return v as string;
  };
  const analysisRecord = (v: unknown, where: string): AnalysisRecord => {
    const o = obj(v, where);
    const fields = ['verdict', 'window', 'version', 'requests', 'errorRatio', 'p99Seconds'];
    for (const k of Object.keys(o)) if (!fields.includes(k)) fail(`${source}: ${where}`, 'unknown field %v', k, `an analysis has ${fields.join(', ')}`);
    if (!['pass', 'fail', 'inconclusive'].includes(o.verdict as string)) fail(`${source}: ${where}.verdict`, 'verdict %v is not known', o.verdict, 'use pass, fail or inconclusive');
    const figure = (k: string, ok: (n: number) => boolean, hint: string) => {
      if (o[k] !== undefined && !(typeof o[k] === 'number' && ok(o[k] as number))) fail(`${source}: ${where}.${k}`, `${k} %v is not valid`, o[k], hint);
    };
    figure('requests', (n) => Number.isInteger(n) && n >= 0, 'give a whole number of requests');
    if (o.requests === undefined) fail(`${source}: ${where}.requests`, 'requests %v is missing', o.requests, 'give the requests the idle slot served in the window');
    figure('errorRatio', (n) => n >= 0 && n <= 1, 'give a share from 0 to 1');
    figure('p99Seconds', (n) => n >= 0 && Number.isFinite(n), 'give seconds, 0 or more');
    return {
      verdict: o.verdict as AnalysisRecord['verdict'],
      window: str(o.window, `${where}.window`, /^[1-9]\d{0,5}(ms|s|m|h|d)$/, 'a Prometheus duration such as "5m"'),
      version: version(o.version, `${where}.version`),
      requests: o.requests as number,
      ...(o.errorRatio !== undefined ? { errorRatio: o.errorRatio as number } : {}),
      ...(o.p99Seconds !== undefined ? { p99Seconds: o.p99Seconds as number } : {}),
    };
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
          const fields = ['at', 'verb', 'version', 'slot', 'weight', 'by', 'commitAt', 'from', 'reason', 'analysis'];
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
            ...(o.reason !== undefined ? { reason: line(o.reason, `${w}.reason`) } : {}),
            ...(o.analysis !== undefined ? { analysis: analysisRecord(o.analysis, `${w}.analysis`) } : {}),
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
