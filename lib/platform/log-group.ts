import { AwsProvider, CloudwatchLogGroup, Construct, DataAwsCallerIdentity, DataAwsPartition, KmsKey } from '../private/cdk';
import { policyDocument } from '../private/iam';
import { TierStack } from '../tier/stack';

/** A CloudWatch log group and the customer-managed key that encrypts it. */
export interface EncryptedLogGroup {
  readonly logGroup: CloudwatchLogGroup;
  readonly key: KmsKey;
}

/**
 * A log group kept for the tier's audit log retention and encrypted with a rotating
 * key of its own. The key admits CloudWatch Logs of this region for this one
 * log group only (the `aws:logs:arn` encryption context; `logs.<region>.<DNS suffix of the
 * partition>`, so China regions too), and the account's
 * IAM policies for its administration. In protected tiers Terraform never
 * destroys the key: logs it encrypted would become unreadable.
 */
export function encryptedLogGroup(scope: Construct, id: string, provider: AwsProvider, name: string, what: string): EncryptedLogGroup {
  const stack = TierStack.of(scope);
  const region = stack.awsRegion;
  const protectedTier = stack.tier.profile.deletionProtection;
  const account = new DataAwsCallerIdentity(scope, `${id}-account`, { provider });
  const partition = new DataAwsPartition(scope, `${id}-partition`, { provider });
  const logGroupArn = `arn:${partition.partition}:logs:${region}:${account.accountId}:log-group:${name}`;
  const key = new KmsKey(scope, `${id}-key`, {
    provider,
    description: `Encrypts ${what} (log group ${name})`,
    enableKeyRotation: true,
    deletionWindowInDays: protectedTier ? 30 : 7,
    lifecycle: protectedTier ? { preventDestroy: true } : undefined,
    policy: policyDocument(scope, `${id}-key-policy`, provider, [
      {
        actions: ['kms:*'],
        resources: ['*'],
        principals: [{ type: 'AWS', identifiers: [`arn:${partition.partition}:iam::${account.accountId}:root`] }],
      },
      {
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        principals: [{ type: 'Service', identifiers: [`logs.${region}.${partition.dnsSuffix}`] }],
        conditions: [{ test: 'ArnEquals', variable: 'kms:EncryptionContext:aws:logs:arn', values: [logGroupArn] }],
      },
    ]),
  });
  const logGroup = new CloudwatchLogGroup(scope, id, {
    provider,
    name,
    retentionInDays: stack.tier.profile.auditLogRetentionDays,
    kmsKeyId: key.arn,
  });
  return { logGroup, key };
}
