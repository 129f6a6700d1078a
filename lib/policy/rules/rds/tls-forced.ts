import { blocks, isReference, isSet, PolicyRule, PolicyResource, RuleContext, violation, Violation } from '../../rule';
import { engineOf, isMySqlFamily, isPostgres, majorOf } from './engine';

/** The parameter that makes the server refuse unencrypted connections, by engine family. */
function tlsParameter(engine: string): { name: string; on: string[] } | undefined {
  if (isPostgres(engine)) return { name: 'rds.force_ssl', on: ['1'] };
  if (isMySqlFamily(engine)) return { name: 'require_secure_transport', on: ['1', 'ON', 'on'] };
  return undefined;
}

/**
 * SY-RDS-10: RDS and Aurora refuse connections without TLS.
 *
 * The parameter group of the database (an `aws_db_parameter_group` or
 * `aws_rds_cluster_parameter_group` of the same stack, referenced by
 * `parameter_group_name` / `db_cluster_parameter_group_name`) sets
 * `rds.force_ssl = 1` (PostgreSQL, Aurora PostgreSQL) or
 * `require_secure_transport = 1` (MySQL, MariaDB, Aurora MySQL). RDS for
 * PostgreSQL 15 and later forces TLS in its default parameter group, so such
 * an instance without a parameter group passes. A group that is not in the
 * stack cannot be read: the finding asks to declare it here, or to suppress
 * with a reason. Other engines are not judged. An instance of an Aurora
 * cluster takes TLS from its cluster's group and is not judged.
 *
 * - Checkov: CKV2_AWS_69 (aws_db_instance)
 * - AWS FSBP: none for PostgreSQL or MySQL (RDS.41 and RDS.44 cover SQL Server and MariaDB only)
 * - Applies in every tier.
 */
export const rdsTlsForced: PolicyRule = {
  id: 'SY-RDS-10',
  title: 'RDS/Aurora TLS forced by the parameter group',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  appliesIn: 'every-tier',
  checkov: ['CKV2_AWS_69'],
  fsbp: [],
  check(r, ctx) {
    const engine = engineOf(r.config) || (r.type === 'aws_rds_cluster' ? 'aurora-mysql' : '');
    if (r.type === 'aws_db_instance' && engine.startsWith('aurora')) return [];
    const param = tlsParameter(engine);
    if (!param) return [];
    const key = r.type === 'aws_db_instance' ? 'parameter_group_name' : 'db_cluster_parameter_group_name';
    const groupType = r.type === 'aws_db_instance' ? 'aws_db_parameter_group' : 'aws_rds_cluster_parameter_group';
    const ref = r.config[key];
    if (!isSet(ref)) {
      const major = majorOf(r.config.engine_version);
      if (engine === 'postgres' && major !== undefined && major >= 15) return [];
      return [violation(`${key} is not set, so the default group applies and it does not force TLS for %v`, `${engine} ${r.config.engine_version ?? ''}`.trim(),
        `declare a ${groupType} with ${param.name} = ${param.on[0]} in this stack and set ${key} to its name`)];
    }
    return checkGroup(r, ctx, key, ref, groupType, param);
  },
};

function checkGroup(
  r: PolicyResource, ctx: RuleContext, key: string, ref: unknown, groupType: string, param: { name: string; on: string[] },
): Violation[] {
  const group = ctx.referenced(ref, [groupType]);
  if (!group) {
    return [violation(`${key} %v is not an ${groupType} of this stack, so TLS cannot be checked`, ref,
      `declare the ${groupType} (with ${param.name} = ${param.on[0]}) in this stack, or suppress SY-RDS-10 with the reason the external group is known to force TLS`)];
  }
  const entry = blocks(group.config.parameter).find((p) => p.name === param.name);
  const value = entry?.value;
  if (isReference(value) || (value !== undefined && param.on.includes(String(value)))) return [];
  return [violation(value === undefined ? `${group.address} does not set ${param.name}` : `${group.address} sets ${param.name} to %v`, value,
    `add the parameter { name = "${param.name}", value = "${param.on[0]}" } to ${group.address} (used by ${r.address})`)];
}
