/**
 * The AWS resource types that hold what Terraform cannot make again as it was
 * (data, or the only copy of a credential or key), for the data rules.
 */
export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  aws_db_instance: 'the database',
  aws_rds_cluster: 'the Aurora cluster volume',
  aws_rds_cluster_instance: 'a member of an Aurora cluster',
  aws_sqs_queue: 'messages not yet consumed',
  aws_elasticache_replication_group: 'the cache\'s data',
  aws_kms_key: 'the key: whatever it encrypted cannot be read without it',
  aws_s3_bucket: 'the bucket\'s objects',
  aws_secretsmanager_secret: 'the secret\'s value',
  aws_secretsmanager_secret_version: 'the secret\'s value',
  aws_eks_cluster: 'every object in the cluster',
  aws_dynamodb_table: 'the table\'s items',
  aws_efs_file_system: 'the file system\'s files',
};
