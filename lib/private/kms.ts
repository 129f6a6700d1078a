import { AwsProvider, Construct, DataAwsCallerIdentity, DataAwsPartition, KmsAlias, KmsKey, TerraformStack } from './cdk';
import { lazyPolicyDocument, Statement } from './iam';

/** Properties of {@link dataKey}. */
export interface DataKeyProps {
  readonly provider: AwsProvider;
  /** What the key encrypts, for its description. */
  readonly what: string;
  /** Alias name after `alias/` (unique in the account and region). */
  readonly alias: string;
  /** The key's Terraform name, `aws_kms_key.<logicalId>`: public contract, whatever the construct tree. */
  readonly logicalId: string;
  /** Never destroyed by Terraform (`prevent_destroy`), 30 days' deletion window. */
  readonly protect: boolean;
  /**
   * Statements of the key policy beyond the account's own administration (an AWS service that must
   * use the key on the account's behalf). Read at synth, so services added later count.
   */
  readonly services?: () => Statement[];
}

/** The account and partition of a scope's stack, made once per stack (each read of an attribute makes a token). */
const accounts = new WeakMap<Construct, { account: string; partition: string }>();
function accountOf(scope: Construct, provider: AwsProvider): { account: string; partition: string } {
  const stack = TerraformStack.of(scope);
  let found = accounts.get(stack);
  if (!found) {
    const id = new DataAwsCallerIdentity(stack, 'data-keys-account', { provider }).accountId;
    const partition = new DataAwsPartition(stack, 'data-keys-partition', { provider }).partition;
    found = { account: id, partition };
    accounts.set(stack, found);
  }
  return found;
}

/**
 * A customer-managed KMS key for one data store or secret: rotating yearly,
 * administered through the account's IAM policies (the key policy delegates
 * to the account), used by the store's AWS service through the grants the
 * caller's rights allow, and by the services `services` names. Its address is
 * `aws_kms_key.<logicalId>` (public contract: what it encrypted cannot be
 * read without it), and in protected tiers Terraform never destroys it.
 */
export function dataKey(scope: Construct, id: string, props: DataKeyProps): KmsKey {
  const { account, partition } = accountOf(scope, props.provider);
  const key = new KmsKey(scope, id, {
    provider: props.provider,
    description: `Encrypts ${props.what}`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    lifecycle: props.protect ? { preventDestroy: true } : undefined,
    policy: lazyPolicyDocument(scope, `${id}-policy`, props.provider, () => [
      {
        actions: ['kms:*'],
        resources: ['*'],
        principals: [{ type: 'AWS', identifiers: [`arn:${partition}:iam::${account}:root`] }],
      },
      ...(props.services?.() ?? []),
    ]),
  });
  key.overrideLogicalId(props.logicalId);
  new KmsAlias(scope, `${id}-alias`, { provider: props.provider, name: `alias/${props.alias}`, targetKeyId: key.keyId });
  return key;
}

/** What a role needs to use a key through one AWS service (`kms:ViaService`), e.g. to read a secret it encrypts. */
export function keyUse(keyArns: string[], actions: string[], viaService?: string): Statement {
  return {
    actions,
    resources: keyArns,
    ...(viaService ? { conditions: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [viaService] }] } : {}),
  };
}
