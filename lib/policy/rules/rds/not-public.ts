import { isTrue, PolicyRule, violation } from '../../rule';

/**
 * SY-RDS-2: RDS and Aurora instances are not publicly accessible.
 *
 * `publicly_accessible` must not be true on `aws_db_instance`,
 * `aws_rds_cluster_instance` and (Multi-AZ DB clusters) `aws_rds_cluster`.
 * Missing is compliant: the default is private.
 *
 * - Checkov: CKV_AWS_17 (aws_db_instance, aws_rds_cluster_instance)
 * - AWS FSBP: RDS.2
 * - Applies in every tier.
 */
export const rdsNotPublic: PolicyRule = {
  id: 'SY-RDS-2',
  title: 'RDS/Aurora not publicly accessible',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster_instance', 'aws_rds_cluster'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_17'],
  fsbp: ['RDS.2'],
  check(r) {
    const v = r.config.publicly_accessible;
    return isTrue(v)
      ? [violation('publicly_accessible is %v', v, 'set publicly_accessible = false and reach the database from inside the VPC (private subnets, a security group that admits the callers)')]
      : [];
  },
};
