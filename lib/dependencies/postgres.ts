import { AppStack } from '../app-stack';
import {
  Construct, DataAwsPartition, DbInstance, DbParameterGroup, DbSubnetGroup, IamRole, IamRolePolicyAttachment, ITerraformDependable, KmsKey,
  Manifest, RdsCluster, RdsClusterInstance, RdsClusterParameterGroup, SecurityGroup,
} from '../private/cdk';
import { AddonIds } from '../platform/addons/ids';
import { fail } from '../private/errors';
import { dataKey } from '../private/kms';
import { serviceTrust } from '../private/iam';
import { checkName, tfId } from '../private/names';
import { CONTRACT_KEYS, IConnectable, IDependency, NetworkDestination, secretName } from './contract';
import { AlarmSpec, Alerts } from '../observability/alarms';
import { allowFrom, networkPolicy, podPeer, tcp, toApiServer } from './network-policy';
import { admitPeer, engineVersionOf } from './requires';
import { AppSecrets } from './secrets';
import { DEFAULT_POSTGRES_VERSION, Engine, engineVersionProblem, POSTGRES_VERSIONS } from './versions';

/** What a managed binding made. */
interface Bound {
  readonly instance: DbInstance | RdsCluster;
  readonly members?: RdsClusterInstance[];
  readonly securityGroup: SecurityGroup;
  readonly secret: Manifest;
}

const PORT = 5432;
/** CloudNativePG's instance manager: its REST API (status, the other instances' isolation check, the operator). */
const CNPG_STATUS_PORT = 8000;
/** Namespace of the CloudNativePG operator (the CloudNativePg add-on's). */
const CNPG_OPERATOR_NAMESPACE = 'cnpg-system';
/** Labels of the operator's pods (its chart's selector labels, chart name `cloudnative-pg`). */
const CNPG_OPERATOR_LABELS = { 'app.kubernetes.io/name': 'cloudnative-pg' };
/** Parameters of every managed Postgres: TLS only, slow statements and lock waits logged. */
const PARAMETERS = [
  { name: 'rds.force_ssl', value: '1', applyMethod: 'pending-reboot' },
  { name: 'log_min_duration_statement', value: '1000' },
  { name: 'log_lock_waits', value: '1' },
];

/** Properties of a {@link Postgres}. */
export interface PostgresProps {
  /**
   * Engine version: a major ("17") or major.minor ("17.11") of a supported major. Managed tiers
   * take it as the RDS engine version (a major lets RDS pick and upgrade the minor).
   * @default "17"
   */
  readonly engineVersion?: string;
  /**
   * Database name.
   * @default - the dependency name with '-' as '_'
   */
  readonly databaseName?: string;
  /**
   * Owner (and master user in managed tiers).
   * @default "app"
   */
  readonly username?: string;
  /**
   * Instance class in managed tiers. Aurora offers the memory-optimized (`db.r*`, `db.x2g`) and the
   * burstable medium and large classes only, so its default is its own.
   * @default - RDS: the tier's `sizing.dbInstanceClass`; Aurora: db.r7g.large in highly available tiers, else db.t4g.medium
   */
  readonly instanceClass?: string;
  /**
   * Allocated storage in managed tiers, GiB (autoscaling up to the tier's `sizing.dbMaxStorageGiB`).
   * @default - the tier's `sizing.dbStorageGiB`
   */
  readonly storageGiB?: number;
  /**
   * Managed engine: `rds` (RDS for PostgreSQL, one instance, multi-AZ in HA tiers) or `aurora`
   * (Aurora PostgreSQL: a cluster with a writer, and a reader in another zone in HA tiers).
   * @default "rds"
   */
  readonly engine?: 'rds' | 'aurora';
  /**
   * Connections above which the managed database alarms (CloudWatch, to the app's alert topic).
   * @default - 80% of the instance class's default `max_connections` (RDS sets it from the memory:
   * LEAST(memory / 9531392, 5000)), e.g. 720 for db.m7g.large; 100 for a class it cannot size
   */
  readonly maxConnections?: number;
}

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

