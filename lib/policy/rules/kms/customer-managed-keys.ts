import { block, blocks, isReference, isSet, isTrue, PolicyResource, PolicyRule, Violation, violation } from '../../rule';

/** What each kind of data store or secret names its key with, and the AWS-managed alias it must not be. */
const KEYED: Readonly<Record<string, { readonly attribute: string; readonly awsManaged?: string; readonly what: string }>> = {
  aws_db_instance: { attribute: 'kms_key_id', what: 'the database\'s storage' },
  aws_rds_cluster: { attribute: 'kms_key_id', what: 'the cluster\'s storage' },
  aws_elasticache_replication_group: { attribute: 'kms_key_id', what: 'the cache\'s data' },
  aws_secretsmanager_secret: { attribute: 'kms_key_id', awsManaged: 'aws/secretsmanager', what: 'the secret' },
  aws_sqs_queue: { attribute: 'kms_master_key_id', awsManaged: 'alias/aws/sqs', what: 'the queue\'s messages' },
  aws_sns_topic: { attribute: 'kms_master_key_id', awsManaged: 'alias/aws/sns', what: 'the topic\'s messages' },
};

/** A key given as an AWS-managed alias (or its name without `alias/`), which AWS administers, not the account. */
function awsManaged(value: unknown, alias?: string): boolean {
  return typeof value === 'string' && !isReference(value) && (value === alias || /(^|\/)aws\//.test(value));
}

function keyOf(r: PolicyResource, attribute: string, alias: string | undefined, what: string): Violation[] {
  const v = r.config[attribute];
  if (!isSet(v)) return [violation(`${attribute} is %v, so a key AWS owns or manages encrypts ${what}`, v, `set ${attribute} to a customer-managed KMS key (a key of the store's own, rotating, administered by the account)`)];
  if (awsManaged(v, alias)) return [violation(`${attribute} is %v, an AWS-managed key`, v, `set ${attribute} to a customer-managed KMS key of the store's own`)];
  return [];
}

/**
 * SY-KMS-2: data stores and secrets are encrypted with customer-managed keys.
 *
 * A KMS key the account creates and administers (not one AWS owns or
 * manages) on: RDS instances and Aurora clusters (`kms_key_id`, and
 * `master_user_secret_kms_key_id` where RDS manages the master password),
 * ElastiCache replication groups and Secrets Manager secrets (`kms_key_id`),
 * SQS queues and SNS topics (`kms_master_key_id`), and the default
 * encryption of S3 buckets (`aws:kms` with a key). The account then decides
 * who may decrypt (the key policy, CloudTrail records every use), and can
 * revoke it.
 *
 * - Checkov: CKV_AWS_191 (ElastiCache), CKV_AWS_149 (Secrets Manager), CKV_AWS_327 (Aurora),
 *   CKV2_AWS_73 (SQS), CKV_AWS_145 (S3); none for RDS instances or SNS topics
 * - AWS FSBP: none (its controls ask for encryption, not for the key's owner)
 * - Applies in protected tiers (`deletionProtection`: prod), whose profile asks for
 *   `customerManagedKeys`.
 */
export const customerManagedKeys: PolicyRule = {
  id: 'SY-KMS-2',
  title: 'Data stores and secrets use customer-managed keys',
  resourceTypes: [...Object.keys(KEYED), 'aws_s3_bucket_server_side_encryption_configuration'],
  appliesIn: 'deletion-protection',
  checkov: ['CKV_AWS_191', 'CKV_AWS_149', 'CKV_AWS_327', 'CKV2_AWS_73', 'CKV_AWS_145'],
  fsbp: [],
  check(r) {
    if (r.type === 'aws_s3_bucket_server_side_encryption_configuration') {
      return blocks(r.config.rule).flatMap((rule) => {
        const by = block(rule.apply_server_side_encryption_by_default);
        const algorithm = by?.sse_algorithm;
        if ((algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse') && isSet(by?.kms_master_key_id) && !awsManaged(by?.kms_master_key_id, 'alias/aws/s3')) return [];
        return [violation('the bucket\'s default encryption is %v, not a customer-managed KMS key', algorithm === 'aws:kms' ? 'aws:kms with the AWS-managed key' : algorithm,
          'set apply_server_side_encryption_by_default to sse_algorithm "aws:kms" with kms_master_key_id a key of the bucket\'s own')];
      });
    }
    // A read replica takes its source's key.
    if (r.type === 'aws_db_instance' && isSet(r.config.replicate_source_db)) return [];
    const k = KEYED[r.type];
    const found = keyOf(r, k.attribute, k.awsManaged, k.what);
    if ((r.type === 'aws_db_instance' || r.type === 'aws_rds_cluster') && isTrue(r.config.manage_master_user_password)) {
      found.push(...keyOf(r, 'master_user_secret_kms_key_id', 'aws/secretsmanager', 'the master user secret RDS manages'));
    }
    return found;
  },
};
