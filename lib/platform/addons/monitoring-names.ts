/** Names the observability add-ons share with each other and with the app stacks. */

/** Namespace of the observability add-ons. */
export const MONITORING_NAMESPACE = 'monitoring';

/**
 * Labels of the Prometheus pods of kube-prometheus-stack: the Prometheus Operator (v0.93 in chart
 * 88.5.3) labels every pod of a Prometheus so. App namespaces admit them on the services' metrics ports.
 */
export const PROMETHEUS_POD_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/name': 'prometheus' };

/** Service account of Alertmanager (kube-prometheus-stack), which the app stacks' AlertmanagerConfigs route through. */
export const ALERTMANAGER_SERVICE_ACCOUNT = 'alertmanager';

/**
 * Name of an app's alert topic in a tier, `<app stack>-alerts` (`shop-prod-alerts`): CloudWatch
 * alarms and, through Alertmanager, Prometheus alerts go to it. Alertmanager may publish to
 * every topic of the tier named so.
 */
export function alertTopicName(appStack: string): string {
  return `${appStack}-alerts`;
}
