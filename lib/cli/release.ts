/**
 * The release verbs of the `switchyard` CLI: status, stage, switch, rollback,
 * weight, approve, promote, retire. Each reads the delivery model (tiers,
 * apps, stacks) and the ledger, applies one step from lib/release/ledger-ops.ts
 * and writes the ledger back atomically; a refused step writes nothing.
 */
import type { ModelApp } from '../model';
import { fail } from '../private/errors';
import { isIsoTime, LedgerData, nameProblem, otherSlot, ReleaseLedger, ServiceRelease, versionIn } from '../release/ledger';
import { formatLedger } from '../release/ledger-format';
import * as ops from '../release/ledger-ops';
import {
  disagreeingReleases, refuse, requiredDependency, requiredEngineVersion, requiredSetting, undeclaredService, weightWithoutRoute,
} from '../release/rules';
import { Tiers } from '../tier/tier';
import { FlagSpec, parseArgs, ParsedArgs, requireFlag } from './args';
import { CliIo, Command, UsageError } from './io';
import { readLedgerText, updateLedger } from './ledger-file';
import { appOf, checkService, checkTier, DEFAULT_MODEL, deployCommand, readModel, tiersOf } from './model-file';

/** The ledger the CLI edits unless `--ledger` says otherwise, relative to the working folder. */
export const DEFAULT_LEDGER = 'releases.json';

/** Usage of each release verb (after `switchyard `). */
export const RELEASE_USAGE: Readonly<Record<string, string>> = {
  status: 'status',
  stage: 'stage <service> <version> --tier TIER [--by NAME] [--commit-time ISO] [--requires DEP.SETTING=VALUE[,...]]',
  switch: 'switch <service> --tier TIER [--by NAME]',
  rollback: 'rollback <service> --tier TIER [--by NAME]',
  weight: 'weight <service> <percent> --tier TIER [--by NAME]',
  approve: 'approve <service> <version> --tier TIER --by NAME',
  promote: 'promote <service> --from TIER --to TIER [--by NAME]',
  retire: 'retire <service> --tier TIER [--by NAME]',
};

const COMMON: FlagSpec = { ledger: 'string', model: 'string' };
const STEP: FlagSpec = { ...COMMON, tier: 'string', by: 'string', 'break-lock': 'boolean' };

/** What a step command has once the model and the ledger are read and checked. */
interface Context {
  readonly modelFile: string;
  readonly ledgerFile: string;
  readonly tiers: Tiers;
  readonly app: ModelApp;
  readonly text: string;
  readonly ledger: ReleaseLedger;
  readonly ops: ops.LedgerContext;
  /** Who takes the step and when. */
  readonly by: string;
  readonly at: string;
}

/** What a step did: the new ledger, a line saying what changed, and the command to run next. */
interface Outcome {
  readonly data: LedgerData;
  readonly said: string;
  readonly next: string;
}

