import { PolicyRule, requireTrue } from '../../rule';
import { engineOf } from './engine';

/** Engines without IAM database authentication. */
const NO_IAM_AUTH = /^(sqlserver|oracle|db2)/;

/**
 * SY-RDS-6: RDS and Aurora accept IAM database authentication.
 *
 * `iam_database_authentication_enabled = true` on `aws_db_instance` and
 * `aws_rds_cluster` (engines without it, SQL Server, Oracle and Db2, are not
 * judged).
 *
 * - Checkov: CKV_AWS_161 (aws_db_instance), CKV_AWS_162 and CKV_AWS_128 (aws_rds_cluster)
 * - AWS FSBP: RDS.10 (instances), RDS.12 (clusters)
 * - Applies in every tier.
 */
export const rdsIamAuthentication: PolicyRule = {
  id: 'SY-RDS-6',
  title: 'RDS/Aurora IAM authentication',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_161', 'CKV_AWS_162', 'CKV_AWS_128'],
  fsbp: ['RDS.10', 'RDS.12'],
  check(r) {
    if (NO_IAM_AUTH.test(engineOf(r.config))) return [];
    return requireTrue(r.config, 'iam_database_authentication_enabled', 'set iam_database_authentication_enabled = true (services can then connect with short-lived IAM tokens instead of a stored password)', 'is not set (the default is off)');
  },
};
