/** `switchyard rollback`: makes the version live before the last switch live again. */
import { otherSlot, versionIn } from '../release/ledger';
import * as ops from '../release/ledger-ops';
import { FlagSpec, requireFlag } from './args';
import { Command } from './io';
import { deployCommand } from './model-file';
import { STEP_FLAGS, stepCommand, target } from './step';

export const name = 'rollback';
export const usage = 'rollback <service> --tier TIER [--by NAME]';
export const flags: FlagSpec = STEP_FLAGS;

export const run: Command = stepCommand({ name, usage, flags }, ['service'], ['tier'], (c, [service], p) => {
  const tier = requireFlag(p, 'tier');
  target(c, service, tier);
  const data = ops.rollback(c.ledger.data, c.ops, { service, tier, by: c.by, at: c.at });
  const r = data.tiers[tier][service];
  const idle = otherSlot(r.live);
  return {
    data,
    said: `rolled back ${service} in ${tier} to ${r.live}: ${versionIn(r, r.live)} is live again; ${idle} keeps ${versionIn(r, idle)}`,
    next: deployCommand(c.app, tier),
  };
});
