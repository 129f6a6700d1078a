import type { TierProfile } from '../tier/profile';
import type { Tier } from '../tier/tier';
import type { PolicyRule } from './rule';

/** How much a finding weighs: an `error` fails the synth, a `warning` is reported. */
export type Severity = 'error' | 'warning';

function profileOf(tier: Tier | TierProfile): TierProfile {
  return 'profile' in tier ? tier.profile : tier;
}

/**
 * The severity of findings in a tier: `error` where the profile binds
 * managed services or protects its data (`binding === "managed"` or
 * `deletionProtection`: staging, prod), `warning` elsewhere (dev).
 */
export function severityIn(tier: Tier | TierProfile): Severity {
  const p = profileOf(tier);
  return p.binding === 'managed' || p.deletionProtection ? 'error' : 'warning';
}

/** True when a rule applies in a tier at all (some apply only in highly available, managed or protected tiers). */
export function ruleAppliesIn(rule: PolicyRule, tier: Tier | TierProfile): boolean {
  const p = profileOf(tier);
  switch (rule.appliesIn) {
    case 'managed': return p.binding === 'managed';
    case 'high-availability': return p.highAvailability;
    case 'deletion-protection': return p.deletionProtection;
    default: return true;
  }
}
