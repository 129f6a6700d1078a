import { IConstruct } from './cdk';

/**
 * The error Switchyard throws for invalid configuration, at synth time.
 *
 * Its message always has the same three parts: where (the construct path),
 * what (the offending value) and the fix:
 *
 * `[shop-prod/orders] engineVersion "9.6" is not supported: use one of 14, 15, 16, 17.`
 */
export class ConfigurationError extends Error {
  /** The construct path (or, before a construct exists, the name of what was configured). */
  public readonly path: string;
  /** The offending value. */
  public readonly value: unknown;
  /** What to do instead. */
  public readonly fix: string;

  constructor(where: IConstruct | string, problem: string, value: unknown, fix: string) {
    const path = typeof where === 'string' ? where : where.node.path || '<app>';
    super(`[${path}] ${problem.replace('%v', show(value))}: ${fix}`);
    this.name = 'ConfigurationError';
    this.path = path;
    this.value = value;
    this.fix = fix;
  }
}

/** Throws a {@link ConfigurationError}. `problem` may contain `%v`, replaced by the quoted value. */
export function fail(where: IConstruct | string, problem: string, value: unknown, fix: string): never {
  throw new ConfigurationError(where, problem, value, fix);
}

/** A short, quoted rendering of a value for error messages. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}
