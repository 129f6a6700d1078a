import { Construct, DataAwsPartition, ITerraformDependable, Manifest } from '../../private/cdk';
import { Statement } from '../../private/iam';
import type { GatewayRef } from '../platform-ref';
import { Addon, AddonContext, addonRole, CatalogAddonOptions, checkChart, HelmChart, helmRelease, mergeValues, pinned } from './addon';
import { gateway, GATEWAY_API, GATEWAY_NAME, GATEWAY_NAMESPACE } from './gateway';
import { AddonIds } from './ids';

/** Options of {@link AwsLoadBalancerController}. */
export interface AwsLoadBalancerControllerOptions extends CatalogAddonOptions {
  /**
   * Serve the Gateway API with ALBs: turns on the controller's Gateway feature gates and makes the
   * GatewayClass `aws-alb` and the platform's Gateway `gateway-system/switchyard` (an ALB).
   * The controller's own Gateway CRDs (LoadBalancerConfiguration, TargetGroupConfiguration,
   * ListenerRuleConfiguration), which its chart does not ship, must be in the cluster first:
   * apply them from the controller's release of the pinned version.
   * @default false (load balancers for Services; Envoy Gateway serves the Gateway API)
   */
  readonly gatewayApi?: boolean;
  /** HTTPS listener host name (with `issuer`). @default - HTTP only */
  readonly hostname?: string;
  /** ClusterIssuer of the HTTPS listener's certificate. @default - none */
  readonly issuer?: string;
}

const SA = { namespace: 'kube-system', name: 'aws-load-balancer-controller' };

/**
 * The AWS Load Balancer Controller v3: NLBs for Services of type
 * LoadBalancer (Envoy Gateway's proxies, for one) and, with `gatewayApi`,
 * ALBs for the Gateway API. IRSA role with the controller's permissions,
 * scoped to resources it tagged where AWS allows; two replicas in highly
 * available tiers. Needs an EKS platform.
 */
export class AwsLoadBalancerController extends Addon {
  /** The chart it installs, pinned to one version. */
  public static readonly CHART: HelmChart = { repository: 'https://aws.github.io/eks-charts', chart: 'aws-load-balancer-controller', version: '3.5.0' };
  public readonly id = AddonIds.awsLoadBalancerController;
  public readonly requires: readonly string[];
  private readonly chart: HelmChart;
  private readonly options: AwsLoadBalancerControllerOptions;

  constructor(options: AwsLoadBalancerControllerOptions = {}) {
    super();
    this.chart = pinned(AwsLoadBalancerController.CHART, options);
    checkChart(`addon ${this.id}`, this.chart);
    this.options = options;
    this.requires = options.gatewayApi ? [AddonIds.gatewayApiCrds] : [];
  }

  public _install(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    const eks = ctx.platform.eks(ctx.stack, `add-on "${this.id}"`);
    const partition = new DataAwsPartition(scope, 'aws-load-balancer-controller-partition', { provider: ctx.stack.aws }).partition;
    const role = addonRole(scope, ctx, this.id, SA, loadBalancerControllerPolicy(partition));
    const ha = ctx.tier.profile.highAvailability;
    const gates = this.options.gatewayApi ? { ALBGatewayAPI: true, NLBGatewayAPI: true, GatewayListenerSet: true } : undefined;
    return [helmRelease(scope, ctx, this.id, SA.namespace, this.chart, mergeValues({
      clusterName: eks.clusterName,
      region: eks.region,
      vpcId: eks.vpcId,
      replicaCount: ha ? 2 : 1,
      podDisruptionBudget: ha ? { maxUnavailable: 1 } : {},
      defaultTargetType: 'ip',
      serviceAccount: { create: true, name: SA.name, annotations: { 'eks.amazonaws.com/role-arn': role.arn } },
      ...(gates ? { controllerConfig: { featureGates: gates } } : {}),
    }, this.options.values))];
  }

  public _hasConfig(): boolean {
    return this.options.gatewayApi === true;
  }

  public _configure(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    const gatewayClass = new Manifest(scope, 'alb-gateway-class', {
      provider: ctx.stack.kubernetes,
      manifest: { apiVersion: GATEWAY_API, kind: 'GatewayClass', metadata: { name: 'aws-alb' }, spec: { controllerName: 'gateway.k8s.aws/alb' } },
      dependsOn: ctx.after,
    });
    return [gatewayClass, gateway(scope, ctx, 'aws-alb', this.options, [gatewayClass])];
  }

  public _gateway(): GatewayRef | undefined {
    return this.options.gatewayApi ? { name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE } : undefined;
  }
}

/**
 * The controller's IAM permissions, following the policy its project
 * publishes for v3: reads are unscoped; changes to load balancers, target
 * groups and security groups are limited to resources tagged
 * `elbv2.k8s.aws/cluster` (which the controller tags on creation); tags are
 * added or removed only on resources that have that tag, never the tag itself
 * (so it cannot adopt a load balancer or security group it did not make), or
 * while creating one.
 */
