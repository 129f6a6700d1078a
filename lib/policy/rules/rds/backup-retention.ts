import { isReference, PolicyRule, violation } from '../../rule';
import { isReadReplica } from './engine';

/** Days of automated backups a managed tier keeps at least. */
export const MIN_BACKUP_RETENTION_DAYS = 7;

/**
 * SY-RDS-5: RDS and Aurora keep automated backups for at least 7 days in managed tiers.
 *
 * `backup_retention_period >= 7` on `aws_db_instance` (read replicas are not
 * judged) and `aws_rds_cluster`. Missing counts as 1 day, the AWS default.
 *
 * - Checkov: CKV_AWS_133 (any retention of 1 day or more)
 * - AWS FSBP: RDS.11 (instances; its default minimum is 7 days)
 * - Applies in tiers with `binding: "managed"` (staging, prod).
 */
export const rdsBackupRetention: PolicyRule = {
  id: 'SY-RDS-5',
  title: 'RDS/Aurora backups kept >= 7 days',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  appliesIn: 'managed',
  checkov: ['CKV_AWS_133'],
  fsbp: ['RDS.11'],
  check(r, ctx) {
    if (r.type === 'aws_db_instance' && isReadReplica(r.config)) return [];
    const v = r.config.backup_retention_period;
    if (isReference(v)) return [];
    const days = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
    if (days !== undefined && days >= MIN_BACKUP_RETENTION_DAYS) return [];
    return [violation(v === undefined ? 'backup_retention_period is not set (AWS keeps 1 day)' : 'backup_retention_period is %v days', v,
      `set backup_retention_period to at least ${MIN_BACKUP_RETENTION_DAYS} (tier "${ctx.tier.name}" binds managed services; raise the tier's backupRetentionDays)`)];
  },
};
