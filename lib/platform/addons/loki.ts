import { Construct, ITerraformDependable } from '../../private/cdk';
import { dataKey, keyUse } from '../../private/kms';
import { privateBucket } from '../../private/s3';
import { Addon, AddonContext, addonRole, CatalogAddonOptions, checkChart, HelmChart, helmRelease, mergeValues, pinned } from './addon';
import { AddonIds } from './ids';
import { MONITORING_NAMESPACE } from './monitoring-names';

/**
 * Loki (chart from the grafana-community repository), monolithic. Dev keeps
 * logs on the pod's volume; managed tiers keep them in a private, encrypted
 * S3 bucket (IRSA role limited to it) that expires objects after the tier's
 * log retention, with three replicas in HA tiers (one on the filesystem).
 */
export class Loki extends Addon {
  /** The chart it installs, pinned to one version. */
  public static readonly CHART: HelmChart = { repository: 'https://grafana-community.github.io/helm-charts', chart: 'loki', version: '18.11.0' };
  public readonly id = AddonIds.loki;
  private readonly chart: HelmChart;
  private readonly options: CatalogAddonOptions;

  constructor(options: CatalogAddonOptions = {}) {
    super();
    this.chart = pinned(Loki.CHART, options);
    checkChart(`addon ${this.id}`, this.chart);
    this.options = options;
  }

  public _install(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    const p = ctx.tier.profile;
    // Replicas share their chunks through object storage: on the filesystem (in-cluster tiers,
    // highly available or not) Loki runs one (the chart refuses more).
    const replicas = p.highAvailability && p.binding === 'managed' ? 3 : 1;
    const sa = { namespace: MONITORING_NAMESPACE, name: 'loki' };
    let storage: Record<string, unknown> = { type: 'filesystem' };
    let objectStore = 'filesystem';
    let serviceAccount: Record<string, unknown> = { create: true, name: sa.name };
    if (p.binding === 'managed') {
      const eks = ctx.platform.eks(ctx.stack, `add-on "${this.id}" (logs in S3)`);
      const key = p.customerManagedKeys ? dataKey(scope, 'loki-logs-key', {
        provider: ctx.stack.aws,
        what: `the logs of EKS cluster ${eks.clusterName} in S3`,
        alias: `switchyard/${eks.clusterName}-loki-logs`,
        logicalId: 'loki-logs-key',
        protect: p.deletionProtection,
      }) : undefined;
      const bucket = privateBucket(scope, 'loki-logs', {
        provider: ctx.stack.aws,
        namePrefix: `${eks.clusterName}-logs-`,
        expireAfterDays: p.logRetentionDays,
        protect: p.deletionProtection,
        kmsKeyArn: key?.arn,
      });
      const role = addonRole(scope, ctx, this.id, sa, [
        { actions: ['s3:ListBucket'], resources: [bucket.arn] },
        { actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [`${bucket.arn}/*`] },
        // Objects are encrypted with the bucket's key: Loki writes and reads them through S3.
        ...(key ? [keyUse([key.arn], ['kms:GenerateDataKey', 'kms:Decrypt'], `s3.${eks.region}.amazonaws.com`)] : []),
      ]);
      storage = { type: 's3', bucketNames: { chunks: bucket.bucket, ruler: bucket.bucket }, s3: { region: eks.region } };
      objectStore = 's3';
      serviceAccount = { ...serviceAccount, annotations: { 'eks.amazonaws.com/role-arn': role.arn } };
    }
    return [helmRelease(scope, ctx, this.id, MONITORING_NAMESPACE, this.chart, mergeValues({
      deploymentMode: 'Monolithic',
      loki: {
        auth_enabled: false,
        commonConfig: { replication_factor: replicas },
        storage,
        schemaConfig: { configs: [{ from: '2024-04-01', store: 'tsdb', object_store: objectStore, schema: 'v13', index: { prefix: 'index_', period: '24h' } }] },
        limits_config: { retention_period: `${p.logRetentionDays * 24}h` },
        compactor: { retention_enabled: true, delete_request_store: objectStore },
      },
      singleBinary: { replicas, persistence: { enabled: true, size: p.binding === 'managed' ? '20Gi' : '5Gi' } },
      read: { replicas: 0 },
      write: { replicas: 0 },
      backend: { replicas: 0 },
      chunksCache: { enabled: false },
      resultsCache: { enabled: false },
      minio: { enabled: false },
      serviceAccount,
    }, this.options.values), 900)];
  }
}
