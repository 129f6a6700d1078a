/** `switchyard switch`: makes the idle slot live; the other keeps its version for a rollback. */
import { fail } from '../private/errors';
import { otherSlot, Slot, versionIn } from '../release/ledger';
import * as ops from '../release/ledger-ops';
import { FlagSpec, requireFlag } from './args';
import { Command } from './io';
import { checkService, checkTier, deployCommand } from './model-file';
import { checkSmoke } from './smoke-check';
import { flag, read, STEP_FLAGS, stepCommand, target } from './step';

export const name = 'switch';
export const usage = 'switch <service> --tier TIER [--by NAME] [--verify-smoke] [--context NAME]';
export const flags: FlagSpec = { ...STEP_FLAGS, 'verify-smoke': 'boolean', context: 'string' };

export const run: Command = stepCommand<{ slot: Slot; version: string } | undefined>({ name, usage, flags }, ['service'], ['tier'], (c, [service], p, checked) => {
  const tier = requireFlag(p, 'tier');
  target(c, service, tier);
  const before = c.ledger.release(tier, service);
  // The version whose smoke tests were checked is the one this step puts live: nothing was staged meanwhile.
  if (checked && before && (otherSlot(before.live) !== checked.slot || versionIn(before, checked.slot) !== checked.version)) {
    fail(`${c.ledgerFile}: tiers.${tier}.${service}`, 'the ledger changed while the smoke tests of %v were checked', checked.version, `run switchyard switch ${service} --tier ${tier} again`);
  }
  const data = ops.switchLive(c.ledger.data, c.ops, { service, tier, by: c.by, at: c.at });
  const r = data.tiers[tier][service];
  const idle = otherSlot(r.live);
  return {
    data,
    said: `switched ${service} in ${tier} to ${r.live}: ${versionIn(r, r.live)} is live; ${idle} keeps ${versionIn(r, idle)} for a rollback`,
    next: deployCommand(c.app, tier),
  };
}, undefined, (io, [service], p) => {
  // Before the lock is taken (kubectl may take seconds): the smoke tests of the version going live.
  const tier = requireFlag(p, 'tier');
  const { modelFile, ledgerFile, tiers, app, ledger } = read(io, p);
  checkTier(tiers, tier, modelFile, ledgerFile);
  checkService(app, tier, service, modelFile, ledgerFile);
  const model = app.tiers[tier].services.find((s) => s.name === service)!;
  const r = ledger.release(tier, service);
  const slot = r ? otherSlot(r.live) : undefined;
  const version = r && slot ? versionIn(r, slot) : undefined;
  if (!model.smoke || !r || !slot || !version || r.retired) return undefined;
  checkSmoke(io, { service, tier, namespace: app.tiers[tier].namespace, slot, version }, { required: p.flags['verify-smoke'] === true, context: flag(p, 'context') });
  return { slot, version };
});