/** Every release verb, for the dispatcher's table. */
export const RELEASE_COMMANDS: Readonly<Record<string, Command>> = {
  status: withUsage('status', status),

  stage: step('stage', { ...STEP, 'commit-time': 'string', requires: 'string' }, ['service', 'version'], ['tier'], (c, [service, version], p) => {
    const tier = requireFlag(p, 'tier');
    const commitAt = flag(p, 'commit-time');
    const requires = parseRequires(flag(p, 'requires'));
    target(c, service, tier);
    const before = c.ledger.release(tier, service);
    const data = ops.stage(c.ledger.data, c.ops, { service, tier, version, by: c.by, at: c.at, ...(commitAt ? { commitAt } : {}), ...(requires ? { requires } : {}) });
    return { data, said: staged(`staged ${service} ${version}`, service, tier, before, data), next: deployCommand(c.app, tier) };
  }, (_, p) => {
    const commitAt = flag(p, 'commit-time');
    if (commitAt !== undefined && !isIsoTime(commitAt)) {
      throw new UsageError(`--commit-time "${commitAt}" is not an ISO 8601 time: give it like 2026-11-20T14:00:00Z`);
    }
    parseRequires(flag(p, 'requires'));
  }),

  switch: step('switch', STEP, ['service'], ['tier'], (c, [service], p) => {
    const tier = requireFlag(p, 'tier');
    target(c, service, tier);
    const data = ops.switchLive(c.ledger.data, c.ops, { service, tier, by: c.by, at: c.at });
    const r = data.tiers[tier][service];
    const idle = otherSlot(r.live);
    return {
      data,
      said: `switched ${service} in ${tier} to ${r.live}: ${versionIn(r, r.live)} is live; ${idle} keeps ${versionIn(r, idle)} for a rollback`,
      next: deployCommand(c.app, tier),
    };
  }),

  rollback: step('rollback', STEP, ['service'], ['tier'], (c, [service], p) => {
    const tier = requireFlag(p, 'tier');
    target(c, service, tier);
    const data = ops.rollback(c.ledger.data, c.ops, { service, tier, by: c.by, at: c.at });
    const r = data.tiers[tier][service];
    const idle = otherSlot(r.live);
    return {
      data,
      said: `rolled back ${service} in ${tier} to ${r.live}: ${versionIn(r, r.live)} is live again; ${idle} keeps ${versionIn(r, idle)}`,
      next: deployCommand(c.app, tier),
    };
  }),

  weight: step('weight', STEP, ['service', 'percent'], ['tier'], (c, [service, percent], p) => {
    const tier = requireFlag(p, 'tier');
    target(c, service, tier);
    const data = ops.setWeight(c.ledger.data, c.ops, { service, tier, percent: Number(percent), by: c.by, at: c.at });
    const r = data.tiers[tier][service];
    const idle = otherSlot(r.live);
    return {
      data,
      said: `${service} in ${tier} sends ${r.weight}% of its traffic to ${idle} (${versionIn(r, idle)}), the rest to ${r.live} (${versionIn(r, r.live)})`,
      next: deployCommand(c.app, tier),
    };
  }, ([, percent]) => {
    if (!/^-?\d+$/.test(percent)) throw new UsageError(`<percent> "${percent}" is not a whole number: give 0 to 100, the share of traffic sent to the idle slot`);
  }),

  approve: step('approve', STEP, ['service', 'version'], ['tier', 'by'], (c, [service, version], p) => {
    const tier = requireFlag(p, 'tier');
    target(c, service, tier);
    const data = ops.approve(c.ledger.data, c.ops, { service, tier, version, by: c.by, at: c.at });
    const previous = c.tiers.previous(tier);
    const before = previous && c.ledger.release(previous.name, service);
    const promotable = previous && before && versionIn(before, before.live) === version;
    return {
      data,
      said: `approved ${service} ${version} for ${tier} (by ${c.by})`,
      next: promotable ? `switchyard promote ${service} --from ${previous.name} --to ${tier}` : `switchyard stage ${service} ${version} --tier ${tier}`,
    };
  }),

  promote: step('promote', { ...COMMON, from: 'string', to: 'string', by: 'string', 'break-lock': 'boolean' }, ['service'], ['from', 'to'], (c, [service], p) => {
    const from = requireFlag(p, 'from');
    const to = requireFlag(p, 'to');
    checkTier(c.tiers, from, c.modelFile, c.ledgerFile);
    target(c, service, to);
    const before = c.ledger.release(to, service);
    const data = ops.promote(c.ledger.data, c.ops, { service, from, to, by: c.by, at: c.at });
    const source = c.ledger.release(from, service) as ServiceRelease;
    return { data, said: staged(`promoted ${service} ${versionIn(source, source.live)} from ${from}`, service, to, before, data), next: deployCommand(c.app, to) };
  }),

  retire: step('retire', STEP, ['service'], ['tier'], (c, [service], p) => {
    const tier = requireFlag(p, 'tier');
    target(c, service, tier);
    const data = ops.retire(c.ledger.data, c.ops, { service, tier, by: c.by, at: c.at });
    const r = data.tiers[tier][service];
    const idle = otherSlot(r.live);
    return {
      data,
      said: `retired ${idle} of ${service} in ${tier}: ${versionIn(r, idle)} scales to 0 replicas; no rollback target until the next stage`,
      next: deployCommand(c.app, tier),
    };
  }),
};

