import { DataAwsEksCluster, DataAwsIamOpenidConnectProvider, DataAwsVpc, Fn, TerraformRemoteState, TerraformStack, Token } from '../private/cdk';
import type { Backend } from '../tier/backend';
import { fail } from '../private/errors';
import { IClusterConnection, KubernetesAccess, TierStack } from '../tier/stack';

/** What an app stack needs to know of an EKS platform, as values valid in that stack. */
export interface EksAttributes {
  /** The EKS cluster's name. */
  readonly clusterName: string;
  /** The AWS region of the cluster. */
  readonly region: string;
  /** The VPC of the cluster. */
  readonly vpcId: string;
  /**
   * The VPC's IPv4 range: where managed databases and caches have their network interfaces, and
   * where an ALB with `ip` targets sends traffic from. A plain string for a PlatformStack of this
   * program that made its VPC; else a reference resolved at plan time (the `aws_vpc` data source,
   * or the platform stack's `vpc_cidr` output).
   */
  readonly vpcCidr: string;
  /** Private subnets of the cluster (databases and caches go there too). */
  readonly privateSubnetIds: string[];
  /** The cluster security group, attached to the control plane and to managed nodes. */
  readonly clusterSecurityGroupId: string;
  /** ARN of the cluster's IAM OIDC provider (IRSA). */
  readonly oidcProviderArn: string;
  /** The OIDC issuer without `https://` (the prefix of IRSA trust conditions). */
  readonly oidcIssuer: string;
  /**
   * The cluster's Kubernetes version (major.minor, e.g. "1.35"): a plain string for a
   * PlatformStack of this program, a reference resolved at plan time across repositories
   * (the `aws_eks_cluster` data source, or the platform stack's `kubernetes_version` output).
   */
  readonly kubernetesVersion: string;
  /**
   * Whether the cluster gives pods security groups of their own (security groups for pods):
   * managed dependencies then admit the connected services' pods only.
   */
  readonly podSecurityGroups: boolean;
}

/**
 * Where the traffic a Gateway sends to the services comes from: the NetworkPolicies of an app's
 * namespace admit it on each routed service's port, and nothing else from outside the namespace.
 */
export interface GatewayProxies {
  /**
   * Namespace the Gateway's proxy pods run in (a Gateway whose data plane is pods of the cluster,
   * such as Envoy Gateway's, in `envoy-gateway-system`).
   * @default - none: the proxies are not pods of the cluster (then `fromVpc`)
   */
  readonly namespace?: string;
  /**
   * Labels of the proxy pods in `namespace`, so that only this Gateway's proxies are admitted.
   * @default - every pod of `namespace`
   */
  readonly podLabels?: Record<string, string>;
  /**
   * The traffic comes from the load balancer's network interfaces in the cluster's VPC, as with
   * the AWS Load Balancer Controller's ALB Gateway (`ip` targets): the services admit the VPC's
   * range (`EksAttributes.vpcCidr`) on their port. EKS platforms only.
   * @default false
   */
  readonly fromVpc?: boolean;
}

/** The namespace Envoy Gateway runs the proxies of its Gateways in (its controller's namespace). */
export const ENVOY_PROXY_NAMESPACE = 'envoy-gateway-system';

/**
 * Envoy Gateway's proxies of one Gateway: the pods of `envoy-gateway-system` that Envoy Gateway
 * labels as the proxies (`app.kubernetes.io/component: proxy`) of that Gateway (its owning-gateway
 * labels, set on every proxy pod by Envoy Gateway v1.9).
 */
export function envoyProxies(gateway: Pick<GatewayRef, 'name' | 'namespace'>): GatewayProxies {
  return {
    namespace: ENVOY_PROXY_NAMESPACE,
    podLabels: {
      'app.kubernetes.io/name': 'envoy',
      'app.kubernetes.io/component': 'proxy',
      'gateway.envoyproxy.io/owning-gateway-name': gateway.name,
      'gateway.envoyproxy.io/owning-gateway-namespace': gateway.namespace,
    },
  };
}

