/**
 * `@switchyard-iac/cdktf/policy`: writing policy rules and reading the policy
 * report. Programs suppress and check with `Policy` from the package's root.
 */
export {
  buildPolicyReport, DISABLE_METADATA, Policy, PolicyError, PolicyFinding, PolicyReport, PolicyResource, PolicyRule,
  POLICY_REPORT_FILE, PUBLIC_EXPOSURE_TAG, PUBLIC_EXPOSURE_VALUE, ReportedFinding, RuleContext, RuleScope, Severity,
  SUPPRESS_METADATA, SWITCHYARD_RULES, TerraformConfig, Violation,
} from '../policy';
