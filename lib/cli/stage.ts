/** `switchyard stage`: puts a version into the idle slot of a tier (the first release of a service there goes live at once). */
import { isIsoTime } from '../release/ledger';
import * as ops from '../release/ledger-ops';
import { FlagSpec, requireFlag } from './args';
import { Command, UsageError } from './io';
import { deployCommand } from './model-file';
import { flag, staged, STEP_FLAGS, stepCommand, target } from './step';

export const name = 'stage';
export const usage = 'stage <service> <version> --tier TIER [--by NAME] [--commit-time ISO] [--requires DEP.SETTING=VALUE[,...]]';
export const flags: FlagSpec = { ...STEP_FLAGS, 'commit-time': 'string', requires: 'string' };

export const run: Command = stepCommand({ name, usage, flags }, ['service', 'version'], ['tier'], (c, [service, version], p) => {
  const tier = requireFlag(p, 'tier');
  const commitAt = flag(p, 'commit-time');
  const requires = parseRequires(flag(p, 'requires'));
  target(c, service, tier);
  const before = c.ledger.release(tier, service);
  const data = ops.stage(c.ledger.data, c.ops, { service, tier, version, by: c.by, at: c.at, ...(commitAt ? { commitAt } : {}), ...(requires ? { requires } : {}) });
  return { data, said: staged(`staged ${service} ${version}`, service, tier, before, data), next: deployCommand(c.app, tier) };
}, (_, p) => {
  const commitAt = flag(p, 'commit-time');
  if (commitAt !== undefined && !isIsoTime(commitAt)) {
    throw new UsageError(`--commit-time "${commitAt}" is not an ISO 8601 time: give it like 2026-11-20T14:00:00Z`);
  }
  parseRequires(flag(p, 'requires'));
});

/** `orders.engineVersion=18,sessions.engineVersion=9.0` as the ledger's `requires`. */
function parseRequires(value: string | undefined): Record<string, Record<string, string>> | undefined {
  if (value === undefined) return undefined;
  const out: Record<string, Record<string, string>> = {};
  for (const part of value.split(',')) {
    const m = /^([a-z][-a-z0-9]*)\.([A-Za-z]+)=(\S+)$/.exec(part.trim());
    if (!m) throw new UsageError(`--requires "${part}" is not DEPENDENCY.SETTING=VALUE: give it like orders.engineVersion=18`);
    out[m[1]] = { ...(out[m[1]] ?? {}), [m[2]]: m[3] };
  }
  return out;
}
