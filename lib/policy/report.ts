import * as fs from 'fs';
import * as path from 'path';
import { IConstruct, TerraformStack } from '../private/cdk';
import { evaluateAll, findingsOf, PolicyFinding, policyErrors } from './aspect';
import { SWITCHYARD_RULES } from './rules';
import { Severity } from './severity';
import { DISABLE_METADATA } from './suppressions';

/** File name of the policy report, written beside the manifest at every synth. */
export const POLICY_REPORT_FILE = 'policy-report.json';

/** A finding as the report holds it. */
export type ReportedFinding = Omit<PolicyFinding, '_construct'>;

/** `policy-report.json`: every finding of the synth, suppressed ones with their reason. */
export interface PolicyReport {
  /** The report's format: 1. */
  readonly version: 1;
  /** How severity follows the tier. */
  readonly severityRule: string;
  /** How many findings of each outcome. */
  readonly summary: {
    /** Unsuppressed errors (a synth with any fails, so a written report has 0). */
    readonly errors: number;
    /** Unsuppressed warnings. */
    readonly warnings: number;
    /** Suppressed findings, errors and warnings alike. */
    readonly suppressed: number;
  };
  /** Sorted by stack, construct path, rule. */
  readonly findings: ReportedFinding[];
  /** Scopes where the rule pack is turned off, with the reason. */
  readonly disabled: Array<{
    /** Construct path of the scope (`Policy.disable`). */
    readonly path: string;
    /** Why the rule pack does not run there. */
    readonly reason: string;
  }>;
  /** The rules that ran. */
  readonly rules: Array<{
    /** Rule ID, e.g. `SY-RDS-1`. */
    readonly id: string;
    /** What the rule requires. */
    readonly title: string;
    /** The Checkov checks it matches (`CKV_AWS_...`). */
    readonly checkov: readonly string[];
    /** The AWS Foundational Security Best Practices controls it matches. */
    readonly fsbp: readonly string[];
  }>;
}

/** The synth's policy failed: unsuppressed errors remain. */
export class PolicyError extends Error {
  constructor(
    /** The unsuppressed errors. */
    public readonly findings: readonly ReportedFinding[],
    message: string,
  ) {
    super(message);
    this.name = 'PolicyError';
  }
}

/** The report of everything under `root`, from the findings of the latest synth. */
export function buildPolicyReport(root: IConstruct): PolicyReport {
  evaluateAll(root);
  const nodes = root.node.findAll();
  const findings = nodes
    .filter((c): c is TerraformStack => TerraformStack.isStack(c))
    .flatMap((s) => findingsOf(s))
    .map((f) => ({ ...f }) as ReportedFinding)
    .sort((a, b) => a.stack.localeCompare(b.stack) || a.path.localeCompare(b.path) || a.rule.localeCompare(b.rule, 'en', { numeric: true }) || a.message.localeCompare(b.message));
  const count = (sev: Severity) => findings.filter((f) => f.severity === sev && !f.suppressed).length;
  return {
    version: 1,
    severityRule: 'error (fails the synth) in tiers whose profile has binding "managed" or deletionProtection; warning elsewhere',
    summary: { errors: count('error'), warnings: count('warning'), suppressed: findings.filter((f) => f.suppressed).length },
    findings,
    disabled: nodes.flatMap((c) => c.node.metadata
      .filter((m) => m.type === DISABLE_METADATA)
      .map((m) => ({ path: c.node.path || '<app>', reason: (m.data as { reason: string }).reason }))),
    rules: SWITCHYARD_RULES.map((r) => ({ id: r.id, title: r.title, checkov: r.checkov, fsbp: r.fsbp })),
  };
}

/**
 * Writes `policy-report.json` into `dir` and fails when unsuppressed errors
 * remain (a synth that skipped validations gets here with them).
 */
export function writePolicyReport(root: IConstruct, dir: string): PolicyReport {
  const report = buildPolicyReport(root);
  fs.writeFileSync(path.join(dir, POLICY_REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
  if (report.summary.errors > 0) {
    throw new PolicyError(report.findings.filter((f) => f.severity === 'error' && !f.suppressed), policyErrors(root).join('\n  '));
  }
  return report;
}
