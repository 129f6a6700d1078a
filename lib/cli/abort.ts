/** `switchyard abort`: withdraws a canary's traffic (the idle slot's weight back to 0) without a switch, with the reason. */
import { otherSlot, versionIn } from '../release/ledger';
import * as ops from '../release/ledger-ops';
import { FlagSpec, requireFlag } from './args';
import { Command } from './io';
import { deployCommand } from './model-file';
import { flag, STEP_FLAGS, stepCommand, target } from './step';

export const name = 'abort';
export const usage = 'abort <service> --tier TIER [--reason TEXT] [--by NAME]';
export const flags: FlagSpec = { ...STEP_FLAGS, reason: 'string' };

export const run: Command = stepCommand({ name, usage, flags }, ['service'], ['tier'], (c, [service], p) => {
  const tier = requireFlag(p, 'tier');
  target(c, service, tier);
  const reason = flag(p, 'reason');
  const data = ops.abort(c.ledger.data, c.ops, { service, tier, by: c.by, at: c.at, ...(reason !== undefined ? { reason } : {}) });
  const r = data.tiers[tier][service];
  const idle = otherSlot(r.live);
  return {
    data,
    said: `aborted the canary of ${service} in ${tier}: ${idle} (${versionIn(r, idle)}) takes no traffic; ${r.live} (${versionIn(r, r.live)}) takes it all`,
    next: deployCommand(c.app, tier),
  };
});
