import { Tier } from '../tier/tier';
import {
  AnnotationMetadataEntryType, Annotations, Aspects, CdktfApp, IAspect, IConstruct, resolveTerraform, TerraformDataSource, TerraformResource,
  TerraformStack,
} from '../private/cdk';
import { ConfigurationError, show } from '../private/errors';
import type { PolicyResource, PolicyRule, RuleContext, TerraformConfig } from './rule';
import { SWITCHYARD_RULES } from './rules';
import { ruleAppliesIn, Severity, severityIn } from './severity';
import { checkSuppressionsAround, isDisabled, suppressionOf } from './suppressions';

/** One finding: a rule that a resource breaks. */
export interface PolicyFinding {
  /** Rule ID, e.g. `SY-RDS-1`. */
  readonly rule: string;
  /** The rule's title. */
  readonly title: string;
  /** `error` (fails the synth unless suppressed) or `warning`, by tier. */
  readonly severity: Severity;
  /** The tier of the resource's stack. */
  readonly tier: string;
  /** The resource's stack. */
  readonly stack: string;
  /** Construct path of the resource. */
  readonly path: string;
  /** Terraform address in its stack. */
  readonly address: string;
  /** What is wrong, with the offending value. */
  readonly message: string;
  /** What to do. */
  readonly fix: string;
  /** True when a `Policy.suppress` on the resource or a scope above it covers the rule. */
  readonly suppressed: boolean;
  /**
   * The suppression's reason.
   * @default - none: the finding is not suppressed
   */
  readonly reason?: string;
  /** The construct, for messages (not in the report). @internal */
  readonly _construct: IConstruct;
}

/** Findings of each stack's latest synth. */
const FINDINGS = new WeakMap<IConstruct, PolicyFinding[]>();
/** Roots whose validation lists the policy errors. */
const ROOTS = new WeakSet<IConstruct>();

/** Rules by the resource type they check (`data.<type>` for a data source). */
const BY_TYPE = new Map<string, PolicyRule[]>();
for (const rule of SWITCHYARD_RULES) {
  for (const t of rule.resourceTypes) BY_TYPE.set(t, [...(BY_TYPE.get(t) ?? []), rule]);
}

/** The findings recorded for a stack by its latest synth. */
export function findingsOf(stack: IConstruct): readonly PolicyFinding[] {
  return FINDINGS.get(stack) ?? [];
}

/**
 * Runs the rule pack on `stack` at every synth: an aspect that checks the
 * suppressions written in the stack, the evaluation of the stack's resources
 * on the Terraform JSON the synth writes (`evaluatePolicy`, called by the
 * stack's `toTerraform()`), and one validation on the app's root that lists
 * every unsuppressed error of every stack (node validations fail a synth
 * whatever `CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS` says).
 */
export function attachPolicy(stack: TerraformStack): void {
  ATTACHED.add(stack);
  Aspects.of(stack).add(new SuppressionAspect(stack));
  const root = stack.node.root;
  if (!ROOTS.has(root)) {
    ROOTS.add(root);
    root.node.addValidation({ validate: () => policyErrors(root) });
  }
}

/** Stacks the pack runs on. */
const ATTACHED = new WeakSet<TerraformStack>();

/**
 * Evaluates, resource by resource, every stack under `root` the pack runs on and that no synth
 * evaluated yet (a synth that stopped before writing it): so a report lists every finding.
 */
export function evaluateAll(root: IConstruct): void {
  for (const c of root.node.findAll()) {
    if (TerraformStack.isStack(c) && ATTACHED.has(c) && !FINDINGS.has(c)) {
      const run = new Run(c, false);
      for (const e of c.node.findAll()) {
        if ((TerraformResource.isTerraformResource(e) || TerraformDataSource.isTerraformDataSource(e)) && TerraformStack.of(e) === c) run.evaluate(e);
      }
      FINDINGS.set(c, run.findings);
    }
  }
}

