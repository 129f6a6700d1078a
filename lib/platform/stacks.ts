import { Construct, DataAwsVpc, Fn, ITerraformDependable, TerraformOutput } from '../private/cdk';
import { fail } from '../private/errors';
import { checkName } from '../private/names';
import { TierStack, TierStackProps } from '../tier/stack';
import { Addon } from './addons/addon';
import { AddonIds } from './addons/ids';
import { EksCluster, EksClusterProps } from './eks-cluster';
import { ExistingNetworkProps, INetwork, Network, NetworkProps } from './network';
import { EksAttributes, eksAccess, GatewayRef, PlatformRef } from './platform-ref';

/** Every catalog ID, for messages about an add-on that requires an unknown one. */
const CATALOG_IDS: readonly string[] = Object.values(AddonIds);

/** Properties of a {@link PlatformStack}. */
export interface PlatformStackProps extends TierStackProps {
  /**
   * Name of the platform: the stack is `<name>-<tier>`, the cluster `<name>-<tier>` too.
   * @default "platform"
   */
  readonly name?: string;
  /**
   * A new VPC (the default) or an existing one.
   * @default - a new VPC with the defaults of `NetworkProps`
   */
  readonly network?: NetworkProps | {
    /** An existing VPC, by IDs: nothing is created. */
    readonly existing: ExistingNetworkProps;
  };
  /**
   * The EKS cluster.
   * @default - Kubernetes 1.35, private endpoint, nodes sized by the tier
   */
  readonly cluster?: Omit<EksClusterProps, 'network' | 'clusterName'> & {
    /**
     * Name of the EKS cluster.
     * @default - the stack's name, `<name>-<tier>`
     */
    readonly clusterName?: string;
  };
}

/**
 * The stack `platform-<tier>`: the AWS network and the EKS cluster of a tier.
 * It configures no Kubernetes or Helm provider (those live in later stacks,
 * which read the cluster it created).
 */
export class PlatformStack extends TierStack {
  /** The VPC the cluster runs in: new, or an existing one. */
  public readonly network: INetwork;
  /** The EKS cluster. */
  public readonly eks: EksCluster;
  /** What later stacks of this program need of the platform. */
  public readonly ref: PlatformRef;

  constructor(scope: Construct, props: PlatformStackProps) {
    const name = props.name ?? 'platform';
    checkName(`${name}-${props.tier?.name}`, 'platform name', name, 24);
    super(scope, `${name}-${props.tier.name}`, props);
    const clusterName = props.cluster?.clusterName ?? this.node.id;
    const net = props.network ?? {};
    this.network = 'existing' in net
      ? Network.fromExisting(this, 'network', net.existing)
      : new Network(this, 'network', { ...net, clusterName });
    this.eks = new EksCluster(this, 'cluster', { ...props.cluster, network: this.network, clusterName });
    const region = this.awsRegion;
    const c = this.eks;

    const oidcIssuer = Fn.replace(c.cluster.identity.get(0).oidc.get(0).issuer, 'https://', '');
    // The VPC's range: known at synth for a VPC this stack makes, read for an existing one.
    const vpcCidr = this.network.cidr ?? new DataAwsVpc(this, 'existing-vpc', { provider: this.aws, id: this.network.vpcId }).cidrBlock;
    // What other repositories read with PlatformRef.fromRemoteState: these names are public contract.
    const outputs: Record<string, string | string[]> = {
      cluster_name: c.cluster.name,
      cluster_endpoint: c.endpoint,
      cluster_certificate_authority_data: c.certificateAuthorityData,
      cluster_security_group_id: c.clusterSecurityGroupId,
      oidc_provider_arn: c.oidcProvider.arn,
      oidc_issuer: oidcIssuer,
      region,
      vpc_id: this.network.vpcId,
      vpc_cidr: vpcCidr,
      private_subnet_ids: this.network.privateSubnetIds,
      kubernetes_version: c.cluster.version,
    };
    for (const [id, value] of Object.entries(outputs)) new TerraformOutput(this, id, { value });
    let eks: EksAttributes | undefined;

    this.ref = new PlatformRef(
      {
        kind: 'eks',
        description: `eks:${clusterName}`,
        accessFrom: () => eksAccess(clusterName, region, c.endpoint, c.certificateAuthorityData),
      },
      // The same references for every stack that reads them (each read of an attribute makes a token).
      () => {
        eks ??= {
          clusterName,
          region,
          vpcId: this.network.vpcId,
          vpcCidr,
          privateSubnetIds: this.network.privateSubnetIds,
          clusterSecurityGroupId: c.clusterSecurityGroupId,
          oidcProviderArn: c.oidcProvider.arn,
          oidcIssuer,
          // Known at synth: add-ons that follow the cluster's version resolve it then.
          kubernetesVersion: c.version,
          podSecurityGroups: c.podSecurityGroups,
        };
        return { ...eks, privateSubnetIds: [...eks.privateSubnetIds] };
      },
      new Set(),
      undefined,
      [this],
    );
  }
}

/** Properties of an {@link AddonsStack}. */
export interface AddonsStackProps extends TierStackProps {
  /** The platform to install into. */
  readonly platform: PlatformRef;
  /** The add-ons, in install order. */
  readonly addons: Addon[];
  /**
   * Name: the stack is `<name>-<tier>`, its config stack `<name>-config-<tier>`.
   * @default "addons"
   */
  readonly name?: string;
}

/** Per program, the add-ons each cluster connection gets from its add-ons stacks, with the stack that installs each. */
const INSTALLED = new WeakMap<object, WeakMap<object, Map<string, string>>>();

