import type { AppStack } from '../app-stack';
import { Construct, Manifest } from '../private/cdk';

/** How Prometheus scrapes a service and reads its request metrics. */
export interface MetricsOptions {
  /**
   * Port of the metrics endpoint.
   * @default - the service's port
   */
  readonly port?: number;
  /**
   * Path of the metrics endpoint.
   * @default "/metrics"
   */
  readonly path?: string;
  /**
   * Counter of HTTP requests, with the status code in `statusLabel` (the error-rate alert).
   * @default "http_requests_total"
   */
  readonly requestsMetric?: string;
  /**
   * Label of `requestsMetric` that holds the HTTP status code.
   * @default "code"
   */
  readonly statusLabel?: string;
  /**
   * Histogram of request durations in seconds (the latency alert; `_bucket` is appended).
   * @default "http_request_duration_seconds"
   */
  readonly durationMetric?: string;
  /**
   * 99th-percentile latency above which the latency alert fires, seconds.
   * @default 1
   */
  readonly latencySeconds?: number;
  /**
   * Share of 5xx responses above which the error-rate alert fires (0 to 1).
   * @default 0.05
   */
  readonly errorRatio?: number;
  /**
   * Requests per second a slot must serve before its error-rate and latency alerts fire (a few
   * failures of an idle slot do not page).
   * @default 0.1
   */
  readonly minRequestsPerSecond?: number;
  /**
   * Availability objective of the service over 30 days, as the share of requests that do not
   * fail with a 5xx (e.g. 0.999). Adds two burn-rate alerts on the service as a whole (both
   * slots): a fast one when the error budget burns 14.4 times too fast over 1 hour and 5 minutes
   * (2% of the month's budget in an hour), a slow one at 6 times over 6 hours and 30 minutes.
   * @default - no burn-rate alerts
   */
  readonly availabilityObjective?: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** The monitoring of one service: what Prometheus scrapes and the alerts on it. */
export interface ServiceMonitoring {
  /**
   * The PodMonitor that has Prometheus scrape the service's pods, both slots.
   * @default - none: a worker without a port (its alerts come from the cluster's metrics of its pods)
   */
  readonly podMonitor?: Manifest;
  /** The PrometheusRule with the service's alert rules. */
  readonly rules: Manifest;
}

/**
 * A PodMonitor that scrapes both slots of a service (labelled with their slot)
 * and a PrometheusRule with the basic alerts: error rate, latency, restarts,
 * a rollout that does not progress. Custom resources of kube-prometheus-stack,
 * whose CRDs the add-ons stack installs before the app stack. A worker serves
 * no requests: only restarts and a stuck rollout, and a PodMonitor only on its
 * port (`portName` undefined: none).
 */
export function serviceMonitoring(
  scope: Construct, app: AppStack, service: string, selector: Record<string, string>, portName: string | undefined, options: MetricsOptions,
  kind: 'service' | 'worker' = 'service',
): ServiceMonitoring {
  const ns = app.namespace;
  const labels = { 'app.kubernetes.io/name': service, 'app.kubernetes.io/part-of': app.appName, 'app.kubernetes.io/managed-by': 'switchyard' };
  const podMonitor = portName === undefined ? undefined : new Manifest(scope, 'pod-monitor', {
    provider: app.kubernetes,
    manifest: {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: service, namespace: ns, labels },
      spec: {
        selector: { matchLabels: selector },
        podTargetLabels: ['app.kubernetes.io/name', 'app.kubernetes.io/version', 'switchyard.dev/slot'],
        podMetricsEndpoints: [{ port: portName, path: options.path ?? '/metrics', interval: '30s' }],
      },
    },
    dependsOn: [app.namespaceResource],
  });
  const requests = options.requestsMetric ?? 'http_requests_total';
  const status = options.statusLabel ?? 'code';
  const duration = options.durationMetric ?? 'http_request_duration_seconds';
  const sel = `namespace="${ns}", app_kubernetes_io_name="${service}"`;
  const pods = `namespace="${ns}", pod=~"${service}-(blue|green)-.+"`;
  // Pages in the tiers that guard their releases (prod); a warning elsewhere.
  const severity = app.tier.profile.approvalRequired || app.tier.profile.deletionProtection ? 'critical' : 'warning';
  // Per slot: a canary that fails is not hidden by the healthy live slot's traffic.
  const slot = 'switchyard_dev_slot';
  const minRate = options.minRequestsPerSecond ?? 0.1;
  // Every alert carries its namespace, whatever its expression aggregates away: Alertmanager routes
  // an app's alerts to its AlertmanagerConfig by `namespace` (the operator's OnNamespace matcher),
  // and an alert without it falls to the root route (kube-prometheus-stack's "null" receiver).
  const alert = (name: string, expr: string, forDuration: string, summary: string) => ({
    alert: name, expr, for: forDuration, labels: { severity, tier: app.tier.name, service, namespace: ns }, annotations: { summary },
  });
  const title = service.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  const rules = new Manifest(scope, 'alert-rules', {
    provider: app.kubernetes,
    manifest: {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: service, namespace: ns, labels },
      spec: {
        groups: [{
          name: `${app.appName}.${service}`,
          rules: [
            ...(kind === 'worker' ? [] : [alert(`${title}HighErrorRate`,
              `(sum by (${slot}) (rate(${requests}{${sel}, ${status}=~"5.."}[5m])) / sum by (${slot}) (rate(${requests}{${sel}}[5m])) > ${options.errorRatio ?? 0.05})`
                + ` and on (${slot}) sum by (${slot}) (rate(${requests}{${sel}}[5m])) > ${minRate}`,
              '10m', `${service} in ${app.tier.name}: more than ${Math.round((options.errorRatio ?? 0.05) * 100)}% of requests to slot {{ $labels.${slot} }} fail`),
            alert(`${title}HighLatency`,
              `(histogram_quantile(0.99, sum by (le, ${slot}) (rate(${duration}_bucket{${sel}}[5m]))) > ${options.latencySeconds ?? 1})`
                + ` and on (${slot}) sum by (${slot}) (rate(${duration}_count{${sel}}[5m])) > ${minRate}`,
              '10m', `${service} in ${app.tier.name}: 99th percentile latency of slot {{ $labels.${slot} }} above ${options.latencySeconds ?? 1} s`),
            ...burnRateAlerts(options.availabilityObjective, requests, status, sel, minRate).map((b) => alert(`${title}ErrorBudgetBurn${b.speed}`, b.expr, b.for,
              `${service} in ${app.tier.name}: the error budget of its ${formatObjective(options.availabilityObjective!)} availability objective burns ${b.factor} times too fast`))]),
            alert(`${title}Restarting`,
              `increase(kube_pod_container_status_restarts_total{${pods}}[15m]) > 3`,
              '0m', `${service} in ${app.tier.name}: a container restarted more than 3 times in 15 minutes`),
            alert(`${title}RolloutStuck`,
              `kube_deployment_status_condition{namespace="${ns}", deployment=~"${service}-(blue|green)", condition="Progressing", status="false"} == 1`,
              '5m', `${service} in ${app.tier.name}: a slot's rollout stopped progressing`),
          ],
        }],
      },
    },
    dependsOn: [app.namespaceResource],
  });
  return { podMonitor, rules };
}

