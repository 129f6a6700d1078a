/**
 * `@switchyard-iac/cdktf/contract`: the names an app and the cluster agree
 * on: the keys of each dependency's connection secret and the environment
 * variables made of them, the Gateway's and the monitoring stack's names and
 * labels (for NetworkPolicies, Helm values or checks of your own).
 */
export { CONTRACT_KEYS, envVarName, secretName } from '../dependencies/contract';
export { GATEWAY_ACCESS_LABEL, GATEWAY_NAME, GATEWAY_NAMESPACE } from '../platform/addons/gateway';
export { ENVOY_PROXY_NAMESPACE, envoyProxies } from '../platform/platform-ref';
export { MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS } from '../platform/addons/monitoring-names';
