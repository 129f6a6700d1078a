/**
 * Engine versions Switchyard binds, and the check of a version, shared by the
 * dependencies (at synth) and the `switchyard` CLI (at `stage --requires`), so
 * both refuse the same values. No cdktf here: the CLI loads this file.
 */

/** PostgreSQL major versions Switchyard binds, with the in-cluster image of each (CloudNativePG). */
export const POSTGRES_VERSIONS: Readonly<Record<string, string>> = {
  '15': 'ghcr.io/cloudnative-pg/postgresql:15.19-standard-trixie',
  '16': 'ghcr.io/cloudnative-pg/postgresql:16.15-standard-trixie',
  '17': 'ghcr.io/cloudnative-pg/postgresql:17.11-standard-trixie',
  '18': 'ghcr.io/cloudnative-pg/postgresql:18.6-standard-trixie',
};
/** The default PostgreSQL major version. */
export const DEFAULT_POSTGRES_VERSION = '17';
/** PostgreSQL majors Aurora offers. */
export const AURORA_MAJORS: readonly string[] = ['15', '16', '17'];

/** Valkey versions Switchyard binds (major.minor), with the ElastiCache parameter group family of each. */
export const VALKEY_VERSIONS: Readonly<Record<string, string>> = {
  '7.2': 'valkey7', '8.0': 'valkey8', '8.1': 'valkey8', '8.2': 'valkey8', '9.0': 'valkey9',
};
/** The default Valkey version. */
export const DEFAULT_VALKEY_VERSION = '9.0';

/** The engines whose version a release may require. */
export type Engine = 'postgres' | 'aurora-postgres' | 'valkey';

/**
 * Why `version` is not a version of `engine` that Switchyard binds, as
 * `[what, fix]` (the message without the value, and what to do), or
 * undefined when it is one.
 */
export function engineVersionProblem(engine: Engine, version: string): [string, string] | undefined {
  if (engine === 'valkey') {
    return version in VALKEY_VERSIONS ? undefined
      : ['engineVersion %v is not a supported Valkey version', `use one of ${Object.keys(VALKEY_VERSIONS).join(', ')} (major.minor)`];
  }
  const m = /^(\d+)(\.\d+)?$/.exec(version);
  if (!m || !(m[1] in POSTGRES_VERSIONS)) {
    return ['engineVersion %v is not supported', `use a major version of ${Object.keys(POSTGRES_VERSIONS).join(', ')} (e.g. "17"), optionally with its minor ("17.11")`];
  }
  if (engine === 'aurora-postgres' && !AURORA_MAJORS.includes(m[1])) {
    return ['engineVersion %v is not offered by Aurora PostgreSQL', `use a major of ${AURORA_MAJORS.join(', ')} with engine "aurora", or engine "rds"`];
  }
  return undefined;
}

/** Compares dotted versions ("17.11" vs "17.6"): negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
