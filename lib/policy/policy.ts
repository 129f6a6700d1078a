import { Annotations, IConstruct } from '../private/cdk';
import { fail } from '../private/errors';
import type { TierProfile } from '../tier/profile';
import type { Tier } from '../tier/tier';
import { checkStack, PolicyFinding } from './aspect';
import type { PolicyRule } from './rule';
import { SWITCHYARD_RULES } from './rules';
import { ruleAppliesIn, Severity, severityIn } from './severity';
import { checkSuppression, DISABLE_METADATA, SUPPRESS_METADATA } from './suppressions';

const RULES = new Map(SWITCHYARD_RULES.map((r) => [r.id, r]));

/**
 * Switchyard's policy rule pack (`lib/policy/rules`), which every tier stack
 * runs at synth on the Terraform configuration of its resources.
 *
 * - **Severity by tier.** A finding is an `error` in a tier whose profile
 *   binds managed services or protects its data (`binding === "managed"` or
 *   `deletionProtection`: staging and prod) and fails the synth; elsewhere
 *   (dev) it is a `warning` (a cdktf warning annotation) and the synth goes on.
 * - **Suppressions** need a reason, apply to a construct and everything
 *   under it, and are listed in the report with that reason.
 * - **Report.** Every synth of a Switchyard `App` writes `policy-report.json`
 *   beside the manifest.
 */
export class Policy {
  /** Every rule of the pack, in report order. */
  public static get rules(): readonly PolicyRule[] {
    return SWITCHYARD_RULES;
  }

  /** The rule with that ID, or undefined. */
  public static rule(id: string): PolicyRule | undefined {
    return RULES.get(id);
  }

  /**
   * The severity of findings in a tier: `error` where the profile binds
   * managed services or protects its data (staging, prod), `warning` elsewhere (dev).
   */
  public static severityIn(tier: Tier | TierProfile): Severity {
    return severityIn(tier);
  }

  /** True when a rule applies in a tier at all (some apply only in highly available, managed or protected tiers). */
  public static appliesIn(rule: PolicyRule, tier: Tier | TierProfile): boolean {
    return ruleAppliesIn(rule, tier);
  }

  /**
   * Runs the rule pack on a tier stack now, without a synth, and returns
   * its findings (suppressed ones included): for unit tests of your own
   * constructs. A synth runs the same checks on every tier stack by itself.
   */
  public static check(stack: IConstruct): PolicyFinding[] {
    return checkStack(stack);
  }

  /**
   * Suppresses rules on `scope` and every construct under it. The reason is
   * required and goes into the report beside each finding it suppresses:
   *
   * ```ts
   * Policy.suppress(replica, 'SY-RDS-3', 'read replica of a multi-AZ primary: failover is the primary\'s');
   * ```
   *
   * @throws ConfigurationError for an empty reason or an unknown rule ID
   */
  public static suppress(scope: IConstruct, ruleIds: string | readonly string[], reason: string): void {
    const ids = typeof ruleIds === 'string' ? [ruleIds] : [...ruleIds];
    if (ids.length === 0) fail(scope, 'Policy.suppress got no rule ID: %v', ids, 'name the rule(s) to suppress, e.g. "SY-RDS-3"');
    for (const rule of ids) checkSuppression(scope, { rule, reason });
    for (const rule of ids) scope.node.addMetadata(SUPPRESS_METADATA, { rule, reason: reason.trim() });
  }

  /**
   * Turns the whole rule pack off for `scope` and everything under it (a
   * stack, or the app). Only ever explicit, with a reason: the report lists
   * the scope and the reason, and the synth warns about it.
   *
   * @throws ConfigurationError for an empty reason
   */
  public static disable(scope: IConstruct, reason: string): void {
    if (typeof reason !== 'string' || reason.trim() === '') {
      fail(scope, 'Policy.disable has an empty reason %v', reason ?? '', 'say why the rule pack must not run here, e.g. "scratch stack for a load test, destroyed after the run"');
    }
    scope.node.addMetadata(DISABLE_METADATA, { reason: reason.trim() });
    Annotations.of(scope).addWarning(`policy checks are disabled for ${scope.node.path || 'the app'}: ${reason.trim()}`);
  }
}