/**
 * A PostgreSQL database, declared once and bound per tier:
 *
 * - in-cluster (dev): a CloudNativePG `Cluster` in the app namespace, its
 *   credentials generated in the cluster;
 * - managed (staging, prod): RDS PostgreSQL in the platform's private
 *   subnets, TLS forced, storage encrypted, the master password managed by
 *   RDS in Secrets Manager, IAM authentication, log exports, enhanced
 *   monitoring, backups, multi-AZ and deletion protection per the tier.
 *
 * Either way the app reads the secret `<name>-db` with the keys host, port,
 * username, password, database, url and sslmode (env `<NAME>_DB_<KEY>`).
 */
export class Postgres extends Construct implements IDependency {
  public readonly name: string;
  /** Always `db`. */
  public readonly kind = 'db' as const;
  public readonly secretName: string;
  public readonly contractKeys = CONTRACT_KEYS.db;
  public readonly readyAfter: ITerraformDependable[] = [];
  /** Major version. */
  public readonly majorVersion: string;
  /** Name of the database the app connects to. */
  public readonly databaseName: string;
  /** The database's owner, the user the app connects as (the master user in managed tiers). */
  public readonly username: string;
  /** The RDS instance (managed tiers, engine `rds`). */
  public readonly instance?: DbInstance;
  /** The Aurora cluster and its instances (managed tiers, engine `aurora`). */
  public readonly auroraCluster?: RdsCluster;
  /** The Aurora cluster's instances: a writer, and a reader in another zone in HA tiers (empty unless engine `aurora`). */
  public readonly auroraInstances: RdsClusterInstance[] = [];
  /**
   * The customer-managed key of the storage and the master user secret, in tiers whose profile asks
   * for `customerManagedKeys` (prod): `aws_kms_key.<name>_key`.
   */
  public key?: KmsKey;
  /** The security group of the RDS instance (managed tiers). */
  public readonly securityGroup?: SecurityGroup;
  /** The CloudNativePG cluster (in-cluster tiers). */
  public readonly cnpgCluster?: Manifest;
  /** The ExternalSecret that writes the connection secret. */
  public readonly connectionSecret: Manifest;
  /** Where connected services reach it: its instances' pods (in the cluster), or the VPC's range (RDS, Aurora), on 5432. */
  public readonly networkDestinations: readonly NetworkDestination[];
  private readonly app: AppStack;
  /** The engine version in this tier (the declared one, or the one a release requires). */
  public readonly engineVersion: string;
  /** The engine version the program declares (a release may require a newer one). */
  public readonly declaredEngineVersion: string;
  /** The engine of this tier: PostgreSQL (in the cluster or RDS), or Aurora PostgreSQL. */
  public readonly engine: Engine;
  /** True where the password rotates (RDS and Aurora manage and rotate the master password). */
  public readonly rotates: boolean;
  /** True when a release of this tier requires a newer major than the declared one. */
  private readonly majorUpgrade: boolean;
  private readonly peers: IConnectable[] = [];
  private readonly peerRules = new Map<IConnectable, ITerraformDependable>();

