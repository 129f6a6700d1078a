import { DbInstance, DbParameterGroup } from '../../lib/private/cdk';
import { TierStack } from '../../lib';
import { findings, raw, RuleCase, runCases, tierStack } from './support';

type DbConfig = ConstructorParameters<typeof DbInstance>[2];

/** A PostgreSQL instance that passes every RDS rule, with `overrides`, through the provider binding. */
function db(stack: TierStack, overrides: Partial<DbConfig> = {}, forceSsl = '1'): DbInstance {
  const pg = new DbParameterGroup(stack, 'pg', {
    family: 'postgres17',
    parameter: [{ name: 'rds.force_ssl', value: forceSsl }, { name: 'log_lock_waits', value: '1' }],
  });
  pg.overrideLogicalId('pg');
  const instance = new DbInstance(stack, 'db', {
    engine: 'postgres',
    engineVersion: '17',
    instanceClass: 'db.t4g.micro',
    allocatedStorage: 20,
    storageEncrypted: true,
    kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-db',
    publiclyAccessible: false,
    multiAz: true,
    deletionProtection: true,
    backupRetentionPeriod: 14,
    iamDatabaseAuthenticationEnabled: true,
    autoMinorVersionUpgrade: true,
    enabledCloudwatchLogsExports: ['postgresql', 'upgrade'],
    copyTagsToSnapshot: true,
    parameterGroupName: pg.name,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: 'db-final',
    lifecycle: { preventDestroy: true },
    ...overrides,
  });
  instance.overrideLogicalId('db');
  return instance;
}

/** An Aurora PostgreSQL cluster that passes every rule, with `members` instances. */
function aurora(stack: TierStack, attrs: Record<string, unknown> = {}, members = 2): void {
  raw(stack, 'cpg', 'aws_rds_cluster_parameter_group', { family: 'aurora-postgresql16', parameter: [{ name: 'rds.force_ssl', value: '1' }] });
  raw(stack, 'aurora', 'aws_rds_cluster', {
    engine: 'aurora-postgresql', engine_version: '16.4', storage_encrypted: true, kms_key_id: 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-aurora', deletion_protection: true,
    backup_retention_period: 7, iam_database_authentication_enabled: true, enabled_cloudwatch_logs_exports: ['postgresql'],
    copy_tags_to_snapshot: true, db_cluster_parameter_group_name: '${aws_rds_cluster_parameter_group.cpg.name}', ...attrs,
  });
  for (let i = 0; i < members; i++) {
    raw(stack, `aurora_${i}`, 'aws_rds_cluster_instance', { cluster_identifier: '${aws_rds_cluster.aurora.id}', instance_class: 'db.r7g.large', engine: 'aurora-postgresql' });
  }
}

