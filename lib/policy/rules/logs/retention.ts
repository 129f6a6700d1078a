import { isReference, PolicyRule, violation } from '../../rule';

/**
 * SY-LOGS-2: CloudWatch log groups keep logs for a set time.
 *
 * `retention_in_days` on `aws_cloudwatch_log_group`, not 0 or unset (which
 * keep logs forever, at a cost that only grows, and past what the tier
 * needs to keep).
 *
 * - Checkov: CKV_AWS_66
 * - AWS FSBP: none (Security Hub's CloudWatch.16 asks for at least a year)
 * - Applies in every tier.
 */
export const logsRetention: PolicyRule = {
  id: 'SY-LOGS-2',
  title: 'Log group retention set',
  resourceTypes: ['aws_cloudwatch_log_group'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_66'],
  fsbp: [],
  check(r) {
    const v = r.config.retention_in_days;
    if (isReference(v) || (typeof v === 'number' && v > 0)) return [];
    return [violation('retention_in_days is %v, so logs are kept forever', v, 'set retention_in_days to what the tier must keep (Switchyard uses the tier\'s auditLogRetentionDays)')];
  },
};