/** `status`: the release state per tier (in promotion order) and service. */
function status(args: string[], io: CliIo): number {
  const p = parseArgs(args, COMMON, 0);
  const { tiers, app, ledger, ledgerFile } = read(io, p);
  const rows: string[][] = [['TIER', 'SERVICE', 'LIVE', 'BLUE', 'GREEN', 'WEIGHT TO IDLE', 'RETIRED', 'PENDING APPROVALS']];
  for (const tier of tiers) {
    const declared = app.tiers[tier.name]?.services.map((s) => s.name) ?? [];
    const services = [...new Set([...declared, ...ledger.servicesIn(tier.name)])].sort();
    for (const service of services) {
      const r = ledger.release(tier.name, service);
      const released = r && versionIn(r, r.live) !== undefined;
      const pending = tier.profile.approvalRequired ? ops.pendingApprovals(ledger, tier.name, service).join(', ') || 'none' : '-';
      rows.push([
        tier.name, service,
        released ? r.live : '-',
        r?.blue ?? '-',
        r?.green ?? '-',
        released ? `${r.weight}%` : '-',
        released ? (r.retired ? `yes (${otherSlot(r.live)})` : 'no') : '-',
        pending,
      ]);
    }
  }
  io.out(`app ${ledger.app}, ledger ${ledgerFile}`);
  for (const line of table(rows)) io.out(line);
  return 0;
}

/** Aligned columns, two spaces apart, no trailing spaces. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '));
}

/** The line for a stage or a promotion. */
function staged(what: string, service: string, tier: string, before: ServiceRelease | undefined, data: LedgerData): string {
  const r = data.tiers[tier][service];
  if (!before || !versionIn(before, before.live)) return `${what} into blue in ${tier}: the first release of ${service} in ${tier}, live at once`;
  const idle = otherSlot(r.live);
  return `${what} into ${idle} in ${tier} (idle; ${r.live} ${versionIn(r, r.live)} stays live until switchyard switch ${service} --tier ${tier})`;
}

/** A command that takes one step and writes the ledger. */
function step(
  verb: string, spec: FlagSpec, names: string[], required: string[],
  run: (c: Context, positionals: string[], p: ParsedArgs) => Outcome,
  checkLine?: (positionals: string[], p: ParsedArgs) => void,
): Command {
  return withUsage(verb, (args, io) => {
    // The command line first, before any file is read.
    const p = parseArgs(args, spec, names.length);
    if (p.positionals.length < names.length) throw new UsageError(`missing <${names[p.positionals.length]}>`);
    for (const name of required) requireFlag(p, name);
    checkLine?.(p.positionals, p);
    const by = flag(p, 'by') ?? env('SWITCHYARD_USER') ?? env('USER') ?? 'unknown';
    const byProblem = nameProblem(by);
    if (byProblem) fail('--by', `who takes the step (%v) ${byProblem}`, by, 'give a plain name on one line, e.g. --by dana; nothing was written');
    const { modelFile, ledgerFile, model, tiers } = readModelOf(io, p);
    // The ledger is read, checked, changed and written under its lock: no other step interleaves.
    const outcome = updateLedger(io.cwd, ledgerFile, (text) => {
      // Taken once the lock is held, so the step comes after every step written before it.
      const at = stamp(io.now());
      const { app, ledger } = checkLedger(text, model, modelFile, ledgerFile, tiers);
      const c: Context = { modelFile, ledgerFile, tiers, app, text, ledger, ops: { tiers, source: ledgerFile }, by, at };
      const done = run(c, p.positionals, p);
      checkAgainstModel(c, done.data);
      return { text: formatLedger(done.data, tiers), result: done };
    }, { breakLock: p.flags['break-lock'] === true, command: `switchyard ${verb} ${p.positionals.join(' ')}`.trim() });
    io.out(outcome.said);
    io.out(`next: ${outcome.next}`);
    return 0;
  });
}

/** The model and the tiers it gives. */
function readModelOf(io: CliIo, p: ParsedArgs) {
  const modelFile = flag(p, 'model') ?? DEFAULT_MODEL;
  const ledgerFile = flag(p, 'ledger') ?? DEFAULT_LEDGER;
  const model = readModel(io.cwd, modelFile);
  return { modelFile, ledgerFile, model, tiers: tiersOf(model) };
}

/**
 * The ledger's text checked as synth checks it (the promotion rules, strict JSON), belonging to
 * an app of the model, and releasing only services the app declares in each tier it has there.
 */
