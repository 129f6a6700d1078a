/**
 * How a tier binds the dependencies an application declares.
 *
 * - `in-cluster`: everything runs in the tier's Kubernetes cluster (no cloud account needed).
 * - `managed`: managed AWS services (RDS, SQS/SNS, ElastiCache).
 */
export type Binding = 'in-cluster' | 'managed';

/** The sizes a tier gives the things Switchyard creates. */
export interface TierSizing {
  /** Replicas of each slot of a service (the autoscaler's minimum when it scales the service). */
  readonly replicas: number;
  /**
   * Replicas of the idle slot of a service that does not autoscale. Below `replicas`, a switch also
   * resizes both slots (the new live one before traffic moves, the old one after).
   */
  readonly idleReplicas: number;
  /** The autoscaler's maximum replicas per slot. */
  readonly maxReplicas: number;
  /** RDS instance class of a managed Postgres. */
  readonly dbInstanceClass: string;
  /** Allocated storage of a managed Postgres, GiB. */
  readonly dbStorageGiB: number;
  /** Storage autoscaling ceiling of a managed Postgres, GiB. */
  readonly dbMaxStorageGiB: number;
  /** Storage of an in-cluster dependency (database, cache), GiB. */
  readonly inClusterStorageGiB: number;
  /** ElastiCache node type of a managed cache. */
  readonly cacheNodeType: string;
  /** EC2 instance types of the cluster's managed node groups. */
  readonly nodeInstanceTypes: readonly string[];
  /** Minimum nodes of the cluster, split evenly between its node groups (one per zone). */
  readonly nodesMin: number;
  /** Nodes of the cluster at creation, split evenly between its node groups. */
  readonly nodesDesired: number;
  /** Maximum nodes of the cluster, split evenly between its node groups (each at least 1). */
  readonly nodesMax: number;
}

/** What a tier is: its policy for availability, safety and sizing. */
export interface TierProfile {
  /** How dependencies are bound in this tier. */
  readonly binding: Binding;
  /** Spread over several availability zones: multi-AZ databases, cache failover, NAT per AZ, PDBs. */
  readonly highAvailability: boolean;
  /** Promotion into this tier needs an approval recorded in the release ledger. */
  readonly approvalRequired: boolean;
  /** Deletion protection, final snapshots and `prevent_destroy` on stateful resources. */
  readonly deletionProtection: boolean;
  /** Days of automated backups kept for databases (0 turns them off). */
  readonly backupRetentionDays: number;
  /** VPC flow logs. */
  readonly flowLogs: boolean;
  /** Days the platform's log store (Loki) keeps application logs. */
  readonly logRetentionDays: number;
  /**
   * Days CloudWatch keeps audit logs: the EKS control plane's (API server, audit, authenticator)
   * and the VPC flow logs. One of the retentions CloudWatch Logs offers.
   */
  readonly auditLogRetentionDays: number;
  /**
   * Data stores and secrets (RDS and Aurora, ElastiCache, SQS, SNS, Secrets Manager, the log bucket)
   * are encrypted with customer-managed KMS keys of their own, not AWS-owned or AWS-managed ones.
   */
  readonly customerManagedKeys: boolean;
  /** Sizes. */
  readonly sizing: TierSizing;
}

