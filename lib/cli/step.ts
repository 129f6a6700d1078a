/**
 * A ledger step as a command, shared by the release verbs (stage.ts, switch.ts,
 * rollback.ts, weight.ts, approve.ts, promote.ts, retire.ts; status.ts reads
 * only): the command line checked first, then the delivery model and the
 * ledger read and checked as synth checks them, one step of
 * lib/release/ledger-ops.ts taken under the ledger's lock, the new ledger
 * checked against the model by the release rules, and written back
 * atomically; a refused step writes nothing.
 */
import type { ModelApp } from '../model';
import { fail } from '../private/errors';
import { LedgerData, nameProblem, otherSlot, ReleaseLedger, ServiceRelease, versionIn } from '../release/ledger';
import { formatLedger } from '../release/ledger-format';
import type { LedgerContext } from '../release/ledger-step';
import {
  disagreeingReleases, refuse, requiredDependency, requiredEngineVersion, requiredSetting, undeclaredService, weightOnWorker, weightWithoutRoute,
} from '../release/rules';
import { Tiers } from '../tier/tier';
import { FlagSpec, parseArgs, ParsedArgs, requireFlag } from './args';
import { CliIo, Command, UsageError, Verb } from './io';
import { readLedgerText, updateLedger } from './ledger-file';
import { appOf, checkService, checkTier, DEFAULT_MODEL, readModel, tiersOf } from './model-file';

/** The ledger the CLI edits unless `--ledger` says otherwise, relative to the working folder. */
export const DEFAULT_LEDGER = 'releases.json';

/** The flags every release verb takes. */
export const COMMON_FLAGS: FlagSpec = { ledger: 'string', model: 'string' };
/** The flags of a step on one tier. */
export const STEP_FLAGS: FlagSpec = { ...COMMON_FLAGS, tier: 'string', by: 'string', 'break-lock': 'boolean' };

/** What a step command has once the model and the ledger are read and checked. */
export interface Context {
  readonly modelFile: string;
  readonly ledgerFile: string;
  readonly tiers: Tiers;
  readonly app: ModelApp;
  readonly text: string;
  readonly ledger: ReleaseLedger;
  readonly ops: LedgerContext;
  /** Who takes the step and when. */
  readonly by: string;
  readonly at: string;
}

/** What a step did: the new ledger, a line saying what changed, and the command to run next. */
export interface Outcome {
  readonly data: LedgerData;
  readonly said: string;
  readonly next: string;
}

/**
 * The command of a verb that takes one step and writes the ledger: `names` are its positionals,
 * `required` its required flags, `checkLine` checks the rest of the command line before any file is
 * read, `prepare` does what must happen before the ledger's lock is taken (its result goes to `run`).
 */
export function stepCommand<T = undefined>(
  verb: Pick<Verb, 'name' | 'usage' | 'flags'>, names: string[], required: string[],
  run: (c: Context, positionals: string[], p: ParsedArgs, prepared: T) => Outcome,
  checkLine?: (positionals: string[], p: ParsedArgs) => void,
  prepare?: (io: CliIo, positionals: string[], p: ParsedArgs) => T,
): Command {
  return withUsage(verb, (args, io) => {
    // The command line first, before any file is read.
    const p = parseArgs(args, verb.flags, names.length);
    if (p.positionals.length < names.length) throw new UsageError(`missing <${names[p.positionals.length]}>`);
    for (const name of required) requireFlag(p, name);
    checkLine?.(p.positionals, p);
    const by = whoTakesSteps(p);
    const prepared = prepare?.(io, p.positionals, p) as T;
    const outcome = applyStep(io, p, `switchyard ${verb.name} ${p.positionals.join(' ')}`.trim(), by, (c) => run(c, p.positionals, p, prepared));
    io.out(outcome.said);
    io.out(`next: ${outcome.next}`);
    return 0;
  });
}

/** Who takes a step: --by, else $SWITCHYARD_USER, else $USER, else "unknown"; checked. */
export function whoTakesSteps(p: ParsedArgs): string {
  const by = flag(p, 'by') ?? env('SWITCHYARD_USER') ?? env('USER') ?? 'unknown';
  const byProblem = nameProblem(by);
  if (byProblem) fail('--by', `who takes the step (%v) ${byProblem}`, by, 'give a plain name on one line, e.g. --by dana; nothing was written');
  return by;
}

/**
 * One step, taken under the ledger's lock: the model and the ledger read and checked, `run` takes
 * the step, the new ledger checked against the model and written back; a refused step writes nothing.
 */
export function applyStep(io: CliIo, p: ParsedArgs, command: string, by: string, run: (c: Context) => Outcome): Outcome {
  const { modelFile, ledgerFile, model, tiers } = readModelOf(io, p);
  // The ledger is read, checked, changed and written under its lock: no other step interleaves.
  return updateLedger(io.cwd, ledgerFile, (text) => {
    // Taken once the lock is held, so the step comes after every step written before it.
    const at = stamp(io.now());
    const { app, ledger } = checkLedger(text, model, modelFile, ledgerFile, tiers);
    const c: Context = { modelFile, ledgerFile, tiers, app, text, ledger, ops: { tiers, source: ledgerFile }, by, at };
    const done = run(c);
    checkAgainstModel(c, done.data);
    return { text: formatLedger(done.data, tiers), result: done };
  }, { breakLock: p.flags['break-lock'] === true, command });
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
export function read(io: CliIo, p: ParsedArgs) {
  const { modelFile, ledgerFile, model, tiers } = readModelOf(io, p);
  const known = model.apps.map((a) => `--ledger ${a.ledger} (app "${a.name}" in ${modelFile})`);
  const text = readLedgerText(io.cwd, ledgerFile, known.length ? `pass the ledger's path: ${known.join(', or ')}` : undefined);
  const { app, ledger } = checkLedger(text, model, modelFile, ledgerFile, tiers);
  return { modelFile, ledgerFile, tiers, app, text, ledger };
}

/** Refuses a tier or a service the model does not have. */
export function target(c: Context, service: string, tier: string): void {
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
      refuse(c.ledgerFile, weightOnWorker(tier, service, r.weight, declared?.kind) ?? weightWithoutRoute(tier, service, r.weight, declared?.route));
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

/** Adds the verb's name and usage line to a usage error. */
export function withUsage(verb: Pick<Verb, 'name' | 'usage'>, command: Command): Command {
  return (args, io) => {
    try {
      return command(args, io);
    } catch (e) {
      if (e instanceof UsageError) throw new UsageError(`${verb.name}: ${e.message}\nusage: switchyard ${verb.usage}`);
      throw e;
    }
  };
}

/** A string flag's value; an empty value is a usage error. */
export function flag(p: ParsedArgs, name: string): string | undefined {
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

/** The line for a stage or a promotion. */
export function staged(what: string, service: string, tier: string, before: ServiceRelease | undefined, data: LedgerData): string {
  const r = data.tiers[tier][service];
  if (!before || !versionIn(before, before.live)) return `${what} into blue in ${tier}: the first release of ${service} in ${tier}, live at once`;
  const idle = otherSlot(r.live);
  return `${what} into ${idle} in ${tier} (idle; ${r.live} ${versionIn(r, r.live)} stays live until switchyard switch ${service} --tier ${tier})`;
}
