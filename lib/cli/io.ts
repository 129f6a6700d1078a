import { ConfigurationError } from '../private/errors';
import type { FlagSpec } from './args';

/** What a CLI command talks to: output streams, the working folder and the clock (replaceable in tests). */
export interface CliIo {
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
  /** The folder relative paths are resolved against. */
  readonly cwd: string;
  /** The current time. */
  now(): Date;
  /**
   * Waits `ms` milliseconds (a rollout between its steps).
   * @default - a timer
   */
  sleep?(ms: number): Promise<void>;
}

/**
 * A CLI command: takes its arguments (after the verb), returns the exit code, or a promise of it for a
 * command that waits on something (Prometheus, a chart renderer); the rest answer synchronously.
 */
export type Command = (args: string[], io: CliIo) => number | Promise<number>;

/**
 * A verb of the CLI, as its module (lib/cli/<verb>.ts) exports it: `switchyard help` is made of the
 * usage lines, and the dispatcher loads a verb's module only when that verb runs.
 */
export interface Verb {
  /** The verb (what follows `switchyard`). */
  readonly name: string;
  /** Its usage line, after `switchyard `. */
  readonly usage: string;
  /** The flags it takes. */
  readonly flags: FlagSpec;
  /** Runs it. */
  readonly run: Command;
  /**
   * The exit code of a refused command line, for a verb whose 2 means something else (analyze: inconclusive).
   * @default 2
   */
  readonly usageExit?: number;
}

/** A refusal of the command line itself (unknown flag, missing argument): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The real process: stdout, stderr, process.cwd() and the system clock. */
export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    cwd: process.cwd(),
    now: () => new Date(),
  };
}

/**
 * A command that reports a refusal (a ConfigurationError: what, the value,
 * the fix) on standard error and exits 1, as the dispatcher does, also when
 * it is called on its own.
 */
export function refusing<R extends number | Promise<number>>(command: (args: string[], io: CliIo) => R): (args: string[], io: CliIo) => R {
  return (args, io) => {
    const refused = (e: unknown): number => {
      if (e instanceof ConfigurationError) {
        io.err(e.message);
        return 1;
      }
      throw e;
    };
    try {
      const code = command(args, io);
      return (code instanceof Promise ? code.catch(refused) : code) as R;
    } catch (e) {
      return refused(e) as R;
    }
  };
}
