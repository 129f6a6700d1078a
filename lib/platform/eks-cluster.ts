import {
  AwsEksCluster, CloudwatchLogGroup, Construct, DataAwsPartition, EksAccessEntry, EksAddon, EksNodeGroup, IamOpenidConnectProvider, IamRole,
  IamRolePolicyAttachment, KmsAlias, KmsKey, LaunchTemplate, Token,
} from '../private/cdk';
import { contains, overlaps, parseCidr, PRIVATE_RANGES } from '../private/cidr';
import { fail } from '../private/errors';
import { checkName } from '../private/names';
import { serviceTrust } from '../private/iam';
import { TierStack } from '../tier/stack';
import { accessEntries, checkPublicAccessCidrs, declaresAccess } from './eks-access';
import { encryptedLogGroup } from './log-group';
import { INetwork } from './network';

/** Kubernetes minor versions Switchyard accepts for EKS (standard and extended support). */
export const EKS_VERSIONS = ['1.32', '1.33', '1.34', '1.35', '1.36'] as const;
/** The version a new cluster gets unless told otherwise. */
export const DEFAULT_EKS_VERSION = '1.35';

/** Every control-plane log type EKS can send to CloudWatch. */
export const EKS_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

/** Properties of an {@link EksCluster}. */
export interface EksClusterProps {
  /** The VPC; the cluster and its nodes use the private subnets. */
  readonly network: INetwork;
  /** Cluster name, unique in the account and region. */
  readonly clusterName: string;
  /**
   * Kubernetes minor version, e.g. "1.35".
   * @default "1.35"
   */
  readonly version?: string;
  /**
   * CIDRs allowed to reach the public API endpoint. Empty means the endpoint is private only
   * (reachable from the VPC, e.g. a runner or VPN there). 0.0.0.0/0 is refused.
   * @default [] (private endpoint only)
   */
  readonly publicAccessCidrs?: string[];
  /**
   * IAM principal ARNs (roles or users) given cluster-admin through EKS access entries, besides the
   * tier's `clusterAccess.admins` and `deployRole`.
   * @default [] (only the identity that creates the cluster, and the tier's clusterAccess, may reach it)
   */
  readonly admins?: string[];
  /**
   * More roles given cluster-admin as deploy roles (e.g. the pipelines of another repository that
   * deploys to this cluster), besides the tier's `clusterAccess.deployRole`.
   * @default []
   */
  readonly deployRoles?: string[];
  /**
   * More read-only roles for plans (AmazonEKSAdminViewPolicy: every object, Secrets included, no
   * change), besides the tier's `clusterAccess.planRole`.
   * @default []
   */
  readonly planRoles?: string[];
  /**
   * Accept documentation ranges (RFC 5737: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) in
   * `publicAccessCidrs` of a protected tier (prod). They are placeholders that reach nobody's network;
   * an example that keeps one says so with this.
   * @default false
   */
  readonly allowDocumentationRanges?: boolean;
  /**
   * Give the identity that creates the cluster admin rights through EKS's own creator entry. Where the
   * tier declares who reaches the cluster (`clusterAccess`, or `admins`/`deployRoles` here), access is
   * exactly that list, and the identity that creates the cluster must be on it (as the pipeline's deploy
   * role is): EKS keeps one entry per principal, so a creator entry besides a declared one would fail
   * the apply. Only read when the cluster is created (changing it later changes nothing).
   * @default - false where principals are declared, true otherwise
   */
  readonly creatorIsAdmin?: boolean;
  /**
   * IPv4 range of Kubernetes Services (/12 to /24, private, not overlapping the VPC).
   * @default - EKS chooses 10.100.0.0/16 or 172.20.0.0/16
   */
  readonly serviceCidr?: string;
  /**
   * Size of each node's root volume (gp3, encrypted) in GiB: container images and
   * pods' ephemeral storage live there. From 20 (the EKS AMI's own size) to 16384.
   * @default 50
   */
  readonly nodeVolumeGib?: number;
  /**
   * Security groups for pods: the VPC CNI gives pods a branch network interface with the
   * security groups a `SecurityGroupPolicy` names, so a managed database or cache admits the
   * connected services' pods only, not every pod of the cluster. Needs Nitro instance types
   * outside the t family (each type has a fixed number of branch interfaces, i.e. of such pods per node).
   * @default true
   */
  readonly podSecurityGroups?: boolean;
}

/**
 * A hardened EKS cluster: private subnets, API endpoint private or limited to
 * given CIDRs, every control-plane log type, secrets envelope-encrypted with
 * a rotating KMS key, access entries (API authentication mode), an OIDC
 * provider for IRSA and the Pod Identity agent, and managed node groups (one
 * per private subnet) sized by the tier.
 */
