import { UsageError } from './io';

/** The flags a command accepts: `string` flags take a value (`--tier prod`), `boolean` flags none. */
export type FlagSpec = Record<string, 'string' | 'boolean'>;

/** Parsed arguments. */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Record<string, string | boolean | undefined>;
}

/**
 * Parses `args` against `flags` (`--name value`, `--name=value`, `--switch`).
 * Unknown flags, a string flag without a value, and more positionals than
 * `maxPositionals` are usage errors.
 */
export function parseArgs(args: string[], flags: FlagSpec, maxPositionals: number): ParsedArgs {
  const positionals: string[] = [];
  const out: Record<string, string | boolean | undefined> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
      const kind = flags[name];
      if (!kind) throw new UsageError(`unknown option --${name} (known: ${Object.keys(flags).map((f) => `--${f}`).join(', ') || 'none'})`);
      if (kind === 'boolean') {
        if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
        out[name] = true;
      } else {
        const value = inline ?? args[++i];
        if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
        out[name] = value;
      }
    } else {
      positionals.push(a);
    }
  }
  if (positionals.length > maxPositionals) throw new UsageError(`unexpected argument "${positionals[maxPositionals]}"`);
  return { positionals, flags: out };
}

/** The value of a string flag, or a usage error naming it. */
export function requireFlag(parsed: ParsedArgs, name: string): string {
  const v = parsed.flags[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}
