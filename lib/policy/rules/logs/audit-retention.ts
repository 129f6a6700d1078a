import { isReference, PolicyRule, violation } from '../../rule';

/** The retention audits ask of audit logs, in days. */
export const AUDIT_LOG_DAYS = 365;

/**
 * SY-LOGS-3: log groups of protected tiers keep a year of logs.
 *
 * `retention_in_days` of at least 365 (or 0, kept forever) on
 * `aws_cloudwatch_log_group`: the EKS control plane's audit logs and the VPC
 * flow logs are the record an audit or an incident review reads back.
 *
 * - Checkov: CKV_AWS_338
 * - AWS FSBP: none (Security Hub's CloudWatch.16 asks the same)
 * - Applies in protected tiers (`deletionProtection`: prod), whose profile sets
 *   `auditLogRetentionDays` to 365.
 */
export const logsAuditRetention: PolicyRule = {
  id: 'SY-LOGS-3',
  title: 'Log groups keep a year (protected tiers)',
  resourceTypes: ['aws_cloudwatch_log_group'],
  appliesIn: 'deletion-protection',
  checkov: ['CKV_AWS_338'],
  fsbp: [],
  check(r) {
    const v = r.config.retention_in_days;
    if (isReference(v) || v === 0 || (typeof v === 'number' && v >= AUDIT_LOG_DAYS)) return [];
    return [violation(`retention_in_days is %v, less than a year`, v, `keep audit logs at least ${AUDIT_LOG_DAYS} days (the tier's auditLogRetentionDays)`)];
  },
};