/**
 * The stack `addons-<tier>`: the cluster add-ons, installed with Helm one at
 * a time in the order given (each after the add-on listed before it, and
 * after the add-ons it requires). Its Kubernetes and Helm
 * providers read a cluster made by an earlier stack (or a kubeconfig), never
 * one made in this stack. Add-ons that own CRDs live here; the custom
 * resources of those CRDs (the Gateway, a ClusterIssuer) live in the stack
 * `addons-config-<tier>`, deployed after it, because the Kubernetes provider
 * must find a CRD when it plans a resource of it.
 */
export class AddonsStack extends TierStack {
  /** The platform with this stack's add-ons, for the app stacks of the tier. */
  public readonly ref: PlatformRef;
  /** The stack of the add-ons' custom resources, when an add-on has any. */
  public readonly configStack?: TierStack;
  /** What each add-on's dependents wait for, by catalog ID. */
  public readonly installed: ReadonlyMap<string, ITerraformDependable[]>;

  constructor(scope: Construct, props: AddonsStackProps) {
    const name = props.name ?? 'addons';
    checkName(`${name}-${props.tier?.name}`, 'add-ons stack name', name, 24);
    super(scope, `${name}-${props.tier.name}`, props);
    for (const s of props.platform.stacks) this.addDependency(s as TierStack);
    this.useCluster(props.platform.connection);

    const all = new Set<string>(props.platform.addons);
    const seen = new Set<string>();
    const program = INSTALLED.get(this.node.root) ?? new WeakMap<object, Map<string, string>>();
    INSTALLED.set(this.node.root, program);
    const onCluster = program.get(props.platform.connection) ?? new Map<string, string>();
    program.set(props.platform.connection, onCluster);
    for (const a of props.addons) {
      if (seen.has(a.id)) fail(this, 'add-on %v is listed twice', a.id, 'list each add-on once (pass its options to the one entry)');
      if (props.platform.hasAddon(a.id)) {
        fail(this, 'add-on %v is on the platform already', a.id, `drop it from the list (the PlatformRef says the cluster has it), or drop "${a.id}" from the PlatformRef's addons if it is not installed`);
      }
      const other = onCluster.get(a.id);
      if (other !== undefined) {
        fail(this, `add-on %v is installed on this cluster by ${other} already`, a.id, 'install each add-on in one add-ons stack per cluster: drop it from one of the lists');
      }
      seen.add(a.id);
      all.add(a.id);
    }
    for (const id of seen) onCluster.set(id, this.node.path);
    const gateways = props.addons.map((a) => a._gateway()).filter((g): g is GatewayRef => g !== undefined);
    if (gateways.length > 1) {
      fail(this, 'more than one add-on provides the platform\'s Gateway: %v', props.addons.filter((a) => a._gateway()).map((a) => a.id), 'keep one Gateway implementation (EnvoyGateway, or AwsLoadBalancerController with gatewayApi)');
    }
    const installed = new Map<string, ITerraformDependable[]>();
    const done = new Set<string>();
    let previous: ITerraformDependable[] = [];
    for (const addon of props.addons) {
      for (const r of addon.requires) {
        if (!done.has(r) && !props.platform.hasAddon(r) && !seen.has(r) && !CATALOG_IDS.includes(r)) {
          fail(this, `add-on "${addon.id}" needs %v, which is neither an add-on of the catalog nor one of this list`, r,
            `fix the ID (the catalog has ${CATALOG_IDS.join(', ')}), or add a HelmAddon with id "${r}" before "${addon.id}"`);
        }
        if (!done.has(r) && !props.platform.hasAddon(r)) {
          fail(this, `add-on "${addon.id}" needs %v installed before it`, r, seen.has(r)
            ? `move "${r}" before "${addon.id}" in the add-on list`
            : `add the "${r}" add-on to the list before "${addon.id}"`);
        }
      }
      // In the order listed: after the add-on before it (and so after everything before that), so an
      // add-on that registers a webhook is up before later charts create objects it admits.
      const after = [...new Set([...addon.requires.flatMap((r) => installed.get(r) ?? []), ...previous])];
      const made = addon._install(this, { stack: this, tier: this.tier, platform: props.platform, after, installed: all, addons: props.addons });
      installed.set(addon.id, made);
      if (made.length > 0) previous = made;
      done.add(addon.id);
    }
    this.installed = installed;

    // The custom resources of the add-ons, a stack later.
    const configured = props.addons.filter((a) => a._hasConfig());
    let config: TierStack | undefined;
    if (configured.length > 0) {
      config = new TierStack(scope, `${name}-config-${props.tier.name}`, { tier: props.tier, backend: props.backend, region: props.region });
      config.addDependency(this);
      for (const s of props.platform.stacks) config.addDependency(s as TierStack);
      config.useCluster(props.platform.connection);
      const made = new Map<string, ITerraformDependable[]>();
      for (const addon of configured) {
        const after = addon.requires.flatMap((r) => made.get(r) ?? []);
        made.set(addon.id, addon._configure(config, { stack: config, tier: this.tier, platform: props.platform, after, installed: all, addons: props.addons }));
      }
    }
    this.configStack = config;

    // What app stacks check their route host names against: the listeners' certificate names, and the
    // domains external-dns publishes (none when this list has no external-dns and the platform had none).
    let gateway = gateways[0];
    if (gateway) {
      const published = props.addons.map((a) => a._dnsDomains()).filter((d): d is string[] => d !== undefined);
      const dnsKnown = published.length > 0 || !props.platform.hasAddon(AddonIds.externalDns);
      gateway = { ...gateway, ...(dnsKnown ? { dnsDomains: published.flat() } : {}) };
    }
    this.ref = props.platform._extend(seen, gateway, config ? [this, config] : [this]);
  }
}
