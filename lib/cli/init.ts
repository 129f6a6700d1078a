/** `switchyard init`: writes the first, empty release ledger of an app. */
import { fail } from '../private/errors';
import { formatLedger } from '../release/ledger-format';
import { FlagSpec, parseArgs, requireFlag } from './args';
import { CliIo, Command, UsageError } from './io';
import { createLedger } from './ledger-file';

export const name = 'init';
export const usage = 'init --app NAME [--ledger PATH]';
export const flags: FlagSpec = { app: 'string', ledger: 'string' };

/** Writes an empty, valid ledger; never over an existing file. */
export const run: Command = (args: string[], io: CliIo): number => {
  let app: string;
  let ledger: string;
  try {
    const p = parseArgs(args, flags, 0);
    app = requireFlag(p, 'app');
    ledger = (p.flags.ledger as string | undefined) ?? 'releases.json';
    if (ledger === '') throw new UsageError('--ledger needs a value');
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${name}: ${e.message}\nusage: switchyard ${usage}`);
    throw e;
  }
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(app) || app.length > 24) {
    fail('--app', 'app name %v is not valid', app, 'use the name of the AppStack: a DNS label of at most 24 characters, e.g. "shop"');
  }
  createLedger(io.cwd, ledger, formatLedger({ app, tiers: {} }));
  io.out(`wrote ${ledger}: the release ledger of app ${app}, with no release yet`);
  io.out(`next: load it in the program (ReleaseLedger.load('${ledger}', tiers)), synthesize, then switchyard stage <service> <version> --tier <first tier>`);
  return 0;
};