const cases: RuleCase[] = [
  { rule: 'SY-RDS-1', what: 'instance storage not encrypted', good: (s) => db(s), bad: (s) => db(s, { storageEncrypted: false }), message: /storage_encrypted is false/, address: 'aws_db_instance.db' },
  { rule: 'SY-RDS-1', what: 'Aurora cluster storage_encrypted missing', good: (s) => aurora(s), bad: (s) => aurora(s, { storage_encrypted: undefined }), message: /storage_encrypted is not set \(the default is unencrypted\)/, address: 'aws_rds_cluster.aurora' },
  { rule: 'SY-RDS-2', what: 'instance publicly accessible', good: (s) => db(s), bad: (s) => db(s, { publiclyAccessible: true }), message: /publicly_accessible is true/, address: 'aws_db_instance.db' },
  { rule: 'SY-RDS-2', what: 'Aurora instance publicly accessible', good: (s) => aurora(s), bad: (s) => { aurora(s, {}, 1); raw(s, 'aurora_pub', 'aws_rds_cluster_instance', { cluster_identifier: '${aws_rds_cluster.aurora.id}', publicly_accessible: true }); }, message: /publicly_accessible is true/, address: 'aws_rds_cluster_instance.aurora_pub' },
  { rule: 'SY-RDS-3', what: 'instance single-AZ in prod', good: (s) => db(s), bad: (s) => db(s, { multiAz: false }), message: /multi_az is false/, address: 'aws_db_instance.db' },
  { rule: 'SY-RDS-3', what: 'Aurora cluster with one instance in prod', good: (s) => aurora(s), bad: (s) => aurora(s, {}, 1), message: /has 1 instance\(s\) in its stack/, address: 'aws_rds_cluster.aurora' },
  { rule: 'SY-RDS-4', what: 'no deletion protection in prod', good: (s) => db(s), bad: (s) => db(s, { deletionProtection: false }), message: /deletion_protection is false/, address: 'aws_db_instance.db' },
  { rule: 'SY-RDS-5', what: '3 days of backups in staging', tier: 'staging', good: (s) => db(s, { backupRetentionPeriod: 7, multiAz: false }), bad: (s) => db(s, { backupRetentionPeriod: 3 }), message: /backup_retention_period is 3 days/, address: 'aws_db_instance.db' },
  { rule: 'SY-RDS-5', what: 'Aurora backups left at the 1-day default', tier: 'staging', good: (s) => aurora(s), bad: (s) => aurora(s, { backup_retention_period: undefined }), message: /not set \(AWS keeps 1 day\)/, address: 'aws_rds_cluster.aurora' },
  { rule: 'SY-RDS-6', what: 'no IAM authentication', good: (s) => db(s), bad: (s) => db(s, { iamDatabaseAuthenticationEnabled: undefined }), message: /iam_database_authentication_enabled is not set/, address: 'aws_db_instance.db' },
  { rule: 'SY-RDS-7', what: 'minor upgrades off', good: (s) => db(s), bad: (s) => db(s, { autoMinorVersionUpgrade: false }), message: /auto_minor_version_upgrade is false/, address: 'aws_db_instance.db' },
  { rule: 'SY-RDS-8', what: 'PostgreSQL without its server log', good: (s) => db(s), bad: (s) => db(s, { enabledCloudwatchLogsExports: ['upgrade'] }), message: /\["upgrade"\] lacks "postgresql"/, address: 'aws_db_instance.db' },
  { rule: 'SY-RDS-8', what: 'Aurora cluster with no log exports', good: (s) => aurora(s), bad: (s) => aurora(s, { enabled_cloudwatch_logs_exports: [] }), message: /enabled_cloudwatch_logs_exports is \[\]/, address: 'aws_rds_cluster.aurora' },
  { rule: 'SY-RDS-9', what: 'tags not copied to snapshots', good: (s) => db(s), bad: (s) => db(s, { copyTagsToSnapshot: undefined }), message: /copy_tags_to_snapshot is not set/, address: 'aws_db_instance.db' },
  { rule: 'SY-RDS-10', what: 'parameter group with rds.force_ssl = 0', good: (s) => db(s), bad: (s) => db(s, {}, '0'), message: /aws_db_parameter_group.pg sets rds.force_ssl to "0"/, address: 'aws_db_instance.db' },
  { rule: 'SY-RDS-10', what: 'PostgreSQL 14 on the default parameter group', good: (s) => db(s, { engineVersion: '17', parameterGroupName: undefined }), bad: (s) => db(s, { engineVersion: '14.12', parameterGroupName: undefined }), message: /default group applies and it does not force TLS for "postgres 14.12"/, address: 'aws_db_instance.db' },
  { rule: 'SY-RDS-10', what: 'a parameter group from outside the stack', good: (s) => db(s), bad: (s) => db(s, { parameterGroupName: 'shared-postgres17' }), message: /"shared-postgres17" is not an aws_db_parameter_group of this stack/, address: 'aws_db_instance.db' },
  { rule: 'SY-RDS-10', what: 'Aurora MySQL without require_secure_transport', good: (s) => aurora(s), bad: (s) => { raw(s, 'mysql', 'aws_rds_cluster_parameter_group', { family: 'aurora-mysql8.0', parameter: [] }); raw(s, 'aurora', 'aws_rds_cluster', { engine: 'aurora-mysql', db_cluster_parameter_group_name: '${aws_rds_cluster_parameter_group.mysql.name}' }); }, message: /aws_rds_cluster_parameter_group.mysql does not set require_secure_transport/, address: 'aws_rds_cluster.aurora' },
];

describe('RDS rules', () => {
  runCases(cases);

  test('HA, protection and backup rules apply only in the tiers that ask for them', () => {
    const dev = tierStack('dev');
    db(dev, { multiAz: false, deletionProtection: false, backupRetentionPeriod: 0 });
    expect(findings(dev).map((f) => f.rule)).toEqual([]);
    const staging = tierStack('staging');
    db(staging, { multiAz: false, deletionProtection: false, backupRetentionPeriod: 0 });
    expect(findings(staging).map((f) => f.rule)).toEqual(['SY-RDS-5']);
  });

  test('an escape-hatch override is what the rule sees', () => {
    const s = tierStack('prod');
    db(s).addOverride('storage_encrypted', false);
    expect(findings(s, 'SY-RDS-1').map((f) => f.message)).toEqual(['storage_encrypted is false']);
  });

  test('read replicas inherit encryption and backups from their source', () => {
    const s = tierStack('prod');
    db(s);
    const replica = new DbInstance(s, 'replica', { instanceClass: 'db.t4g.micro', replicateSourceDb: 'db', multiAz: false, iamDatabaseAuthenticationEnabled: true, copyTagsToSnapshot: true, deletionProtection: true, enabledCloudwatchLogsExports: ['postgresql'] });
    replica.overrideLogicalId('replica');
    expect(findings(s).map((f) => `${f.rule} ${f.address}`)).toEqual([]);
  });
});