/** The Gateway (Gateway API) that services attach their HTTPRoutes to. */
export interface GatewayRef {
  /** The Gateway's name. */
  readonly name: string;
  /** The namespace of the Gateway. */
  readonly namespace: string;
  /**
   * Host names of the Gateway's HTTPS listeners, each the name its certificate is issued for
   * (e.g. "*.prod.example.com"); empty when the Gateway serves HTTP only. Route host names are
   * checked against them at synth: a name that no listener's certificate covers is refused.
   * @default - not known (a Gateway described by hand): route host names are not checked
   */
  readonly httpsHostnames?: string[];
  /**
   * The domains the platform publishes route host names under in DNS (external-dns's domain
   * filter); empty when the platform publishes none. A route host name outside them is refused.
   * @default - not known: route host names are not checked
   */
  readonly dnsDomains?: string[];
  /**
   * Where the Gateway's traffic to the services comes from, for the NetworkPolicies of app
   * namespaces (which deny all other traffic from outside the namespace). Envoy Gateway's add-on
   * and the AWS Load Balancer Controller's (with `gatewayApi`) say it by themselves.
   * @default - Envoy Gateway's proxies of this Gateway: pods of namespace `envoy-gateway-system`
   * labelled `app.kubernetes.io/component: proxy` and with the Gateway's owning-gateway name and namespace
   */
  readonly proxies?: GatewayProxies;
}

/**
 * True when a certificate for `certName` is valid for `host`: the same name, or a wildcard
 * `*.<domain>` and a host one label under `<domain>` (a wildcard covers exactly one label,
 * RFC 6125 6.4.3, although a Gateway listener's wildcard matches several).
 */
