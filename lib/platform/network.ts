import {
  Construct, DataAwsAvailabilityZones, DefaultSecurityGroup, Eip, FlowLog, Fn, IamRole, IamRolePolicy,
  InternetGateway, NatGateway, Route, RouteTable, RouteTableAssociation, Subnet, Token, Vpc,
} from '../private/cdk';
import { Cidr, cidrSubnet, contains, formatCidr, overlaps, parseCidr, PRIVATE_RANGES } from '../private/cidr';
import { fail } from '../private/errors';
import { policyDocument, serviceTrust } from '../private/iam';
import { TierStack } from '../tier/stack';
import { encryptedLogGroup } from './log-group';

/** A VPC as the rest of Switchyard needs it. */
export interface INetwork {
  /** VPC ID. */
  readonly vpcId: string;
  /** Private subnets (nodes, databases, caches), one per availability zone. */
  readonly privateSubnetIds: string[];
  /** Public subnets (internet-facing load balancers, NAT). */
  readonly publicSubnetIds: string[];
  /**
   * The VPC's IPv4 range, when known at synth.
   * @default - unknown (an existing VPC given by IDs)
   */
  readonly cidr?: string;
}

/** Properties of a new {@link Network}. */
export interface NetworkProps {
  /**
   * IPv4 range of the VPC, from /16 to /22. Private subnets take the first half
   * (one /(n+3) per zone), public subnets the start of the second half (one /(n+5) per zone).
   * @default - "10.<tier order>.0.0/16" (10.20.0.0/16 in staging, 10.30.0.0/16 in prod): tiers never overlap
   */
  readonly cidr?: string;
  /**
   * Number of availability zones (2 to 4).
   * @default 3 in highly available tiers, 2 otherwise
   */
  readonly zones?: number;
  /**
   * NAT gateways: `single` (one for the VPC, cheaper) or `per-zone` (no cross-zone dependency).
   * @default - `per-zone` in highly available tiers, `single` otherwise
   */
  readonly natGateways?: 'single' | 'per-zone';
  /**
   * VPC flow logs (all traffic) to CloudWatch Logs, kept for the tier's log retention.
   * @default - the tier's `flowLogs` setting (on in prod)
   */
  readonly flowLogs?: boolean;
  /**
   * Cluster name to tag subnets with, for load balancer and Karpenter discovery.
   * @default - no cluster tags
   */
  readonly clusterName?: string;
}

/** An existing VPC, by IDs. */
export interface ExistingNetworkProps {
  /** ID of the VPC (`vpc-...`). */
  readonly vpcId: string;
  /** Its private subnets, in at least 2 availability zones (nodes, databases, caches). */
  readonly privateSubnetIds: string[];
  /**
   * Its public subnets (internet-facing load balancers).
   * @default []
   */
  readonly publicSubnetIds?: string[];
}

/**
 * A VPC with private and public subnets across availability zones, NAT for
 * outbound traffic from the private subnets, flow logs where the tier wants
 * them, and the default security group emptied. Or an existing VPC by IDs.
 */
export class Network extends Construct implements INetwork {
  /** An existing VPC: nothing is created. */
  public static fromExisting(scope: Construct, id: string, props: ExistingNetworkProps): INetwork {
    const where = `${scope.node.path}/${id}`;
    const literal = (v: string) => !Token.isUnresolved(v);
    if (literal(props.vpcId) && !/^vpc-[0-9a-f]{8,17}$/.test(props.vpcId)) {
      fail(where, 'vpcId %v is not a VPC ID', props.vpcId, 'give the ID of the VPC, e.g. "vpc-0a1b2c3d4e5f67890"');
    }
    for (const subnet of [...props.privateSubnetIds, ...(props.publicSubnetIds ?? [])]) {
      if (literal(subnet) && !/^subnet-[0-9a-f]{8,17}$/.test(subnet)) fail(where, 'subnet ID %v is not a subnet ID', subnet, 'give subnet IDs such as "subnet-0a1b2c3d4e5f67890"');
    }
    if (new Set(props.privateSubnetIds).size < 2) {
      fail(where, 'privateSubnetIds %v lists fewer than 2 subnets', props.privateSubnetIds, 'give private subnets in at least 2 availability zones (EKS and multi-AZ databases need them)');
    }
    return { vpcId: props.vpcId, privateSubnetIds: [...props.privateSubnetIds], publicSubnetIds: [...(props.publicSubnetIds ?? [])] };
  }

