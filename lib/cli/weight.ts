/** `switchyard weight`: sends a share of the traffic to the idle slot (a canary). */
import { otherSlot, versionIn } from '../release/ledger';
import * as ops from '../release/ledger-ops';
import { FlagSpec, requireFlag } from './args';
import { Command, UsageError } from './io';
import { deployCommand } from './model-file';
import { STEP_FLAGS, stepCommand, target } from './step';

export const name = 'weight';
export const usage = 'weight <service> <percent> --tier TIER [--by NAME]';
export const flags: FlagSpec = STEP_FLAGS;

export const run: Command = stepCommand({ name, usage, flags }, ['service', 'percent'], ['tier'], (c, [service, percent], p) => {
  const tier = requireFlag(p, 'tier');
  target(c, service, tier);
  const data = ops.setWeight(c.ledger.data, c.ops, { service, tier, percent: Number(percent), by: c.by, at: c.at });
  const r = data.tiers[tier][service];
  const idle = otherSlot(r.live);
  return {
    data,
    said: `${service} in ${tier} sends ${r.weight}% of its traffic to ${idle} (${versionIn(r, idle)}), the rest to ${r.live} (${versionIn(r, r.live)})`,
    next: deployCommand(c.app, tier),
  };
}, ([, percent]) => {
  if (!/^-?\d+$/.test(percent)) throw new UsageError(`<percent> "${percent}" is not a whole number: give 0 to 100, the share of traffic sent to the idle slot`);
});
