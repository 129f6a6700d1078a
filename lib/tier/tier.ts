import { IConstruct } from '../private/cdk';
import { fail } from '../private/errors';
import { checkName } from '../private/names';
import type { Backend } from './backend';
import { applyOverrides, Profiles, TierProfile, TierProfileOverrides } from './profile';

/**
 * Who may reach a tier's EKS cluster besides the identity that creates it: IAM principals given
 * EKS access entries by the tier's {@link EksCluster}, and the roles the tier's generated
 * pipelines assume (which are then written into the pipelines, not read from CI variables).
 */
export interface ClusterAccess {
  /**
   * IAM roles or users (ARNs) given cluster-admin: the operators of the platform.
   * @default []
   */
  readonly admins?: string[];
  /**
   * The role the tier's deploy jobs assume (OIDC): cluster-admin, as `cdktf deploy` of the add-ons and
   * app stacks creates namespaces, CRDs and cluster roles.
   * @default - none: no access entry; the generated pipeline reads the role from its CI variable
   */
  readonly deployRole?: string;
  /**
   * The read-only role of the tier's plan and drift jobs: may read every object of the cluster,
   * Secrets included (Helm keeps each release in a Secret, which a plan of a Helm release reads), and
   * change none (the EKS access policy AmazonEKSAdminViewPolicy). Never the deploy role.
   * @default - none: no access entry; the generated pipeline reads the role from its CI variable
   */
  readonly planRole?: string;
}

/** An IAM role or user ARN, as EKS access entries take it. */
export const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;

/** Where a tier runs, besides its profile. */
export interface TierSettings {
  /**
   * Profile overrides, per setting (`sizing` merged key by key).
   * @default - the base profile as it is
   */
  readonly overrides?: TierProfileOverrides;
  /**
   * AWS region of the tier's AWS resources. Needed by every tier that creates AWS resources.
   * @default - none: a stack of this tier that needs AWS fails synth with a message asking for it
   */
  readonly region?: string;
  /**
   * Where the tier's stacks keep their Terraform state.
   * @default Backend.local()
   */
  readonly backend?: Backend;
  /**
   * Extra tags on every AWS resource of the tier (the AWS provider's `default_tags`).
   * @default - only Switchyard's own tags (`switchyard:tier`, `switchyard:stack`, `managed-by`)
   */
  readonly tags?: Record<string, string>;
  /**
   * Access to the tier's EKS cluster: admins, and the deploy and plan roles of its pipelines.
   * @default - only the identity that creates the cluster may reach it
   */
  readonly clusterAccess?: ClusterAccess;
}

/** Properties of a {@link Tier}. */
export interface TierProps extends TierSettings {
  /** Name: a DNS label of at most 12 characters; every stack of the tier ends in `-<name>`. */
  readonly name: string;
  /** Position in the promotion order; a version is promoted from lower to higher. */
  readonly order: number;
  /** The profile before overrides. */
  readonly profile: TierProfile;
}

/** Marks a stack that belongs to a tier (see `TierStack`). */
export const TIER_OF_STACK = Symbol.for('switchyard.tier');

/**
 * A named environment (dev, staging, prod, ...) with a promotion order and a profile.
 *
 * ```ts
 * const prod = Tier.prod({ region: 'eu-west-1', overrides: { backupRetentionDays: 30 } });
 * const qa = Tier.custom('qa', 15, Profiles.staging, { overrides: { sizing: { replicas: 1 } } });
 * ```
 */
export class Tier {
  /** The built-in dev tier (order 10): in-cluster dependencies, no AWS. */
  public static dev(settings: TierSettings = {}): Tier {
    return new Tier({ ...settings, name: 'dev', order: 10, profile: Profiles.dev });
  }

  /** The built-in staging tier (order 20): managed dependencies, single-AZ. */
  public static staging(settings: TierSettings = {}): Tier {
    return new Tier({ ...settings, name: 'staging', order: 20, profile: Profiles.staging });
  }

  /** The built-in prod tier (order 30): highly available, protected, approval required. */
  public static prod(settings: TierSettings = {}): Tier {
    return new Tier({ ...settings, name: 'prod', order: 30, profile: Profiles.prod });
  }

