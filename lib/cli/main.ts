#!/usr/bin/env node
/**
 * The `switchyard` command: `switchyard <verb> [arguments] [flags]`.
 *
 * A dispatcher over the verbs' modules (lib/cli/<verb>.ts), each exporting its
 * name, usage line, flags and run (a `Command`, lib/cli/io.ts, that returns its
 * exit code). Exit codes: 0 done, 1 refused (a rule broken: the message names
 * the file or entry, the value and the fix), 2 a usage error (unknown verb,
 * bad flags or arguments).
 */
import { ConfigurationError } from '../private/errors';
import { CliIo, processIo, UsageError, Verb } from './io';

/* eslint-disable @typescript-eslint/no-require-imports */
// A verb's module is loaded when that verb runs, not before: a command pays only for its own code.
const MODULES: Readonly<Record<string, () => Verb>> = {
  init: () => require('./init') as typeof import('./init'),
  status: () => require('./status') as typeof import('./status'),
  stage: () => require('./stage') as typeof import('./stage'),
  switch: () => require('./switch') as typeof import('./switch'),
  rollback: () => require('./rollback') as typeof import('./rollback'),
  weight: () => require('./weight') as typeof import('./weight'),
  approve: () => require('./approve') as typeof import('./approve'),
  promote: () => require('./promote') as typeof import('./promote'),
  retire: () => require('./retire') as typeof import('./retire'),
  abort: () => require('./abort') as typeof import('./abort'),
  analyze: () => require('./analyze') as typeof import('./analyze'),
  rollout: () => require('./rollout') as typeof import('./rollout'),
  graph: () => require('./graph') as typeof import('./graph'),
  pipeline: () => require('./pipeline') as typeof import('./pipeline'),
  metrics: () => require('./metrics') as typeof import('./metrics'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The verbs of the CLI, in the order `switchyard help` lists them. */
export const VERBS: readonly string[] = Object.keys(MODULES);

/** The module of `verb` (loads it), or undefined for an unknown verb. */
export function verb(name: string): Verb | undefined {
  return Object.prototype.hasOwnProperty.call(MODULES, name) ? MODULES[name]() : undefined;
}

const FLAGS = [
  'flags:',
  '  --ledger PATH   the release ledger (default releases.json, in the current folder; graph and metrics: the ledger the model names)',
  '  --model PATH    the delivery model written by synth (default cdktf.out/switchyard.json)',
  '  --by NAME       who takes a step (default $SWITCHYARD_USER, then $USER, else unknown)',
  '  --break-lock    take over a stale lock of the ledger (its process is gone, or it is older than 10 minutes)',
];

/** `switchyard help`: every verb's usage line (loads every verb's module), then the common flags. */
function help(): string[] {
  return ['usage: switchyard <verb> [arguments] [flags]', '', 'verbs:', ...VERBS.map((v) => `  switchyard ${verb(v)!.usage}`), '', ...FLAGS];
}

/** Runs `switchyard` with `argv` (the arguments after the program name); returns the exit code (a promise of it for a verb that waits). */
export function main(argv: string[], io: CliIo): number | Promise<number> {
  const [name, ...args] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    for (const line of help()) io.out(line);
    return 0;
  }
  const command = name === undefined ? undefined : verb(name)?.run;
  if (!command) {
    io.err(name === undefined ? 'switchyard: no verb given' : `switchyard: unknown verb "${name}" (known: ${VERBS.join(', ')})`);
    for (const line of help()) io.err(line);
    return 2;
  }
  const failed = (e: unknown): number => {
    if (e instanceof UsageError) {
      for (const line of `switchyard ${e.message}`.split('\n')) io.err(line);
      return 2;
    }
    if (e instanceof ConfigurationError) {
      io.err(e.message);
      return 1;
    }
    io.err(`switchyard ${name}: ${(e as Error).stack ?? String(e)}`);
    return 1;
  };
  try {
    const code = command(args, io);
    return code instanceof Promise ? code.catch(failed) : code;
  } catch (e) {
    return failed(e);
  }
}

if (require.main === module) {
  const code = main(process.argv.slice(2), processIo());
  if (code instanceof Promise) void code.then((c) => { process.exitCode = c; });
  else process.exitCode = code;
}
