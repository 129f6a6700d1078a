import { AppStack } from '../app-stack';
import { Construct, DbInstance, ITerraformDependable, KmsKey, Manifest, RdsCluster, RdsClusterInstance, SecurityGroup } from '../private/cdk';
import { fail } from '../private/errors';
import { checkName, tfId } from '../private/names';
import { CONTRACT_KEYS, IConnectable, IDependency, NetworkDestination, secretName } from './contract';
import { Database, PORT } from './postgres/database';
import { bindInCluster, cnpgName, cnpgPods } from './postgres/in-cluster';
import { bindAurora, bindRds } from './postgres/managed';
import { admitPeer } from './pod-security';
import { engineVersionOf } from './requires';
import { DEFAULT_POSTGRES_VERSION, Engine, engineVersionProblem } from './versions';

export { connectionsAlarmThreshold, instanceMemoryGiB } from './postgres/managed';

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
    this.engineVersion = engineVersionOf(this, this.app, declared, (v) => {
      const problem = engineVersionProblem(this.engine, v);
      if (problem) fail(this, problem[0], v, problem[1]);
    });
    this.majorVersion = this.engineVersion.split('.')[0];
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

    // What the bindings read; a major upgrade only where a release of this tier requires a newer major.
    const db: Database = {
      app: this.app, name: this.name, secretName: this.secretName, databaseName: this.databaseName, username: this.username,
      engineVersion: this.engineVersion, majorVersion: this.majorVersion, majorUpgrade: this.majorVersion !== declared.split('.')[0],
    };
    if (this.app.tier.managed) {
      const r = props.engine === 'aurora' ? bindAurora(this, db, props) : bindRds(this, db, props);
      this.key = r.key;
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
      const r = bindInCluster(this, db, this.peers);
      this.cnpgCluster = r.cluster;
      this.connectionSecret = r.secret;
      this.readyAfter.push(r.cluster, r.secret);
      // Its instances (the pods its Services select), not the jobs of the cluster.
      this.networkDestinations = [{ podLabels: { ...cnpgPods(this.name), 'cnpg.io/podRole': 'instance' }, port: PORT }];
    }
  }

  /** Host of the read-write endpoint. */
  public get host(): string {
    if (this.instance) return this.instance.address;
    if (this.auroraCluster) return this.auroraCluster.endpoint;
    return `${cnpgName(this.name)}-rw.${this.app.namespace}.svc`;
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
}
