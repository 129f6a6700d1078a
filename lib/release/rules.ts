/**
 * The release rules, one home each: what a ledger entry may hold (a weight
 * is a percentage of traffic to an idle slot that serves; a version enters
 * a tier after it was live in the tier before, with an approval where the
 * tier asks for one) and what it may ask of the program (a weight needs a
 * route; a required dependency change is of a dependency of the app that the
 * service connects to, of a setting a release may change, to a supported
 * engine version, never a downgrade, and the same in every release of the
 * tier; a release is of a service the app declares; a worker takes no weight).
 *
 * Synth (the ledger, the constructs) and the `switchyard` CLI (the ledger
 * steps, the delivery model) call the same rule, so both refuse the same
 * thing with the same words. Plain data in, a {@link Problem} (or undefined)
 * out; no cdktf here: the CLI loads this file.
 */
import { compareVersions, Engine, engineVersionProblem } from '../dependencies/versions';
import { ConfigurationError } from '../private/errors';

/** A broken release rule: the ledger entry it is about, what is wrong with which value, and what to do instead. */
export interface Problem {
  /** Where in the ledger, from its top: `tiers.<tier>.<service>`, or a field of the entry. */
  readonly entry: string;
  /** What is wrong; `%v` stands for the value. */
  readonly problem: string;
  /** The offending value. */
  readonly value: unknown;
  /** What to do instead. */
  readonly fix: string;
}

/** Throws `problem` as a ConfigurationError at `<ledger>: <entry>`; does nothing without one. */
export function refuse(ledger: string, problem: Problem | undefined): void {
  if (problem) throw errorOf(ledger, problem);
}

/** The message a refusal of `problem` prints (for validations, which return messages). */
export function messageOf(ledger: string, problem: Problem): string {
  return errorOf(ledger, problem).message;
}

function errorOf(ledger: string, p: Problem): ConfigurationError {
  return new ConfigurationError(`${ledger}: ${p.entry}`, p.problem, p.value, p.fix);
}

/** The ledger path of the entry of `service` in `tier`. */
export function entryOf(tier: string, service: string): string {
  return `tiers.${tier}.${service}`;
}

// The entry's own rules.

/** A weight is a whole percentage. */
export function weightRange(entry: string, weight: unknown): Problem | undefined {
  if (typeof weight === 'number' && Number.isInteger(weight) && weight >= 0 && weight <= 100) return undefined;
  return { entry, problem: 'weight %v is not a percentage', value: weight, fix: 'use a whole number from 0 to 100 (the share of traffic sent to the idle slot)' };
}

/** What the traffic rule reads of an entry. */
export interface IdleSlot {
  /** The entry's tier. */
  readonly tier: string;
  /** The entry's service. */
  readonly service: string;
  /** Percent of the traffic sent to the idle slot. */
  readonly weight: number;
  /** The idle slot. */
  readonly slot: string;
  /** Its version, if it holds one. */
  readonly version?: string;
  /** True when it is scaled to zero (`retire`). */
  readonly retired?: boolean;
}

/** Traffic goes to the idle slot only when it holds a version and is not retired. */
export function idleTraffic(entry: string, idle: IdleSlot): Problem | undefined {
  if (idle.weight <= 0) return undefined;
  const stage = `switchyard stage ${idle.service} <version> --tier ${idle.tier}`;
  if (idle.version === undefined) {
    return { entry, problem: `weight %v sends traffic to idle slot ${idle.slot}, which holds no version`, value: idle.weight, fix: `stage a version into ${idle.slot} first (${stage}), or keep the weight at 0` };
  }
  if (idle.retired) {
    return { entry, problem: `weight %v sends traffic to idle slot ${idle.slot} (${idle.version}), which is retired`, value: idle.weight, fix: `stage a version into ${idle.slot} again first (${stage}), or keep the weight at 0` };
  }
  return undefined;
}

/** A version enters a tier only after it was live in the tier before it. */
export function promotionOrder(entry: string, o: { tier: string; previous?: string; version: string; wasLiveBefore: boolean }): Problem | undefined {
  if (o.previous === undefined || o.wasLiveBefore) return undefined;
  return { entry, problem: `version %v was never live in tier "${o.previous}"`, value: o.version, fix: `release it in "${o.previous}" first (stage, then switch), then promote it to "${o.tier}"` };
}

/** A version enters a tier that asks for approval only with an approval recorded for it. */
export function approval(entry: string, o: { tier: string; service: string; version: string; approvalRequired: boolean; approved: boolean }): Problem | undefined {
  if (!o.approvalRequired || o.approved) return undefined;
  return { entry, problem: `version %v has no approval for tier "${o.tier}"`, value: o.version, fix: `record one: switchyard approve ${o.service} ${o.version} --tier ${o.tier} --by <name>` };
}

// What an entry may ask of the program.

/** A dependency as the rules see it: from the program at synth, from the delivery model in the CLI. */
export interface RuleDependency {
  /** Its name in the app. */
  readonly name: string;
  /** The kind of its contract: `db`, `queue`, `topic`, `cache`, or one of the program's own. */
  readonly kind: string;
  /** Its engine, where a release may require its version (unknown to a model written before it was recorded). */
  readonly engine?: Engine;
  /** The engine version the program declares, with `engine`. */
  readonly engineVersion?: string;
}

