import type { ResolvedAnalysis } from './release/analysis';
import * as path from 'path';
import { AppStack } from './app-stack';
import { Cache } from './dependencies/cache';
import { IDependency, isDependency } from './dependencies/contract';
import type { Engine } from './dependencies/versions';
import { Queue } from './dependencies/messaging/queue';
import { Topic } from './dependencies/messaging/topic';
import { Postgres } from './dependencies/postgres';
import { IConstruct } from './private/cdk';
import { AddonsStack, PlatformStack } from './platform/stacks';
import { BlueGreenService } from './release/blue-green-service';
import { ServiceRelease } from './release/ledger';
import { TierStack } from './tier/stack';
import { Tier } from './tier/tier';

/** File name of the delivery model, written beside the manifest at every synth. */
export const MODEL_FILE = 'switchyard.json';

/** A tier as the CLI needs it. */
export interface ModelTier {
  /** The tier's name (`dev`, `staging`, `prod`, or one of the program's own). */
  readonly name: string;
  /** Its place in the promotion order: a version moves to the tier of the next higher order. */
  readonly order: number;
  /** How the tier binds dependencies: in the cluster, or to managed AWS services. */
  readonly binding: 'in-cluster' | 'managed';
  /** True when a version needs a recorded approval before it enters the tier. */
  readonly approvalRequired: boolean;
  /** True when the tier's profile asks for high availability (multi-AZ, disruption budgets). */
  readonly highAvailability: boolean;
  /**
   * AWS region of the tier (generated pipelines sign in to AWS there).
   * @default - none: the tier needs no AWS (an existing cluster from a kubeconfig)
   */
  readonly region?: string;
  /**
   * The role the tier's deploy jobs assume (the tier's `clusterAccess.deployRole`); the generated
   * pipeline writes it instead of reading a CI variable.
   * @default - none declared: the pipeline reads it from its CI variable
   */
  readonly deployRole?: string;
  /**
   * The read-only role of the tier's plan and drift jobs (`clusterAccess.planRole`).
   * @default - none declared: the pipeline reads it from its CI variable
   */
  readonly planRole?: string;
}

/** A stack of the program. */
export interface ModelStack {
  /** The stack's name, as `cdktf deploy` takes it (`<layer>-<tier>`). */
  readonly name: string;
  /** The tier it belongs to. */
  readonly tier: string;
  /** Its layer: the platform (network, cluster), the add-ons, an app, or another TierStack. */
  readonly kind: 'platform' | 'addons' | 'app' | 'other';
  /** Names of the stacks deployed before it. */
  readonly dependencies: string[];
  /**
   * Where the stack keeps its Terraform state (a generated pipeline needs one that outlives the runner).
   * @default - not recorded (a model written before it was added)
   */
  readonly backend?: 'local' | 's3' | 'hcp';
}

/** What a service may do with a queue or a topic beyond reading its connection secret. */
export interface ModelGrant {
  /** The dependency's name. */
  readonly dependency: string;
  /** `send` or `consume` (a queue), `publish` (a topic). */
  readonly action: 'send' | 'consume' | 'publish';
}

/** A service of an app in one tier. */
export interface ModelService {
  /** The service's name (its Deployments are `<name>-blue` and `<name>-green`). */
  readonly name: string;
  /** Its image repository, without tag (the slot's version is the tag). */
  readonly image: string;
  /** Names of the dependencies it connects to. */
  readonly connections: string[];
  /**
   * `worker` for a queue consumer (no Services, no route, no weight: only its live slot runs).
   * @default - a service served through Services (also a model written before workers were recorded)
   */
  readonly kind?: 'worker';
  /**
   * Whether it has a route (an HTTPRoute, which a ledger weight splits).
   * @default - not recorded (a model written before Switchyard recorded it)
   */
  readonly route?: boolean;
  /**
   * What it may do with the queues and topics it connects to (`grantSend`, `grantConsume`, `grantPublish`).
   * @default - none recorded (a model written before it was added)
   */
  readonly grants?: ModelGrant[];
  /**
   * Its release in the tier at synth time (the CLI reads the ledger itself for the current one).
   * @default - none: never staged in the tier
   */
  readonly release?: ServiceRelease;
  /**
   * How a canary of it is judged (`switchyard analyze`, `switchyard rollout`), defaults filled in.
   * @default - none: the service has no metrics in the tier (or a model written before it was added)
   */
  readonly analysis?: ResolvedAnalysis;
  /**
   * Whether a staged version runs smoke tests (a Job per slot and version, which `switchyard switch` checks).
   * @default false
   */
  readonly smoke?: boolean;
}

