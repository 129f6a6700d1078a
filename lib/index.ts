/**
 * Switchyard: deliver an application, and everything it depends on, to dev,
 * staging and prod with CDK for Terraform.
 */
export { App } from './app';
export { buildModel, DeliveryModel, MODEL_FILE, ModelApp, ModelAppTier, ModelDependency, ModelGrant, ModelService, ModelStack, ModelTier } from './model';
export { AppStack, AppStackProps } from './app-stack';
export { ConfigurationError } from './private/errors';

// Tiers
export { Binding, TierProfile, TierProfileOverrides, TierSizing, Profiles } from './tier/profile';
export { ClusterAccess, Tier, TierProps, TierSettings, Tiers } from './tier/tier';
export { Backend, HcpBackendOptions, LocalBackendOptions, S3BackendOptions } from './tier/backend';
export { IClusterConnection, KubernetesAccess, TierStack, TierStackProps } from './tier/stack';
export { Moved } from './tier/moved';

// Platform
export { ExistingNetworkProps, INetwork, Network, NetworkProps } from './platform/network';
export { DEFAULT_EKS_VERSION, EKS_LOG_TYPES, EKS_VERSIONS, EksCluster, EksClusterProps } from './platform/eks-cluster';
export {
  EksAttributes, EksPlatformProps, ENVOY_PROXY_NAMESPACE, envoyProxies, GatewayProxies, GatewayRef, KubeconfigPlatformProps, PlatformRef, RemoteStatePlatformProps,
} from './platform/platform-ref';
export { AddonsStack, AddonsStackProps, PlatformStack, PlatformStackProps } from './platform/stacks';
export { Addon, AddonContext, CatalogAddonOptions, HelmAddon, HelmAddonProps, HelmChart } from './platform/addons/addon';
export { AddonIds } from './platform/addons/ids';
export { CloudNativePg, ExternalSecrets } from './platform/addons/operators';
export { EnvoyGateway, EnvoyGatewayOptions, GatewayApiCrds, GATEWAY_ACCESS_LABEL, GATEWAY_NAME, GATEWAY_NAMESPACE } from './platform/addons/gateway';
export { AwsLoadBalancerController, AwsLoadBalancerControllerOptions } from './platform/addons/aws-load-balancer-controller';
export { CertManager, CertManagerOptions, ClusterIssuer, ClusterIssuerProps } from './platform/addons/cert-manager';
export { ExternalDns, ExternalDnsOptions } from './platform/addons/external-dns';
export { MetricsServer, MetricsServerOptions } from './platform/addons/metrics-server';
export { Reloader } from './platform/addons/reloader';
export { ClusterAutoscaler, ClusterAutoscalerOptions } from './platform/addons/cluster-autoscaler';
export { Gp3StorageClass } from './platform/addons/storage';
export { Alloy, KubePrometheusStack, Loki, MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS } from './platform/addons/observability';
export { standardAddons, StandardAddonsOptions, standardPlatform, StandardPlatformOptions } from './platform/addons/standard';

// Dependencies
export {
  CONTRACT_KEYS, DependencyKind, envVarName, IConnectable, IDependency, IQueue, ITopic, NetworkDestination, QueueAction, secretName,
} from './dependencies/contract';
export { Postgres, PostgresProps } from './dependencies/postgres';
export { AURORA_MAJORS, DEFAULT_POSTGRES_VERSION, DEFAULT_VALKEY_VERSION, Engine, POSTGRES_VERSIONS, VALKEY_VERSIONS } from './dependencies/versions';
export { InClusterMessaging, MESSAGING_IMAGE, Queue, QueueProps, SubscribeOptions, Topic, TopicProps } from './dependencies/messaging';
export { Cache, CacheProps, VALKEY_CHART } from './dependencies/cache';

// Policy
export {
  buildPolicyReport, DISABLE_METADATA, Policy, PolicyError, PolicyFinding, PolicyReport, PolicyResource, PolicyRule,
  POLICY_REPORT_FILE, PUBLIC_EXPOSURE_TAG, PUBLIC_EXPOSURE_VALUE, ReportedFinding, RuleContext, RuleScope, Severity,
  SUPPRESS_METADATA, SWITCHYARD_RULES, TerraformConfig, Violation,
} from './policy';

// Releases
export { Approval, HistoryEvent, LedgerData, ReleaseLedger, ServiceRelease, Slot, SLOTS, Verb, VERBS, otherSlot } from './release/ledger';
export {
  AutoscalingOptions, BlueGreenService, BlueGreenServiceProps, MigrationOptions, NotSecret, notSecret, ProbeOptions, SecretKeyRef, RouteOptions, ServiceResources, SlotResources,
} from './release/blue-green-service';

// Observability
export { AlertSubscriptions } from './observability/alarms';
export { MetricsOptions, ServiceMonitoring } from './observability/monitoring';
