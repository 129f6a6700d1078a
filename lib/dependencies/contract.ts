import { IConstruct, ITerraformDependable } from '../private/cdk';
import type { Statement } from '../private/iam';
import { envPrefix } from '../private/names';
import type { Engine } from './versions';

/** The kinds of dependency and the part of their environment variable names. */
export type DependencyKind = 'db' | 'queue' | 'topic' | 'cache';

/**
 * The keys of each kind's connection secret. Every binding of a kind writes
 * exactly these keys, so the app reads the same contract in every tier.
 */
export const CONTRACT_KEYS: Readonly<Record<DependencyKind, readonly string[]>> = {
  db: ['host', 'port', 'username', 'password', 'database', 'url', 'sslmode'],
  queue: ['url', 'arn', 'region', 'endpoint'],
  topic: ['arn', 'region', 'endpoint'],
  cache: ['host', 'port', 'password', 'tls', 'url'],
};

/**
 * Environment variable that carries `key` of a dependency's connection secret:
 * `<NAME>_<KIND>_<KEY>`, upper case, '-' as '_'. A Postgres named `orders`
 * gives `ORDERS_DB_URL`, a queue named `order-events` gives `ORDER_EVENTS_QUEUE_URL`.
 */
export function envVarName(dependency: string, kind: DependencyKind, key: string): string {
  return `${envPrefix(dependency)}_${kind.toUpperCase()}_${envPrefix(key)}`;
}

/** Name of the Kubernetes secret that holds a dependency's connection contract: `<name>-<kind>`. */
export function secretName(dependency: string, kind: DependencyKind): string {
  return `${dependency}-${kind}`;
}

/** A peer that may be granted network access to a dependency. */
export interface IConnectable extends IConstruct {
  /** Pod labels that select the peer's pods. */
  readonly podSelector: Readonly<Record<string, string>>;
}

/**
 * Where the pods of a connected service reach a dependency over the network: the destination of
 * their egress rule (TCP, one port).
 */
export interface NetworkDestination {
  /**
   * Pods of the app's namespace with these labels (a dependency that runs in the cluster).
   * @default - not pods of the namespace (then `cidrs`)
   */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * Address ranges (a managed dependency: the VPC's range, where its network interfaces are).
   * @default - none (then `podLabels`)
   */
  readonly cidrs?: readonly string[];
  /** The TCP port. */
  readonly port: number;
}

/** A dependency an application declares: its kind, its contract secret and what consumers wait for. */
export interface IDependency extends IConstruct {
  /** The dependency's name (a DNS label, unique in the app). */
  readonly name: string;
  /**
   * The kind of its connection contract: the keys of its secret and the middle of its environment variables
   * (`<NAME>_<KIND>_<KEY>`).
   */
  readonly kind: DependencyKind;
  /** Kubernetes secret in the app's namespace with the contract keys. */
  readonly secretName: string;
  /** Keys of the contract secret (CONTRACT_KEYS of the kind). */
  readonly contractKeys: readonly string[];
  /** What a consumer's Deployment must wait for (the connection secret, the database itself). */
  readonly readyAfter: ITerraformDependable[];
  /**
   * Opens the network path from `peer` to this dependency, and nothing else. Returns what opens it
   * (the security group rule that admits the peer's pods): the peer's pods start after it, so they
   * never try the path before it is there.
   */
  grantConnect(peer: IConnectable): ITerraformDependable[];
  /**
   * Where connected services reach it over the network: their pods' egress rules (the namespace
   * denies all other egress). A dependency reached only through AWS APIs (SQS, SNS) has none:
   * the IAM grant gives the service HTTPS to AWS.
   * @default - none: the connected services get no egress rule for it
   */
  readonly networkDestinations?: readonly NetworkDestination[];
  /**
   * The engine, for a dependency whose engine version a release may require (`requires`).
   * @default - none: no release can require a version of it
   */
  readonly engine?: Engine;
  /**
   * The engine version the program declares, with `engine`.
   * @default - none, as `engine`
   */
  readonly declaredEngineVersion?: string;
  /**
   * True when the connection secret's password rotates: the services that read it are restarted
   * when it changes (where the platform runs Reloader).
   * @default false
   */
  readonly rotates?: boolean;
}

/** What a queue allows a service to do. */
export type QueueAction = 'send' | 'consume';

/** A queue a service can be granted `send` or `consume` on. */
export interface IQueue extends IDependency {
  /** Always `queue`. */
  readonly kind: 'queue';
  /** The IAM statements a service needs for `action` (empty where no IAM applies, e.g. in the cluster). @internal */
  _permissions(action: QueueAction): Statement[];
}

/** A topic a service can be granted `publish` on. */
export interface ITopic extends IDependency {
  /** Always `topic`. */
  readonly kind: 'topic';
  /** The IAM statements a publisher needs (empty where no IAM applies). @internal */
  _permissions(action: 'publish'): Statement[];
}

/** True for a dependency (a value with the members of {@link IDependency}), also from plain JavaScript. */
export function isDependency(value: unknown): value is IDependency {
  const d = value as Partial<IDependency> | null | undefined;
  // grantConnect first: on a Terraform resource, `name` or `kind` is an attribute getter that makes a token.
  return typeof d === 'object' && d !== null && typeof d.grantConnect === 'function' && typeof d.name === 'string'
    && typeof d.kind === 'string' && typeof d.secretName === 'string';
}

/** What a value is, for a message: a construct by its class and path, anything else as JSON. */
export function describeValue(value: unknown): string {
  const c = value as { node?: { path?: unknown }; constructor?: { name?: string } } | null | undefined;
  if (c && typeof c === 'object' && c.node && typeof c.node.path === 'string') return `${c.constructor?.name ?? 'construct'} ${c.node.path}`;
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