/** A dependency of an app in one tier. */
export interface ModelDependency {
  /** The dependency's name (unique in the app). */
  readonly name: string;
  /** The kind of its connection contract: `db`, `queue`, `topic` or `cache`. */
  readonly kind: string;
  /** How the tier binds it: `in-cluster` or `managed`. */
  readonly binding: string;
  /**
   * The engine, where a release may require its version.
   * @default - none: a dependency without an engine version (a queue, a topic), or a model written before
   */
  readonly engine?: Engine;
  /**
   * The engine version the program declares, with `engine`.
   * @default - none, as `engine`
   */
  readonly engineVersion?: string;
  /**
   * What runs it in the tier, e.g. `RDS PostgreSQL 17`, `CloudNativePG (PostgreSQL 17)`, `SQS`, `ElastiCache Valkey 9.0`.
   * @default - not recorded: a dependency of the program's own kind, or a model written before it was added
   */
  readonly runsOn?: string;
  /**
   * The queues a topic delivers to (`Topic.subscribe`).
   * @default - none: not a topic, no subscription, or a model written before it was added
   */
  readonly subscribers?: string[];
}

/** An app in one tier. */
export interface ModelAppTier {
  /** The app's stack in the tier (`<app>-<tier>`). */
  readonly stack: string;
  /** The Kubernetes namespace the app runs in. */
  readonly namespace: string;
  /** Its services, in the order the program declares them. */
  readonly services: ModelService[];
  /** Its dependencies bound in the tier, in the order the program declares them. */
  readonly dependencies: ModelDependency[];
}

/** An app of the program. */
export interface ModelApp {
  /** The app's name. */
  readonly name: string;
  /** The ledger file, relative to the folder the synth ran in. */
  readonly ledger: string;
  /** The app in each tier it has a stack in, by tier name. */
  readonly tiers: Record<string, ModelAppTier>;
}

/**
 * What the program delivers, written as `switchyard.json` beside cdktf's
 * manifest: the tiers in promotion order with their approval rule, the
 * stacks, and each app's services and dependencies per tier. The
 * `switchyard` CLI reads it to apply the same rules as synth, and to draw
 * and generate from the same model.
 */
export interface DeliveryModel {
  /** The model's format: 1 (fields added since are optional, so older models stay readable). */
  readonly version: 1;
  /** The tiers, in promotion order (also those only the ledgers know). */
  readonly tiers: ModelTier[];
  /** Every stack of the program, in synth order. */
  readonly stacks: ModelStack[];
  /** Every app of the program. */
  readonly apps: ModelApp[];
}

