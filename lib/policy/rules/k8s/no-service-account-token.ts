import { isFalse, isReference, PolicyRule, violation } from '../../rule';
import { podSpec, WORKLOAD_TYPES } from './workload';

/**
 * SY-K8S-11: pods do not mount a service account token unless they need the Kubernetes API.
 *
 * `automount_service_account_token = false` on the pod spec of every
 * workload (the provider and Kubernetes default it to true). A pod that does
 * call the Kubernetes API declares that need with a suppression, whose reason
 * is the report's record of why it holds a token:
 * `Policy.suppress(deployment, 'SY-K8S-11', 'watches Pods to reload its routing table')`.
 *
 * - Checkov: CKV_K8S_38 (Kubernetes manifests), CKV_K8S_50 (Terraform, Pods and Deployments only)
 * - AWS FSBP: none
 * - Applies in every tier.
 */
export const k8sNoServiceAccountToken: PolicyRule = {
  id: 'SY-K8S-11',
  title: 'automount_service_account_token = false',
  resourceTypes: WORKLOAD_TYPES,
  appliesIn: 'every-tier',
  checkov: ['CKV_K8S_38', 'CKV_K8S_50'],
  fsbp: [],
  check(r) {
    const v = podSpec(r)?.automount_service_account_token;
    if (isFalse(v) || isReference(v)) return [];
    return [violation(v === undefined ? 'the pod mounts a service account token (automount_service_account_token defaults to %v)' : 'automount_service_account_token is %v', v ?? true,
      'set automount_service_account_token = false on the pod spec; if the pod calls the Kubernetes API, suppress SY-K8S-11 on it with the reason')];
  },
};