function checkLedger(text: string, model: ReturnType<typeof readModel>, modelFile: string, ledgerFile: string, tiers: Tiers) {
  const ledger = ReleaseLedger.parse(text, tiers, ledgerFile);
  const app = appOf(model, ledger.app, modelFile, ledgerFile);
  for (const [tier, services] of Object.entries(ledger.data.tiers)) {
    const declared = app.tiers[tier]?.services.map((s) => s.name);
    if (!declared) continue;
    for (const service of Object.keys(services)) refuse(ledgerFile, undeclaredService(tier, app.name, service, declared));
  }
  return { app, ledger };
}

/** Reads the model and the ledger, and checks the ledger belongs to an app of the model. */
function read(io: CliIo, p: ParsedArgs) {
  const { modelFile, ledgerFile, model, tiers } = readModelOf(io, p);
  const known = model.apps.map((a) => `--ledger ${a.ledger} (app "${a.name}" in ${modelFile})`);
  const text = readLedgerText(io.cwd, ledgerFile, known.length ? `pass the ledger's path: ${known.join(', or ')}` : undefined);
  const { app, ledger } = checkLedger(text, model, modelFile, ledgerFile, tiers);
  return { modelFile, ledgerFile, tiers, app, text, ledger };
}

/** Refuses a tier or a service the model does not have. */
function target(c: Context, service: string, tier: string): void {
  checkTier(c.tiers, tier, c.modelFile, c.ledgerFile);
  checkService(c.app, tier, service, c.modelFile, c.ledgerFile);
}

/**
 * What synth would refuse of the new ledger and the model knows already (the
 * rules of lib/release/rules.ts): a weight on a service without a route, and
 * a required dependency change that the service cannot have (a dependency it
 * does not connect to, a setting that cannot be required, an unsupported or
 * older engine version, two releases of a tier that disagree). Only entries
 * the step changed are checked; fields a model of an older Switchyard lacks
 * are not judged.
 */
function checkAgainstModel(c: Context, data: LedgerData): void {
  for (const [tier, services] of Object.entries(data.tiers)) {
    const appTier = c.app.tiers[tier];
    if (!appTier) continue;
    for (const [service, r] of Object.entries(services)) {
      if (JSON.stringify(r) === JSON.stringify(c.ledger.data.tiers[tier]?.[service])) continue;
      const declared = appTier.services.find((s) => s.name === service);
      refuse(c.ledgerFile, weightWithoutRoute(tier, service, r.weight, declared?.route));
      const dependencies = appTier.dependencies.map((d) => d.name);
      for (const [dep, settings] of Object.entries(r.requires ?? {})) {
        refuse(c.ledgerFile, requiredDependency({ tier, app: c.app.name, service, dependency: dep, dependencies, connections: declared?.connections }));
        const d = appTier.dependencies.find((x) => x.name === dep)!;
        for (const [key, value] of Object.entries(settings)) {
          refuse(c.ledgerFile, requiredSetting(tier, service, d, key));
          refuse(c.ledgerFile, requiredEngineVersion(tier, service, d, value));
        }
        refuse(c.ledgerFile, disagreeingReleases(tier, services, dep));
      }
    }
  }
}

/** Adds the verb's usage to a usage error. */
function withUsage(verb: string, command: Command): Command {
  return (args, io) => {
    try {
      return command(args, io);
    } catch (e) {
      if (e instanceof UsageError) throw new UsageError(`${verb}: ${e.message}\nusage: switchyard ${RELEASE_USAGE[verb]}`);
      throw e;
    }
  };
}

/** A string flag's value; an empty value is a usage error. */
function flag(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} needs a value`);
  return v;
}

function env(name: string): string | undefined {
  const v = process.env[name];
  return v && v.trim() ? v : undefined;
}

/** ISO 8601 to the second, in UTC: the ledger's time format. */
function stamp(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** `orders.engineVersion=18,sessions.engineVersion=9.0` as the ledger's `requires`. */
function parseRequires(value: string | undefined): Record<string, Record<string, string>> | undefined {
  if (value === undefined) return undefined;
  const out: Record<string, Record<string, string>> = {};
  for (const part of value.split(',')) {
    const m = /^([a-z][-a-z0-9]*)\.([A-Za-z]+)=(\S+)$/.exec(part.trim());
    if (!m) throw new UsageError(`--requires "${part}" is not DEPENDENCY.SETTING=VALUE: give it like orders.engineVersion=18`);
    out[m[1]] = { ...(out[m[1]] ?? {}), [m[2]]: m[3] };
  }
  return out;
}
