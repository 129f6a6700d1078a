/**
 * What "stateful" means for the tests of `test/nothing-lost.test.ts` and
 * `test/golden/`: a resource whose destruction loses data (or the only copy
 * of a credential) that Terraform cannot re-create. Every resource type the
 * examples synthesize is classified here, so a new type cannot slip in
 * unclassified.
 */
import { AddonsStack, AppStack, ExternalSecrets, PlatformStack, Postgres, ReleaseLedger, Tiers } from '../lib';
import { EXAMPLES } from './examples-list';
import { exampleOutput, StackJson, synth, Synth } from './helpers';

/** AWS resource types that hold data, each with why. They get `prevent_destroy` in protected tiers. */
export const STATEFUL_AWS_TYPES: Readonly<Record<string, string>> = {
  aws_db_instance: 'the database',
  aws_rds_cluster: 'the Aurora cluster volume',
  aws_rds_cluster_instance: 'a member of the Aurora cluster (replacing the writer fails over)',
  aws_sqs_queue: 'messages not yet consumed (and dead letters kept 14 days)',
  aws_elasticache_replication_group: 'the cache\'s data',
  aws_kms_key: 'the key; whatever it encrypted cannot be read without it',
  aws_s3_bucket: 'objects (Loki\'s logs)',
  aws_secretsmanager_secret: 'the only copy of the cache\'s AUTH token',
  aws_secretsmanager_secret_version: 'the token value itself (a new version would be a new token)',
  aws_eks_cluster: 'every object in the cluster and the binding of its volumes',
};

/**
 * Resource types that hold nothing Terraform could not make again as it was
 * (configuration, network plumbing, IAM, Kubernetes workloads), except
 * `kubernetes_manifest` and `helm_release`, classified per resource by
 * {@link inClusterStateful}. CloudWatch log groups hold logs, but they are
 * kept only for the tier's retention and are not protected (see docs/nothing-lost.md).
 */
export const STATELESS_TYPES: readonly string[] = [
  'aws_cloudwatch_log_group', 'aws_cloudwatch_metric_alarm', 'aws_db_parameter_group', 'aws_db_subnet_group', 'aws_default_security_group', 'aws_eip',
  'aws_eks_access_entry', 'aws_eks_access_policy_association', 'aws_eks_addon', 'aws_eks_node_group', 'aws_elasticache_parameter_group',
  'aws_elasticache_subnet_group', 'aws_flow_log', 'aws_iam_openid_connect_provider', 'aws_iam_role', 'aws_iam_role_policy',
  'aws_iam_role_policy_attachment', 'aws_internet_gateway', 'aws_kms_alias', 'aws_launch_template', 'aws_nat_gateway', 'aws_rds_cluster_parameter_group',
  'aws_route', 'aws_route_table', 'aws_route_table_association', 'aws_s3_bucket_lifecycle_configuration', 'aws_s3_bucket_ownership_controls',
  'aws_s3_bucket_policy', 'aws_s3_bucket_public_access_block', 'aws_s3_bucket_server_side_encryption_configuration', 'aws_security_group',
  'aws_sns_topic', 'aws_sns_topic_subscription', 'aws_sqs_queue_policy', 'aws_sqs_queue_redrive_allow_policy', 'aws_subnet', 'aws_vpc',
  'aws_vpc_security_group_ingress_rule', 'helm_release', 'kubernetes_config_map_v1', 'kubernetes_deployment_v1', 'kubernetes_manifest',
  'kubernetes_namespace_v1', 'kubernetes_network_policy_v1', 'kubernetes_role_binding_v1', 'kubernetes_role_v1', 'kubernetes_secret_v1',
  'kubernetes_service_account_v1', 'kubernetes_service_v1', 'kubernetes_storage_class_v1', 'kubernetes_horizontal_pod_autoscaler_v2',
  'kubernetes_job_v1', 'kubernetes_labels', 'kubernetes_pod_disruption_budget_v1', 'terraform_data',
];

/**
 * Why an in-cluster resource is stateful, or undefined: the CloudNativePG
 * `Cluster` (the dev database), the Valkey release (its volume), and an
 * ExternalSecret that runs a generator once (the only copy of a generated
 * password: a new one would not match what a database was initialized with).
 */
export function inClusterStateful(type: string, r: any): string | undefined { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (type === 'kubernetes_manifest') {
    const m = r.manifest ?? {};
    if (m.kind === 'Cluster' && String(m.apiVersion).startsWith('postgresql.cnpg.io/')) return 'the in-cluster database (CloudNativePG)';
    if (m.kind === 'ExternalSecret' && m.spec?.refreshPolicy === 'CreatedOnce') return 'credentials generated once in the cluster';
  }
  if (type === 'helm_release' && r.chart === 'valkey') return 'the in-cluster cache and its volume';
  return undefined;
}

/** One stateful resource of a stack. */
export interface StatefulResource {
  /** `<type>.<name>`, the address Terraform keeps its state under. */
  readonly address: string;
  readonly type: string;
  readonly resource: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly why: string;
}

/** The stateful resources of a synthesized stack, by address. */
export function statefulResources(stack: StackJson): StatefulResource[] {
  const out: StatefulResource[] = [];
  for (const [type, byName] of Object.entries<Record<string, unknown>>(stack.resource ?? {})) {
    for (const [name, resource] of Object.entries(byName)) {
      const why = STATEFUL_AWS_TYPES[type] ?? inClusterStateful(type, resource);
      if (why) out.push({ address: `${type}.${name}`, type, resource, why });
    }
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}


/** Each example synthesized (every tier), by folder name. */
export function synthExamples(): Record<string, Synth> {
  return Object.fromEntries(Object.keys(EXAMPLES).map((name) => [name, exampleOutput(name)]));
}

/**
 * What the examples do not use but Switchyard makes: Aurora PostgreSQL
 * (a cluster and its instances), in prod and staging.
 */
export function synthAurora(): Synth {
  const tiers = Tiers.standard({ staging: { region: 'eu-west-1' }, prod: { region: 'eu-west-1' } });
  return synth((app) => {
    for (const tier of tiers.all.filter((t) => t.managed)) {
      const cluster = new PlatformStack(app, { tier }).ref;
      const addons = new AddonsStack(app, { tier, platform: cluster, addons: [new ExternalSecrets()] });
      const stack = new AppStack(app, 'ledger', { tier, platform: addons.ref, ledger: ReleaseLedger.empty('ledger', tiers) });
      new Postgres(stack, 'entries', { engine: 'aurora', engineVersion: '16' });
    }
  });
}
