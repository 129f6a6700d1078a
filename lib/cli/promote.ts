/** `switchyard promote`: takes the live version of a tier into the idle slot of the next one. */
import { ServiceRelease, versionIn } from '../release/ledger';
import * as ops from '../release/ledger-ops';
import { FlagSpec, requireFlag } from './args';
import { Command } from './io';
import { checkTier, deployCommand } from './model-file';
import { COMMON_FLAGS, staged, stepCommand, target } from './step';

export const name = 'promote';
export const usage = 'promote <service> --from TIER --to TIER [--by NAME]';
export const flags: FlagSpec = { ...COMMON_FLAGS, from: 'string', to: 'string', by: 'string', 'break-lock': 'boolean' };

export const run: Command = stepCommand({ name, usage, flags }, ['service'], ['from', 'to'], (c, [service], p) => {
  const from = requireFlag(p, 'from');
  const to = requireFlag(p, 'to');
  checkTier(c.tiers, from, c.modelFile, c.ledgerFile);
  target(c, service, to);
  const before = c.ledger.release(to, service);
  const data = ops.promote(c.ledger.data, c.ops, { service, from, to, by: c.by, at: c.at });
  const source = c.ledger.release(from, service) as ServiceRelease;
  return { data, said: staged(`promoted ${service} ${versionIn(source, source.live)} from ${from}`, service, to, before, data), next: deployCommand(c.app, to) };
});