  /** A tier of your own, e.g. `Tier.custom('qa', 15, Profiles.staging)`. */
  public static custom(name: string, order: number, base: TierProfile, settings: TierSettings = {}): Tier {
    return new Tier({ ...settings, name, order, profile: base });
  }

  /**
   * The tier of the stack that holds `scope`.
   * @throws ConfigurationError when `scope` is not inside a tier's stack
   */
  public static of(scope: IConstruct): Tier {
    for (const s of [...scope.node.scopes].reverse()) {
      const tier = (s as unknown as Record<symbol, Tier | undefined>)[TIER_OF_STACK];
      if (tier) return tier;
    }
    return fail(scope, '%v is not inside a tier stack', scope.node.path, 'create it inside a PlatformStack, AddonsStack or AppStack (or another TierStack)');
  }

  /** The tier's name: stacks end with `-<name>`. */
  public readonly name: string;
  /** Its place in the promotion order: lower orders are promoted first. */
  public readonly order: number;
  /** The effective profile (overrides applied). */
  public readonly profile: TierProfile;
  /** AWS region of the tier's AWS resources, when it has some. */
  public readonly region?: string;
  /** Where the tier's stacks keep their state, when not in local files. */
  public readonly backend?: Backend;
  /** Extra tags on every AWS resource of the tier. */
  public readonly tags: Readonly<Record<string, string>>;
  /** Who may reach the tier's EKS cluster, and the roles its pipelines assume. */
  public readonly clusterAccess: ClusterAccess;

  constructor(props: TierProps) {
    const where = `tier ${props.name}`;
    this.name = checkName(where, 'tier name', props.name, 12);
    if (!Number.isInteger(props.order) || props.order < 0) {
      fail(where, 'order %v is not a non-negative integer', props.order, 'give each tier a whole number; lower orders are promoted first (dev 10, staging 20, prod 30)');
    }
    this.order = props.order;
    this.profile = applyOverrides(props.profile, props.overrides);
    validateProfile(where, this.profile);
    // logRetentionDays used to set CloudWatch's retention too: a program written for that would now cut
    // CloudWatch's audit logs to the profile's auditLogRetentionDays, and CloudWatch deletes what is older.
    const o = props.overrides ?? {};
    if (o.logRetentionDays !== undefined && o.auditLogRetentionDays === undefined && o.logRetentionDays > this.profile.auditLogRetentionDays) {
      fail(where, `logRetentionDays %v is longer than the audit logs would be kept (auditLogRetentionDays ${this.profile.auditLogRetentionDays})`, o.logRetentionDays,
        `logRetentionDays now sets the log store's (Loki's) retention only; CloudWatch's audit logs follow auditLogRetentionDays: set it too (e.g. auditLogRetentionDays: ${LOG_RETENTION_DAYS.find((d) => d >= o.logRetentionDays!) ?? 3653}), so no CloudWatch log is deleted earlier than before`);
    }
    if (props.region !== undefined && !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(props.region)) {
      fail(where, 'region %v is not an AWS region name', props.region, 'use a region such as "eu-west-1" or "us-east-2"');
    }
    this.region = props.region;
    this.backend = props.backend;
    for (const [key, value] of Object.entries(props.tags ?? {})) {
      if (key.length === 0 || key.length > 128 || /^aws:/i.test(key)) {
        fail(where, 'tag key %v is not allowed', key, 'use 1 to 128 characters, not starting with "aws:" (AWS reserves that prefix)');
      }
      if (typeof value !== 'string' || value.length > 256) {
        fail(where, `tag "${key}" has the value %v`, value, 'use a string of at most 256 characters');
      }
    }
    this.tags = Object.freeze({ ...(props.tags ?? {}) });
    this.clusterAccess = checkClusterAccess(where, props.clusterAccess ?? {});
  }

  /** True when dependencies are bound to managed AWS services in this tier. */
  public get managed(): boolean {
    return this.profile.binding === 'managed';
  }

  /** The tier's name. */
  public toString(): string {
    return this.name;
  }
}

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