  constructor(scope: Construct, name: string, props: PostgresProps = {}) {
    super(scope, AppStack._childId(scope, 'dependency name', name));
    this.app = AppStack.ofScope(this);
    this.name = checkName(this, 'dependency name', name, 30);
    this.app._registerDependency(this);
    this.secretName = secretName(name, 'db');
    if (props.engine !== undefined && props.engine !== 'rds' && props.engine !== 'aurora') {
      fail(this, 'engine %v is not known', props.engine, 'use "rds" (RDS for PostgreSQL) or "aurora" (Aurora PostgreSQL)');
    }
    const declared = props.engineVersion ?? DEFAULT_POSTGRES_VERSION;
    this.engine = this.app.tier.managed && props.engine === 'aurora' ? 'aurora-postgres' : 'postgres';
    this.declaredEngineVersion = declared;
    this.rotates = this.app.tier.managed;
    this.engineVersion = engineVersionOf(this, this.app, name, declared, (v) => {
      const problem = engineVersionProblem(this.engine, v);
      if (problem) fail(this, problem[0], v, problem[1]);
    }, 'databases');
    this.majorVersion = this.engineVersion.split('.')[0];
    this.majorUpgrade = this.majorVersion !== declared.split('.')[0];
    this.databaseName = props.databaseName ?? tfId(name);
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(this.databaseName)) {
      fail(this, 'databaseName %v is not a valid PostgreSQL identifier', this.databaseName, 'use lower-case letters, digits and "_", starting with a letter, at most 63 characters');
    }
    this.username = props.username ?? 'app';
    if (!/^[a-z][a-z0-9_]{0,15}$/.test(this.username) || ['admin', 'postgres', 'rdsadmin'].includes(this.username)) {
      fail(this, 'username %v is reserved or not valid', this.username, 'use lower-case letters, digits and "_" (at most 16, starting with a letter), not admin, postgres or rdsadmin');
    }
    if (props.storageGiB !== undefined && (!Number.isInteger(props.storageGiB) || props.storageGiB < 20 || props.storageGiB > 65536)) {
      fail(this, 'storageGiB %v is out of range', props.storageGiB, 'use a whole number of GiB from 20 to 65536');
    }
    if (props.maxConnections !== undefined && (!Number.isInteger(props.maxConnections) || props.maxConnections < 1 || props.maxConnections > 262143)) {
      fail(this, 'maxConnections %v is not a number of connections', props.maxConnections, 'give the connection count the alarm fires above, a whole number from 1 to 262143 (PostgreSQL\'s limit), or leave it out for 80% of the instance class\'s default');
    }
    if (props.instanceClass !== undefined && (typeof props.instanceClass !== 'string' || !/^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(props.instanceClass))) {
      fail(this, 'instanceClass %v is not an RDS instance class', props.instanceClass, 'use a class such as "db.m7g.large" (with the "db." prefix)');
    }