/** A weight splits the traffic of a route: a service without one takes none. `routed` undefined: not known (an older model). */
export function weightWithoutRoute(tier: string, service: string, weight: number, routed: boolean | undefined): Problem | undefined {
  if (weight <= 0 || routed !== false) return undefined;
  return {
    entry: entryOf(tier, service),
    problem: `the ledger sends %v% of the traffic to the idle slot of "${service}", but the service has no route`,
    value: weight,
    fix: 'give the service a route (the weight splits the HTTPRoute\'s traffic), or keep the weight at 0: switch to move all traffic',
  };
}

/**
 * A worker (a queue consumer) takes no traffic: only its live slot consumes, so no weight can send a
 * share to the idle one. `kind` undefined: a service, or not known (an older model).
 */
export function weightOnWorker(tier: string, service: string, weight: number, kind: string | undefined): Problem | undefined {
  if (weight <= 0 || kind !== 'worker') return undefined;
  return {
    entry: entryOf(tier, service),
    problem: `the ledger sends %v% of the traffic to the idle slot of "${service}", but "${service}" is a worker: it takes no traffic, and only its live slot consumes`,
    value: weight,
    fix: `keep the weight at 0; to move the consumption to the other slot, switch: switchyard switch ${service} --tier ${tier}`,
  };
}

/**
 * A release requires changes only of a dependency of the app that the service connects to (its rollout
 * waits for the change). `connections` undefined: not known.
 */
export function requiredDependency(o: {
  tier: string; app: string; service: string; dependency: string; dependencies: readonly string[]; connections?: readonly string[];
}): Problem | undefined {
  const entry = `${entryOf(o.tier, o.service)}.requires.${o.dependency}`;
  if (!o.dependencies.includes(o.dependency)) {
    return { entry, problem: `%v is not a dependency of app "${o.app}" in tier "${o.tier}"`, value: o.dependency, fix: `require a change of one of its dependencies: ${o.dependencies.join(', ') || 'it has none'}` };
  }
  if (o.connections === undefined || o.connections.includes(o.dependency)) return undefined;
  return {
    entry,
    problem: `the release of "${o.service}" requires a change of %v, which the service does not connect to`,
    value: o.dependency,
    fix: `connect the service to "${o.dependency}" (its rollout then waits for the change), or ${o.connections.length ? `require only changes of ${o.connections.join(', ')}` : 'require no change: it connects to no dependency'}`,
  };
}

/** The settings a release may require of a dependency of `kind`. */
function requirable(kind: string): readonly string[] {
  return kind === 'db' || kind === 'cache' ? ['engineVersion'] : [];
}

/** A release requires only the engine version, of a database or a cache. */
export function requiredSetting(tier: string, service: string, dependency: RuleDependency, setting: string): Problem | undefined {
  const allowed = requirable(dependency.kind);
  if (allowed.includes(setting)) return undefined;
  return {
    entry: `${entryOf(tier, service)}.requires.${dependency.name}`,
    problem: `setting %v cannot be required of ${allowed.length ? 'a release' : `a ${dependency.kind}`}`,
    value: setting,
    fix: allowed.length ? `require only ${allowed.join(', ')} of "${dependency.name}"` : 'require engineVersion, of a database or a cache only',
  };
}

/** A required engine version is one Switchyard binds, and never older than the declared one (no downgrade). */
export function requiredEngineVersion(tier: string, service: string, dependency: RuleDependency, version: string): Problem | undefined {
  const entry = `${entryOf(tier, service)}.requires.${dependency.name}.engineVersion`;
  const unsupported = dependency.engine && engineVersionProblem(dependency.engine, version);
  if (unsupported) return { entry, problem: unsupported[0], value: version, fix: unsupported[1] };
  const declared = dependency.engineVersion;
  if (declared === undefined || compareVersions(version, declared) >= 0) return undefined;
  const kinds = dependency.kind === 'db' ? 'databases' : dependency.kind === 'cache' ? 'caches' : 'dependencies';
  return { entry, problem: `the release requires engineVersion %v, older than the declared ${declared}`, value: version, fix: `${kinds} are never downgraded: require a version at least ${declared}` };
}

/**
 * The releases of a tier that require a setting of `dependency` require the same value. Services are
 * compared in name order; the problem is at the first one that differs from the first one.
 */
export function disagreeingReleases(
  tier: string, releases: Readonly<Record<string, { readonly requires?: Readonly<Record<string, Readonly<Record<string, string>>>> }>>, dependency: string,
): Problem | undefined {
  const first: Record<string, [service: string, value: string]> = {};
  for (const service of Object.keys(releases).sort()) {
    for (const [setting, value] of Object.entries(releases[service].requires?.[dependency] ?? {})) {
      const seen = first[setting];
      if (!seen) {
        first[setting] = [service, value];
      } else if (seen[1] !== value) {
        return {
          entry: `${entryOf(tier, service)}.requires.${dependency}.${setting}`,
          problem: `the releases of "${seen[0]}" and "${service}" in tier "${tier}" require different ${setting} of "${dependency}": %v`,
          value: [seen[1], value],
          fix: 'make the releases of the tier agree on the dependency change',
        };
      }
    }
  }
  return undefined;
}

/** A tier's entries release only services the app declares there. */
export function undeclaredService(tier: string, app: string, service: string, declared: readonly string[]): Problem | undefined {
  if (declared.includes(service)) return undefined;
  return {
    entry: entryOf(tier, service),
    problem: `service %v is not a service of app "${app}" in tier "${tier}"`,
    value: service,
    fix: `declare it in the program (a BlueGreenService) and synthesize, or remove the entry (declared: ${declared.join(', ') || 'none'})`,
  };
}
