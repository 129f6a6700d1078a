import {
  AddonsStack, App, AppStack, Backend, BlueGreenService, CertManager, ClusterIssuer, EnvoyGateway, ExternalDns, ExternalSecrets,
  GatewayApiCrds, HelmAddon, PlatformRef, PlatformStack, Postgres, standardAddons, Tier, Tiers, AwsLoadBalancerController,
} from '../../lib';
import * as path from 'path';
import { errorOf, manifests, resources, StackJson, synth, Synth, tempDir } from '../helpers';
import { ledgerOf, released, tiers } from '../fixtures';

const t = tiers();
const dns = { domain: 'shop.example.com', hostedZoneId: 'Z0123456789EXAMPLE', acmeEmail: 'ops@example.com' };

/** Platform, add-ons (the standard set) and nothing else, for every tier. */
function platforms(): Synth {
  return synth((app) => {
    for (const tier of t) {
      const base = tier.managed
        ? new PlatformStack(app, { tier, cluster: { publicAccessCidrs: ['198.51.100.0/24'], allowDocumentationRanges: true, admins: ['arn:aws:iam::123456789012:role/platform-admins'] } }).ref
        : PlatformRef.fromKubeconfig({ context: 'kind-dev', path: '/home/dev/.kube/config' });
      new AddonsStack(app, { tier, platform: base, addons: standardAddons(tier, { dns }) });
    }
  });
}

const one = (stack: StackJson, type: string): any => { // eslint-disable-line @typescript-eslint/no-explicit-any
  const all = Object.values(resources(stack, type));
  expect(all).toHaveLength(1);
  return all[0];
};

