import { isReference, PolicyRule, strings, violation } from '../../rule';

/** Every control-plane log type EKS can send to CloudWatch Logs. */
export const EKS_CONTROL_PLANE_LOGS = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

/**
 * SY-EKS-2: EKS sends every control-plane log type to CloudWatch Logs.
 *
 * `enabled_cluster_log_types` on `aws_eks_cluster` lists api, audit,
 * authenticator, controllerManager and scheduler.
 *
 * - Checkov: CKV_AWS_37
 * - AWS FSBP: EKS.8 (audit only)
 * - Applies in every tier.
 */
export const eksControlPlaneLogs: PolicyRule = {
  id: 'SY-EKS-2',
  title: 'EKS control-plane logs, all types',
  resourceTypes: ['aws_eks_cluster'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_37'],
  fsbp: ['EKS.8'],
  check(r) {
    const raw = r.config.enabled_cluster_log_types;
    if (isReference(raw)) return [];
    const have = strings(raw);
    const missing = EKS_CONTROL_PLANE_LOGS.filter((t) => !have.includes(t));
    return missing.length === 0 ? [] : [violation('enabled_cluster_log_types lacks %v', missing,
      `set enabled_cluster_log_types = ${JSON.stringify(EKS_CONTROL_PLANE_LOGS)} (and create the /aws/eks/<name>/cluster log group first, with a retention)`)];
  },
};
