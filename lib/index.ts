/**
 * Switchyard: deliver an application, and everything it depends on, to dev,
 * staging and prod with CDK for Terraform.
 *
 * This entry point holds the constructs, their props and the few types a
 * program writes. The rest is behind subpaths of the package:
 * `/model` (the delivery model synth writes), `/ledger` (the release ledger's
 * format), `/policy` (writing and reading policy rules),
 * `/versions` (supported versions and pinned charts), `/contract` (the names
 * an app and the cluster agree on), `/register` (the TypeScript runner).
 * api/*.api.md records each entry point; test/api.test.ts keeps them current.
 */
export { App } from './app';
export { AppStack, AppStackProps } from './app-stack';
export { ConfigurationError } from './private/errors';

// Tiers
export { Binding, Profiles, TierProfile, TierProfileOverrides, TierSizing } from './tier/profile';
export { ClusterAccess, Tier, TierProps, TierSettings, Tiers } from './tier/tier';
export { Backend, HcpBackendOptions, LocalBackendOptions, S3BackendOptions } from './tier/backend';
export { IClusterConnection, KubernetesAccess, TierStack, TierStackProps } from './tier/stack';
export { Moved } from './tier/moved';

// Platform
export { ExistingNetworkProps, INetwork, Network, NetworkProps } from './platform/network';
export { EksCluster, EksClusterProps } from './platform/eks-cluster';
export {
  EksAttributes, EksPlatformProps, GatewayProxies, GatewayRef, KubeconfigPlatformProps, PlatformRef, RemoteStatePlatformProps,
} from './platform/platform-ref';
export { AddonsStack, AddonsStackProps, PlatformStack, PlatformStackProps } from './platform/stacks';
export { Addon, AddonContext, CatalogAddonOptions, HelmAddon, HelmAddonProps, HelmChart } from './platform/addons/addon';
export { CloudNativePg } from './platform/addons/cloudnative-pg';
export { ExternalSecrets } from './platform/addons/external-secrets';
export { EnvoyGateway, EnvoyGatewayOptions, GatewayApiCrds } from './platform/addons/gateway';
export { AwsLoadBalancerController, AwsLoadBalancerControllerOptions } from './platform/addons/aws-load-balancer-controller';
export { CertManager, CertManagerOptions, ClusterIssuer, ClusterIssuerProps } from './platform/addons/cert-manager';
export { ExternalDns, ExternalDnsOptions } from './platform/addons/external-dns';
export { MetricsServer, MetricsServerOptions } from './platform/addons/metrics-server';
export { Reloader } from './platform/addons/reloader';
export { ClusterAutoscaler, ClusterAutoscalerOptions } from './platform/addons/cluster-autoscaler';
export { Gp3StorageClass } from './platform/addons/storage';
export { KubePrometheusStack } from './platform/addons/kube-prometheus-stack';
export { Keda } from './platform/addons/keda';
export { Loki } from './platform/addons/loki';
export { Alloy } from './platform/addons/alloy';
export { standardAddons, StandardAddonsOptions, standardPlatform, StandardPlatformOptions } from './platform/addons/standard';

// Dependencies
export { DependencyKind, IConnectable, IDependency, IQueue, ITopic, NetworkDestination, QueueAction } from './dependencies/contract';
export { Postgres, PostgresProps } from './dependencies/postgres';
export { Engine } from './dependencies/versions';
export { Queue, QueueProps } from './dependencies/messaging/queue';
export { SubscribeOptions, Topic, TopicProps } from './dependencies/messaging/topic';
export { Cache, CacheProps } from './dependencies/cache';

// Releases
export { ReleaseLedger } from './release/ledger';
export {
  AutoscalingOptions, BlueGreenService, BlueGreenServiceProps, MigrationOptions, NotSecret, notSecret, ProbeOptions, SecretKeyRef, RouteOptions, ServiceResources, SlotResources,
  QueueScalingOptions, QueueScalingResources, ServiceKind,
} from './release/blue-green-service';

export { AnalysisOptions, ResolvedAnalysis } from './release/analysis';
export { SmokeCheck, SmokeOptions } from './release/blue-green/smoke';

// Policy: suppressing and checking (writing rules: /policy)
export { Policy } from './policy/policy';

// Observability
export { AlertSubscriptions } from './observability/alarms';
export { MetricsOptions, ServiceMonitoring } from './observability/monitoring';
