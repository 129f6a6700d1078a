import * as path from 'path';
import { AppStack } from './app-stack';
import { IDependency } from './dependencies/contract';
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
  readonly name: string;
  readonly order: number;
  readonly binding: 'in-cluster' | 'managed';
  readonly approvalRequired: boolean;
  readonly highAvailability: boolean;
  /** AWS region of the tier, when it has one (generated pipelines sign in to AWS there). */
  readonly region?: string;
}

/** A stack of the program. */
export interface ModelStack {
  readonly name: string;
  readonly tier: string;
  readonly kind: 'platform' | 'addons' | 'app' | 'other';
  /** Names of the stacks deployed before it. */
  readonly dependencies: string[];
  /** Where the stack keeps its Terraform state (a generated pipeline needs one that outlives the runner). */
  readonly backend?: 'local' | 's3' | 'hcp';
}

/** A service of an app in one tier. */
export interface ModelService {
  readonly name: string;
  readonly image: string;
  /** Names of the dependencies it connects to. */
  readonly connections: string[];
  /** Its release in the tier, if any. */
  readonly release?: ServiceRelease;
}

/** An app in one tier. */
export interface ModelAppTier {
  readonly stack: string;
  readonly namespace: string;
  readonly services: ModelService[];
  readonly dependencies: Array<{ readonly name: string; readonly kind: string; readonly binding: string }>;
}

/** An app of the program. */
export interface ModelApp {
  readonly name: string;
  /** The ledger file, relative to the folder the synth ran in. */
  readonly ledger: string;
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
  readonly version: 1;
  readonly tiers: ModelTier[];
  readonly stacks: ModelStack[];
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
        connections: s.connectedDependencies.map((d) => d.name),
        ...(s.release ? { release: s.release } : {}),
      })),
      dependencies: children.filter(isDependency).map((d) => ({ name: d.name, kind: d.kind, binding: stack.tier.profile.binding })),
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

function isDependency(c: IConstruct): c is IDependency {
  const d = c as Partial<IDependency>;
  // grantConnect first: on a Terraform resource, `name` or `kind` is an attribute getter that makes a token.
  return typeof d.grantConnect === 'function' && typeof d.name === 'string' && typeof d.kind === 'string' && typeof d.secretName === 'string';
}