function checkClusterAccess(where: string, access: ClusterAccess): ClusterAccess {
  const admins = access.admins ?? [];
  const check = (key: string, arn: unknown) => {
    if (typeof arn !== 'string' || !PRINCIPAL_ARN.test(arn)) {
      fail(where, `clusterAccess.${key} %v is not an IAM role or user ARN`, arn, 'use an ARN like "arn:aws:iam::123456789012:role/deploy-prod"');
    }
  };
  admins.forEach((a, i) => {
    check('admins entry', a);
    if (admins.indexOf(a) !== i) fail(where, 'clusterAccess.admins entry %v is listed twice', a, 'list each principal once');
  });
  if (access.deployRole !== undefined) check('deployRole', access.deployRole);
  if (access.planRole !== undefined) {
    check('planRole', access.planRole);
    if (access.planRole === access.deployRole || admins.includes(access.planRole)) {
      fail(where, 'clusterAccess.planRole %v also deploys or administers the cluster', access.planRole,
        'give plans a read-only role of their own: a plan runs the code of a pull request, which must not get write access');
    }
  }
  return Object.freeze({ admins: Object.freeze([...admins]) as string[], deployRole: access.deployRole, planRole: access.planRole });
}

function validateProfile(where: string, p: TierProfile): void {
  if (p.binding !== 'in-cluster' && p.binding !== 'managed') {
    fail(where, 'binding %v is not known', p.binding, 'use "in-cluster" or "managed"');
  }
  for (const key of ['highAvailability', 'approvalRequired', 'deletionProtection', 'flowLogs', 'customerManagedKeys'] as const) {
    if (typeof p[key] !== 'boolean') fail(where, `${key} %v is not true or false`, p[key], `set ${key} to true or false`);
  }
  if (!Number.isInteger(p.backupRetentionDays) || p.backupRetentionDays < 0 || p.backupRetentionDays > 35) {
    fail(where, 'backupRetentionDays %v is out of range', p.backupRetentionDays, 'use a whole number of days from 0 to 35 (the RDS limit)');
  }
  if (p.deletionProtection && p.backupRetentionDays === 0) {
    fail(where, 'backupRetentionDays %v turns backups off in a protected tier', 0, 'keep at least 1 day of backups where deletionProtection is on (prod keeps 14 by default)');
  }
  const counts: Array<[string, number, number]> = [
    ['sizing.replicas', p.sizing.replicas, 1],
    ['sizing.idleReplicas', p.sizing.idleReplicas, 0],
    ['sizing.nodesMin', p.sizing.nodesMin, 1],
    ['sizing.nodesDesired', p.sizing.nodesDesired, 1],
    ['sizing.nodesMax', p.sizing.nodesMax, 1],
    ['sizing.dbStorageGiB', p.sizing.dbStorageGiB, 20],
    ['sizing.inClusterStorageGiB', p.sizing.inClusterStorageGiB, 1],
    ['logRetentionDays', p.logRetentionDays, 1],
  ];
  for (const [key, v, min] of counts) {
    if (!Number.isInteger(v) || v < min) fail(where, `${key} %v is too small or not a whole number`, v, `use a whole number of at least ${min}`);
  }
  if (!(p.sizing.nodesMin <= p.sizing.nodesDesired && p.sizing.nodesDesired <= p.sizing.nodesMax)) {
    fail(where, 'node counts %v are out of order', [p.sizing.nodesMin, p.sizing.nodesDesired, p.sizing.nodesMax], 'keep sizing.nodesMin <= sizing.nodesDesired <= sizing.nodesMax');
  }
  if (!Number.isInteger(p.sizing.maxReplicas) || p.sizing.maxReplicas < p.sizing.replicas) {
    fail(where, 'sizing.maxReplicas %v is below sizing.replicas', p.sizing.maxReplicas, `raise it to at least ${p.sizing.replicas}`);
  }
  if (p.sizing.idleReplicas > p.sizing.replicas) {
    fail(where, 'sizing.idleReplicas %v is above sizing.replicas', p.sizing.idleReplicas, `keep it at most ${p.sizing.replicas}: the idle slot never needs more than the live one`);
  }
  if (p.sizing.dbMaxStorageGiB < p.sizing.dbStorageGiB) {
    fail(where, 'sizing.dbMaxStorageGiB %v is below sizing.dbStorageGiB', p.sizing.dbMaxStorageGiB, `raise it to at least ${p.sizing.dbStorageGiB}`);
  }
  if (p.sizing.nodeInstanceTypes.length === 0) {
    fail(where, 'sizing.nodeInstanceTypes %v is empty', p.sizing.nodeInstanceTypes, 'list at least one EC2 instance type, e.g. ["m6i.large"]');
  }
  for (const type of p.sizing.nodeInstanceTypes) {
    if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(type)) fail(where, 'sizing.nodeInstanceTypes entry %v is not an EC2 instance type', type, 'use a type such as "m6i.large"');
  }
  if (!/^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(p.sizing.dbInstanceClass)) {
    fail(where, 'sizing.dbInstanceClass %v is not an RDS instance class', p.sizing.dbInstanceClass, 'use a class such as "db.t4g.medium" (with the "db." prefix)');
  }
  if (!/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(p.sizing.cacheNodeType)) {
    fail(where, 'sizing.cacheNodeType %v is not an ElastiCache node type', p.sizing.cacheNodeType, 'use a node type such as "cache.t4g.small" (with the "cache." prefix)');
  }
  if (!LOG_RETENTION_DAYS.includes(p.auditLogRetentionDays)) {
    fail(where, 'auditLogRetentionDays %v is not a retention CloudWatch Logs offers', p.auditLogRetentionDays, `use one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
}

/**
 * The ordered set of tiers a delivery goes through.
 *
 * ```ts
 * const tiers = Tiers.standard({ staging: { region: 'eu-west-1' }, prod: { region: 'eu-west-1' } });
 * ```
 */
export class Tiers implements Iterable<Tier> {
  /** dev → staging → prod, each with optional settings. */
  public static standard(settings: { dev?: TierSettings; staging?: TierSettings; prod?: TierSettings } = {}): Tiers {
    return new Tiers([Tier.dev(settings.dev), Tier.staging(settings.staging), Tier.prod(settings.prod)]);
  }

  /** The tiers, lowest order first. */
  public readonly all: readonly Tier[];

  constructor(tiers: Tier[]) {
    if (tiers.length === 0) fail('tiers', 'the tier list %v is empty', [], 'give at least one tier, e.g. Tiers.standard()');
    const seen = new Set<string>();
    for (const t of tiers) {
      if (seen.has(t.name)) fail('tiers', 'tier name %v is used twice', t.name, 'give every tier its own name');
      seen.add(t.name);
    }
    const sorted = [...tiers].sort((a, b) => a.order - b.order);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].order === sorted[i - 1].order) {
        fail('tiers', `tiers "${sorted[i - 1].name}" and "${sorted[i].name}" share order %v`, sorted[i].order, 'give every tier its own order so promotion is well defined');
      }
    }
    this.all = Object.freeze(sorted);
  }

  /** The tier named `name`; refuses unknown names with the list of known ones. */
  public get(name: string, where: IConstruct | string = 'tiers'): Tier {
    const t = this.all.find((x) => x.name === name);
    if (!t) fail(where, 'tier %v is not known', name, `use one of ${this.names.join(', ')}`);
    return t;
  }

  /** True when a tier of that name exists. */
  public has(name: string): boolean {
    return this.all.some((t) => t.name === name);
  }

  /** Tier names in promotion order. */
  public get names(): string[] {
    return this.all.map((t) => t.name);
  }

  /** The tier a version must have been live in before it may enter `tier` (undefined for the first). */
  public previous(tier: Tier | string): Tier | undefined {
    const name = typeof tier === 'string' ? tier : tier.name;
    const i = this.all.findIndex((t) => t.name === name);
    return i > 0 ? this.all[i - 1] : undefined;
  }

  /** The tiers in promotion order. */
  public [Symbol.iterator](): Iterator<Tier> {
    return this.all[Symbol.iterator]();
  }
}
