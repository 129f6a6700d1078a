import { isFalse, PolicyRule, violation } from '../../rule';

/**
 * SY-RDS-7: RDS and Aurora instances take minor version upgrades automatically.
 *
 * `auto_minor_version_upgrade` must not be false on `aws_db_instance` and
 * `aws_rds_cluster_instance` (missing is compliant: the default is on).
 *
 * - Checkov: CKV_AWS_226
 * - AWS FSBP: RDS.13 (instances), RDS.35 (clusters)
 * - Applies in every tier.
 */
export const rdsAutoMinorVersionUpgrade: PolicyRule = {
  id: 'SY-RDS-7',
  title: 'RDS/Aurora automatic minor version upgrades',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster_instance'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_226'],
  fsbp: ['RDS.13', 'RDS.35'],
  check(r) {
    const v = r.config.auto_minor_version_upgrade;
    return isFalse(v)
      ? [violation('auto_minor_version_upgrade is %v', v, 'set auto_minor_version_upgrade = true (or leave it out): minor versions carry security fixes and are applied in the maintenance window')]
      : [];
  },
};