/** The unsuppressed errors under `root`, as validation messages: a heading, then one line per finding. */
export function policyErrors(root: IConstruct): string[] {
  const errors = root.node.findAll()
    .flatMap((c) => findingsOf(c))
    .filter((f) => f.severity === 'error' && !f.suppressed);
  if (errors.length === 0) return [];
  const tiers = [...new Set(errors.map((f) => f.tier))].join(', ');
  return [
    `Switchyard policy: ${errors.length} finding${errors.length === 1 ? ' is an error' : 's are errors'} in tier ${tiers}, where findings fail the synth. Fix each, or suppress it where it does not apply with Policy.suppress(construct, ruleId, reason):`,
    ...errors.map(errorLine),
  ];
}

/** `SY-RDS-1 [shop-prod/orders/instance] aws_db_instance.orders_postgres: storage_encrypted is false: set ...`. */
export function errorLine(f: PolicyFinding): string {
  return `${f.rule} ${new ConfigurationError(f._construct, `${f.address} (stack ${f.stack}, tier ${f.tier}): ${f.message}`, undefined, f.fix).message}`;
}

/** The findings of the rule pack on `scope`'s stack, now (no synth, no annotations, nothing recorded). */
export function checkStack(scope: IConstruct): PolicyFinding[] {
  const stack = TerraformStack.of(scope);
  const run = new Run(stack, false);
  for (const c of stack.node.findAll()) {
    if (TerraformResource.isTerraformResource(c) || TerraformDataSource.isTerraformDataSource(c)) run.evaluate(c);
  }
  return run.findings;
}

/**
 * Evaluates the rule pack on `stack` from `synthesized`, the Terraform JSON its synth is about to
 * write (what `toTerraform()` returned), and records the findings. Reading the resources' resolved
 * configuration from there, rather than resolving each resource once more, is what keeps the rule
 * pack cheap. Warnings are annotations of the resources, and go into the stack's entry in the
 * manifest as cdktf would have listed them.
 */
export function evaluatePolicy(stack: TerraformStack, synthesized: unknown): void {
  const run = new Run(stack, true, synthesized as Synthesized);
  FINDINGS.set(stack, run.findings);
  for (const c of stack.node.findAll()) {
    if ((TerraformResource.isTerraformResource(c) || TerraformDataSource.isTerraformDataSource(c)) && TerraformStack.of(c) === stack) run.evaluate(c);
  }
  if (run.annotated) relistAnnotations(stack);
}

/**
 * cdktf lists a stack's annotations in the manifest before it calls `toTerraform()`: the list is
 * made again, the same way (every construct of the stack in order, its annotations in order).
 */
function relistAnnotations(stack: TerraformStack): void {
  const levels: string[] = [AnnotationMetadataEntryType.INFO, AnnotationMetadataEntryType.WARN, AnnotationMetadataEntryType.ERROR];
  const listed = (CdktfApp.of(stack) as CdktfApp).manifest.forStack(stack).annotations;
  const all = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => levels.includes(m.type)).map((m) => ({
    constructPath: c.node.path, level: m.type as AnnotationMetadataEntryType, message: m.data, stacktrace: m.trace,
  })));
  listed.splice(0, listed.length, ...all);
}

/** At every synth, before anything is written: a suppression written as metadata by hand is held to the same rules as Policy.suppress. */
class SuppressionAspect implements IAspect {
  constructor(private readonly stack: TerraformStack) {}

  public visit(node: IConstruct): void {
    if (node === this.stack) checkSuppressionsAround(this.stack);
  }
}

/** A stack's Terraform JSON, as far as the rule pack reads it. */
type Synthesized = Record<string, Record<string, Record<string, Record<string, unknown>>> | undefined>;

type Element = TerraformResource | TerraformDataSource;

