import { AppStack } from '../app-stack';
import {
  Construct, DataAwsPartition, DbInstance, DbParameterGroup, DbSubnetGroup, IamRole, IamRolePolicyAttachment, ITerraformDependable,
  Manifest, SecurityGroup, VpcSecurityGroupIngressRule,
} from '../private/cdk';
import { AddonIds } from '../platform/addons/ids';
import { fail } from '../private/errors';
import { serviceTrust } from '../private/iam';
import { checkName, tfId } from '../private/names';
import { CONTRACT_KEYS, IConnectable, IDependency, secretName } from './contract';
import { AppSecrets } from './secrets';

/** PostgreSQL major versions Switchyard binds, with the in-cluster image of each (CloudNativePG). */
export const POSTGRES_VERSIONS: Readonly<Record<string, string>> = {
  '15': 'ghcr.io/cloudnative-pg/postgresql:15.19-standard-trixie',
  '16': 'ghcr.io/cloudnative-pg/postgresql:16.15-standard-trixie',
  '17': 'ghcr.io/cloudnative-pg/postgresql:17.11-standard-trixie',
  '18': 'ghcr.io/cloudnative-pg/postgresql:18.6-standard-trixie',
};
/** The default major version. */
export const DEFAULT_POSTGRES_VERSION = '17';
const PORT = 5432;

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
   * RDS instance class in managed tiers.
   * @default - the tier's `sizing.dbInstanceClass`
   */
  readonly instanceClass?: string;
  /**
   * Allocated storage in managed tiers, GiB (autoscaling up to the tier's `sizing.dbMaxStorageGiB`).
   * @default - the tier's `sizing.dbStorageGiB`
   */
  readonly storageGiB?: number;
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
  public readonly kind = 'db' as const;
  public readonly secretName: string;
  public readonly contractKeys = CONTRACT_KEYS.db;
  public readonly readyAfter: ITerraformDependable[] = [];
  /** Major version. */
  public readonly majorVersion: string;
  public readonly databaseName: string;
  public readonly username: string;
  /** The RDS instance (managed tiers). */
  public readonly instance?: DbInstance;
  /** The security group of the RDS instance (managed tiers). */
  public readonly securityGroup?: SecurityGroup;
  /** The CloudNativePG cluster (in-cluster tiers). */
  public readonly cnpgCluster?: Manifest;
  /** The ExternalSecret that writes the connection secret. */
  public readonly connectionSecret: Manifest;
  private readonly app: AppStack;
  private readonly engineVersion: string;
  private ingressOpen = false;

  constructor(scope: Construct, name: string, props: PostgresProps = {}) {
    super(scope, name);
    this.app = AppStack.ofScope(this);
    this.name = checkName(this, 'dependency name', name, 30);
    this.app._registerDependency(this);
    this.secretName = secretName(name, 'db');
    this.engineVersion = props.engineVersion ?? DEFAULT_POSTGRES_VERSION;
    const m = /^(\d+)(\.\d+)?$/.exec(this.engineVersion);
    if (!m || !(m[1] in POSTGRES_VERSIONS)) {
      fail(this, 'engineVersion %v is not supported', this.engineVersion, `use a major version of ${Object.keys(POSTGRES_VERSIONS).join(', ')} (e.g. "17"), optionally with its minor ("17.11")`);
    }
    this.majorVersion = m[1];
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

    if (this.app.tier.managed) {
      const r = this.bindManaged(props);
      this.instance = r.instance;
      this.securityGroup = r.securityGroup;
      this.connectionSecret = r.secret;
      this.readyAfter.push(r.instance, r.secret);
    } else {
      const r = this.bindInCluster();
      this.cnpgCluster = r.cluster;
      this.connectionSecret = r.secret;
      this.readyAfter.push(r.cluster, r.secret);
    }
  }

  /** Host of the read-write endpoint. */
  public get host(): string {
    return this.instance ? this.instance.address : `${this.cnpgName}-rw.${this.app.namespace}.svc`;
  }

  private get cnpgName(): string {
    return `${this.name}-postgres`;
  }

  public grantConnect(_peer: IConnectable): void {
    // The database security group admits the cluster's security group (which
    // EKS attaches to the managed nodes) on the database port, once the first
    // service connects: no connection, no ingress.
    if (this.securityGroup && !this.ingressOpen) {
      const eks = this.app.platform.eks(this.app, `Postgres "${this.name}"`);
      new VpcSecurityGroupIngressRule(this, 'from-cluster', {
        provider: this.app.aws,
        securityGroupId: this.securityGroup.id,
        referencedSecurityGroupId: eks.clusterSecurityGroupId,
        ipProtocol: 'tcp',
        fromPort: PORT,
        toPort: PORT,
        description: `PostgreSQL from the pods of cluster ${eks.clusterName}`,
      });
    }
    this.ingressOpen = true;
  }

  private bindManaged(props: PostgresProps): { instance: DbInstance; securityGroup: SecurityGroup; secret: Manifest } {
    const app = this.app;
    const provider = app.aws;
    const tier = app.tier;
    const profile = tier.profile;
    const eks = app.platform.eks(app, `Postgres "${this.name}"`);
    const identifier = `${app.appName}-${tier.name}-${this.name}`;
    const protect = profile.deletionProtection;

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
    const parameters = new DbParameterGroup(this, 'parameters', {
      provider,
      namePrefix: `${identifier}-pg${this.majorVersion}-`,
      family: `postgres${this.majorVersion}`,
      description: `TLS-only PostgreSQL ${this.majorVersion} for ${identifier}`,
      parameter: [
        { name: 'rds.force_ssl', value: '1', applyMethod: 'pending-reboot' },
        { name: 'log_min_duration_statement', value: '1000' },
        { name: 'log_lock_waits', value: '1' },
      ],
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
    const instance = new DbInstance(this, 'instance', {
      provider,
      identifier,
      engine: 'postgres',
      engineVersion: this.engineVersion,
      instanceClass: props.instanceClass ?? profile.sizing.dbInstanceClass,
      allocatedStorage: props.storageGiB ?? profile.sizing.dbStorageGiB,
      maxAllocatedStorage: Math.max(profile.sizing.dbMaxStorageGiB, props.storageGiB ?? 0),
      storageType: 'gp3',
      storageEncrypted: true,
      dbName: this.databaseName,
      username: this.username,
      manageMasterUserPassword: true,
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
      allowMajorVersionUpgrade: false,
      applyImmediately: !protect,
      enabledCloudwatchLogsExports: ['postgresql', 'upgrade', 'iam-db-auth-error'],
      // No paid RDS Extended Support by default: a major past its standard support gets upgraded.
      engineLifecycleSupport: 'open-source-rds-extended-support-disabled',
      monitoringInterval: 60,
      monitoringRoleArn: monitoringRole.arn,
      caCertIdentifier: 'rds-ca-rsa2048-g1',
      lifecycle: { preventDestroy: protect },
      dependsOn: [monitoringPolicy],
    });
    // The instance's address is public contract: `aws_db_instance.<name>_postgres` in every release.
    instance.overrideLogicalId(`${tfId(this.name)}_postgres`);

    const secretArn = instance.masterUserSecret.get(0).secretArn;
    const secret = AppSecrets.of(app).fromSecretsManager(this, 'connection-secret', {
      name: this.secretName,
      keys: [
        { as: 'username', secret: secretArn, property: 'username' },
        { as: 'password', secret: secretArn, property: 'password' },
      ],
      template: this.template(instance.address, 'require', '{{ .username }}'),
    });
    return { instance, securityGroup, secret };
  }

  private bindInCluster(): { cluster: Manifest; secret: Manifest } {
    const app = this.app;
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