export class EksCluster extends Construct {
  /** The EKS cluster. */
  public readonly cluster: AwsEksCluster;
  /** The cluster's name. */
  public readonly clusterName: string;
  /** The cluster's Kubernetes version (major.minor). */
  public readonly version: string;
  /** The KMS key (rotating) that envelope-encrypts the cluster's Kubernetes secrets. */
  public readonly secretsKey: KmsKey;
  /** The role the EKS control plane assumes. */
  public readonly clusterRole: IamRole;
  /** The role of the managed node group's instances. */
  public readonly nodeRole: IamRole;
  /**
   * The managed node groups, one per private subnet (so one per zone in a
   * `Network`): the autoscaler can then add a node in the zone where a pending
   * pod's volume lives. The tier's node counts are split evenly between them.
   */
  public readonly nodeGroups: EksNodeGroup[];
  /** The cluster's OIDC provider in IAM, which service roles (IRSA) trust. */
  public readonly oidcProvider: IamOpenidConnectProvider;
  /** The CloudWatch log group of the control-plane logs, kept for the tier's log retention. */
  public readonly logGroup: CloudwatchLogGroup;
  /** Whether pods can have security groups of their own (see {@link EksClusterProps.podSecurityGroups}). */
  public readonly podSecurityGroups: boolean;
  /** The KMS key (rotating) that encrypts the control-plane log group. */
  public readonly logsKey: KmsKey;
  /**
   * The launch template of the nodes: IMDSv2 only with a hop limit of 1 (pods
   * reach AWS through IRSA or Pod Identity, never the node's role) and an
   * encrypted gp3 root volume.
   */
  public readonly nodeTemplate: LaunchTemplate;
  /**
   * The EKS access entries: cluster-admin for the admins and deploy roles (the tier's `clusterAccess`
   * and the props), read-only for the plan roles.
   */
  public readonly accessEntries: EksAccessEntry[];

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const stack = TierStack.of(this);
    const provider = stack.aws;
    const profile = stack.tier.profile;
    this.clusterName = checkName(this, 'clusterName', props.clusterName, 60);
    this.version = props.version ?? DEFAULT_EKS_VERSION;
    if (!(EKS_VERSIONS as readonly string[]).includes(this.version)) {
      fail(this, 'Kubernetes version %v is not supported', this.version, `use one of ${EKS_VERSIONS.join(', ')} (a minor version as a string, e.g. "1.35")`);
    }
    const cidrs = props.publicAccessCidrs ?? [];
    const protectedTier = profile.deletionProtection || profile.approvalRequired;
    const tierAccess = stack.tier.clusterAccess;
    checkPublicAccessCidrs(this, cidrs, protectedTier, props.allowDocumentationRanges);
    if (props.serviceCidr !== undefined) {
      const svc = parseCidr(props.serviceCidr);
      if (!svc || svc.prefix < 12 || svc.prefix > 24 || !PRIVATE_RANGES.some((r) => contains(r, svc))) {
        fail(this, 'serviceCidr %v is not a private IPv4 range from /12 to /24', props.serviceCidr, 'use a range such as "172.20.0.0/16" inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16');
      }
      const vpc = props.network.cidr ? parseCidr(props.network.cidr) : undefined;
      if (vpc && overlaps(vpc, svc)) {
        fail(this, `serviceCidr %v overlaps the VPC (${props.network.cidr})`, props.serviceCidr, 'pick a Service range outside the VPC, e.g. "172.20.0.0/16" for a VPC in 10.0.0.0/8');
      }
    }
    this.podSecurityGroups = props.podSecurityGroups ?? true;
    const burstable = profile.sizing.nodeInstanceTypes.filter((t) => /^t\d/.test(t));
    if (this.podSecurityGroups && burstable.length > 0) {
      fail(this, 'node instance types %v cannot give pods security groups of their own (no t-family type has branch network interfaces)', burstable,
        'use Nitro types such as m6i.large in the tier\'s sizing.nodeInstanceTypes, or set podSecurityGroups: false (databases and caches then admit every pod of the cluster)');
    }
    const partition = new DataAwsPartition(this, 'partition', { provider });
    const managed = (name: string) => `arn:${partition.partition}:iam::aws:policy/${name}`;

