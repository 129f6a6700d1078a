import { isFalse, isSet, PolicyRule, Violation, violation } from '../../rule';

/**
 * SY-DATA-2: databases and caches take a final snapshot when deleted, in protected tiers.
 *
 * `aws_db_instance` and `aws_rds_cluster`: `skip_final_snapshot` is false
 * and `final_snapshot_identifier` is set (the provider skips the snapshot
 * when either is missing); `aws_elasticache_replication_group`:
 * `final_snapshot_identifier` is set. A read replica (`replicate_source_db`)
 * has no final snapshot of its own and is not judged.
 *
 * - Checkov: none
 * - AWS FSBP: none
 * - Applies in tiers with `deletionProtection` (prod).
 */
export const dataFinalSnapshot: PolicyRule = {
  id: 'SY-DATA-2',
  title: 'Final snapshot before deletion',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster', 'aws_elasticache_replication_group'],
  appliesIn: 'deletion-protection',
  checkov: [],
  fsbp: [],
  check(r, ctx) {
    if (r.config.replicate_source_db !== undefined) return [];
    const out: Violation[] = [];
    const why = `tier "${ctx.tier.name}" protects its data: a deletion keeps a snapshot to restore from`;
    if (r.type !== 'aws_elasticache_replication_group' && !isFalse(r.config.skip_final_snapshot)) {
      out.push(violation(`skip_final_snapshot is %v${r.config.skip_final_snapshot === undefined ? ' (the provider\'s default is true)' : ''}`, r.config.skip_final_snapshot,
        `set skip_final_snapshot = false: ${why}`));
    }
    if (!isSet(r.config.final_snapshot_identifier) || r.config.final_snapshot_identifier === '') {
      out.push(violation('final_snapshot_identifier is %v', r.config.final_snapshot_identifier, `set final_snapshot_identifier (e.g. "<name>-final"): ${why}`));
    }
    return out;
  },
};
