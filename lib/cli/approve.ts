/** `switchyard approve`: records an approval of a version for a tier that asks for one. */
import { versionIn } from '../release/ledger';
import * as ops from '../release/ledger-ops';
import { FlagSpec, requireFlag } from './args';
import { Command } from './io';
import { STEP_FLAGS, stepCommand, target } from './step';

export const name = 'approve';
export const usage = 'approve <service> <version> --tier TIER --by NAME';
export const flags: FlagSpec = STEP_FLAGS;

export const run: Command = stepCommand({ name, usage, flags }, ['service', 'version'], ['tier', 'by'], (c, [service, version], p) => {
  const tier = requireFlag(p, 'tier');
  target(c, service, tier);
  const data = ops.approve(c.ledger.data, c.ops, { service, tier, version, by: c.by, at: c.at });
  const previous = c.tiers.previous(tier);
  const before = previous && c.ledger.release(previous.name, service);
  const promotable = previous && before && versionIn(before, before.live) === version;
  return {
    data,
    said: `approved ${service} ${version} for ${tier} (by ${c.by})`,
    next: promotable ? `switchyard promote ${service} --from ${previous.name} --to ${tier}` : `switchyard stage ${service} ${version} --tier ${tier}`,
  };
});
