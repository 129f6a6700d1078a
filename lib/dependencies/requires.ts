/** What the releases of a tier require of its dependencies (the ledger's `requires`), applied at synth by the rules of lib/release/rules.ts. */
import type { AppStack } from '../app-stack';
import type { IDependency } from './contract';
import { disagreeingReleases, refuse, requiredEngineVersion, requiredSetting } from '../release/rules';

/**
 * The settings of a dependency that the releases of the tier require (the
 * ledger's `requires`, e.g. `{ "orders": { "engineVersion": "17.11" } }` on
 * a service's entry), with the first service (by name) that requires each:
 * applied to the dependency, which every connected service's rollout waits
 * for, so the change happens before the staged slot rolls out. A setting a
 * release may not change, and releases that disagree, are refused
 * (lib/release/rules.ts).
 */
export function requiredSettings(dependency: IDependency, app: AppStack): { settings: Record<string, string>; by: Record<string, string> } {
  const tier = app.tier.name;
  const releases = app.ledger.data.tiers[tier] ?? {};
  const settings: Record<string, string> = {};
  const by: Record<string, string> = {};
  for (const service of Object.keys(releases).sort()) {
    for (const [key, value] of Object.entries(releases[service].requires?.[dependency.name] ?? {})) {
      refuse(app.ledger.source, requiredSetting(tier, service, dependency, key));
      if (!(key in settings)) {
        settings[key] = value;
        by[key] = service;
      }
    }
  }
  refuse(app.ledger.source, disagreeingReleases(tier, releases, dependency.name));
  return { settings, by };
}

/**
 * The engine version of a dependency in this tier: the declared one, or the
 * newer one a release of the tier requires. `check` refuses an unsupported
 * declared version; a required one must be supported too, and no downgrade.
 */
export function engineVersionOf(dependency: IDependency, app: AppStack, declared: string, check: (version: string) => void): string {
  const { settings, by } = requiredSettings(dependency, app);
  check(declared);
  const required = settings.engineVersion;
  if (required === undefined) return declared;
  refuse(app.ledger.source, requiredEngineVersion(app.tier.name, by.engineVersion, { name: dependency.name, kind: dependency.kind, engine: dependency.engine, engineVersion: declared }, required));
  return required;
}