    if (this.app.tier.managed) {
      const r = props.engine === 'aurora' ? this.bindAurora(props) : this.bindManaged(props);
      if (r.instance instanceof DbInstance) this.instance = r.instance;
      else {
        this.auroraCluster = r.instance;
        this.auroraInstances.push(...(r.members ?? []));
      }
      this.securityGroup = r.securityGroup;
      this.connectionSecret = r.secret;
      this.readyAfter.push(r.instance, ...(r.members ?? []), r.secret);
      // Its endpoints are in the platform's private subnets; its security group admits the connected services only.
      this.networkDestinations = [{ cidrs: [this.app.platform.eks(this.app, `Postgres "${this.name}"`).vpcCidr], port: PORT }];
    } else {
      const r = this.bindInCluster();
      this.cnpgCluster = r.cluster;
      this.connectionSecret = r.secret;
      this.readyAfter.push(r.cluster, r.secret);
      // Its instances (the pods its Services select), not the jobs of the cluster.
      this.networkDestinations = [{ podLabels: { ...this.cnpgPods, 'cnpg.io/podRole': 'instance' }, port: PORT }];
    }
  }

  /** Host of the read-write endpoint. */
  public get host(): string {
    if (this.instance) return this.instance.address;
    if (this.auroraCluster) return this.auroraCluster.endpoint;
    return `${this.cnpgName}-rw.${this.app.namespace}.svc`;
  }

  private get cnpgName(): string {
    return `${this.name}-postgres`;
  }

  /** Labels of every pod of the CloudNativePG cluster: its instances and its jobs (initdb, join). */
  private get cnpgPods(): Record<string, string> {
    return { 'cnpg.io/cluster': this.cnpgName };
  }

  public grantConnect(peer: IConnectable): ITerraformDependable[] {
    // Managed: the security group admits the connected service's own pod security group on the port
    // (or, on a cluster without security groups for pods, the cluster security group): no connection,
    // no ingress. In the cluster, the NetworkPolicy admits the connected services' pods only.
    let rule = this.peerRules.get(peer);
    if (!this.peers.includes(peer)) {
      this.peers.push(peer);
      if (this.securityGroup) {
        rule = admitPeer(this, this.app, this.securityGroup, PORT, `PostgreSQL "${this.name}"`, peer);
        this.peerRules.set(peer, rule);
      }
    }
    return rule ? [rule] : [];
  }


  /** What both managed engines share: subnets, security group, enhanced-monitoring role. */
  private managedBase() {
    const app = this.app;
    const provider = app.aws;
    const profile = app.tier.profile;
    const eks = app.platform.eks(app, `Postgres "${this.name}"`);
    const identifier = `${app.appName}-${app.tier.name}-${this.name}`;
    const subnets = new DbSubnetGroup(this, 'subnets', {
      provider,
      namePrefix: `${identifier}-`,
      subnetIds: eks.privateSubnetIds,
      description: `Private subnets of ${identifier}`,
      lifecycle: { createBeforeDestroy: true },
    });
    const securityGroup = new SecurityGroup(this, 'security-group', {
      provider,
      namePrefix: `${identifier}-db-`,
      description: `PostgreSQL ${identifier}: ingress only from connected services`,
      vpcId: eks.vpcId,
      lifecycle: { createBeforeDestroy: true },
    });
    const partition = new DataAwsPartition(this, 'partition', { provider });
    const monitoringRole = new IamRole(this, 'monitoring-role', {
      provider,
      namePrefix: `${identifier}-mon-`.slice(0, 38),
      assumeRolePolicy: serviceTrust(this, 'monitoring-trust', provider, 'monitoring.rds.amazonaws.com'),
    });
    const monitoringPolicy = new IamRolePolicyAttachment(this, 'monitoring-policy', {
      provider,
      role: monitoringRole.name,
      policyArn: `arn:${partition.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    });
    // Where the tier asks for them, a key of its own for the storage and the master user secret.
    this.key = profile.customerManagedKeys ? dataKey(this, 'key', {
      provider,
      what: `the storage and the master user secret of PostgreSQL ${identifier}`,
      alias: `switchyard/${identifier}`,
      logicalId: `${tfId(this.name)}_key`,
      protect: profile.deletionProtection,
    }) : undefined;
    return { app, provider, profile, identifier, protect: profile.deletionProtection, subnets, securityGroup, monitoringRole, monitoringPolicy, key: this.key };
  }

  /** The contract secret from the master user secret RDS manages in Secrets Manager. */
  private managedSecret(secretArn: string, host: string): Manifest {
    return AppSecrets.of(this.app).fromSecretsManager(this, 'connection-secret', {
      name: this.secretName,
      kmsKeys: this.key ? [this.key.arn] : [],
      keys: [
        { as: 'username', secret: secretArn, property: 'username' },
        { as: 'password', secret: secretArn, property: 'password' },
      ],
      template: this.template(host, 'require', '{{ .username }}'),
      // RDS rotates the password it manages (every 7 days) and the old one stops working at once:
      // read it often, so the services (restarted by Reloader where the platform has it) follow soon.
      refreshInterval: '2m',
    });
  }

  private bindManaged(props: PostgresProps): Bound {
    const { provider, profile, identifier, protect, subnets, securityGroup, monitoringRole, monitoringPolicy, key } = this.managedBase();
    const parameters = new DbParameterGroup(this, 'parameters', {
      provider,
      namePrefix: `${identifier}-pg${this.majorVersion}-`,
      family: `postgres${this.majorVersion}`,
      description: `TLS-only PostgreSQL ${this.majorVersion} for ${identifier}`,
      parameter: PARAMETERS,
      lifecycle: { createBeforeDestroy: true },
    });
    const instanceClass = props.instanceClass ?? profile.sizing.dbInstanceClass;
    const instance = new DbInstance(this, 'instance', {
      provider,
      identifier,
      engine: 'postgres',
      engineVersion: this.engineVersion,
      instanceClass,
      allocatedStorage: props.storageGiB ?? profile.sizing.dbStorageGiB,
      maxAllocatedStorage: Math.max(profile.sizing.dbMaxStorageGiB, props.storageGiB ?? 0),
      storageType: 'gp3',
      storageEncrypted: true,
      kmsKeyId: key?.arn,
      dbName: this.databaseName,
      username: this.username,
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
      allowMajorVersionUpgrade: this.majorUpgrade,
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
    instance.overrideLogicalId(`${tfId(this.name)}_postgres`);
    const storageBytes = (props.storageGiB ?? profile.sizing.dbStorageGiB) * 1024 ** 3;
    Alerts.of(this.app).alarms(this, this.name, [
      ...databaseAlarms({ DBInstanceIdentifier: identifier }, props.maxConnections ?? connectionsAlarmThreshold(instanceClass) ?? 100),
      {
        id: 'free-storage', description: `PostgreSQL ${identifier} has less than 10% of its storage free`,
        namespace: 'AWS/RDS', metric: 'FreeStorageSpace', dimensions: { DBInstanceIdentifier: identifier },
        statistic: 'Minimum', comparison: 'LessThanThreshold', threshold: Math.round(storageBytes * 0.1), periods: 1,
      },
    ]);
    return { instance, securityGroup, secret: this.managedSecret(instance.masterUserSecret.get(0).secretArn, instance.address) };
  }

  private bindAurora(props: PostgresProps): Bound {
    const { provider, profile, identifier, protect, subnets, securityGroup, monitoringRole, monitoringPolicy, key } = this.managedBase();
    const parameters = new RdsClusterParameterGroup(this, 'cluster-parameters', {
      provider,
      namePrefix: `${identifier}-apg${this.majorVersion}-`,
      family: `aurora-postgresql${this.majorVersion}`,
      description: `TLS-only Aurora PostgreSQL ${this.majorVersion} for ${identifier}`,
      parameter: PARAMETERS,
      lifecycle: { createBeforeDestroy: true },
    });
    const cluster = new RdsCluster(this, 'cluster', {
      provider,
      clusterIdentifier: identifier,
      engine: 'aurora-postgresql',
      engineVersion: this.engineVersion,
      databaseName: this.databaseName,
      masterUsername: this.username,
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
      allowMajorVersionUpgrade: this.majorUpgrade,
      applyImmediately: !protect,
      // As for an instance: a new storage key would replace the cluster.
      lifecycle: { preventDestroy: protect, ignoreChanges: ['kms_key_id', 'master_user_secret_kms_key_id'] },
    });
    // The cluster's address is public contract: `aws_rds_cluster.<name>_postgres`.
    cluster.overrideLogicalId(`${tfId(this.name)}_postgres`);
    const members: RdsClusterInstance[] = [];
    // Aurora has no general-purpose (db.m*) or micro/small classes: the tier's RDS class may not fit it.
    const auroraClass = props.instanceClass ?? (profile.highAvailability ? 'db.r7g.large' : 'db.t4g.medium');
    if (!/^db\.(r\d+[a-z]*|x2g|x2iedn)\.[a-z0-9]+$|^db\.t[34]g?\.(medium|large)$|^db\.serverless$/.test(auroraClass)) {
      fail(this, 'instanceClass %v is not offered by Aurora PostgreSQL', auroraClass, 'use a memory-optimized class (e.g. "db.r7g.large"), "db.t4g.medium" or "db.t4g.large", or "db.serverless"');
    }
    Alerts.of(this.app).alarms(this, this.name, databaseAlarms({ DBClusterIdentifier: identifier }, props.maxConnections ?? connectionsAlarmThreshold(auroraClass) ?? 100));
    // A writer, and in HA tiers a reader that takes over from it in another zone.
    for (let i = 0; i < (profile.highAvailability ? 2 : 1); i++) {
      members.push(new RdsClusterInstance(this, `instance-${i}`, {
        provider,
        identifier: `${identifier}-${i}`,
        clusterIdentifier: cluster.id,
        engine: 'aurora-postgresql',
        engineVersion: this.engineVersion,
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
    return { instance: cluster, members, securityGroup, secret: this.managedSecret(cluster.masterUserSecret.get(0).secretArn, cluster.endpoint) };
  }

  private bindInCluster(): { cluster: Manifest; secret: Manifest } {
    const app = this.app;
    // CloudNativePG makes these Services (and its Pods, Secrets) after the Cluster's name.
    app._claimNames(this, 'Service', ['rw', 'ro', 'r'].map((s) => `${this.cnpgName}-${s}`));
    if (!app.platform.hasAddon(AddonIds.cloudNativePg)) {
      fail(this, 'in-cluster Postgres needs the CloudNativePG operator, which the platform of tier %v lacks', app.tier.name, 'install CloudNativePg in the AddonsStack of the tier, or list "cloudnative-pg" in the PlatformRef add-ons');
    }
    // The owner's credentials are generated once in the cluster; CloudNativePG
    // initializes the database with them and the contract secret is rendered from them.
    const secrets = AppSecrets.of(app);
    const credentials = secrets.generatedCredentials(this, 'credentials', {
      name: `${this.cnpgName}-credentials`,
      username: this.username,
    });
    const sizing = app.tier.profile.sizing;
    const cluster = new Manifest(this, 'cluster', {
      provider: app.kubernetes,
      manifest: {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name: this.cnpgName, namespace: app.namespace, labels: { 'app.kubernetes.io/part-of': app.appName } },
        spec: {
          instances: app.tier.profile.highAvailability ? 3 : 1,
          imageName: POSTGRES_VERSIONS[this.majorVersion],
          enableSuperuserAccess: false,
          storage: { size: `${sizing.inClusterStorageGiB}Gi` },
          bootstrap: { initdb: { database: this.databaseName, owner: this.username, secret: { name: `${this.cnpgName}-credentials` } } },
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
        },
      },
      waitFor: { fields: { 'status.phase': 'Cluster in healthy state' } },
      timeouts: { create: '15m', update: '15m' },
      dependsOn: [credentials],
    });
    cluster.overrideLogicalId(`${tfId(this.name)}_postgres`);
    // CloudNativePG 1.30 (chart 0.29.0): the instances reach each other on 5432 (streaming
    // replication, pg_rewind, a joining replica's base backup) and on 8000 (the instance manager's
    // REST API: the primary's isolation check asks the other instances), the operator reaches every
    // instance on 5432 and 8000, and the instance manager reaches the Kubernetes API server.
    // Services get in on 5432 only once connected.
    allowFrom(this, app, this.cnpgName, this.cnpgPods, PORT, this.peers, [
      { podLabels: this.cnpgPods, ports: [PORT, CNPG_STATUS_PORT] },
      { namespace: CNPG_OPERATOR_NAMESPACE, podLabels: CNPG_OPERATOR_LABELS, ports: [PORT, CNPG_STATUS_PORT] },
    ]);
    networkPolicy(this, 'egress-policy', app, {
      name: `${this.cnpgName}-egress`,
      podLabels: this.cnpgPods,
      direction: 'Egress',
      rules: () => [{ peers: [podPeer(this.cnpgPods)], ports: tcp(PORT, CNPG_STATUS_PORT) }, toApiServer()],
    });
    const secret = secrets.fromCluster(this, 'connection-secret', {
      name: this.secretName,
      keys: [{ as: 'password', secret: `${this.cnpgName}-credentials`, property: 'password' }],
      template: this.template(`${this.cnpgName}-rw.${app.namespace}.svc`, 'require', this.username),
    }, [credentials]);
    return { cluster, secret };
  }

  /**
   * The contract keys as an external-secrets template: the password always
   * comes from the source, the username from the source (`{{ .username }}`)
   * or as a literal.
   */
  private template(host: string, sslmode: string, username: string): Record<string, string> {
    const userInUrl = username.startsWith('{{') ? '{{ .username | urlquery }}' : username;
    return {
      host,
      port: String(PORT),
      username,
      password: '{{ .password }}',
      database: this.databaseName,
      sslmode,
      url: `postgresql://${userInUrl}:{{ .password | urlquery }}@${host}:${PORT}/${this.databaseName}?sslmode=${sslmode}`,
    };
  }
}