/** The objective as a percentage, e.g. "99.9%". */
function formatObjective(objective: number): string {
  return `${Number((objective * 100).toFixed(4))}%`;
}

/**
 * Multiwindow burn-rate alerts on the service's share of 5xx responses: each
 * fires when both its long window (the burn is real) and its short window
 * (it is still going on) exceed `factor` times the error budget.
 */
function burnRateAlerts(objective: number | undefined, requests: string, status: string, sel: string, minRate: number) {
  if (objective === undefined) return [];
  const budget = Number((1 - objective).toPrecision(6));
  const ratio = (window: string) => `(sum(rate(${requests}{${sel}, ${status}=~"5.."}[${window}])) / sum(rate(${requests}{${sel}}[${window}])))`;
  return [
    { speed: 'Fast', factor: 14.4, long: '1h', short: '5m', for: '2m' },
    { speed: 'Slow', factor: 6, long: '6h', short: '30m', for: '15m' },
  ].map((w) => ({
    ...w,
    // With the traffic floor of the other alerts: one 5xx of a nearly idle service does not page.
    expr: `${ratio(w.long)} > (${w.factor} * ${budget}) and ${ratio(w.short)} > (${w.factor} * ${budget})`
      + ` and sum(rate(${requests}{${sel}}[${w.long}])) > ${minRate}`,
  }));
}

/** Refusals of metrics options (a message, or undefined when they are fine). */
export function metricsProblem(options: MetricsOptions): [string, unknown, string] | undefined {
  for (const [key, value] of [['requestsMetric', options.requestsMetric], ['durationMetric', options.durationMetric], ['statusLabel', options.statusLabel]] as const) {
    if (value !== undefined && !METRIC_NAME.test(value)) return [`metrics.${key} %v is not a Prometheus name`, value, 'use letters, digits, "_" and ":", not starting with a digit'];
  }
  if (options.path !== undefined && !/^\/\S*$/.test(options.path)) return ['metrics.path %v is not a URL path', options.path, 'start it with "/", e.g. "/metrics"'];
  if (options.errorRatio !== undefined && !(options.errorRatio > 0 && options.errorRatio < 1)) return ['metrics.errorRatio %v is not between 0 and 1', options.errorRatio, 'give a share such as 0.05 (5%)'];
  if (options.latencySeconds !== undefined && !(options.latencySeconds > 0)) return ['metrics.latencySeconds %v is not positive', options.latencySeconds, 'give seconds such as 0.5'];
  if (options.availabilityObjective !== undefined && !(options.availabilityObjective >= 0.9 && options.availabilityObjective < 1)) {
    return ['metrics.availabilityObjective %v is not a share from 0.9 to below 1', options.availabilityObjective, 'give the share of requests that must succeed, such as 0.999 (99.9%); below 90% a burn-rate alert means little'];
  }
  if (options.minRequestsPerSecond !== undefined && !(options.minRequestsPerSecond >= 0)) return ['metrics.minRequestsPerSecond %v is not a rate', options.minRequestsPerSecond, 'give requests per second, 0 or more, such as 0.1'];
  return undefined;
}
