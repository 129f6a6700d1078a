/**
 * The order a pipeline deploys in: the tiers in promotion order, each tier's stacks after the
 * stacks they depend on. Pure: same model, same order.
 */
import type { DeliveryModel, ModelStack, ModelTier } from '../../model';
import { CDKTF_CLI } from '../../private/cdk-cli';
import { fail } from '../../private/errors';
import { DEFAULT_MODEL as DEFAULT_MODEL_PATH } from '../model-file';

/** A tier as a pipeline deploys it: its stacks in dependency order. */
export interface TierDeployment {
  readonly tier: ModelTier;
  /** Stack names, every stack after the stacks it depends on. */
  readonly stacks: string[];
  /** Suffix of the tier's CI variables: `prod` gives `AWS_ROLE_ARN_PROD`. */
  readonly varSuffix: string;
}

/**
 * The tiers a pipeline deploys, in promotion order, each with its stacks in
 * dependency order. Tiers without stacks (known to the ledger only) are left out.
 * @throws ConfigurationError when there is nothing to deploy, a stack depends on a stack of
 * another tier, or dependencies form a cycle
 */
export function tierDeployments(model: DeliveryModel, source = DEFAULT_MODEL_PATH): TierDeployment[] {
  const byName = new Map(model.stacks.map((s) => [s.name, s]));
  const result: TierDeployment[] = [];
  for (const tier of [...model.tiers].sort((a, b) => a.order - b.order)) {
    const stacks = model.stacks.filter((s) => s.tier === tier.name);
    if (stacks.length === 0) continue;
    for (const s of stacks) {
      for (const d of s.dependencies) {
        const dep = byName.get(d);
        if (dep && dep.tier !== tier.name) {
          fail(`${source}: stacks.${s.name}`, `stack "${s.name}" of tier "${tier.name}" depends on %v of tier "${dep.tier}"`, d, 'a pipeline deploys one tier per job: keep each stack\'s dependencies in its own tier (pass values between tiers through a data source or the ledger)');
        }
      }
    }
    result.push({ tier, stacks: dependencyOrder(stacks, source), varSuffix: tier.name.toUpperCase().replace(/-/g, '_') });
  }
  if (result.length === 0) {
    fail(source, 'the delivery model has %v stacks', 0, `declare stacks in the program and synthesize (\`npx ${CDKTF_CLI} synth\`) before generating a pipeline`);
  }
  return result;
}

/** Stacks ordered so each comes after its dependencies; ties keep the model's order. */
function dependencyOrder(stacks: ModelStack[], source: string): string[] {
  const names = new Set(stacks.map((s) => s.name));
  const done: string[] = [];
  const left = [...stacks];
  while (left.length > 0) {
    const i = left.findIndex((s) => s.dependencies.every((d) => !names.has(d) || done.includes(d)));
    if (i < 0) {
      fail(`${source}: stacks`, 'stacks %v depend on each other in a cycle', left.map((s) => s.name), `break the cycle in the program (${CDKTF_CLI} cannot deploy it either)`);
    }
    done.push(left[i].name);
    left.splice(i, 1);
  }
  return done;
}
