/**
 * The observability add-ons, one module each: {@link KubePrometheusStack} (metrics and alerts),
 * {@link Loki} (logs) and {@link Alloy} (the log shipper), with the names they share.
 */
export { Alloy } from './alloy';
export { KubePrometheusStack } from './kube-prometheus-stack';
export { Loki } from './loki';
export { ALERTMANAGER_SERVICE_ACCOUNT, alertTopicName, MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS } from './monitoring-names';
