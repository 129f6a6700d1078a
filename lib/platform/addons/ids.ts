/** Catalog IDs of the add-ons (each is also the name of the add-on's Helm release). */
export const AddonIds = {
  /** `GatewayApiCrds`: the Gateway API CRDs. */
  gatewayApiCrds: 'gateway-api-crds',
  /** `EnvoyGateway`: the platform's Gateway. */
  envoyGateway: 'envoy-gateway',
  /** `AwsLoadBalancerController`: the NLB in front of the Gateway (EKS). */
  awsLoadBalancerController: 'aws-load-balancer-controller',
  /** `CertManager`: certificates. */
  certManager: 'cert-manager',
  /** `ClusterIssuer`: the issuer of the Gateway's certificate. */
  clusterIssuer: 'cluster-issuer',
  /** `ExternalDns`: DNS records in Route53. */
  externalDns: 'external-dns',
  /** `MetricsServer`: resource metrics for autoscaling. */
  metricsServer: 'metrics-server',
  /** `ClusterAutoscaler`: node autoscaling (EKS). */
  clusterAutoscaler: 'cluster-autoscaler',
  /** `KubePrometheusStack`: Prometheus, Alertmanager, Grafana and the operator's CRDs. */
  kubePrometheusStack: 'kube-prometheus-stack',
  /** `Loki`: logs. */
  loki: 'loki',
  /** `Alloy`: the collector that ships pod logs to Loki. */
  alloy: 'alloy',
  /** `ExternalSecrets`: connection secrets from Secrets Manager or the cluster. */
  externalSecrets: 'external-secrets',
  /** `CloudNativePg`: the operator of in-cluster Postgres. */
  cloudNativePg: 'cloudnative-pg',
  /** `Reloader`: rolls Deployments out when a Secret they read changes (rotated passwords). */
  reloader: 'reloader',
  /** `Keda`: scales workers on the depth of the queues they consume. */
  keda: 'keda',
  /** `Gp3StorageClass`: the default gp3 StorageClass (EKS). */
  gp3StorageClass: 'gp3-storage-class',
} as const;