  /** The VPC. */
  public readonly vpc: Vpc;
  public readonly vpcId: string;
  public readonly cidr: string;
  /** The private subnets, one per availability zone. */
  public readonly privateSubnets: Subnet[] = [];
  /** The public subnets, one per availability zone. */
  public readonly publicSubnets: Subnet[] = [];
  /** The NAT gateways: one, or one per zone. */
  public readonly natGateways: NatGateway[] = [];
  /** The VPC's flow log, where the tier keeps flow logs. */
  public readonly flowLog?: FlowLog;

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    const stack = TierStack.of(this);
    const profile = stack.tier.profile;
    const provider = stack.aws;

    const cidrText = props.cidr ?? `10.${Math.min(stack.tier.order, 255)}.0.0/16`;
    const cidr = parseCidr(cidrText);
    if (!cidr) fail(this, 'cidr %v is not a valid IPv4 CIDR', cidrText, 'use a network address with a prefix, e.g. "10.20.0.0/16" (no host bits set)');
    if (cidr.prefix < 16 || cidr.prefix > 22) fail(this, 'cidr %v is outside /16 to /22', cidrText, 'use a VPC range from /16 (largest AWS allows) to /22 (room for subnets in 4 zones)');
    if (!PRIVATE_RANGES.some((r) => contains(r, cidr))) {
      fail(this, 'cidr %v is not in a private address range', cidrText, 'use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16');
    }
    // Networks of one program (one per tier) must not overlap, so they can be peered or routed later.
    for (const other of stack.node.scope!.node.findAll()) {
      if (other instanceof Network && other !== this && overlaps(parseCidr(other.cidr)!, cidr)) {
        fail(this, `cidr %v overlaps the network at ${other.node.path} (${other.cidr})`, cidrText, 'give each network its own range (the default is 10.<tier order>.0.0/16)');
      }
    }
    const zones = props.zones ?? (profile.highAvailability ? 3 : 2);
    if (!Number.isInteger(zones) || zones < 2 || zones > 4) {
      fail(this, `zones %v is ${zones < 2 ? 'fewer than 2' : 'not 2 to 4'}`, zones, profile.highAvailability
        ? `tier "${stack.tier.name}" is highly available: use 2 to 4 availability zones (3 recommended)`
        : 'use 2 to 4 availability zones (EKS needs subnets in at least 2)');
    }
    const nat = props.natGateways ?? (profile.highAvailability ? 'per-zone' : 'single');
    if (nat !== 'single' && nat !== 'per-zone') fail(this, 'natGateways %v is not known', nat, 'use "single" or "per-zone"');
    const name = stack.node.id;

