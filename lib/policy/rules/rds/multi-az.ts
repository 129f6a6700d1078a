import { isReference, isSet, isTrue, PolicyRule, violation } from '../../rule';
import { engineOf, isAurora, isReadReplica } from './engine';

/**
 * SY-RDS-3: RDS and Aurora span availability zones in highly available tiers.
 *
 * - `aws_db_instance`: `multi_az = true` (read replicas are not judged);
 * - `aws_rds_cluster`: a Multi-AZ DB cluster (`db_cluster_instance_class` set)
 *   is multi-AZ by design; an Aurora cluster needs at least two
 *   `aws_rds_cluster_instance` in its stack (a writer and a reader AWS can
 *   fail over to). Instances created elsewhere cannot be seen: suppress with
 *   a reason there.
 *
 * - Checkov: CKV_AWS_157 (aws_db_instance)
 * - AWS FSBP: RDS.5 (instances), RDS.15 (clusters)
 * - Applies in tiers with `highAvailability` (prod).
 */
export const rdsMultiAz: PolicyRule = {
  id: 'SY-RDS-3',
  title: 'RDS/Aurora multi-AZ',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  appliesIn: 'high-availability',
  checkov: ['CKV_AWS_157'],
  fsbp: ['RDS.5', 'RDS.15'],
  check(r, ctx) {
    const c = r.config;
    if (r.type === 'aws_db_instance') {
      if (isReadReplica(c) || isTrue(c.multi_az) || isReference(c.multi_az)) return [];
      return [violation(c.multi_az === undefined ? 'multi_az is not set (the default is a single zone)' : 'multi_az is %v', c.multi_az,
        `set multi_az = true: tier "${ctx.tier.name}" is highly available`)];
    }
    if (isSet(c.db_cluster_instance_class) || !isAurora(engineOf(c) || 'aurora')) return [];
    const members = ctx.resources('aws_rds_cluster_instance')
      .filter((i) => typeof i.config.cluster_identifier === 'string' && i.config.cluster_identifier.includes(`${r.address}.`))
      .reduce((n, i) => n + (typeof i.config.count === 'number' ? i.config.count : 1), 0);
    return members >= 2 ? [] : [violation('the Aurora cluster has %v instance(s) in its stack', members,
      `add a second aws_rds_cluster_instance (a reader AWS fails over to): tier "${ctx.tier.name}" is highly available`)];
  },
};
