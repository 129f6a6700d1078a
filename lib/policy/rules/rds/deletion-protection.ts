import { PolicyRule, requireTrue } from '../../rule';

/**
 * SY-RDS-4: RDS and Aurora databases have deletion protection in protected tiers.
 *
 * `deletion_protection = true` on `aws_db_instance` and `aws_rds_cluster`.
 *
 * - Checkov: CKV_AWS_293 (aws_db_instance), CKV_AWS_139 (aws_rds_cluster)
 * - AWS FSBP: RDS.8 (instances), RDS.7 (clusters)
 * - Applies in tiers with `deletionProtection` (prod).
 */
export const rdsDeletionProtection: PolicyRule = {
  id: 'SY-RDS-4',
  title: 'RDS/Aurora deletion protection',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  appliesIn: 'deletion-protection',
  checkov: ['CKV_AWS_293', 'CKV_AWS_139'],
  fsbp: ['RDS.8', 'RDS.7'],
  check(r, ctx) {
    return requireTrue(r.config, 'deletion_protection', `set deletion_protection = true: tier "${ctx.tier.name}" protects its data`, 'is not set (the default is off)');
  },
};
