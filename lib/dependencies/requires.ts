import type { AppStack } from '../app-stack';
import { IConstruct } from '../private/cdk';
import { fail } from '../private/errors';

/**
 * The settings of a dependency that the releases of the tier require (the
 * ledger's `requires`, e.g. `{ "orders": { "engineVersion": "17.11" } }` on
 * a service's entry): applied to the dependency, which every connected
 * service's rollout waits for, so the change happens before the staged slot
 * rolls out. Two releases that require different values are refused.
 */
export function requiredSettings(scope: IConstruct, app: AppStack, dependency: string, allowed: readonly string[]): Record<string, string> {
  const tier = app.tier.name;
  const out: Record<string, string> = {};
  const by: Record<string, string> = {};
  for (const service of app.ledger.servicesIn(tier)) {
    const settings = app.ledger.release(tier, service)?.requires?.[dependency] ?? {};
    for (const [key, value] of Object.entries(settings)) {
      const where = `${app.ledger.source}: tiers.${tier}.${service}.requires.${dependency}`;
      if (!allowed.includes(key)) fail(where, 'setting %v cannot be required of a release', key, `require only ${allowed.join(', ')} of "${dependency}"`);
      if (typeof value !== 'string') fail(where, `${key} %v is not a string`, value, 'give the value as a string, e.g. "17.11"');
      if (key in out && out[key] !== value) {
        fail(scope, `releases of services "${by[key]}" and "${service}" require different ${key} of "${dependency}": %v`, [out[key], value], 'make the releases of the tier agree on the dependency change');
      }
      out[key] = value;
      by[key] = service;
    }
  }
  return out;
}

/** Compares dotted versions ("17.11" vs "17.6"): negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