/** One synth of one stack: its findings and a cache of resolved configurations. */
class Run implements RuleContext {
  public readonly tier: Tier;
  private readonly resolved = new Map<Element, PolicyResource | undefined>();
  private byType?: Map<string, Element[]>;

  /** Findings of this run. */
  public readonly findings: PolicyFinding[] = [];
  /** True once the run added an annotation. */
  public annotated = false;

  /**
   * @param synthesized the stack's Terraform JSON, when the run is part of its synth; without it,
   * each resource's configuration is resolved on its own
   */
  constructor(private readonly stack: TerraformStack, private readonly annotate: boolean, private readonly synthesized?: Synthesized) {
    this.tier = Tier.of(stack);
    // A suppression written as metadata by hand is held to the same rules as Policy.suppress.
    if (!synthesized) checkSuppressionsAround(stack);
  }

  public evaluate(el: Element): void {
    const key = TerraformDataSource.isTerraformDataSource(el) ? `data.${el.terraformResourceType}` : el.terraformResourceType;
    const rules = (BY_TYPE.get(key) ?? []).filter((r) => ruleAppliesIn(r, this.tier));
    if (rules.length === 0 || isDisabled(el)) return;
    const resource = this.resolve(el);
    if (!resource) return;
    const severity = severityIn(this.tier);
    for (const rule of rules) {
      for (const v of rule.check(resource, this)) {
        const message = v.problem.replace('%v', show(v.value));
        const reason = suppressionOf(el, rule.id);
        const finding: PolicyFinding = {
          rule: rule.id, title: rule.title, severity, tier: this.tier.name, stack: this.stack.node.id,
          path: el.node.path, address: resource.address, message, fix: v.fix,
          suppressed: reason !== undefined, ...(reason !== undefined ? { reason } : {}), _construct: el,
        };
        Object.defineProperty(finding, '_construct', { enumerable: false });
        this.findings.push(finding);
        if (this.annotate && !finding.suppressed && severity === 'warning') {
          this.annotated = true;
          Annotations.of(el).addWarning(`${rule.id} ${resource.address}: ${message}: ${v.fix} (an error in tiers that bind managed services; if it does not apply, Policy.suppress(construct, "${rule.id}", reason))`);
        }
      }
    }
  }

  public resources(type: string): readonly PolicyResource[] {
    if (!this.byType) {
      this.byType = new Map();
      for (const c of this.stack.node.findAll()) {
        if (TerraformResource.isTerraformResource(c) && TerraformStack.of(c) === this.stack) {
          this.byType.set(c.terraformResourceType, [...(this.byType.get(c.terraformResourceType) ?? []), c]);
        }
      }
    }
    return (this.byType.get(type) ?? []).map((e) => this.resolve(e)).filter((r): r is PolicyResource => r !== undefined);
  }

  public referenced(value: unknown, types?: readonly string[]): PolicyResource | undefined {
    if (typeof value !== 'string') return undefined;
    const m = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\./.exec(value);
    if (!m || (types && !types.includes(m[1]))) return undefined;
    return this.resources(m[1]).find((r) => r.name === m[2]);
  }

  private resolve(el: Element): PolicyResource | undefined {
    if (this.resolved.has(el)) return this.resolved.get(el);
    const kind = TerraformDataSource.isTerraformDataSource(el) ? 'data' : 'resource';
    const type = el.terraformResourceType;
    const name = el.friendlyUniqueId;
    const out = (this.synthesized ?? resolveTerraform(this.stack, el.toTerraform())) as Record<string, Record<string, Record<string, TerraformConfig>>>;
    const raw = out?.[kind]?.[type]?.[name];
    let resource: PolicyResource | undefined;
    if (raw) {
      const config: Record<string, unknown> = { ...raw };
      delete config['//'];
      resource = { construct: el, kind, type, name, address: kind === 'data' ? `data.${type}.${name}` : `${type}.${name}`, config };
    }
    this.resolved.set(el, resource);
    return resource;
  }
}