export function certificateCovers(certName: string, host: string): boolean {
  if (certName === host) return true;
  if (!certName.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && !host.startsWith('*.') && host.slice(dot + 1) === certName.slice(2);
}

/** True when external-dns with domain filter `domain` publishes `host` (the domain itself or a name under it). */
export function domainCovers(domain: string, host: string): boolean {
  const name = host.replace(/^\*\./, '');
  return name === domain || name.endsWith(`.${domain}`);
}

/** Where the attributes of an EKS platform come from, per consuming stack. */
export type EksSource = (stack: TierStack) => EksAttributes;

const EXEC_API = 'client.authentication.k8s.io/v1beta1';

/** Properties of {@link PlatformRef.fromKubeconfig}. */
export interface KubeconfigPlatformProps {
  /** Kubeconfig context of the cluster. */
  readonly context: string;
  /**
   * Kubeconfig file.
   * @default "~/.kube/config"
   */
  readonly path?: string;
  /**
   * Add-ons the cluster already has (their catalog IDs, e.g. "cloudnative-pg"), when they are not
   * installed by an AddonsStack of this program.
   * @default []
   */
  readonly addons?: string[];
  /**
   * The Gateway that services attach routes to.
   * @default - none (services get no HTTPRoute)
   */
  readonly gateway?: GatewayRef;
}

/** Properties of {@link PlatformRef.fromEksCluster}. */
export interface EksPlatformProps {
  /** Name of the EKS cluster. */
  readonly clusterName: string;
  /** Region of the cluster. */
  readonly region: string;
  /**
   * Add-ons the cluster already has (catalog IDs).
   * @default []
   */
  readonly addons?: string[];
  /**
   * The Gateway that services attach routes to.
   * @default - none
   */
  readonly gateway?: GatewayRef;
  /**
   * Whether the cluster gives pods security groups of their own (`ENABLE_POD_ENI` on its VPC CNI, the
   * AmazonEKSVPCResourceController policy on its role, node types outside the t family), as a
   * PlatformStack's cluster does. Managed databases and caches then admit the connected services' pods
   * only; with false, every pod of the cluster. Say true only of such a cluster: elsewhere the pods of
   * connected services stay Pending (nothing offers them a branch interface). A PlatformStack's own
   * `ref` says it by itself.
   * @default false
   */
  readonly podSecurityGroups?: boolean;
}

/** Properties of {@link PlatformRef.fromRemoteState}. */
export interface RemoteStatePlatformProps {
  /** The backend the platform repository keeps its state in. */
  readonly backend: Backend;
  /** The platform stack's name, e.g. "platform-prod". */
  readonly stack: string;
  /**
   * Add-ons the cluster has (catalog IDs).
   * @default []
   */
  readonly addons?: string[];
  /**
   * The Gateway that services attach routes to.
   * @default - none
   */
  readonly gateway?: GatewayRef;
  /**
   * Whether the cluster gives pods security groups of their own (`ENABLE_POD_ENI` on its VPC CNI, the
   * AmazonEKSVPCResourceController policy on its role, node types outside the t family), as a
   * PlatformStack's cluster does. Managed databases and caches then admit the connected services' pods
   * only; with false, every pod of the cluster. Say true only of such a cluster: elsewhere the pods of
   * connected services stay Pending (nothing offers them a branch interface). A PlatformStack's own
   * `ref` says it by itself.
   * @default false
   */
  readonly podSecurityGroups?: boolean;
}

/**
 * Everything an app stack (or an add-ons stack) needs of the platform of one
 * tier: how to reach the cluster, the AWS attributes of an EKS platform, the
 * add-ons it has, and the stacks to deploy first.
 *
 * In one repository, `PlatformStack.ref` and `AddonsStack.ref` give it with
 * direct references. Across repositories, build it by name:
 * `PlatformRef.fromEksCluster({ clusterName, region })` (data sources in the
 * consuming stack) or `PlatformRef.fromKubeconfig({ context })`.
 */
export class PlatformRef {
  /** An existing cluster reached through a kubeconfig context (the dev default). */
  public static fromKubeconfig(props: KubeconfigPlatformProps): PlatformRef {
    if (!props.context) fail('PlatformRef.fromKubeconfig', 'context %v is empty', props.context, 'name the kubeconfig context of the cluster, e.g. "kind-dev"');
    const path = props.path ?? '~/.kube/config';
    const connection: IClusterConnection = {
      kind: 'kubeconfig',
      description: `kubeconfig:${props.context}`,
      accessFrom: () => ({ configPath: path, configContext: props.context }),
    };
    return new PlatformRef(connection, undefined, new Set(props.addons ?? []), props.gateway, []);
  }

  /**
   * An EKS cluster found by name: each consuming stack reads it with the
   * `aws_eks_cluster`, `aws_iam_openid_connect_provider` and `aws_vpc` data sources and
   * authenticates with `aws eks get-token` (exec), so no token is stored.
   */
  public static fromEksCluster(props: EksPlatformProps): PlatformRef {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(props.clusterName ?? '')) {
      fail('PlatformRef.fromEksCluster', 'clusterName %v is not an EKS cluster name', props.clusterName, 'give the name of the cluster (letters, digits, "-" and "_", starting with a letter or digit), e.g. "acme-prod"');
    }
    if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(props.region ?? '')) {
      fail('PlatformRef.fromEksCluster', 'region %v is not an AWS region name', props.region, 'give the region of the cluster, e.g. "eu-west-1"');
    }
    const cache = new WeakMap<TierStack, EksAttributes & { endpoint: string; ca: string }>();
    const read = (stack: TierStack) => {
      let v = cache.get(stack);
      if (!v) {
        if (stack.awsRegion !== props.region) {
          fail(stack, 'the stack is in region %v but the cluster is not', stack.awsRegion, `deploy the stack in ${props.region}, the region of cluster ${props.clusterName}`);
        }
        const c = new DataAwsEksCluster(stack, 'platform-cluster', { provider: stack.aws, name: props.clusterName });
        const issuerUrl = c.identity.get(0).oidc.get(0).issuer;
        const oidc = new DataAwsIamOpenidConnectProvider(stack, 'platform-oidc', { provider: stack.aws, url: issuerUrl });
        const vpcId = c.vpcConfig.get(0).vpcId;
        const vpc = new DataAwsVpc(stack, 'platform-vpc', { provider: stack.aws, id: vpcId });
        v = {
          clusterName: props.clusterName,
          region: props.region,
          vpcId,
          vpcCidr: vpc.cidrBlock,
          privateSubnetIds: c.vpcConfig.get(0).subnetIds,
          clusterSecurityGroupId: c.vpcConfig.get(0).clusterSecurityGroupId,
          oidcProviderArn: oidc.arn,
          oidcIssuer: Fn.replace(issuerUrl, 'https://', ''),
          kubernetesVersion: c.version,
          podSecurityGroups: props.podSecurityGroups ?? false,
          endpoint: c.endpoint,
          ca: c.certificateAuthority.get(0).data,
        };
        cache.set(stack, v);
      }
      return v;
    };
    const connection: IClusterConnection = {
      kind: 'eks',
      description: `eks:${props.clusterName}`,
      accessFrom: (stack) => {
        const v = read(stack);
        return eksAccess(props.clusterName, props.region, v.endpoint, v.ca);
      },
    };
    return new PlatformRef(connection, read, new Set(props.addons ?? []), props.gateway, []);
  }

  /**
   * An EKS platform read from the state of a PlatformStack kept in another
   * repository (its outputs: cluster name, endpoint, CA, OIDC provider, VPC and its range,
   * subnets, security group, Kubernetes version). The consumer needs read access to that state.
   */
  public static fromRemoteState(props: RemoteStatePlatformProps): PlatformRef {
    const cache = new WeakMap<TierStack, TerraformRemoteState>();
    const state = (stack: TierStack) => {
      let rs = cache.get(stack);
      if (!rs) {
        rs = props.backend._remoteState(stack, 'platform-state', props.stack);
        cache.set(stack, rs);
      }
      return rs;
    };
    const read = (stack: TierStack): EksAttributes => {
      const rs = state(stack);
      return {
        clusterName: rs.getString('cluster_name'),
        region: rs.getString('region'),
        vpcId: rs.getString('vpc_id'),
        vpcCidr: rs.getString('vpc_cidr'),
        privateSubnetIds: rs.getList('private_subnet_ids'),
        clusterSecurityGroupId: rs.getString('cluster_security_group_id'),
        oidcProviderArn: rs.getString('oidc_provider_arn'),
        oidcIssuer: rs.getString('oidc_issuer'),
        kubernetesVersion: rs.getString('kubernetes_version'),
        podSecurityGroups: props.podSecurityGroups ?? false,
      };
    };
    const connection: IClusterConnection = {
      kind: 'eks',
      description: `remote-state:${props.stack}`,
      accessFrom: (stack) => {
        const rs = state(stack);
        return eksAccess(rs.getString('cluster_name'), rs.getString('region'), rs.getString('cluster_endpoint'), rs.getString('cluster_certificate_authority_data'));
      },
    };
    return new PlatformRef(connection, read, new Set(props.addons ?? []), props.gateway, []);
  }

  /** @internal */
  constructor(
    /** How stacks reach the cluster. */
    public readonly connection: IClusterConnection,
    private readonly eksSource: EksSource | undefined,
    /** Catalog IDs of the add-ons the cluster has. */
    public readonly addons: ReadonlySet<string>,
    /** The Gateway routes attach to, if any. */
    public readonly gateway: GatewayRef | undefined,
    /** Stacks of this program that must be deployed before a stack that uses this platform. */
    public readonly stacks: readonly TerraformStack[],
  ) {}

  /** `eks` or `kubeconfig`. */
  public get kind(): 'eks' | 'kubeconfig' {
    return this.connection.kind;
  }

  /** True when the cluster has the add-on with that catalog ID. */
  public hasAddon(id: string): boolean {
    return this.addons.has(id);
  }

  /** The AWS attributes of an EKS platform, valid in `stack`; an error for a kubeconfig platform. */
  public eks(stack: TierStack, why: string): EksAttributes {
    if (!this.eksSource) {
      fail(stack, `${why} needs an EKS platform, but the platform is %v`, this.connection.description, `bind it in-cluster in tier "${stack.tier.name}" (the tier's binding) or give the stack an EKS platform`);
    }
    const attributes = this.eksSource(stack);
    // A platform made in this program knows its region at synth: AWS resources of a stack in
    // another region could not use its VPC, subnets or security groups.
    if (!Token.isUnresolved(attributes.region) && attributes.region !== stack.awsRegion) {
      fail(stack, `${why} would be made in region %v, but the EKS platform of the stack is in ${attributes.region}`, stack.awsRegion,
        `drop the stack's region prop, or give tier "${stack.tier.name}" the region of its platform (${attributes.region})`);
    }
    return attributes;
  }

  /** A copy with more add-ons, a gateway, and one more stack to deploy first. @internal */
  public _extend(addons: Iterable<string>, gateway: GatewayRef | undefined, stacks: TerraformStack[]): PlatformRef {
    return new PlatformRef(this.connection, this.eksSource, new Set([...this.addons, ...addons]), gateway ?? this.gateway, [...this.stacks, ...stacks]);
  }
}

/** Provider settings for an EKS cluster, authenticated with `aws eks get-token`. */
export function eksAccess(clusterName: string, region: string, endpoint: string, caData: string): KubernetesAccess {
  return {
    host: endpoint,
    clusterCaCertificate: Fn.base64decode(caData),
    exec: { apiVersion: EXEC_API, command: 'aws', args: ['eks', 'get-token', '--cluster-name', clusterName, '--region', region] },
  };
}
