/** Catalog IDs of the add-ons (each is also the name of the add-on's Helm release). */
export const AddonIds = {
  /** {@link GatewayApiCrds}: the Gateway API CRDs. */
  gatewayApiCrds: 'gateway-api-crds',
  /** {@link EnvoyGateway}: the platform's Gateway. */
  envoyGateway: 'envoy-gateway',
  /** {@link AwsLoadBalancerController}: the NLB in front of the Gateway (EKS). */
  awsLoadBalancerController: 'aws-load-balancer-controller',
  /** {@link CertManager}: certificates. */
  certManager: 'cert-manager',
  /** {@link ClusterIssuer}: the issuer of the Gateway's certificate. */
  clusterIssuer: 'cluster-issuer',
  /** {@link ExternalDns}: DNS records in Route53. */
  externalDns: 'external-dns',
  /** {@link MetricsServer}: resource metrics for autoscaling. */
  metricsServer: 'metrics-server',
  /** {@link ClusterAutoscaler}: node autoscaling (EKS). */
  clusterAutoscaler: 'cluster-autoscaler',
  /** {@link KubePrometheusStack}: Prometheus, Alertmanager, Grafana and the operator's CRDs. */
  kubePrometheusStack: 'kube-prometheus-stack',
  /** {@link Loki}: logs. */
  loki: 'loki',
  /** {@link Alloy}: the collector that ships pod logs to Loki. */
  alloy: 'alloy',
  /** {@link ExternalSecrets}: connection secrets from Secrets Manager or the cluster. */
  externalSecrets: 'external-secrets',
  /** {@link CloudNativePg}: the operator of in-cluster Postgres. */
  cloudNativePg: 'cloudnative-pg',
  /** {@link Reloader}: rolls Deployments out when a Secret they read changes (rotated passwords). */
  reloader: 'reloader',
  /** {@link Gp3StorageClass}: the default gp3 StorageClass (EKS). */
  gp3StorageClass: 'gp3-storage-class',
} as const;