function loadBalancerControllerPolicy(partition: string): Statement[] {
  const tagged = [{ test: 'Null', variable: 'aws:ResourceTag/elbv2.k8s.aws/cluster', values: ['false'] }];
  const tagging = [{ test: 'Null', variable: 'aws:RequestTag/elbv2.k8s.aws/cluster', values: ['false'] }];
  // Changes the tags of a resource it made, but not its cluster tag.
  const retagging = [
    { test: 'Null', variable: 'aws:RequestTag/elbv2.k8s.aws/cluster', values: ['true'] },
    { test: 'Null', variable: 'aws:ResourceTag/elbv2.k8s.aws/cluster', values: ['false'] },
  ];
  const elb = (kind: string) => `arn:${partition}:elasticloadbalancing:*:*:${kind}`;
  const balancers = [elb('targetgroup/*/*'), elb('loadbalancer/net/*/*'), elb('loadbalancer/app/*/*')];
  const securityGroups = `arn:${partition}:ec2:*:*:security-group/*`;
  return [
    {
      actions: ['iam:CreateServiceLinkedRole'],
      resources: ['*'],
      conditions: [{ test: 'StringEquals', variable: 'iam:AWSServiceName', values: ['elasticloadbalancing.amazonaws.com'] }],
    },
    {
      actions: [
        'ec2:DescribeAccountAttributes', 'ec2:DescribeAddresses', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeInternetGateways',
        'ec2:DescribeVpcs', 'ec2:DescribeVpcPeeringConnections', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
        'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeTags', 'ec2:DescribeRouteTables',
        'ec2:DescribeIpamPools', 'ec2:GetCoipPoolUsage', 'ec2:DescribeCoipPools', 'ec2:GetSecurityGroupsForVpc',
        'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeListenerCertificates',
        'elasticloadbalancing:DescribeListenerAttributes', 'elasticloadbalancing:DescribeSSLPolicies',
        'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeTags', 'elasticloadbalancing:DescribeTrustStores',
        'elasticloadbalancing:DescribeCapacityReservation',
        'acm:ListCertificates', 'acm:DescribeCertificate', 'iam:ListServerCertificates', 'iam:GetServerCertificate',
        'cognito-idp:DescribeUserPoolClient',
        'wafv2:GetWebACL', 'wafv2:GetWebACLForResource', 'wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL',
        'shield:GetSubscriptionState', 'shield:DescribeProtection', 'shield:CreateProtection', 'shield:DeleteProtection',
      ],
      resources: ['*'],
    },
    {
      actions: ['ec2:CreateSecurityGroup'],
      resources: ['*'],
    },
    {
      actions: ['ec2:CreateTags'],
      resources: [securityGroups],
      conditions: [{ test: 'StringEquals', variable: 'ec2:CreateAction', values: ['CreateSecurityGroup'] }, ...tagging],
    },
    {
      actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
      resources: [securityGroups],
      conditions: retagging,
    },
    {
      actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup'],
      resources: ['*'],
      conditions: tagged,
    },
    {
      actions: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
      resources: ['*'],
      conditions: tagging,
    },
    {
      actions: [
        'elasticloadbalancing:CreateListener', 'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:CreateRule',
        'elasticloadbalancing:DeleteRule', 'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyRule',
        'elasticloadbalancing:ModifyListenerAttributes', 'elasticloadbalancing:AddListenerCertificates',
        'elasticloadbalancing:RemoveListenerCertificates', 'elasticloadbalancing:SetWebAcl',
      ],
      resources: ['*'],
    },
    {
      actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      resources: balancers,
      conditions: retagging,
    },
    {
      actions: ['elasticloadbalancing:AddTags'],
      resources: balancers,
      conditions: [{ test: 'StringEquals', variable: 'elasticloadbalancing:CreateAction', values: ['CreateTargetGroup', 'CreateLoadBalancer'] }, ...tagging],
    },
    {
      actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      resources: [elb('listener/net/*/*/*'), elb('listener/app/*/*/*'), elb('listener-rule/net/*/*/*'), elb('listener-rule/app/*/*/*')],
    },
    {
      actions: [
        'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetIpAddressType',
        'elasticloadbalancing:SetSecurityGroups', 'elasticloadbalancing:SetSubnets', 'elasticloadbalancing:DeleteLoadBalancer',
        'elasticloadbalancing:ModifyTargetGroup', 'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:DeleteTargetGroup', 'elasticloadbalancing:ModifyCapacityReservation',
        'elasticloadbalancing:ModifyIpPools',
      ],
      resources: ['*'],
      conditions: tagged,
    },
    {
      actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
      resources: [elb('targetgroup/*/*')],
    },
  ];
}
