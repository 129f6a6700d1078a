/**
 * The managed bindings of {@link Postgres}: RDS for PostgreSQL or Aurora PostgreSQL in the platform's
 * private subnets, TLS forced, encrypted, the master password managed by RDS, with their alarms.
 */
import {
  Construct, DataAwsPartition, DbInstance, DbParameterGroup, DbSubnetGroup, IamRole, IamRolePolicyAttachment, KmsKey, Manifest, RdsCluster,
  RdsClusterInstance, RdsClusterParameterGroup, SecurityGroup,
} from '../../private/cdk';
import { fail } from '../../private/errors';
import { dataKey } from '../../private/kms';
import { serviceTrust } from '../../private/iam';
import { tfId } from '../../private/names';
import { AlarmSpec, Alerts } from '../../observability/alarms';
import type { Postgres, PostgresProps } from '../postgres';
import { AppSecrets } from '../secrets';
import { connectionTemplate, Database, PORT } from './database';

/** What a managed binding made. */
export interface Bound {
  readonly instance: DbInstance | RdsCluster;
  readonly members?: RdsClusterInstance[];
  readonly securityGroup: SecurityGroup;
  /** The key of the storage and the master user secret, where the tier asks for customer-managed keys. */
  readonly key?: KmsKey;
  readonly secret: Manifest;
}

/** Parameters of every managed Postgres: TLS only, slow statements and lock waits logged. */
const PARAMETERS = [
  { name: 'rds.force_ssl', value: '1', applyMethod: 'pending-reboot' },
  { name: 'log_min_duration_statement', value: '1000' },
  { name: 'log_lock_waits', value: '1' },
];

/** GiB of memory of an RDS instance class, as far as its name tells (undefined when it does not). */
export function instanceMemoryGiB(instanceClass: string): number | undefined {
  const m = /^db\.([a-z]+)\d+[a-z-]*\.(micro|small|medium|large|(\d*)xlarge)$/.exec(instanceClass);
  if (!m) return undefined;
  const [, family, size, times] = m;
  // A large has 8 GiB in the burstable and general-purpose families, 16 memory optimized, 32 in x2.
  const perLarge = family === 't' || family === 'm' ? 8 : family === 'r' || family === 'z' ? 16 : family === 'x' ? 32 : undefined;
  if (perLarge === undefined) return undefined;
  const units = size === 'micro' ? 1 / 8 : size === 'small' ? 1 / 4 : size === 'medium' ? 1 / 2 : size === 'large' ? 1 : 2 * Number(times || 1);
  return perLarge * units;
}

/** 80% of RDS's default `max_connections` for an instance class (undefined when its memory is not known). */
export function connectionsAlarmThreshold(instanceClass: string): number | undefined {
  const gib = instanceMemoryGiB(instanceClass);
  return gib === undefined ? undefined : Math.floor(0.8 * Math.min(Math.floor((gib * 2 ** 30) / 9531392), 5000));
}

/** CPU and connection alarms of a managed database. */
function databaseAlarms(dimensions: Record<string, string>, maxConnections: number): AlarmSpec[] {
  const name = Object.values(dimensions)[0];
  return [
    {
      id: 'cpu', description: `PostgreSQL ${name}: CPU above 80% for 15 minutes`, namespace: 'AWS/RDS', metric: 'CPUUtilization',
      dimensions, statistic: 'Average', comparison: 'GreaterThanThreshold', threshold: 80, periods: 3,
    },
    {
      id: 'connections', description: `PostgreSQL ${name}: more than ${maxConnections} connections for 10 minutes`, namespace: 'AWS/RDS',
      metric: 'DatabaseConnections', dimensions, statistic: 'Maximum', comparison: 'GreaterThanThreshold', threshold: maxConnections, periods: 2,
    },
  ];
}

