import { isReference, PolicyRule, strings, violation } from '../../rule';
import { engineOf, isAurora, isPostgres } from './engine';

/**
 * SY-RDS-8: RDS and Aurora publish their logs to CloudWatch Logs.
 *
 * `enabled_cloudwatch_logs_exports` is not empty on `aws_db_instance` and
 * `aws_rds_cluster`; for PostgreSQL and Aurora PostgreSQL it includes
 * `postgresql` (the server log, which carries connection and error events).
 * An instance of an Aurora cluster exports through its cluster and is not judged.
 *
 * - Checkov: CKV_AWS_129 (aws_db_instance), CKV_AWS_324 (aws_rds_cluster)
 * - AWS FSBP: RDS.9 (instances), RDS.36 (PostgreSQL instances), RDS.37 (Aurora PostgreSQL clusters)
 * - Applies in every tier.
 */
export const rdsLogExports: PolicyRule = {
  id: 'SY-RDS-8',
  title: 'RDS/Aurora log exports',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_129', 'CKV_AWS_324'],
  fsbp: ['RDS.9', 'RDS.36', 'RDS.37'],
  check(r) {
    const engine = engineOf(r.config);
    if (r.type === 'aws_db_instance' && isAurora(engine)) return [];
    const raw = r.config.enabled_cloudwatch_logs_exports;
    if (isReference(raw)) return [];
    const exports = strings(raw);
    if (exports.length === 0) {
      return [violation('enabled_cloudwatch_logs_exports is %v', raw ?? [], `list the engine's logs in enabled_cloudwatch_logs_exports${isPostgres(engine) ? ', e.g. ["postgresql", "upgrade"]' : ''}`)];
    }
    if (isPostgres(engine) && !exports.includes('postgresql')) {
      return [violation('enabled_cloudwatch_logs_exports %v lacks "postgresql"', exports, 'add "postgresql" (the server log) to enabled_cloudwatch_logs_exports')];
    }
    return [];
  },
};