    this.secretsKey = new KmsKey(this, 'secrets-key', {
      provider,
      description: `Envelope encryption of Kubernetes secrets in EKS cluster ${this.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: profile.deletionProtection ? 30 : 7,
      lifecycle: profile.deletionProtection ? { preventDestroy: true } : undefined,
    });
    new KmsAlias(this, 'secrets-key-alias', { provider, name: `alias/eks/${this.clusterName}`, targetKeyId: this.secretsKey.keyId });

    this.clusterRole = new IamRole(this, 'cluster-role', {
      provider,
      namePrefix: `${this.clusterName}-cluster-`.slice(0, 38),
      assumeRolePolicy: serviceTrust(this, 'cluster-trust', provider, 'eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession']),
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'cluster-policy', {
      provider, role: this.clusterRole.name, policyArn: managed('AmazonEKSClusterPolicy'),
    });
    // The VPC resource controller (in the control plane) makes the pods' branch network interfaces.
    const podEniPolicy = this.podSecurityGroups ? new IamRolePolicyAttachment(this, 'cluster-vpc-resource-controller', {
      provider, role: this.clusterRole.name, policyArn: managed('AmazonEKSVPCResourceController'),
    }) : undefined;

    // Created before the cluster so that EKS writes to a log group with our retention and key.
    const logs = encryptedLogGroup(this, 'control-plane-logs', provider, `/aws/eks/${this.clusterName}/cluster`, `the control-plane logs of EKS cluster ${this.clusterName}`);
    this.logGroup = logs.logGroup;
    this.logsKey = logs.key;

    this.cluster = new AwsEksCluster(this, 'cluster', {
      provider,
      name: this.clusterName,
      version: this.version,
      roleArn: this.clusterRole.arn,
      enabledClusterLogTypes: EKS_LOG_TYPES,
      deletionProtection: profile.deletionProtection,
      vpcConfig: {
        subnetIds: props.network.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: cidrs.length > 0,
        publicAccessCidrs: cidrs.length > 0 ? cidrs : undefined,
      },
      kubernetesNetworkConfig: props.serviceCidr ? { serviceIpv4Cidr: props.serviceCidr } : undefined,
      accessConfig: {
        authenticationMode: 'API',
        bootstrapClusterCreatorAdminPermissions: props.creatorIsAdmin ?? !declaresAccess(tierAccess, props),
      },
      encryptionConfig: {
        resources: ['secrets'],
        provider: { keyArn: this.secretsKey.arn },
      },
      dependsOn: [clusterPolicy, ...(podEniPolicy ? [podEniPolicy] : []), this.logGroup],
      // The cluster holds every in-cluster object and volume binding: in protected tiers Terraform never destroys it.
      // The creator's entry is set at creation only (a change would replace the cluster): later changes are ignored.
      lifecycle: {
        preventDestroy: profile.deletionProtection,
        ignoreChanges: ['access_config[0].bootstrap_cluster_creator_admin_permissions'],
      },
    });

    this.oidcProvider = new IamOpenidConnectProvider(this, 'oidc', {
      provider,
      url: this.cluster.identity.get(0).oidc.get(0).issuer,
      clientIdList: ['sts.amazonaws.com'],
    });

    // NetworkPolicies enforced (the VPC CNI's network policy agent); branch interfaces for pods with security
    // groups, which kubelet's TCP probes reach with early demux off.
    const cniConfiguration = JSON.stringify({
      enableNetworkPolicy: 'true',
      ...(this.podSecurityGroups ? {
        env: { ENABLE_POD_ENI: 'true', POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' },
        init: { env: { DISABLE_TCP_EARLY_DEMUX: 'true' } },
      } : {}),
    });
    const [vpcCni, , podIdentityAgent] = ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent'].map((addon) =>
      new EksAddon(this, `addon-${addon}`, {
        provider,
        clusterName: this.cluster.name,
        addonName: addon,
        configurationValues: addon === 'vpc-cni' ? cniConfiguration : undefined,
        resolveConflictsOnCreate: 'OVERWRITE',
        resolveConflictsOnUpdate: 'PRESERVE',
      }));

    this.nodeRole = new IamRole(this, 'node-role', {
      provider,
      namePrefix: `${this.clusterName}-node-`.slice(0, 38),
      assumeRolePolicy: serviceTrust(this, 'node-trust', provider, 'ec2.amazonaws.com'),
    });
    const nodePolicies = ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryPullOnly'].map((p) =>
      new IamRolePolicyAttachment(this, `node-${p}`, { provider, role: this.nodeRole.name, policyArn: managed(p) }));
    const volumeGib = props.nodeVolumeGib ?? 50;
    if (!Number.isInteger(volumeGib) || volumeGib < 20 || volumeGib > 16384) {
      fail(this, 'nodeVolumeGib %v is not a whole number from 20 to 16384', props.nodeVolumeGib, 'give the root volume size in GiB, e.g. 50; the EKS AMI itself needs 20');
    }
    this.nodeTemplate = new LaunchTemplate(this, 'node-template', {
      provider,
      namePrefix: `${this.clusterName}-nodes-`,
      description: `Nodes of EKS cluster ${this.clusterName}`,
      updateDefaultVersion: true,
      // IMDSv2 only, and its token does not cross the hop into a pod's network namespace.
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1, instanceMetadataTags: 'disabled' },
      blockDeviceMappings: [{
        deviceName: '/dev/xvda',
        ebs: { volumeSize: volumeGib, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
      }],
      tagSpecifications: ['instance', 'volume'].map((resourceType) => ({ resourceType, tags: { Name: `${this.clusterName}-node` } })),
    });
    const sizing = profile.sizing;
    const subnets = props.network.privateSubnetIds;
    // `total` split between the groups as evenly as can be, the first ones taking the remainder.
    const share = (total: number, i: number) => Math.floor(total / subnets.length) + (i < total % subnets.length ? 1 : 0);
    // The first group keeps the address of the single group of earlier versions (`nodes`): an upgrade
    // replaces it create-before-destroy, so the old nodes drain only once new ones run.
    this.nodeGroups = subnets.map((subnetId, i) => new EksNodeGroup(this, i === 0 ? 'nodes' : `nodes-${i}`, {
      provider,
      clusterName: this.cluster.name,
      nodeGroupNamePrefix: `nodes-${i}-`,
      nodeRoleArn: this.nodeRole.arn,
      subnetIds: [subnetId],
      // The nodes follow the control plane: an upgrade of the cluster's version upgrades them after it.
      version: this.cluster.version,
      amiType: 'AL2023_x86_64_STANDARD',
      // A new template version rolls the nodes, `maxUnavailable` at a time.
      launchTemplate: { id: this.nodeTemplate.id, version: Token.asString(this.nodeTemplate.latestVersion) },
      instanceTypes: [...sizing.nodeInstanceTypes],
      // EKS wants a maximum of at least 1 in every group.
      scalingConfig: { minSize: share(sizing.nodesMin, i), desiredSize: share(sizing.nodesDesired, i), maxSize: Math.max(1, share(sizing.nodesMax, i)) },
      updateConfig: { maxUnavailable: 1 },
      // The desired size belongs to the autoscaler once the cluster runs.
      lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'], createBeforeDestroy: true },
      // The nodes join with the VPC CNI configured (branch interfaces, network policies), not with
      // the default one EKS bootstraps and the add-on then reconfigures under running pods.
      dependsOn: [...nodePolicies, vpcCni],
    }));
    new EksAddon(this, 'addon-coredns', {
      provider,
      clusterName: this.cluster.name,
      addonName: 'coredns',
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'PRESERVE',
      dependsOn: this.nodeGroups,
    });

    // EBS volumes for in-cluster state (Prometheus, Loki, databases), through Pod Identity.
    const ebsRole = new IamRole(this, 'ebs-csi-role', {
      provider,
      namePrefix: `${this.clusterName}-ebs-csi-`.slice(0, 38),
      assumeRolePolicy: serviceTrust(this, 'ebs-csi-trust', provider, 'pods.eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession']),
    });
    const ebsPolicy = new IamRolePolicyAttachment(this, 'ebs-csi-policy', {
      provider, role: ebsRole.name, policyArn: managed('service-role/AmazonEBSCSIDriverPolicy'),
    });
    new EksAddon(this, 'addon-aws-ebs-csi-driver', {
      provider,
      clusterName: this.cluster.name,
      addonName: 'aws-ebs-csi-driver',
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'PRESERVE',
      podIdentityAssociation: [{ roleArn: ebsRole.arn, serviceAccount: 'ebs-csi-controller-sa' }],
      dependsOn: [...this.nodeGroups, podIdentityAgent, ebsPolicy],
    });

    // Access entries: cluster-admin for the admins and the deploy roles, read-only for the plan roles.
    this.accessEntries = accessEntries(this, this.cluster, provider, partition.partition, tierAccess, props);
  }

  // Each made once: every read of a resource attribute makes a new token.
  private _endpoint?: string;
  private _certificateAuthorityData?: string;
  private _clusterSecurityGroupId?: string;

  /** The cluster's API server URL. */
  public get endpoint(): string {
    return (this._endpoint ??= this.cluster.endpoint);
  }

  /** Base64 CA bundle of the API server. */
  public get certificateAuthorityData(): string {
    return (this._certificateAuthorityData ??= this.cluster.certificateAuthority.get(0).data);
  }

  /** The cluster security group, which EKS attaches to the control plane and managed nodes. */
  public get clusterSecurityGroupId(): string {
    return (this._clusterSecurityGroupId ??= this.cluster.vpcConfig.clusterSecurityGroupId);
  }
}
