/** Engine helpers shared by the RDS rules (not a rule). */
import type { TerraformConfig } from '../../rule';

/** The engine of an RDS instance or cluster (`mysql` when unset on a cluster, as AWS defaults to Aurora MySQL). */
export function engineOf(config: TerraformConfig): string {
  return typeof config.engine === 'string' ? config.engine : '';
}

export function isAurora(engine: string): boolean {
  return engine.startsWith('aurora');
}

/** PostgreSQL or Aurora PostgreSQL. */
export function isPostgres(engine: string): boolean {
  return engine === 'postgres' || engine === 'aurora-postgresql';
}

/** MySQL, MariaDB or Aurora MySQL. */
export function isMySqlFamily(engine: string): boolean {
  return engine === 'mysql' || engine === 'mariadb' || engine === 'aurora-mysql' || engine === 'aurora';
}

/** The major of an engine version ("17" of "17.4"), or undefined. */
export function majorOf(version: unknown): number | undefined {
  const m = typeof version === 'string' ? /^(\d+)/.exec(version) : undefined;
  return m ? Number(m[1]) : undefined;
}

/** True for an instance that replicates another (it inherits encryption and backups from its source). */
export function isReadReplica(config: TerraformConfig): boolean {
  return config.replicate_source_db !== undefined && config.replicate_source_db !== null && config.replicate_source_db !== '';
}
