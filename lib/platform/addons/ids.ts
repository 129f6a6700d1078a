/** Catalog IDs of the add-ons (each is also the name of the add-on's Helm release). */
export const AddonIds = {
  gatewayApiCrds: 'gateway-api-crds',
  envoyGateway: 'envoy-gateway',
  awsLoadBalancerController: 'aws-load-balancer-controller',
  certManager: 'cert-manager',
  clusterIssuer: 'cluster-issuer',
  externalDns: 'external-dns',
  metricsServer: 'metrics-server',
  clusterAutoscaler: 'cluster-autoscaler',
  kubePrometheusStack: 'kube-prometheus-stack',
  loki: 'loki',
  alloy: 'alloy',
  externalSecrets: 'external-secrets',
  cloudNativePg: 'cloudnative-pg',
  gp3StorageClass: 'gp3-storage-class',
} as const;