/** Builds the model of everything under `root`. */
export function buildModel(root: IConstruct): DeliveryModel {
  const stacks = root.node.findAll().filter((c): c is TierStack => c instanceof TierStack);
  const tiers = new Map<string, ModelTier>();
  const modelTier = (t: Tier): ModelTier => ({
    name: t.name,
    order: t.order,
    binding: t.profile.binding,
    approvalRequired: t.profile.approvalRequired,
    highAvailability: t.profile.highAvailability,
    ...(t.region ? { region: t.region } : {}),
    ...(t.clusterAccess.deployRole ? { deployRole: t.clusterAccess.deployRole } : {}),
    ...(t.clusterAccess.planRole ? { planRole: t.clusterAccess.planRole } : {}),
  });
  const addTier = (stack: TierStack) => {
    tiers.set(stack.tier.name, modelTier(stack.tier));
  };
  const apps = new Map<string, { name: string; ledger: string; tiers: Record<string, ModelAppTier> }>();
  for (const stack of stacks) {
    addTier(stack);
    if (!(stack instanceof AppStack)) continue;
    // Every tier the app's ledger knows is part of the promotion order, deployed here or not.
    for (const t of stack.ledger.tiers) {
      if (!tiers.has(t.name)) tiers.set(t.name, modelTier(t));
    }
    const app = apps.get(stack.appName) ?? { name: stack.appName, ledger: path.relative(process.cwd(), stack.ledger.source), tiers: {} };
    apps.set(stack.appName, app);
    const children = stack.node.findAll();
    app.tiers[stack.tier.name] = {
      stack: stack.node.id,
      namespace: stack.namespace,
      services: children.filter((c): c is BlueGreenService => c instanceof BlueGreenService).map((s) => ({
        name: s.name,
        image: s.image,
        ...(s.kind === 'worker' ? { kind: 'worker' as const } : {}),
        connections: s.connectedDependencies.map((d) => d.name),
        route: s.routed,
        grants: s.grantedAccess.map((g) => ({ dependency: g.dependency.name, action: g.action })),
        ...(s.release ? { release: s.release } : {}),
        ...(s.analysis ? { analysis: s.analysis } : {}),
        ...(s.smokeTested ? { smoke: true } : {}),
      })),
      dependencies: children.filter(isDependency).map((d) => modelDependency(d, stack.tier)),
    };
  }
  return {
    version: 1,
    tiers: [...tiers.values()].sort((a, b) => a.order - b.order),
    stacks: stacks.map((s) => ({
      name: s.node.id,
      tier: s.tier.name,
      kind: s instanceof PlatformStack ? 'platform' : s instanceof AddonsStack ? 'addons' : s instanceof AppStack ? 'app' : 'other',
      dependencies: s.dependencies.map((d) => d.node.id),
      backend: s.backend.kind,
    })),
    apps: [...apps.values()],
  };
}

function modelDependency(d: IDependency, tier: Tier): ModelDependency {
  const runsOn = runsOnOf(d, tier);
  const subscribers = d instanceof Topic ? d.subscribers.map((q) => q.name) : [];
  return {
    name: d.name,
    kind: d.kind,
    binding: tier.profile.binding,
    ...(d.engine && d.declaredEngineVersion ? { engine: d.engine, engineVersion: d.declaredEngineVersion } : {}),
    ...(runsOn ? { runsOn } : {}),
    ...(subscribers.length ? { subscribers } : {}),
  };
}

/** What runs a dependency of Switchyard's own in the tier, named as its provider names it. */
function runsOnOf(d: IDependency, tier: Tier): string | undefined {
  const fifo = (x: Queue | Topic) => (x.fifo ? ' FIFO' : '');
  if (d instanceof Postgres) {
    if (d.instance) return `RDS PostgreSQL ${d.engineVersion}`;
    if (d.auroraCluster) return `Aurora PostgreSQL ${d.engineVersion}`;
    return `CloudNativePG (PostgreSQL ${d.engineVersion})`;
  }
  if (d instanceof Cache) return tier.managed ? `ElastiCache Valkey ${d.engineVersion}` : 'Valkey (official chart)';
  if (d instanceof Queue) return tier.managed ? `SQS${fifo(d)}` : `messaging server (SQS${fifo(d)} API)`;
  if (d instanceof Topic) return tier.managed ? `SNS${fifo(d)}` : `messaging server (SNS${fifo(d)} API)`;
  return undefined;
}

