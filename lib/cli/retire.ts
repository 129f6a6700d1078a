/** `switchyard retire`: scales the idle slot to zero (no rollback target until the next stage). */
import { otherSlot, versionIn } from '../release/ledger';
import * as ops from '../release/ledger-ops';
import { FlagSpec, requireFlag } from './args';
import { Command } from './io';
import { deployCommand } from './model-file';
import { STEP_FLAGS, stepCommand, target } from './step';

export const name = 'retire';
export const usage = 'retire <service> --tier TIER [--by NAME]';
export const flags: FlagSpec = STEP_FLAGS;

export const run: Command = stepCommand({ name, usage, flags }, ['service'], ['tier'], (c, [service], p) => {
  const tier = requireFlag(p, 'tier');
  target(c, service, tier);
  const data = ops.retire(c.ledger.data, c.ops, { service, tier, by: c.by, at: c.at });
  const r = data.tiers[tier][service];
  const idle = otherSlot(r.live);
  return {
    data,
    said: `retired ${idle} of ${service} in ${tier}: ${versionIn(r, idle)} scales to 0 replicas; no rollback target until the next stage`,
    next: deployCommand(c.app, tier),
  };
});
