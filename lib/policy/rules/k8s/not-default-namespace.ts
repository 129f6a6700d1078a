import { block, isReference, PolicyRule, violation } from '../../rule';
import { WORKLOAD_TYPES } from './workload';

/** Namespaced resources of the Kubernetes provider the rule checks, besides the workloads. */
const NAMESPACED = [
  'kubernetes_service_v1', 'kubernetes_service', 'kubernetes_service_account_v1', 'kubernetes_service_account',
  'kubernetes_config_map_v1', 'kubernetes_config_map', 'kubernetes_secret_v1', 'kubernetes_secret',
  'kubernetes_role_v1', 'kubernetes_role', 'kubernetes_role_binding_v1', 'kubernetes_role_binding',
  'kubernetes_ingress_v1', 'kubernetes_persistent_volume_claim_v1', 'kubernetes_horizontal_pod_autoscaler_v2',
  'kubernetes_pod_disruption_budget_v1', 'kubernetes_network_policy_v1',
];

/**
 * SY-K8S-10: nothing is deployed in the `default` namespace.
 *
 * `metadata.namespace` is set, and not `default`, on the workloads and on
 * namespaced objects (Services, ServiceAccounts, ConfigMaps, Secrets, Roles,
 * RoleBindings, Ingresses, PVCs, HPAs, PDBs, NetworkPolicies). A missing
 * namespace means `default`.
 *
 * - Checkov: CKV_K8S_21
 * - AWS FSBP: none
 * - Applies in every tier.
 */
export const k8sNotDefaultNamespace: PolicyRule = {
  id: 'SY-K8S-10',
  title: 'Not in the default namespace',
  resourceTypes: [...WORKLOAD_TYPES, ...NAMESPACED],
  appliesIn: 'every-tier',
  checkov: ['CKV_K8S_21'],
  fsbp: [],
  check(r) {
    const ns = block(r.config.metadata)?.namespace;
    if (isReference(ns) || (typeof ns === 'string' && ns !== '' && ns !== 'default')) return [];
    return [violation(ns === undefined ? 'metadata.namespace is not set, so it goes to %v' : 'metadata.namespace is %v', 'default',
      'set metadata.namespace to the app\'s namespace (an AppStack creates one with Pod Security "restricted")')];
  },
};