describe('platform stacks', () => {
  let out: Synth;
  beforeAll(() => { out = platforms(); });

  test('EKS is hardened: private endpoint, public access only from given CIDRs, every log type, envelope encryption, API access entries', () => {
    const prod = out.stacks['platform-prod'];
    const cluster = one(prod, 'aws_eks_cluster');
    expect(cluster.vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['198.51.100.0/24'] });
    expect(cluster.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
    expect(cluster.encryption_config.resources).toEqual(['secrets']);
    expect(cluster.encryption_config.provider.key_arn).toMatch(/^\$\{aws_kms_key\./);
    const secretsKey = cluster.encryption_config.provider.key_arn.match(/^\$\{aws_kms_key\.([\w-]+)\.arn\}$/)[1];
    expect(resources(prod, 'aws_kms_key')[secretsKey]).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
    expect(cluster.access_config.authentication_mode).toBe('API');
    expect(cluster.deletion_protection).toBe(true);
    expect(cluster.version).toBe('1.35');
    expect(one(prod, 'aws_iam_openid_connect_provider').client_id_list).toEqual(['sts.amazonaws.com']);
    expect(one(prod, 'aws_eks_access_entry').principal_arn).toBe('arn:aws:iam::123456789012:role/platform-admins');
    expect(one(prod, 'aws_eks_access_policy_association').policy_arn).toMatch(/cluster-access-policy\/AmazonEKSClusterAdminPolicy$/);
    expect(one(out.stacks['platform-staging'], 'aws_eks_cluster').deletion_protection).toBe(false);
  });

  test('node groups are sized by tier and leave the desired size to the autoscaler', () => {
    for (const tier of ['staging', 'prod']) {
      const stack = out.stacks[`platform-${tier}`];
      // In the order of the zones: the first group kept the address of the one group of earlier versions.
      const groups = (Object.values(resources(stack, 'aws_eks_node_group')) as any[]).sort((a, b) => a.node_group_name_prefix.localeCompare(b.node_group_name_prefix)); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(Object.keys(resources(stack, 'aws_eks_node_group'))).toContain('cluster_nodes_56F9F591');
      const subnets = Object.keys(resources(stack, 'aws_subnet')).filter((n) => n.includes('private'));
      // One group per zone's private subnet, so the autoscaler can add a node in the zone of a pending pod's volume.
      expect(groups).toHaveLength(subnets.length);
      expect(groups.map((g) => g.subnet_ids)).toEqual(subnets.map((n) => [`\${aws_subnet.${n}.id}`]));
      const s = t.get(tier).profile.sizing;
      const sum = (k: string) => groups.reduce((n, g) => n + g.scaling_config[k], 0);
      expect([sum('min_size'), sum('desired_size'), sum('max_size')]).toEqual([s.nodesMin, s.nodesDesired, s.nodesMax]);
      for (const ng of groups) {
        expect(ng.scaling_config.max_size - Math.floor(s.nodesMax / groups.length)).toBeLessThanOrEqual(1);
        expect(ng.scaling_config.min_size).toBeLessThanOrEqual(ng.scaling_config.desired_size);
        expect(ng.instance_types).toEqual(s.nodeInstanceTypes);
        expect(ng.lifecycle).toEqual({ ignore_changes: ['scaling_config[0].desired_size'], create_before_destroy: true });
        // The nodes follow the control plane's version.
        expect(ng.version).toMatch(/^\$\{aws_eks_cluster\.[\w-]+\.version\}$/);
      }
    }
    // prod: 3 zones, 3 to 10 nodes.
    const prod = (Object.values(resources(out.stacks['platform-prod'], 'aws_eks_node_group')) as any[]).sort((a, b) => a.node_group_name_prefix.localeCompare(b.node_group_name_prefix)); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(prod.map((g) => [g.scaling_config.min_size, g.scaling_config.max_size])).toEqual([[1, 4], [1, 3], [1, 3]]);
  });

  test('a group\'s maximum is at least 1 when the tier allows fewer nodes than there are zones', () => {
    const tiny = Tier.custom('lab', 15, t.get('staging').profile, { region: 'eu-west-1', overrides: { sizing: { nodesMin: 1, nodesDesired: 1, nodesMax: 1 } } });
    const stack = synth((app) => { new PlatformStack(app, { tier: tiny }); }).stacks['platform-lab'];
    expect((Object.values(resources(stack, 'aws_eks_node_group')) as any[]).sort((a, b) => a.node_group_name_prefix.localeCompare(b.node_group_name_prefix)).map((g) => g.scaling_config)).toEqual([ // eslint-disable-line @typescript-eslint/no-explicit-any
      { min_size: 1, desired_size: 1, max_size: 1 }, { min_size: 0, desired_size: 0, max_size: 1 },
    ]);
  });

  test('nodes launch from a template: IMDSv2 only with a hop limit of 1, an encrypted gp3 root volume, each new version rolled out', () => {
    for (const tier of ['staging', 'prod']) {
      const stack = out.stacks[`platform-${tier}`];
      const [[name, lt]] = Object.entries(resources(stack, 'aws_launch_template')) as Array<[string, any]>; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(lt.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'disabled' });
      expect(lt.block_device_mappings).toEqual([{ device_name: '/dev/xvda', ebs: { volume_size: 50, volume_type: 'gp3', encrypted: 'true', delete_on_termination: 'true' } }]);
      // No instance profile or instance type in the template: EKS sets them from the node group.
      expect(lt.iam_instance_profile).toBeUndefined();
      expect(lt.instance_type).toBeUndefined();
      for (const ng of Object.values(resources(stack, 'aws_eks_node_group')) as any[]) { // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(ng.launch_template).toEqual({ id: `\${aws_launch_template.${name}.id}`, version: `\${aws_launch_template.${name}.latest_version}` });
      }
    }
    const sized = synth((app) => { new PlatformStack(app, { tier: t.get('staging'), cluster: { nodeVolumeGib: 120 } }); }).stacks['platform-staging'];
    expect(one(sized, 'aws_launch_template').block_device_mappings[0].ebs.volume_size).toBe(120);
  });

  test('log groups are encrypted with a key of their own that admits CloudWatch Logs for that log group only', () => {
    const prod = out.stacks['platform-prod'];
    const groups = Object.values(resources(prod, 'aws_cloudwatch_log_group')) as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(groups.map((g) => g.name).sort()).toEqual(['/aws/eks/platform-prod/cluster', '/switchyard/platform-prod/vpc-flow-logs']);
    const keyNames = new Set<string>();
    for (const g of groups) {
      // Audit logs: a year in prod.
      expect(g.retention_in_days).toBe(t.get('prod').profile.auditLogRetentionDays);
      expect(g.retention_in_days).toBe(365);
      const keyName = g.kms_key_id.match(/^\$\{aws_kms_key\.([\w-]+)\.arn\}$/)[1];
      keyNames.add(keyName);
      const key = resources(prod, 'aws_kms_key')[keyName] as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
      const doc = (prod.data as any).aws_iam_policy_document[key.policy.match(/aws_iam_policy_document\.([\w-]+)\.json/)[1]]; // eslint-disable-line @typescript-eslint/no-explicit-any
      const logs = doc.statement.find((st: any) => st.principals[0].type === 'Service'); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(logs.principals[0].identifiers).toEqual([expect.stringMatching(/^logs\.eu-west-1\.\$\{data\.aws_partition\.[\w-]+\.dns_suffix\}$/)]);
      expect(logs.condition).toEqual([{
        test: 'ArnEquals', variable: 'kms:EncryptionContext:aws:logs:arn',
        values: [expect.stringMatching(/^arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:logs:eu-west-1:\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:log-group:/)],
      }]);
      expect(logs.condition[0].values[0].endsWith(`:log-group:${g.name}`)).toBe(true);
    }
    expect(keyNames.size).toBe(2);
    // In staging the keys can go with the tier.
    const staging = Object.values(resources(out.stacks['platform-staging'], 'aws_kms_key')) as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(staging.filter((k) => /log group/.test(k.description)).map((k) => [k.deletion_window_in_days, k.lifecycle])).toEqual([[7, undefined]]);
  });

  test('pods can have security groups of their own: branch interfaces in the VPC CNI, the VPC resource controller\'s policy on the cluster role', () => {
    const prod = out.stacks['platform-prod'];
    const cni = (Object.values(resources(prod, 'aws_eks_addon')) as any[]).find((a) => a.addon_name === 'vpc-cni'); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(JSON.parse(cni.configuration_values)).toEqual({
      enableNetworkPolicy: 'true',
      env: { ENABLE_POD_ENI: 'true', POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' }, init: { env: { DISABLE_TCP_EARLY_DEMUX: 'true' } },
    });
    const attachments = Object.values(resources(prod, 'aws_iam_role_policy_attachment')) as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const controller = attachments.find((a) => a.policy_arn.endsWith(':iam::aws:policy/AmazonEKSVPCResourceController'));
    expect(controller.role).toMatch(/aws_iam_role\.cluster_cluster-role_\w+\.name/);
    // Off: neither, and t-family nodes are allowed.
    const lab = Tier.custom('lab', 15, t.get('staging').profile, { region: 'eu-west-1', overrides: { sizing: { nodeInstanceTypes: ['t3.large'] } } });
    const off = synth((app) => { new PlatformStack(app, { tier: lab, cluster: { podSecurityGroups: false } }); }).stacks['platform-lab'];
    // NetworkPolicies are enforced either way.
    expect(JSON.parse((Object.values(resources(off, 'aws_eks_addon')) as any[]).find((a) => a.addon_name === 'vpc-cni').configuration_values)).toEqual({ enableNetworkPolicy: 'true' }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect((Object.values(resources(off, 'aws_iam_role_policy_attachment')) as any[]).filter((a) => /VPCResourceController/.test(a.policy_arn))).toEqual([]); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  test('an admin\'s access entry is named after the principal, not its place in the list', () => {
    const entries = (admins: string[]) => Object.keys(resources(synth((app) => {
      new PlatformStack(app, { tier: t.get('staging'), cluster: { admins } });
    }).stacks['platform-staging'], 'aws_eks_access_entry'));
    const a = 'arn:aws:iam::123456789012:role/platform-admins';
    const b = 'arn:aws:iam::123456789012:role/sre';
    const both = entries([a, b]);
    expect(both).toHaveLength(2);
    // Removing the first admin leaves the second one's address as it was.
    const [onlyB] = entries([b]);
    expect(both).toContain(onlyB);
    expect(entries([a])).toEqual(both.filter((e) => e !== onlyB));
  });

  test('the tier\'s pipeline roles reach the cluster: the deploy role as cluster-admin, the plan role read-only (Secrets included)', () => {
    const arn = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
    const tier = Tier.staging({ region: 'eu-west-1', clusterAccess: { admins: [arn('ops')], deployRole: arn('deploy'), planRole: arn('plan') } });
    const stack = synth((app) => {
      new PlatformStack(app, { tier, cluster: { admins: [arn('ops')], deployRoles: [arn('other-repo-deploy')], planRoles: [arn('other-repo-plan')] } });
    }).stacks['platform-staging'];
    const entries = Object.values(resources(stack, 'aws_eks_access_entry')) as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    // One entry per principal (EKS refuses a second): "ops" is an admin of the tier and of the props.
    expect(entries.map((e) => e.principal_arn).sort()).toEqual([arn('deploy'), arn('ops'), arn('other-repo-deploy'), arn('other-repo-plan'), arn('plan')]);
    const policyOf = (principal: string) => (Object.values(resources(stack, 'aws_eks_access_policy_association')) as any[]) // eslint-disable-line @typescript-eslint/no-explicit-any
      .filter((a) => a.principal_arn.includes(Object.entries(resources(stack, 'aws_eks_access_entry')).find(([, e]) => (e as any).principal_arn === principal)![0])) // eslint-disable-line @typescript-eslint/no-explicit-any
      .map((a) => [a.policy_arn.replace(/^.*\//, ''), a.access_scope.type]);
    expect(policyOf(arn('deploy'))).toEqual([['AmazonEKSClusterAdminPolicy', 'cluster']]);
    expect(policyOf(arn('other-repo-deploy'))).toEqual([['AmazonEKSClusterAdminPolicy', 'cluster']]);
    expect(policyOf(arn('plan'))).toEqual([['AmazonEKSAdminViewPolicy', 'cluster']]);
    expect(policyOf(arn('other-repo-plan'))).toEqual([['AmazonEKSAdminViewPolicy', 'cluster']]);
    // Every association belongs to its entry: it is made after the entry.
    for (const a of Object.values(resources(stack, 'aws_eks_access_policy_association')) as any[]) expect(a.principal_arn).toMatch(/^\$\{aws_eks_access_entry\./); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  test('with principals declared, access is exactly the list: the creator gets no entry of its own (a duplicate would fail the apply)', () => {
    const arn = 'arn:aws:iam::123456789012:role/deploy';
    const cluster = (tier: Tier, props: Record<string, unknown> = {}) => one(synth((app) => { new PlatformStack(app, { tier, cluster: props }); }).stacks[`platform-${tier.name}`], 'aws_eks_cluster');
    expect(cluster(Tier.staging({ region: 'eu-west-1', clusterAccess: { deployRole: arn } })).access_config.bootstrap_cluster_creator_admin_permissions).toBe(false);
    expect(cluster(Tier.staging({ region: 'eu-west-1' }), { admins: [arn] }).access_config.bootstrap_cluster_creator_admin_permissions).toBe(false);
    expect(cluster(Tier.staging({ region: 'eu-west-1' })).access_config.bootstrap_cluster_creator_admin_permissions).toBe(true);
    expect(cluster(Tier.staging({ region: 'eu-west-1', clusterAccess: { deployRole: arn } }), { creatorIsAdmin: true }).access_config.bootstrap_cluster_creator_admin_permissions).toBe(true);
    // Read at creation only: a change never replaces an existing cluster.
    expect(cluster(Tier.staging({ region: 'eu-west-1' })).lifecycle.ignore_changes).toEqual(['access_config[0].bootstrap_cluster_creator_admin_permissions']);
  });

  test('a documentation range in a protected tier needs allowDocumentationRanges; it warns either way', () => {
    const cidrs = ['203.0.113.0/24'];
    const prodApp = new App({ outdir: path.join(tempDir(), 'cdktf.out') });
    const allowed = new PlatformStack(prodApp, { tier: t.get('prod'), cluster: { publicAccessCidrs: cidrs, allowDocumentationRanges: true } });
    expect(allowed.eks.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data)).toEqual([expect.stringMatching(/^publicAccessCidrs entry 203\.0\.113\.0\/24 is a documentation range/)]);
    expect(allowed.eks.cluster.vpcConfig.publicAccessCidrsInput).toEqual(cidrs);
    const app = new App({ outdir: path.join(tempDir(), 'cdktf.out') });
    const stack = new PlatformStack(app, { tier: t.get('staging'), cluster: { publicAccessCidrs: cidrs } });
    const warnings = stack.eks.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data);
    expect(warnings).toEqual(['publicAccessCidrs entry 203.0.113.0/24 is a documentation range (RFC 5737, 203.0.113.0/24): a placeholder that reaches nobody\'s network: replace it with the public CIDRs of your offices, VPN or CI runners']);
  });

  test('EKS add-ons include the EBS CSI driver through Pod Identity', () => {
    const addons = Object.values(resources(out.stacks['platform-prod'], 'aws_eks_addon')) as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(addons.map((a) => a.addon_name).sort()).toEqual(['aws-ebs-csi-driver', 'coredns', 'eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
    expect(addons.find((a) => a.addon_name === 'aws-ebs-csi-driver').pod_identity_association[0].service_account).toBe('ebs-csi-controller-sa');
  });

  test('the network: zones, NAT and flow logs per tier, tiers never overlap, default security group emptied', () => {
    const prod = out.stacks['platform-prod'];
    const staging = out.stacks['platform-staging'];
    expect(Object.keys(resources(prod, 'aws_subnet'))).toHaveLength(6);
    expect(Object.keys(resources(staging, 'aws_subnet'))).toHaveLength(4);
    expect(Object.keys(resources(prod, 'aws_nat_gateway'))).toHaveLength(3);
    expect(Object.keys(resources(staging, 'aws_nat_gateway'))).toHaveLength(1);
    expect(one(prod, 'aws_flow_log')).toMatchObject({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
    expect(resources(staging, 'aws_flow_log')).toEqual({});
    expect(one(prod, 'aws_vpc').cidr_block).toBe('10.30.0.0/16');
    expect(one(staging, 'aws_vpc').cidr_block).toBe('10.20.0.0/16');
    const dsg = one(prod, 'aws_default_security_group');
    expect(dsg.ingress).toBeUndefined();
    expect(dsg.egress).toBeUndefined();
    const subnets = Object.values(resources(prod, 'aws_subnet')) as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(subnets.filter((s) => s.tags['kubernetes.io/role/internal-elb'] === '1')).toHaveLength(3);
    expect(subnets.every((s) => s.map_public_ip_on_launch !== true)).toBe(true);
  });

  test('no stack both creates a cluster and deploys to it', () => {
    for (const [name, s] of Object.entries(out.stacks)) {
      const makesCluster = Object.keys(resources(s, 'aws_eks_cluster')).length > 0;
      const deploys = Boolean(s.provider?.kubernetes || s.provider?.helm);
      expect([name, makesCluster && deploys]).toEqual([name, false]);
    }
  });

  test('every chart is pinned, atomic, cleans up on failure, waits with a timeout, and none is Bitnami', () => {
    for (const name of ['addons-dev', 'addons-staging', 'addons-prod']) {
      const releases = Object.values(resources(out.stacks[name], 'helm_release')) as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(releases.length).toBeGreaterThan(8);
      for (const r of releases) {
        expect([r.name, r.version]).toEqual([r.name, expect.stringMatching(/^v?\d+\.\d+\.\d+$/)]);
        expect(r).toMatchObject({ atomic: true, cleanup_on_fail: true, wait: true, wait_for_jobs: true, create_namespace: true });
        expect(r.timeout).toBeGreaterThanOrEqual(600);
        expect(JSON.stringify(r)).not.toMatch(/bitnami/i);
      }
    }
  });

  test('add-ons install in the order listed, each after the one before it and its prerequisites; release addresses are stable', () => {
    const s = out.stacks['addons-prod'];
    const rel = resources(s, 'helm_release');
    // Prerequisites, and the add-on listed just before (standardAddons: ... cert-manager, Envoy Gateway, external-dns, ...).
    expect(rel.addon_cert_manager.depends_on).toEqual(['helm_release.addon_gateway_api_crds', 'helm_release.addon_aws_load_balancer_controller']);
    expect(rel.addon_envoy_gateway_crds.depends_on).toEqual(['helm_release.addon_gateway_api_crds', 'helm_release.addon_cert_manager']);
    expect(rel.addon_envoy_gateway.depends_on).toEqual(['helm_release.addon_gateway_api_crds', 'helm_release.addon_cert_manager', 'helm_release.addon_envoy_gateway_crds']);
    expect(rel.addon_alloy.depends_on).toEqual(['helm_release.addon_loki']);
    // Every two releases are ordered (one waits for the other, directly or not): Terraform installs one at a time.
    const edges = new Map<string, string[]>();
    for (const type of Object.keys(s.resource)) {
      for (const [name, r] of Object.entries(resources(s, type))) edges.set(`${type}.${name}`, (r.depends_on ?? []) as string[]);
    }
    const before = (a: string, b: string, seen = new Set<string>()): boolean =>
      (edges.get(b) ?? []).some((d) => d === a || (!seen.has(d) && (seen.add(d), before(a, d, seen))));
    const releases = Object.keys(rel).map((n) => `helm_release.${n}`);
    expect(releases.length).toBeGreaterThan(10);
    for (const a of releases) {
      for (const b of releases.filter((x) => x !== a)) expect([a, b, before(a, b) || before(b, a)]).toEqual([a, b, true]);
    }
  });

  test('the load balancer controller may re-tag only what it made, and never the cluster tag that marks it', () => {
    const statements = out.stacks['addons-prod'].data.aws_iam_policy_document['aws-load-balancer-controller-access'].statement as Array<{ actions: string[]; resources: string[]; condition?: unknown[] }>;
    const tagging = statements.filter((st) => st.actions.some((a) => /:(AddTags|RemoveTags|CreateTags|DeleteTags)$/.test(a)));
    for (const st of tagging.filter((x) => x.resources.some((r) => /loadbalancer\/|targetgroup\/|security-group\//.test(r)))) {
      expect([st.actions, st.condition]).toEqual([st.actions, expect.arrayContaining([expect.objectContaining({ variable: expect.stringMatching(/elbv2\.k8s\.aws\/cluster$/) })])]);
    }
    // Partition-aware ARNs (GovCloud, China).
    expect(statements.flatMap((st) => st.resources).filter((r) => r.startsWith('arn:aws:'))).toEqual([]);
  });

  test('add-ons that call AWS get a role trusted by their service account only', () => {
    const s = out.stacks['addons-prod'];
    const docs = s.data.aws_iam_policy_document;
    const trust = docs['external-dns-trust'].statement[0];
    expect(trust.actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(trust.condition).toEqual([
      { test: 'StringEquals', variable: expect.stringMatching(/identity0oidc0issuer, "https:\/\/", ""\)\}:sub$/), values: ['system:serviceaccount:external-dns:external-dns'] },
      { test: 'StringEquals', variable: expect.stringMatching(/:aud$/), values: ['sts.amazonaws.com'] },
    ]);
    expect(docs['external-dns-access'].statement[0]).toMatchObject({ actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets', 'route53:ListTagsForResources'], resources: ['arn:${data.aws_partition.external-dns-partition.partition}:route53:::hostedzone/Z0123456789EXAMPLE'] });
    const values = JSON.parse(resources(s, 'helm_release').addon_external_dns.values[0]);
    expect(values.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toMatch(/^\$\{aws_iam_role\.external-dns-role/);
    expect(values).toMatchObject({ provider: { name: 'aws' }, domainFilters: ['shop.example.com'], policy: 'upsert-only', sources: ['service', 'gateway-httproute'] });
    // The chart renders a list under a key as one flag per item: external-dns touches the role's zones only.
    expect(values.extraArgs).toEqual({ 'zone-id-filter': ['Z0123456789EXAMPLE'] });
    // dev has no AWS: its add-ons get no role.
    expect(Object.keys(out.stacks['addons-dev'].resource).filter((r) => r.startsWith('aws_'))).toEqual([]);
  });

  test('custom resources of add-on CRDs live in the config stack, after the add-ons', () => {
    for (const tier of ['dev', 'staging', 'prod']) {
      expect(resources(out.stacks[`addons-${tier}`], 'kubernetes_manifest')).toEqual({});
      const config = out.stacks[`addons-config-${tier}`];
      expect(out.dependencies[`addons-config-${tier}`]).toContain(`addons-${tier}`);
      const [gw] = manifests(config, 'Gateway');
      expect(gw.manifest.metadata).toMatchObject({ name: 'switchyard', namespace: 'gateway-system' });
      expect(gw.manifest.spec.gatewayClassName).toBe('envoy');
      const [issuer] = manifests(config, 'ClusterIssuer');
      expect(issuer.manifest.metadata.name).toBe(tier === 'dev' ? 'selfsigned' : 'letsencrypt');
    }
    const prodGw = manifests(out.stacks['addons-config-prod'], 'Gateway')[0].manifest;
    expect(prodGw.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(prodGw.spec.listeners.map((l: any) => [l.name, l.port])).toEqual([['http', 80], ['https', 443]]); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  test('the dev cluster comes from the kubeconfig path and context given', () => {
    expect(out.stacks['addons-dev'].provider.helm[0].kubernetes).toEqual({ config_path: '/home/dev/.kube/config', config_context: 'kind-dev' });
    expect(out.stacks['addons-config-dev'].provider.kubernetes[0]).toEqual({ config_path: '/home/dev/.kube/config', config_context: 'kind-dev' });
  });
});

describe('platforms from another repository', () => {
  const build = (platform: PlatformRef) => synth((app) => {
    const tier = t.get('staging');
    const addons = new AddonsStack(app, { tier, platform, addons: [new ExternalSecrets()] });
    const stack = new AppStack(app, 'shop', { tier, platform: addons.ref, ledger: ledgerOf({ app: 'shop', tiers: { dev: { api: released() }, staging: { api: released() } } }) });
    const db = new Postgres(stack, 'orders');
    new BlueGreenService(stack, 'api', { image: 'ghcr.io/acme/api', port: 8080, connections: [db] });
  });

  test('by EKS cluster name: data sources in each stack, exec authentication, no remote state', () => {
    const out = build(PlatformRef.fromEksCluster({ clusterName: 'acme-staging', region: 'eu-west-1' }));
    const s = out.stacks['shop-staging'];
    expect(s.data.aws_eks_cluster['platform-cluster'].name).toBe('acme-staging');
    expect(s.provider.kubernetes[0]).toMatchObject({
      host: '${data.aws_eks_cluster.platform-cluster.endpoint}',
      cluster_ca_certificate: '${base64decode(data.aws_eks_cluster.platform-cluster.certificate_authority[0].data)}',
      exec: [{ command: 'aws', args: ['eks', 'get-token', '--cluster-name', 'acme-staging', '--region', 'eu-west-1'] }],
    });
    expect(s.data.terraform_remote_state).toBeUndefined();
    // The VPC's range, read by the cluster's VPC.
    expect(s.data.aws_vpc['platform-vpc'].id).toBe('${data.aws_eks_cluster.platform-cluster.vpc_config[0].vpc_id}');
    expect(resources(s, 'aws_db_subnet_group')).not.toEqual({});
    expect(Object.values(resources(s, 'aws_db_subnet_group'))[0].subnet_ids).toBe('${tolist(data.aws_eks_cluster.platform-cluster.vpc_config[0].subnet_ids)}');
  });

  test('from remote state in S3: the platform stack\'s outputs', () => {
    const out = build(PlatformRef.fromRemoteState({ backend: Backend.s3({ bucket: 'acme-platform-state', region: 'eu-west-1' }), stack: 'platform-staging' }));
    const s = out.stacks['shop-staging'];
    expect(s.data.terraform_remote_state['platform-state']).toMatchObject({
      backend: 's3', config: { bucket: 'acme-platform-state', key: 'switchyard/platform-staging.tfstate', region: 'eu-west-1' },
    });
    expect(s.provider.kubernetes[0].host).toBe('${data.terraform_remote_state.platform-state.outputs.cluster_endpoint}');
  });

  test('the platform stack publishes every output those references read', () => {
    const out = synth((app) => { new PlatformStack(app, { tier: t.get('staging') }); });
    expect(Object.keys(out.stacks['platform-staging'].output).sort()).toEqual([
      'cluster_certificate_authority_data', 'cluster_endpoint', 'cluster_name', 'cluster_security_group_id',
      'kubernetes_version', 'oidc_issuer', 'oidc_provider_arn', 'private_subnet_ids', 'region', 'vpc_cidr', 'vpc_id',
    ]);
    // What the cluster runs, read at plan by add-ons that follow it (cluster-autoscaler).
    expect(out.stacks['platform-staging'].output.kubernetes_version.value).toMatch(/^\$\{aws_eks_cluster\.[\w-]+\.version\}$/);
    // The range of the VPC the stack made, known at synth.
    expect(out.stacks['platform-staging'].output.vpc_cidr.value).toBe('10.20.0.0/16');
  });

  test('on an existing VPC, the platform stack reads its range and publishes it', () => {
    const out = synth((app) => {
      new PlatformStack(app, { tier: t.get('prod'), network: { existing: { vpcId: 'vpc-0a1b2c3d4e5f67890', privateSubnetIds: ['subnet-0a1b2c3d4e5f67890', 'subnet-0a1b2c3d4e5f67891'] } } });
    });
    const prod = out.stacks['platform-prod'];
    expect(prod.data.aws_vpc['existing-vpc']).toMatchObject({ id: 'vpc-0a1b2c3d4e5f67890' });
    expect(prod.output.vpc_cidr.value).toBe('${data.aws_vpc.existing-vpc.cidr_block}');
  });
});

describe('bad platform input', () => {
  const staging = () => t.get('staging');
  const kube = () => PlatformRef.fromKubeconfig({ context: 'kind' });
  test.each<[string, (app: App) => void, string]>([
    ['an invalid VPC CIDR', (app) => { new PlatformStack(app, { tier: staging(), network: { cidr: '10.0.0.300/16' } }); },
      '[platform-staging/network] cidr "10.0.0.300/16" is not a valid IPv4 CIDR: use a network address with a prefix, e.g. "10.20.0.0/16" (no host bits set)'],
    ['a public VPC range', (app) => { new PlatformStack(app, { tier: staging(), network: { cidr: '52.0.0.0/16' } }); },
      '[platform-staging/network] cidr "52.0.0.0/16" is not in a private address range: use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16'],
    ['overlapping networks', (app) => {
      new PlatformStack(app, { tier: staging(), network: { cidr: '10.1.0.0/16' } });
      new PlatformStack(app, { tier: t.get('prod'), network: { cidr: '10.1.128.0/17' } });
    }, '[platform-prod/network] cidr "10.1.128.0/17" overlaps the network at platform-staging/network (10.1.0.0/16): give each network its own range (the default is 10.<tier order>.0.0/16)'],
    ['a Service range inside the VPC', (app) => { new PlatformStack(app, { tier: staging(), cluster: { serviceCidr: '10.20.128.0/20' } }); },
      '[platform-staging/cluster] serviceCidr "10.20.128.0/20" overlaps the VPC (10.20.0.0/16): pick a Service range outside the VPC, e.g. "172.20.0.0/16" for a VPC in 10.0.0.0/8'],
    ['one zone in an HA tier', (app) => { new PlatformStack(app, { tier: t.get('prod'), network: { zones: 1 } }); },
      '[platform-prod/network] zones 1 is fewer than 2: tier "prod" is highly available: use 2 to 4 availability zones (3 recommended)'],
    ['an unsupported Kubernetes version', (app) => { new PlatformStack(app, { tier: staging(), cluster: { version: '1.29' } }); },
      '[platform-staging/cluster] Kubernetes version "1.29" is not supported: use one of 1.32, 1.33, 1.34, 1.35, 1.36 (a minor version as a string, e.g. "1.35")'],
    ['an API endpoint open to the internet', (app) => { new PlatformStack(app, { tier: staging(), cluster: { publicAccessCidrs: ['0.0.0.0/0'] } }); },
      '[platform-staging/cluster] publicAccessCidrs entry "0.0.0.0/0" opens the API endpoint to the internet: list the CIDRs of your offices, VPN or CI runners, or leave the list empty for a private endpoint'],
    ['an add-on listed twice', (app) => { new AddonsStack(app, { tier: t.get('dev'), platform: kube(), addons: [new ExternalSecrets(), new ExternalSecrets()] }); },
      '[addons-dev] add-on "external-secrets" is listed twice: list each add-on once (pass its options to the one entry)'],
    ['a ClusterIssuer without cert-manager', (app) => { new AddonsStack(app, { tier: t.get('dev'), platform: kube(), addons: [new GatewayApiCrds(), new ClusterIssuer()] }); },
      '[addons-dev] add-on "cluster-issuer" needs "cert-manager" installed before it: add the "cert-manager" add-on to the list before "cluster-issuer"'],
    ['a prerequisite listed after', (app) => { new AddonsStack(app, { tier: t.get('dev'), platform: kube(), addons: [new CertManager(), new GatewayApiCrds()] }); },
      '[addons-dev] add-on "cert-manager" needs "gateway-api-crds" installed before it: move "gateway-api-crds" before "cert-manager" in the add-on list'],
    ['two Gateway implementations', (app) => {
      new AddonsStack(app, { tier: staging(), platform: PlatformRef.fromEksCluster({ clusterName: 'c', region: 'eu-west-1' }), addons: [new GatewayApiCrds(), new EnvoyGateway(), new AwsLoadBalancerController({ gatewayApi: true })] });
    }, '[addons-staging] more than one add-on provides the platform\'s Gateway: ["envoy-gateway","aws-load-balancer-controller"]: keep one Gateway implementation (EnvoyGateway, or AwsLoadBalancerController with gatewayApi)'],
    ['an AWS add-on on a kubeconfig cluster', (app) => { new AddonsStack(app, { tier: t.get('dev'), platform: kube(), addons: [new GatewayApiCrds(), new ExternalDns({ hostedZoneIds: ['Z0123456789EXAMPLE'], domains: ['example.com'] })] }); },
      '[addons-dev] add-on "external-dns" needs an EKS platform, but the platform is "kubeconfig:kind": bind it in-cluster in tier "dev" (the tier\'s binding) or give the stack an EKS platform'],
  ])('refuses %s', (_what, build, message) => {
    expect(errorOf(() => synth(build))).toBe(message);
  });

  test.each<[string, () => unknown, string]>([
    ['an unpinned chart', () => new HelmAddon({ id: 'redis-ui', namespace: 'tools', chart: { repository: 'https://example.com/charts', chart: 'ui', version: '^1.2.0' } }),
      '[addon redis-ui] chart version "^1.2.0" is not an exact version: pin the chart to one version, e.g. "1.21.2" (ranges make deploys unrepeatable)'],
    ['a Bitnami chart', () => new HelmAddon({ id: 'redis', namespace: 'cache', chart: { repository: 'oci://registry-1.docker.io/bitnamicharts', chart: 'redis', version: '20.1.0' } }),
      '[addon redis] chart "oci://registry-1.docker.io/bitnamicharts redis" comes from Bitnami: use the project\'s own chart: Bitnami moved its versioned images to the frozen "bitnamilegacy" repository on 2025-08-28'],
    ['an issuer without a hostname', () => new EnvoyGateway({ issuer: 'letsencrypt' }),
      '[addon envoy-gateway] issuer "letsencrypt" is set without a hostname: give the hostname of the HTTPS listener (e.g. "*.shop.example.com") or drop the issuer'],
    ['a bad hosted zone', () => new ExternalDns({ hostedZoneIds: ['example.com'], domains: ['example.com'] }),
      '[addon external-dns] hosted zone ID "example.com" is not a Route53 zone ID: use the ID of a hosted zone, e.g. "Z0123456789ABCDEFGHIJ"'],
  ])('refuses %s', (_what, fn, message) => {
    expect(errorOf(fn)).toBe(message);
  });

  test('standard tiers get different default networks', () => {
    const tiersWithQa = new Tiers([...t.all, Tier.custom('qa', 25, t.get('staging').profile, { region: 'eu-west-1' })]);
    const out = synth((app) => { for (const tier of tiersWithQa) if (tier.managed) new PlatformStack(app, { tier }); });
    expect(one(out.stacks['platform-qa'], 'aws_vpc').cidr_block).toBe('10.25.0.0/16');
  });
});

test('the load balancer controller serves the Gateway API with ALBs, its own Gateway CRDs applied by a Job before it', () => {
  const { Policy } = require('../../lib');
  let stack: unknown;
  const out = synth((app) => {
    const s = new AddonsStack(app, {
      tier: t.get('staging'), platform: PlatformRef.fromEksCluster({ clusterName: 'acme-staging', region: 'eu-west-1' }),
      addons: [new GatewayApiCrds(), new AwsLoadBalancerController({ gatewayApi: true })],
    });
    stack = s;
  });
  const s = out.stacks['addons-staging'];
  const job = Object.values(resources(s, 'kubernetes_job_v1'))[0];
  expect(job.wait_for_completion).toBe(true);
  const container = job.spec.template.spec.container[0];
  expect(container.args).toEqual(['apply', '--server-side', '--force-conflicts', '-f',
    'https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v3.5.0/config/crd/gateway/gateway-crds.yaml']);
  expect(container.image).toMatch(/^registry\.k8s\.io\/kubectl:v\d+\.\d+\.\d+$/);
  // May manage CRDs, nothing else.
  expect(Object.values(resources(s, 'kubernetes_cluster_role_v1'))[0].rule).toEqual([
    { api_groups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list', 'create', 'patch', 'update'] },
  ]);
  // The controller waits for its CRDs, and its feature gates are on.
  const release = resources(s, 'helm_release').addon_aws_load_balancer_controller;
  expect(release.depends_on).toContain(`kubernetes_job_v1.${Object.keys(resources(s, 'kubernetes_job_v1'))[0]}`);
  expect(JSON.parse(release.values[0]).controllerConfig.featureGates).toMatchObject({ ALBGatewayAPI: true });
  // The GatewayClass and the Gateway, a stack later.
  expect(manifests(out.stacks['addons-config-staging'], 'GatewayClass')[0].manifest.spec.controllerName).toBe('gateway.k8s.aws/alb');
  expect(manifests(out.stacks['addons-config-staging'], 'Gateway')[0].manifest.metadata).toMatchObject({ name: 'switchyard', namespace: 'gateway-system' });
  // Compliant: the Job's token is the one finding, suppressed with its reason.
  const findings = Policy.check(stack);
  expect(findings.filter((f: { suppressed: boolean }) => !f.suppressed)).toEqual([]);
  expect(findings.map((f: { rule: string }) => f.rule)).toEqual(['SY-K8S-11']);
});
