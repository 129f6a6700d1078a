/** The policy rule pack: aspect, rules, suppressions, report. */
export { attachPolicy, PolicyFinding } from './aspect';
export { Policy } from './policy';
export { Severity } from './severity';
export { DISABLE_METADATA, SUPPRESS_METADATA } from './suppressions';
export { buildPolicyReport, POLICY_REPORT_FILE, PolicyError, PolicyReport, ReportedFinding, writePolicyReport } from './report';
export {
  PolicyResource, PolicyRule, RuleContext, RuleScope, TerraformConfig, Violation,
} from './rule';
export { PUBLIC_EXPOSURE_TAG, PUBLIC_EXPOSURE_VALUE, SWITCHYARD_RULES } from './rules';
