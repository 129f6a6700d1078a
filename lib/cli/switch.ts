/** `switchyard switch`: makes the idle slot live; the other keeps its version for a rollback. */
import { otherSlot, versionIn } from '../release/ledger';
import * as ops from '../release/ledger-ops';
import { FlagSpec, requireFlag } from './args';
import { Command } from './io';
import { deployCommand } from './model-file';
import { STEP_FLAGS, stepCommand, target } from './step';

export const name = 'switch';
export const usage = 'switch <service> --tier TIER [--by NAME]';
export const flags: FlagSpec = STEP_FLAGS;

export const run: Command = stepCommand({ name, usage, flags }, ['service'], ['tier'], (c, [service], p) => {
  const tier = requireFlag(p, 'tier');
  target(c, service, tier);
  const data = ops.switchLive(c.ledger.data, c.ops, { service, tier, by: c.by, at: c.at });
  const r = data.tiers[tier][service];
  const idle = otherSlot(r.live);
  return {
    data,
    said: `switched ${service} in ${tier} to ${r.live}: ${versionIn(r, r.live)} is live; ${idle} keeps ${versionIn(r, idle)} for a rollback`,
    next: deployCommand(c.app, tier),
  };
});