/** Per-setting overrides of a profile; `sizing` is merged key by key. */
export interface TierProfileOverrides extends Partial<Omit<TierProfile, 'sizing'>> {
  /**
   * How dependencies are bound in this tier.
   * @default - the profile's
   */
  readonly binding?: Binding;
  /**
   * Spread over several availability zones: multi-AZ databases, cache failover, NAT per AZ, PDBs.
   * @default - the profile's
   */
  readonly highAvailability?: boolean;
  /**
   * Promotion into this tier needs an approval recorded in the release ledger.
   * @default - the profile's
   */
  readonly approvalRequired?: boolean;
  /**
   * Deletion protection, final snapshots and `prevent_destroy` on stateful resources.
   * @default - the profile's
   */
  readonly deletionProtection?: boolean;
  /**
   * Days of automated backups kept for databases (0 turns them off).
   * @default - the profile's
   */
  readonly backupRetentionDays?: number;
  /**
   * VPC flow logs.
   * @default - the profile's
   */
  readonly flowLogs?: boolean;
  /**
   * Days the platform's log store (Loki) keeps application logs.
   * @default - the profile's
   */
  readonly logRetentionDays?: number;
  /**
   * Days CloudWatch keeps audit logs (EKS control plane, VPC flow logs).
   * @default - the profile's (365 in prod)
   */
  readonly auditLogRetentionDays?: number;
  /**
   * Customer-managed KMS keys for data stores and secrets.
   * @default - the profile's (prod: true)
   */
  readonly customerManagedKeys?: boolean;
  /**
   * Sizes to change, each key on its own; the others keep the profile's.
   * @default - the profile's sizes
   */
  readonly sizing?: Partial<TierSizing>;
}

/** Built-in profiles. */
export const Profiles = {
  /** Small and disposable, in-cluster dependencies, no cloud account needed. */
  dev: {
    binding: 'in-cluster',
    highAvailability: false,
    approvalRequired: false,
    deletionProtection: false,
    backupRetentionDays: 0,
    flowLogs: false,
    logRetentionDays: 7,
    auditLogRetentionDays: 7,
    customerManagedKeys: false,
    sizing: {
      replicas: 1,
      idleReplicas: 1,
      maxReplicas: 2,
      dbInstanceClass: 'db.t4g.micro',
      dbStorageGiB: 20,
      dbMaxStorageGiB: 50,
      inClusterStorageGiB: 1,
      cacheNodeType: 'cache.t4g.micro',
      nodeInstanceTypes: ['t3.large'],
      nodesMin: 1,
      nodesDesired: 1,
      nodesMax: 2,
    },
  } as TierProfile,
  /** Managed dependencies, single-AZ, backups kept a week, no approval. */
  staging: {
    binding: 'managed',
    highAvailability: false,
    approvalRequired: false,
    deletionProtection: false,
    backupRetentionDays: 7,
    flowLogs: false,
    logRetentionDays: 30,
    auditLogRetentionDays: 30,
    customerManagedKeys: false,
    sizing: {
      replicas: 2,
      idleReplicas: 2,
      maxReplicas: 6,
      dbInstanceClass: 'db.t4g.medium',
      dbStorageGiB: 20,
      dbMaxStorageGiB: 100,
      inClusterStorageGiB: 5,
      cacheNodeType: 'cache.t4g.small',
      nodeInstanceTypes: ['m6i.large'],
      nodesMin: 2,
      nodesDesired: 2,
      nodesMax: 4,
    },
  } as TierProfile,
  /** Highly available, protected, backups kept 14 days, promotion needs an approval. */
  prod: {
    binding: 'managed',
    highAvailability: true,
    approvalRequired: true,
    deletionProtection: true,
    backupRetentionDays: 14,
    flowLogs: true,
    logRetentionDays: 90,
    // A year of audit logs (control plane, network flows), as audits ask.
    auditLogRetentionDays: 365,
    customerManagedKeys: true,
    sizing: {
      replicas: 3,
      idleReplicas: 3,
      maxReplicas: 12,
      dbInstanceClass: 'db.m7g.large',
      dbStorageGiB: 100,
      dbMaxStorageGiB: 500,
      inClusterStorageGiB: 20,
      cacheNodeType: 'cache.m7g.large',
      nodeInstanceTypes: ['m6i.xlarge'],
      nodesMin: 3,
      nodesDesired: 3,
      nodesMax: 10,
    },
  } as TierProfile,
} as const;

/** A profile with overrides applied (sizing merged key by key). */
export function applyOverrides(base: TierProfile, overrides: TierProfileOverrides = {}): TierProfile {
  const defined = <T extends object>(o: T): Partial<T> =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const { sizing, ...rest } = overrides;
  return Object.freeze({
    ...base,
    ...defined(rest),
    sizing: Object.freeze({ ...base.sizing, ...defined(sizing ?? {}) }),
  });
}
