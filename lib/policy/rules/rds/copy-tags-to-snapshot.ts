import { PolicyRule, requireTrue } from '../../rule';
import { engineOf, isAurora } from './engine';

/**
 * SY-RDS-9: RDS and Aurora copy their tags to snapshots.
 *
 * `copy_tags_to_snapshot = true` on `aws_db_instance` (an instance of an
 * Aurora cluster copies through its cluster and is not judged) and `aws_rds_cluster`.
 *
 * - Checkov: CKV2_AWS_60 (aws_db_instance), CKV_AWS_313 (aws_rds_cluster)
 * - AWS FSBP: RDS.17 (instances), RDS.16 (Aurora clusters), RDS.47 (PostgreSQL clusters)
 * - Applies in every tier.
 */
export const rdsCopyTagsToSnapshot: PolicyRule = {
  id: 'SY-RDS-9',
  title: 'RDS/Aurora copy tags to snapshots',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  appliesIn: 'every-tier',
  checkov: ['CKV2_AWS_60', 'CKV_AWS_313'],
  fsbp: ['RDS.17', 'RDS.16', 'RDS.47'],
  check(r) {
    if (r.type === 'aws_db_instance' && isAurora(engineOf(r.config))) return [];
    return requireTrue(r.config, 'copy_tags_to_snapshot', 'set copy_tags_to_snapshot = true, so snapshots carry the tier and owner tags of their database', 'is not set (the default is off)');
  },
};
