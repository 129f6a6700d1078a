import {
  ClusterRoleBindingV1, ClusterRoleV1, Construct, DataAwsPartition, ITerraformDependable, JobV1, Manifest, ServiceAccountV1,
} from '../../private/cdk';
import { fail } from '../../private/errors';
import { LOCKED_DOWN_CONTAINER, podSecurity } from '../../private/pod';
import { Policy } from '../../policy/policy';
import { Statement } from '../../private/iam';
import type { GatewayRef } from '../platform-ref';
import { Addon, AddonContext, addonRole, CatalogAddonOptions, checkChart, HelmChart, helmRelease, mergeValues, pinned } from './addon';
import { gateway, GATEWAY_API, gatewayRef } from './gateway';
import { AddonIds } from './ids';

/** Options of {@link AwsLoadBalancerController}. */
export interface AwsLoadBalancerControllerOptions extends CatalogAddonOptions {
  /**
   * Serve the Gateway API with ALBs: turns on the controller's Gateway feature gates and makes the
   * GatewayClass `aws-alb` and the platform's Gateway `gateway-system/switchyard` (an ALB).
   * The controller's own Gateway CRDs (LoadBalancerConfiguration, TargetGroupConfiguration,
   * ListenerRuleConfiguration), which its chart does not ship, are applied before it by a Job
   * (`kubectl apply --server-side` of the controller's release `gatewayCrdsVersion`, fetched by
   * the cluster from GitHub).
   * @default false (load balancers for Services; Envoy Gateway serves the Gateway API)
   */
  readonly gatewayApi?: boolean;
  /**
   * The controller release whose Gateway CRDs the Job applies (a git tag of
   * kubernetes-sigs/aws-load-balancer-controller), with `gatewayApi`.
   * @default - "v" and the chart's version (the chart's releases follow the controller's)
   */
  readonly gatewayCrdsVersion?: string;
  /**
   * Not supported: the ALB takes its certificate from ACM (discovered by the listener's host name, or
   * a LoadBalancerConfiguration), never from a Secret, so a cert-manager issuer cannot give it one
   * (the controller's Gateway guide, v3.5.0). Setting it is refused.
   * @default - HTTP only
   */
  readonly hostname?: string;
  /** Not supported, as `hostname`: refused. @default - none */
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
    if (options.issuer !== undefined || options.hostname !== undefined) {
      fail(`addon ${this.id}`, 'the ALB Gateway cannot take a certificate from cert-manager (%v)', options.issuer ?? options.hostname,
        'an ALB takes its certificate from ACM, not from a Secret: serve HTTPS with EnvoyGateway behind the NLB (standardAddons does), or drop hostname and issuer');
    }
    if (options.gatewayCrdsVersion !== undefined && !/^v\d+\.\d+\.\d+$/.test(options.gatewayCrdsVersion)) {
      fail(`addon ${this.id}`, 'gatewayCrdsVersion %v is not a release tag of the controller', options.gatewayCrdsVersion, 'give a tag such as "v3.5.0"');
    }
  }

  public _install(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    const eks = ctx.platform.eks(ctx.stack, `add-on "${this.id}"`);
    const partition = new DataAwsPartition(scope, 'aws-load-balancer-controller-partition', { provider: ctx.stack.aws }).partition;
    const role = addonRole(scope, ctx, this.id, SA, loadBalancerControllerPolicy(partition));
    const ha = ctx.tier.profile.highAvailability;
    const gates = this.options.gatewayApi ? { ALBGatewayAPI: true, NLBGatewayAPI: true, GatewayListenerSet: true } : undefined;
    const crds = this.options.gatewayApi
      ? gatewayCrdsJob(scope, ctx, this.options.gatewayCrdsVersion ?? `v${this.chart.version.replace(/^v/, '')}`)
      : undefined;
    const after: AddonContext = crds ? { ...ctx, after: [...ctx.after, crds] } : ctx;
    return [...(crds ? [crds] : []), helmRelease(scope, after, this.id, SA.namespace, this.chart, mergeValues({
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
    // The ALB sends to the pods' addresses (ip targets) from its network interfaces in the VPC.
    return this.options.gatewayApi ? gatewayRef(this.options, { fromVpc: true }) : undefined;
  }
}

/** The kubectl image the CRD Job runs (the Kubernetes project's own, only kubectl in it). */
export const KUBECTL_IMAGE = 'registry.k8s.io/kubectl:v1.35.0';

/**
 * The controller's Gateway CRDs, which its chart does not ship: a Job that applies them from the
 * controller's release (server-side, so a later release updates them), under a service account
 * that may manage CRDs and nothing else. The controller's release waits for it.
 */
function gatewayCrdsJob(scope: Construct, ctx: AddonContext, version: string): JobV1 {
  const provider = ctx.stack.kubernetes;
  const name = 'aws-load-balancer-controller-gateway-crds';
  const sa = new ServiceAccountV1(scope, 'lbc-gateway-crds-sa', {
    provider, metadata: { name, namespace: SA.namespace }, automountServiceAccountToken: false, dependsOn: ctx.after,
  });
  const role = new ClusterRoleV1(scope, 'lbc-gateway-crds-role', {
    provider,
    metadata: { name },
    rule: [{ apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list', 'create', 'patch', 'update'] }],
  });
  const binding = new ClusterRoleBindingV1(scope, 'lbc-gateway-crds-binding', {
    provider,
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name },
    subject: [{ kind: 'ServiceAccount', name, namespace: SA.namespace }],
  });
  const url = `https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/${version}/config/crd/gateway/gateway-crds.yaml`;
  const job = new JobV1(scope, 'lbc-gateway-crds', {
    provider,
    metadata: { name, namespace: SA.namespace, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/version': version } },
    waitForCompletion: true,
    timeouts: { create: '5m', update: '5m' },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 300,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': name } },
        spec: {
          serviceAccountName: name,
          // kubectl talks to the API server: it needs the service account's token.
          automountServiceAccountToken: true,
          restartPolicy: 'Never',
          securityContext: podSecurity(65532),
          container: [{
            name: 'kubectl',
            image: KUBECTL_IMAGE,
            args: ['apply', '--server-side', '--force-conflicts', '-f', url],
            env: [{ name: 'HOME', value: '/tmp' }],
            resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
            securityContext: LOCKED_DOWN_CONTAINER,
            volumeMount: [{ name: 'tmp', mountPath: '/tmp' }],
          }],
          volume: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        } as never,
      },
    },
    dependsOn: [sa, binding],
  });
  Policy.suppress(job, 'SY-K8S-11', 'applies the controller\'s CRDs through the Kubernetes API, as its service account (may manage CRDs only)');
  return job;
}

/**
 * The controller's IAM permissions: the policy its project publishes for the
 * release the chart installs (docs/install/iam_policy.json of
 * kubernetes-sigs/aws-load-balancer-controller v3.5.0), statement by
 * statement, with the partition of the account instead of `aws` in ARNs.
 * test/upstream/iam.test.ts diffs it against a copy of that file. Changes to
 * load balancers, target groups and security groups are limited to resources
 * tagged `elbv2.k8s.aws/cluster` (which the controller tags on creation),
 * except ingress rules: the controller adds the backend rules to the security
 * group of each target's network interface (with `ip` targets, the pods', so
 * the EKS cluster security group or a pod's own), which carry no such tag.
 */
export function loadBalancerControllerPolicy(partition: string): Statement[] {
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
        'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeTags', 'ec2:GetCoipPoolUsage',
        'ec2:DescribeCoipPools', 'ec2:GetSecurityGroupsForVpc', 'ec2:DescribeIpamPools', 'ec2:DescribeRouteTables',
        'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeListenerCertificates',
        'elasticloadbalancing:DescribeSSLPolicies', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeTags', 'elasticloadbalancing:DescribeTrustStores',
        'elasticloadbalancing:DescribeListenerAttributes', 'elasticloadbalancing:DescribeCapacityReservation',
      ],
      resources: ['*'],
    },
    {
      actions: [
        'cognito-idp:DescribeUserPoolClient', 'acm:ListCertificates', 'acm:DescribeCertificate', 'iam:ListServerCertificates',
        'iam:GetServerCertificate', 'waf-regional:GetWebACL', 'waf-regional:GetWebACLForResource', 'waf-regional:AssociateWebACL',
        'waf-regional:DisassociateWebACL', 'wafv2:GetWebACL', 'wafv2:GetWebACLForResource', 'wafv2:AssociateWebACL',
        'wafv2:DisassociateWebACL', 'shield:GetSubscriptionState', 'shield:DescribeProtection', 'shield:CreateProtection',
        'shield:DeleteProtection',
      ],
      resources: ['*'],
    },
    // The backend rules go to the security groups of the targets' network interfaces, which are not the controller's.
    { actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'], resources: ['*'] },
    { actions: ['ec2:CreateSecurityGroup'], resources: ['*'] },
    {
      actions: ['ec2:CreateTags'],
      resources: [securityGroups],
      conditions: [{ test: 'StringEquals', variable: 'ec2:CreateAction', values: ['CreateSecurityGroup'] }, ...tagging],
    },
    { actions: ['ec2:CreateTags', 'ec2:DeleteTags'], resources: [securityGroups], conditions: retagging },
    {
      actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup'],
      resources: ['*'],
      conditions: tagged,
    },
    { actions: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'], resources: ['*'], conditions: tagging },
    {
      actions: ['elasticloadbalancing:CreateListener', 'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:CreateRule', 'elasticloadbalancing:DeleteRule'],
      resources: ['*'],
    },
    { actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'], resources: balancers, conditions: retagging },
    {
      actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      resources: [elb('listener/net/*/*/*'), elb('listener/app/*/*/*'), elb('listener-rule/net/*/*/*'), elb('listener-rule/app/*/*/*')],
    },
    {
      actions: [
        'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetIpAddressType', 'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:SetSubnets', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyListenerAttributes', 'elasticloadbalancing:ModifyCapacityReservation', 'elasticloadbalancing:ModifyIpPools',
      ],
      resources: ['*'],
      conditions: tagged,
    },
    {
      actions: ['elasticloadbalancing:AddTags'],
      resources: balancers,
      conditions: [{ test: 'StringEquals', variable: 'elasticloadbalancing:CreateAction', values: ['CreateTargetGroup', 'CreateLoadBalancer'] }, ...tagging],
    },
    { actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'], resources: [elb('targetgroup/*/*')] },
    {
      actions: [
        'elasticloadbalancing:SetWebAcl', 'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:AddListenerCertificates',
        'elasticloadbalancing:RemoveListenerCertificates', 'elasticloadbalancing:ModifyRule', 'elasticloadbalancing:SetRulePriorities',
      ],
      resources: ['*'],
    },
  ];
}
