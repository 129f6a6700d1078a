/**
 * The one module that imports cdktf, constructs and the provider bindings.
 *
 * Every provider class is imported by its deep path: the package roots of the
 * providers load every resource type (the AWS root alone costs seconds and
 * hundreds of MB). Keeping all imports here also makes a move to CDK Terrain
 * (`cdktn`, `@cdktn/provider-*`), whose packages are a rename of these, a
 * change to this file only in lib/ (with the CLI's name in cdk-cli.ts).
 * `test/private/imports.test.ts` fails if any other file loads them, under
 * either name.
 */

export { Construct, IConstruct } from 'constructs';
export {
  App as CdktfApp,
  AppConfig,
  AnnotationMetadataEntryType,
  Aspects,
  IAspect,
  Annotations,
  Fn,
  Lazy,
  LocalBackend,
  DataTerraformRemoteState,
  DataTerraformRemoteStateLocal,
  DataTerraformRemoteStateS3,
  NamedRemoteWorkspace,
  TerraformRemoteState,
  S3Backend,
  CloudBackend,
  NamedCloudWorkspace,
  TerraformDataSource,
  TerraformElement,
  TerraformLocal,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  TerraformIterator,
  Token,
  ITerraformDependable,
  IResolvable,
} from 'cdktf';

// AWS (hashicorp/aws)
export { AwsProvider } from '@cdktf/provider-aws/lib/provider';
export { Vpc } from '@cdktf/provider-aws/lib/vpc';
export { Subnet } from '@cdktf/provider-aws/lib/subnet';
export { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
export { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
export { Eip } from '@cdktf/provider-aws/lib/eip';
export { RouteTable } from '@cdktf/provider-aws/lib/route-table';
export { Route } from '@cdktf/provider-aws/lib/route';
export { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
export { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
export { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
export { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
export { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
export { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
export { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
export { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
export { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
export { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
export { IamRole } from '@cdktf/provider-aws/lib/iam-role';
export { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
export { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
export { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
export { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
export { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
export { EksCluster as AwsEksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
export { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
export { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
export { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
export { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
export { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
export { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
export { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
export { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
export { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
export { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
export { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
export { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
export { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
export { SqsQueueRedriveAllowPolicy } from '@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy';
export { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
export { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
export { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
export { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
export { DataAwsSecretsmanagerRandomPassword } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-random-password';
export { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
export { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
export { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
export { ElasticacheParameterGroup } from '@cdktf/provider-aws/lib/elasticache-parameter-group';
export { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
export { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
export { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
export { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
export { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
export { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
export { S3BucketServerSideEncryptionConfigurationA as S3BucketEncryption } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
export { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
export { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
export { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
export { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
export { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
export { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';

// Kubernetes (hashicorp/kubernetes)
export { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
export { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
export { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
export type { DeploymentV1SpecTemplateSpecContainer } from '@cdktf/provider-kubernetes/lib/deployment-v1';
export { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
export { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
export { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
export { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
export { HorizontalPodAutoscalerV2 } from '@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2';
export { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
export { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
export { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
export { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
export { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
export { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
export { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
export { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
export { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
export { Labels } from '@cdktf/provider-kubernetes/lib/labels';

// Helm (hashicorp/helm)
export { HelmProvider } from '@cdktf/provider-helm/lib/provider';
export { Release as HelmRelease } from '@cdktf/provider-helm/lib/release';

import {
  DefaultTokenResolver, ITerraformDependable as Dependable, IResolveContext, StringConcat, Token as TokenClass, Tokenization,
} from 'cdktf';
import type { IConstruct as Scope } from 'constructs';

/**
 * A bare reference to a resource (`type.name`, no `${}`): a `depends_on`
 * entry for a resource added after construction (what cdktf does for
 * `dependsOn` given at construction, which it does not export), or a
 * `replace_triggered_by` entry (cdktf 0.21 writes a resource given there as
 * `"${type.name}"`, which Terraform refuses).
 */
export function dependencyOf(d: Dependable): string {
  return TokenClass.asString({
    creationStack: [],
    resolve: (context: IResolveContext) => {
      context.suppressBraces = true;
      return d.fqn;
    },
    toString: () => d.fqn,
  });
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * `value` with every token resolved as `scope`'s stack will write it: what a
 * resource's `toTerraform()` gives becomes the JSON Terraform reads (snake_case
 * keys, nested blocks, `${...}` references). Not a preparing pass, so it adds
 * nothing to the tree.
 */
export function resolveTerraform(scope: Scope, value: unknown): unknown {
  return Tokenization.resolve(value, { scope, preparing: false, resolver: RESOLVER });
}

import { TerraformResource as Resource } from 'cdktf';

/**
 * Terraform's built-in `terraform_data` resource with an `input`. Not cdktf's
 * `DataResource`: that one adds a validation that runs `terraform version` in
 * a child process for every instance at every synth (seconds for a large
 * app), and fails the synth on a machine without Terraform.
 */
export class TerraformData extends Resource {
  private readonly input: Record<string, unknown>;

  constructor(scope: Scope, id: string, config: { readonly input: Record<string, unknown> }) {
    super(scope as never, id, { terraformResourceType: 'terraform_data', terraformGeneratorMetadata: { providerName: 'terraform' } });
    this.input = config.input;
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { input: this.input };
  }
}
