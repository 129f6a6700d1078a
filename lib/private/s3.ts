import {
  AwsProvider, Construct, S3Bucket, S3BucketEncryption, S3BucketLifecycleConfiguration, S3BucketOwnershipControls, S3BucketPolicy,
  S3BucketPublicAccessBlock,
} from './cdk';
import { policyDocument } from './iam';

/** Properties of {@link privateBucket}. */
export interface PrivateBucketProps {
  readonly provider: AwsProvider;
  /** Prefix of the generated bucket name (lower case, at most 37 characters). */
  readonly namePrefix: string;
  /** Days after which objects expire. */
  readonly expireAfterDays: number;
  /** Keep the bucket on destroy (`prevent_destroy`). */
  readonly protect: boolean;
  /**
   * A customer-managed KMS key that encrypts the objects (SSE-KMS, with a bucket key).
   * @default - SSE-S3 (AES256, keys AWS owns)
   */
  readonly kmsKeyArn?: string;
}

/**
 * An S3 bucket no one reaches by accident: public access blocked, ACLs off
 * (bucket owner enforced), encrypted at rest (with a customer-managed key where given), TLS-only access by policy,
 * objects expiring after a retention.
 */
export function privateBucket(scope: Construct, id: string, props: PrivateBucketProps): S3Bucket {
  const provider = props.provider;
  const bucket = new S3Bucket(scope, id, {
    provider,
    bucketPrefix: props.namePrefix.slice(0, 37),
    forceDestroy: !props.protect,
    lifecycle: props.protect ? { preventDestroy: true } : undefined,
  });
  new S3BucketPublicAccessBlock(scope, `${id}-public-access`, {
    provider, bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, `${id}-ownership`, { provider, bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  new S3BucketEncryption(scope, `${id}-encryption`, {
    provider,
    bucket: bucket.id,
    rule: [{
      applyServerSideEncryptionByDefault: props.kmsKeyArn ? { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn } : { sseAlgorithm: 'AES256' },
      bucketKeyEnabled: true,
    }],
  });
  new S3BucketPolicy(scope, `${id}-tls-only`, {
    provider,
    bucket: bucket.id,
    policy: policyDocument(scope, `${id}-tls-only-policy`, provider, [{
      effect: 'Deny',
      actions: ['s3:*'],
      resources: [bucket.arn, `${bucket.arn}/*`],
      principals: [{ type: '*', identifiers: ['*'] }],
      conditions: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    }]),
  });
  new S3BucketLifecycleConfiguration(scope, `${id}-lifecycle`, {
    provider,
    bucket: bucket.id,
    rule: [{
      id: 'expire',
      status: 'Enabled',
      filter: [{ prefix: '' }],
      expiration: [{ days: props.expireAfterDays }],
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
    }],
  });
  return bucket;
}
