import { PolicyRule, requireTrue } from '../../rule';
import { isReadReplica } from './engine';

/**
 * SY-RDS-1: RDS and Aurora storage is encrypted at rest.
 *
 * `storage_encrypted = true` on `aws_db_instance` and `aws_rds_cluster`. A
 * read replica (`replicate_source_db`) inherits its source's encryption and is
 * not judged. Missing counts as off: the provider's default is unencrypted.
 *
 * - Checkov: CKV_AWS_16 (aws_db_instance), CKV_AWS_96 (aws_rds_cluster)
 * - AWS FSBP: RDS.3 (instances), RDS.27 (clusters)
 * - Applies in every tier.
 */
export const rdsStorageEncrypted: PolicyRule = {
  id: 'SY-RDS-1',
  title: 'RDS/Aurora storage encrypted at rest',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_16', 'CKV_AWS_96'],
  fsbp: ['RDS.3', 'RDS.27'],
  check(r) {
    if (r.type === 'aws_db_instance' && isReadReplica(r.config)) return [];
    return requireTrue(r.config, 'storage_encrypted', 'set storage_encrypted = true (optionally with kms_key_id); encryption cannot be added later without a snapshot restore', 'is not set (the default is unencrypted)');
  },
};