/** What both managed engines share: subnets, security group, enhanced-monitoring role, the key where the tier asks for one. */
function managedBase(pg: Construct, db: Database) {
  const app = db.app;
  const provider = app.aws;
  const profile = app.tier.profile;
  const eks = app.platform.eks(app, `Postgres "${db.name}"`);
  const identifier = `${app.appName}-${app.tier.name}-${db.name}`;
  const subnets = new DbSubnetGroup(pg, 'subnets', {
    provider,
    namePrefix: `${identifier}-`,
    subnetIds: eks.privateSubnetIds,
    description: `Private subnets of ${identifier}`,
    lifecycle: { createBeforeDestroy: true },
  });
  const securityGroup = new SecurityGroup(pg, 'security-group', {
    provider,
    namePrefix: `${identifier}-db-`,
    description: `PostgreSQL ${identifier}: ingress only from connected services`,
    vpcId: eks.vpcId,
    lifecycle: { createBeforeDestroy: true },
  });
  const partition = new DataAwsPartition(pg, 'partition', { provider });
  const monitoringRole = new IamRole(pg, 'monitoring-role', {
    provider,
    namePrefix: `${identifier}-mon-`.slice(0, 38),
    assumeRolePolicy: serviceTrust(pg, 'monitoring-trust', provider, 'monitoring.rds.amazonaws.com'),
  });
  const monitoringPolicy = new IamRolePolicyAttachment(pg, 'monitoring-policy', {
    provider,
    role: monitoringRole.name,
    policyArn: `arn:${partition.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
  });
  // Where the tier asks for them, a key of its own for the storage and the master user secret.
  const key = profile.customerManagedKeys ? dataKey(pg, 'key', {
    provider,
    what: `the storage and the master user secret of PostgreSQL ${identifier}`,
    alias: `switchyard/${identifier}`,
    logicalId: `${tfId(db.name)}_key`,
    protect: profile.deletionProtection,
  }) : undefined;
  return { app, provider, profile, identifier, protect: profile.deletionProtection, subnets, securityGroup, monitoringRole, monitoringPolicy, key };
}

/** The contract secret from the master user secret RDS manages in Secrets Manager. */
function managedSecret(pg: Construct, db: Database, key: KmsKey | undefined, secretArn: string, host: string): Manifest {
  return AppSecrets.of(db.app).fromSecretsManager(pg, 'connection-secret', {
    name: db.secretName,
    kmsKeys: key ? [key.arn] : [],
    keys: [
      { as: 'username', secret: secretArn, property: 'username' },
      { as: 'password', secret: secretArn, property: 'password' },
    ],
    template: connectionTemplate(db, host, 'require', '{{ .username }}'),
    // RDS rotates the password it manages (every 7 days) and the old one stops working at once:
    // read it often, so the services (restarted by Reloader where the platform has it) follow soon.
    refreshInterval: '2m',
  });
}

/** Binds the Postgres `pg` to RDS for PostgreSQL: one instance, multi-AZ in highly available tiers. */
export function bindRds(pg: Construct, db: Database, props: PostgresProps): Bound {
  const { provider, profile, identifier, protect, subnets, securityGroup, monitoringRole, monitoringPolicy, key } = managedBase(pg, db);
  const parameters = new DbParameterGroup(pg, 'parameters', {
    provider,
    namePrefix: `${identifier}-pg${db.majorVersion}-`,
    family: `postgres${db.majorVersion}`,
    description: `TLS-only PostgreSQL ${db.majorVersion} for ${identifier}`,
    parameter: PARAMETERS,
    lifecycle: { createBeforeDestroy: true },
  });
  const instanceClass = props.instanceClass ?? profile.sizing.dbInstanceClass;
  const instance = new DbInstance(pg, 'instance', {
    provider,
    identifier,
    engine: 'postgres',
    engineVersion: db.engineVersion,
    instanceClass,
    allocatedStorage: props.storageGiB ?? profile.sizing.dbStorageGiB,
    maxAllocatedStorage: Math.max(profile.sizing.dbMaxStorageGiB, props.storageGiB ?? 0),
    storageType: 'gp3',
    storageEncrypted: true,
    kmsKeyId: key?.arn,
    dbName: db.databaseName,
    username: db.username,
    manageMasterUserPassword: true,
    masterUserSecretKmsKeyId: key?.arn,
    iamDatabaseAuthenticationEnabled: true,
    port: PORT,
    dbSubnetGroupName: subnets.name,
    vpcSecurityGroupIds: [securityGroup.id],
    parameterGroupName: parameters.name,
    publiclyAccessible: false,
    multiAz: profile.highAvailability,
    backupRetentionPeriod: profile.backupRetentionDays,
    copyTagsToSnapshot: true,
    deletionProtection: protect,
    skipFinalSnapshot: !protect,
    finalSnapshotIdentifier: protect ? `${identifier}-final` : undefined,
    autoMinorVersionUpgrade: true,
    // Only a release that requires a newer major (the ledger's `requires`) upgrades the major.
    allowMajorVersionUpgrade: db.majorUpgrade,
    applyImmediately: !protect,
    enabledCloudwatchLogsExports: ['postgresql', 'upgrade', 'iam-db-auth-error'],
    // No paid RDS Extended Support by default: a major past its standard support gets upgraded.
    engineLifecycleSupport: 'open-source-rds-extended-support-disabled',
    monitoringInterval: 60,
    monitoringRoleArn: monitoringRole.arn,
    caCertIdentifier: 'rds-ca-rsa2048-g1',
    // A new storage key replaces an instance: one made before its tier asked for a key keeps the
    // AWS-managed one (move it by restoring a snapshot copied with the key into a new instance).
    // The master user secret's key cannot be changed once RDS manages the secret (ModifyDBInstance refuses it).
    lifecycle: { preventDestroy: protect, ignoreChanges: ['kms_key_id', 'master_user_secret_kms_key_id'] },
    dependsOn: [monitoringPolicy],
  });
  // The instance's address is public contract: `aws_db_instance.<name>_postgres` in every release.
  instance.overrideLogicalId(`${tfId(db.name)}_postgres`);
  const storageBytes = (props.storageGiB ?? profile.sizing.dbStorageGiB) * 1024 ** 3;
  Alerts.of(db.app).alarms(pg, db.name, [
    ...databaseAlarms({ DBInstanceIdentifier: identifier }, props.maxConnections ?? connectionsAlarmThreshold(instanceClass) ?? 100),
    {
      id: 'free-storage', description: `PostgreSQL ${identifier} has less than 10% of its storage free`,
      namespace: 'AWS/RDS', metric: 'FreeStorageSpace', dimensions: { DBInstanceIdentifier: identifier },
      statistic: 'Minimum', comparison: 'LessThanThreshold', threshold: Math.round(storageBytes * 0.1), periods: 1,
    },
  ]);
  return { instance, securityGroup, key, secret: managedSecret(pg, db, key, instance.masterUserSecret.get(0).secretArn, instance.address) };
}

/** Binds the Postgres `pg` to Aurora PostgreSQL: a writer, and a reader in another zone in highly available tiers. */
export function bindAurora(pg: Construct, db: Database, props: PostgresProps): Bound {
  const { provider, profile, identifier, protect, subnets, securityGroup, monitoringRole, monitoringPolicy, key } = managedBase(pg, db);
  const parameters = new RdsClusterParameterGroup(pg, 'cluster-parameters', {
    provider,
    namePrefix: `${identifier}-apg${db.majorVersion}-`,
    family: `aurora-postgresql${db.majorVersion}`,
    description: `TLS-only Aurora PostgreSQL ${db.majorVersion} for ${identifier}`,
    parameter: PARAMETERS,
    lifecycle: { createBeforeDestroy: true },
  });
  const cluster = new RdsCluster(pg, 'cluster', {
    provider,
    clusterIdentifier: identifier,
    engine: 'aurora-postgresql',
    engineVersion: db.engineVersion,
    databaseName: db.databaseName,
    masterUsername: db.username,
    manageMasterUserPassword: true,
    masterUserSecretKmsKeyId: key?.arn,
    iamDatabaseAuthenticationEnabled: true,
    storageEncrypted: true,
    kmsKeyId: key?.arn,
    port: PORT,
    dbSubnetGroupName: subnets.name,
    vpcSecurityGroupIds: [securityGroup.id],
    dbClusterParameterGroupName: parameters.name,
    // Aurora always keeps at least a day of backups.
    backupRetentionPeriod: Math.max(1, profile.backupRetentionDays),
    copyTagsToSnapshot: true,
    deletionProtection: protect,
    skipFinalSnapshot: !protect,
    finalSnapshotIdentifier: protect ? `${identifier}-final` : undefined,
    enabledCloudwatchLogsExports: ['postgresql'],
    engineLifecycleSupport: 'open-source-rds-extended-support-disabled',
    allowMajorVersionUpgrade: db.majorUpgrade,
    applyImmediately: !protect,
    // As for an instance: a new storage key would replace the cluster.
    lifecycle: { preventDestroy: protect, ignoreChanges: ['kms_key_id', 'master_user_secret_kms_key_id'] },
  });
  // The cluster's address is public contract: `aws_rds_cluster.<name>_postgres`.
  cluster.overrideLogicalId(`${tfId(db.name)}_postgres`);
  const members: RdsClusterInstance[] = [];
  // Aurora has no general-purpose (db.m*) or micro/small classes: the tier's RDS class may not fit it.
  const auroraClass = props.instanceClass ?? (profile.highAvailability ? 'db.r7g.large' : 'db.t4g.medium');
  if (!/^db\.(r\d+[a-z]*|x2g|x2iedn)\.[a-z0-9]+$|^db\.t[34]g?\.(medium|large)$|^db\.serverless$/.test(auroraClass)) {
    fail(pg, 'instanceClass %v is not offered by Aurora PostgreSQL', auroraClass, 'use a memory-optimized class (e.g. "db.r7g.large"), "db.t4g.medium" or "db.t4g.large", or "db.serverless"');
  }
  Alerts.of(db.app).alarms(pg, db.name, databaseAlarms({ DBClusterIdentifier: identifier }, props.maxConnections ?? connectionsAlarmThreshold(auroraClass) ?? 100));
  // A writer, and in HA tiers a reader that takes over from it in another zone.
  for (let i = 0; i < (profile.highAvailability ? 2 : 1); i++) {
    members.push(new RdsClusterInstance(pg, `instance-${i}`, {
      provider,
      identifier: `${identifier}-${i}`,
      clusterIdentifier: cluster.id,
      engine: 'aurora-postgresql',
      engineVersion: db.engineVersion,
      instanceClass: auroraClass,
      dbSubnetGroupName: subnets.name,
      publiclyAccessible: false,
      autoMinorVersionUpgrade: true,
      monitoringInterval: 60,
      monitoringRoleArn: monitoringRole.arn,
      caCertIdentifier: 'rds-ca-rsa2048-g1',
      copyTagsToSnapshot: true,
      applyImmediately: !protect,
      lifecycle: { preventDestroy: protect },
      dependsOn: [monitoringPolicy],
    }));
  }
  return { instance: cluster, members, securityGroup, key, secret: managedSecret(pg, db, key, cluster.masterUserSecret.get(0).secretArn, cluster.endpoint) };
}