    const azs = new DataAwsAvailabilityZones(this, 'zones', {
      provider,
      state: 'available',
      filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
    });
    this.vpc = new Vpc(this, 'vpc', {
      provider,
      cidrBlock: cidrText,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: name },
    });
    this.vpcId = this.vpc.id;
    this.cidr = cidrText;

    // Take away every rule of the default security group: nothing may use it by accident.
    new DefaultSecurityGroup(this, 'default-sg', { provider, vpcId: this.vpc.id, tags: { Name: `${name}-default-unused` } });

    const clusterTags = props.clusterName ? { [`kubernetes.io/cluster/${props.clusterName}`]: 'shared' } : {};
    const igw = new InternetGateway(this, 'igw', { provider, vpcId: this.vpc.id, tags: { Name: name } });
    const publicRt = new RouteTable(this, 'public-rt', { provider, vpcId: this.vpc.id, tags: { Name: `${name}-public` } });
    new Route(this, 'public-default', { provider, routeTableId: publicRt.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id });

    const subnetCidr = (kind: 'private' | 'public', i: number): Cidr =>
      kind === 'private' ? cidrSubnet(cidr, 3, i) : cidrSubnet(cidr, 5, 16 + i);
    for (let i = 0; i < zones; i++) {
      const az = Fn.element(azs.names, i);
      const pub = new Subnet(this, `public-${i}`, {
        provider,
        vpcId: this.vpc.id,
        cidrBlock: formatCidr(subnetCidr('public', i)),
        availabilityZone: az,
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-public-${i}`, 'kubernetes.io/role/elb': '1', ...clusterTags },
      });
      new RouteTableAssociation(this, `public-${i}-rt`, { provider, subnetId: pub.id, routeTableId: publicRt.id });
      this.publicSubnets.push(pub);
      const priv = new Subnet(this, `private-${i}`, {
        provider,
        vpcId: this.vpc.id,
        cidrBlock: formatCidr(subnetCidr('private', i)),
        availabilityZone: az,
        tags: {
          Name: `${name}-private-${i}`,
          'kubernetes.io/role/internal-elb': '1',
          ...clusterTags,
          ...(props.clusterName ? { 'karpenter.sh/discovery': props.clusterName } : {}),
        },
      });
      this.privateSubnets.push(priv);
    }
    const natCount = nat === 'per-zone' ? zones : 1;
    for (let i = 0; i < natCount; i++) {
      const eip = new Eip(this, `nat-${i}-ip`, { provider, domain: 'vpc', tags: { Name: `${name}-nat-${i}` } });
      this.natGateways.push(new NatGateway(this, `nat-${i}`, {
        provider,
        allocationId: eip.allocationId,
        subnetId: this.publicSubnets[i].id,
        tags: { Name: `${name}-nat-${i}` },
        dependsOn: [igw],
      }));
    }
    this.privateSubnets.forEach((subnet, i) => {
      const rt = new RouteTable(this, `private-${i}-rt`, { provider, vpcId: this.vpc.id, tags: { Name: `${name}-private-${i}` } });
      new Route(this, `private-${i}-default`, {
        provider,
        routeTableId: rt.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: this.natGateways[nat === 'per-zone' ? i : 0].id,
      });
      new RouteTableAssociation(this, `private-${i}-rta`, { provider, subnetId: subnet.id, routeTableId: rt.id });
    });

    if (props.flowLogs ?? profile.flowLogs) {
      const logs = encryptedLogGroup(this, 'flow-logs', provider, `/switchyard/${name}/vpc-flow-logs`, `the flow logs of VPC ${name}`).logGroup;
      const role = new IamRole(this, 'flow-logs-role', {
        provider,
        namePrefix: `${name}-flow-logs-`.slice(0, 38),
        assumeRolePolicy: serviceTrust(this, 'flow-logs-trust', provider, 'vpc-flow-logs.amazonaws.com'),
      });
      new IamRolePolicy(this, 'flow-logs-policy', {
        provider,
        role: role.id,
        policy: policyDocument(this, 'flow-logs-access', provider, [{
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [logs.arn, `${logs.arn}:*`],
        }]),
      });
      this.flowLog = new FlowLog(this, 'flow-log', {
        provider,
        vpcId: this.vpc.id,
        trafficType: 'ALL',
        logDestinationType: 'cloud-watch-logs',
        logDestination: logs.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
      });
    }
  }

  // Made once (each read of a subnet's `id` makes a new token); a copy to each caller.
  private _privateSubnetIds?: string[];
  private _publicSubnetIds?: string[];

  public get privateSubnetIds(): string[] {
    this._privateSubnetIds ??= this.privateSubnets.map((s) => s.id);
    return [...this._privateSubnetIds];
  }

  public get publicSubnetIds(): string[] {
    this._publicSubnetIds ??= this.publicSubnets.map((s) => s.id);
    return [...this._publicSubnetIds];
  }
}
