import type { IConstruct } from '../private/cdk';
import type { Tier } from '../tier/tier';

/** A resource's Terraform configuration as Terraform reads it: snake_case keys, nested blocks, `${...}` references. */
export type TerraformConfig = Readonly<Record<string, unknown>>;

/**
 * Where a rule applies. A rule that applies in a tier yields findings there;
 * whether a finding is an error or a warning is the tier's matter (see
 * `Policy.severityIn`).
 *
 * - `every-tier`: everywhere;
 * - `managed`: tiers that bind dependencies to managed services (`binding: "managed"`);
 * - `high-availability`: tiers with `highAvailability`;
 * - `deletion-protection`: tiers with `deletionProtection` (protected tiers).
 */
export type RuleScope = 'every-tier' | 'managed' | 'high-availability' | 'deletion-protection';

/** One Terraform resource (or data source) as a rule sees it. */
export interface PolicyResource {
  /** The construct that synthesizes it. */
  readonly construct: IConstruct;
  /** `resource` or `data`. */
  readonly kind: 'resource' | 'data';
  /** Terraform type, e.g. `aws_db_instance`. */
  readonly type: string;
  /** Logical name in its stack. */
  readonly name: string;
  /** Terraform address in its stack: `aws_db_instance.orders_postgres` (`data.` before a data source). */
  readonly address: string;
  /** Its configuration, resolved against its stack. */
  readonly config: TerraformConfig;
}

/** What a rule found wrong with one resource. */
export interface Violation {
  /** What is wrong; `%v` is replaced by the quoted value. */
  readonly problem: string;
  /**
   * The offending value.
   * @default - none: the setting is missing
   */
  readonly value?: unknown;
  /** What to do instead. */
  readonly fix: string;
}

/** What a rule can see besides the resource itself. */
export interface RuleContext {
  /** The tier of the stack. */
  readonly tier: Tier;
  /** Every resource of `type` in the same stack, resolved. */
  resources(type: string): readonly PolicyResource[];
  /**
   * The resource of this stack that a reference such as
   * `${aws_db_parameter_group.pg.name}` points to (of one of `types`, if given).
   */
  referenced(value: unknown, types?: readonly string[]): PolicyResource | undefined;
}

/**
 * A policy rule: one check, on the Terraform configuration of the resources
 * of some types. Each rule lives in its own file under
 * `lib/policy/rules/<area>/` and says which Checkov checks and AWS
 * Foundational Security Best Practices controls it matches.
 */
export interface PolicyRule {
  /** `SY-<AREA>-<n>`, e.g. `SY-RDS-1`. Never reused for another check. */
  readonly id: string;
  /** What it checks, in a few words. */
  readonly title: string;
  /** Terraform resource types it checks. */
  readonly resourceTypes: readonly string[];
  /** Tiers it applies in. */
  readonly appliesIn: RuleScope;
  /** Checkov check IDs it matches (empty: none). */
  readonly checkov: readonly string[];
  /** AWS Foundational Security Best Practices control IDs it matches (empty: none). */
  readonly fsbp: readonly string[];
  /** The violations of one resource (empty: compliant). */
  check(resource: PolicyResource, ctx: RuleContext): Violation[];
}

/** A violation. */
export function violation(problem: string, value: unknown, fix: string): Violation {
  return { problem, value, fix };
}

/** The single block of a nested block (Terraform JSON accepts an object or a one-element list). */
export function block(value: unknown): Record<string, unknown> | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Every block of a repeated nested block. */
export function blocks(value: unknown): Array<Record<string, unknown>> {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v));
}

/** True for a value known only at apply time: a string with a Terraform reference or function call. */
export function isReference(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** True when a boolean attribute is set to true (Terraform also accepts the string "true"). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** True when a boolean attribute is set to false. */
export function isFalse(value: unknown): boolean {
  return value === false || value === 'false';
}

/** True when an attribute has a value: not missing, null, empty string or empty list. */
export function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  return !(Array.isArray(value) && value.length === 0);
}

/** A list attribute as a list of strings (a single string becomes a one-element list). */
export function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

/**
 * A boolean setting that must be true: a violation when it is false, missing
 * (with `missingIsFalse`) or anything else. A reference is known only at
 * apply time and is not judged.
 */
export function requireTrue(config: TerraformConfig, key: string, fix: string, missing = 'is not set'): Violation[] {
  const v = config[key];
  if (isTrue(v) || isReference(v)) return [];
  return [violation(v === undefined ? `${key} ${missing}` : `${key} is %v`, v, fix)];
}
