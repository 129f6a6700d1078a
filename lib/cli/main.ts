#!/usr/bin/env node
/**
 * The `switchyard` command: `switchyard <verb> [arguments] [flags]`.
 *
 * A dispatcher over one table of verbs; each verb is a `Command` (lib/cli/io.ts)
 * that returns its exit code. Exit codes: 0 done, 1 refused (a rule broken:
 * the message names the file or entry, the value and the fix), 2 a usage
 * error (unknown verb, bad flags or arguments).
 */
import { ConfigurationError } from '../private/errors';
import { CliIo, Command, processIo, UsageError } from './io';

/* eslint-disable @typescript-eslint/no-require-imports */
// Each verb's module is loaded when that verb runs, not before: a command pays only for its own code.
const release = () => require('./release') as typeof import('./release');
const LOADERS: Readonly<Record<string, () => Command>> = {
  init: () => (require('./init') as typeof import('./init')).initCommand,
  ...Object.fromEntries(['status', 'stage', 'switch', 'rollback', 'weight', 'approve', 'promote', 'retire'].map((v) => [v, () => release().RELEASE_COMMANDS[v]])),
  graph: () => (require('./graph') as typeof import('./graph')).GRAPH_COMMANDS.graph,
  pipeline: () => (require('./pipeline') as typeof import('./pipeline')).pipelineCommand,
  metrics: () => (require('./metrics') as typeof import('./metrics')).metricsCommand,
};

/** The verbs of the CLI, in the order `switchyard help` lists them. */
export const VERBS: readonly string[] = Object.keys(LOADERS);

/** One usage line per verb, as `switchyard help` prints them (loads every verb's module). */
export function usage(): Readonly<Record<string, string>> {
  return {
    init: (require('./init') as typeof import('./init')).INIT_USAGE,
    ...release().RELEASE_USAGE,
    ...(require('./graph') as typeof import('./graph')).GRAPH_USAGE,
    pipeline: 'pipeline github|gitlab [--out DIR] [--model PATH] [--branch NAME] [--image REF] [--check]',
    metrics: 'metrics [--tier T] [--since DATE] [--until DATE] [--format table|json] [--svg FILE]',
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */

const FLAGS = [
  'flags:',
  '  --ledger PATH   the release ledger (default releases.json, in the current folder; graph and metrics: the ledger the model names)',
  '  --model PATH    the delivery model written by synth (default cdktf.out/switchyard.json)',
  '  --by NAME       who takes a step (default $SWITCHYARD_USER, then $USER, else unknown)',
  '  --break-lock    take over a stale lock of the ledger (its process is gone, or it is older than 10 minutes)',
];

function help(): string[] {
  const lines = usage();
  return ['usage: switchyard <verb> [arguments] [flags]', '', 'verbs:', ...VERBS.map((v) => `  switchyard ${lines[v] ?? v}`), '', ...FLAGS];
}

/** Runs `switchyard` with `argv` (the arguments after the program name); returns the exit code. */
export function main(argv: string[], io: CliIo): number {
  const [verb, ...args] = argv;
  if (verb === 'help' || verb === '--help' || verb === '-h') {
    for (const line of help()) io.out(line);
    return 0;
  }
  const command = verb === undefined ? undefined : Object.prototype.hasOwnProperty.call(LOADERS, verb) ? LOADERS[verb]() : undefined;
  if (!command) {
    io.err(verb === undefined ? 'switchyard: no verb given' : `switchyard: unknown verb "${verb}" (known: ${VERBS.join(', ')})`);
    for (const line of help()) io.err(line);
    return 2;
  }
  try {
    return command(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      for (const line of `switchyard ${e.message}`.split('\n')) io.err(line);
      return 2;
    }
    if (e instanceof ConfigurationError) {
      io.err(e.message);
      return 1;
    }
    io.err(`switchyard ${verb}: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), processIo());
}
