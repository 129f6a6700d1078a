/**
 * The catalog of bad input: every kind of invalid configuration Switchyard
 * refuses, one row each, with the exact message the user reads. Each message
 * names where (the construct path, or the file and entry), the value, and
 * the fix. Rows are grouped by what is configured; each builds a program (or
 * runs a CLI step) from scratch, so a row can be read on its own.
 *
 * Refusals happen at three moments, and the rows say which by their message:
 * while the program is built (a ConfigurationError: `[where] problem: fix`),
 * while cdktf synthesizes (a validation: `Validation failed ...`, or the
 * policy's app-level validation), or in a `switchyard` step (exit code 1).
 */
import { Construct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';
import {
  AddonsStack, App, AppStack, AwsLoadBalancerController, Backend, BlueGreenService, Cache, CertManager, ClusterIssuer,
  ConfigurationError, EnvoyGateway, ExternalDns, ExternalSecrets, GatewayApiCrds, HelmAddon, Moved, PlatformRef,
  PlatformStack, Policy, Postgres, Profiles, Queue, ReleaseLedger, standardAddons, Tier, Tiers, TierStack, Topic,
} from '../lib';
import { main } from '../lib/cli/main';
import { show } from '../lib/private/errors';
import { shop } from '../examples/shop/shop';
import { appStack, ledgerOf, released, tiers } from './fixtures';
import { tempDir } from './helpers';

const t = tiers();
const dev = t.get('dev');
const staging = t.get('staging');
const prod = t.get('prod');
const kube = () => PlatformRef.fromKubeconfig({ context: 'kind-test' });
const API = { image: 'ghcr.io/acme/api', port: 8080 };
const CHART = { repository: 'https://charts.example.com', chart: 'ui', version: '1.0.0' };

/** The app `shop` in `tier` on a platform with what its dependencies need; its ledger releases nothing unless given. */
const shopIn = (app: App, tier = dev, ledger = ledgerOf({ app: 'shop', tiers: {} })) => appStack(app, tier, ledger);

/**
 * The app `shop` in staging on a platform with the standard add-ons serving `<dns>` (a wildcard
 * certificate for `*.<domain>`, external-dns records under `<dns>`).
 */
const routedApp = (app: App, names: { domain?: string; dns?: string } = {}) => {
  const domain = names.domain ?? 'staging.example.com';
  const addons = standardAddons(staging, { dns: { domain, hostedZoneId: 'Z0123456789EXAMPLE', acmeEmail: 'ops@example.com' } });
  const withDns = names.dns ? addons.map((a) => (a instanceof ExternalDns ? new ExternalDns({ hostedZoneIds: ['Z0123456789EXAMPLE'], domains: [names.dns!] }) : a)) : addons;
  const platform = new AddonsStack(app, { tier: staging, platform: new PlatformStack(app, { tier: staging }).ref, addons: withDns }).ref;
  return new AppStack(app, 'shop', { tier: staging, platform, ledger: ledgerOf({ app: 'shop', tiers: {} }) });
};

/** A ledger that releases `api` 1.0.0 in dev only. */
const apiInDev = () => ledgerOf({ app: 'shop', tiers: { dev: { api: released() } } });

/** The worker of the rows on workers, and the app `shop` in dev on a platform with KEDA (unless `addons` says otherwise). */
const WORKER = { kind: 'worker' as const, image: 'ghcr.io/acme/worker', port: 8081 };
const workerApp = (app: App, entry: Record<string, unknown> = released(), addons = ['keda', 'external-secrets']) =>
  new AppStack(app, 'shop', { tier: dev, platform: PlatformRef.fromKubeconfig({ context: 'kind-test', addons }), ledger: ledgerOf({ app: 'shop', tiers: { dev: { worker: entry } } }) });
/** A worker of `workerApp` that consumes the queue `jobs`. */
const consumer = (app: App, props: Record<string, unknown> = {}, addons?: string[]) => {
  const stack = workerApp(app, released(), addons);
  new BlueGreenService(stack, 'worker', { ...WORKER, ...props }).grantConsume(new Queue(stack, 'jobs'));
};

/** What a refused `switchyard` step printed on stderr, thrown so a row reads like the others. */
class CliRefusal extends Error {
  constructor(message: string, public readonly code: number) {
    super(message);
  }
}

/** The delivery model of the shop as the CLI reads it (tiers, the app and its services per tier). */
const MODEL = {
  version: 1,
  tiers: [
    { name: 'dev', order: 10, binding: 'in-cluster', approvalRequired: false, highAvailability: false },
    { name: 'staging', order: 20, binding: 'managed', approvalRequired: false, highAvailability: false },
    { name: 'prod', order: 30, binding: 'managed', approvalRequired: true, highAvailability: true },
  ],
  stacks: [],
  apps: [{
    name: 'shop',
    ledger: 'releases.json',
    tiers: Object.fromEntries(['dev', 'staging', 'prod'].map((tier) => [tier, {
      stack: `shop-${tier}`, namespace: 'shop', dependencies: [],
      services: ['api', 'worker'].map((name) => ({ name, image: `ghcr.io/acme/shop-${name}`, connections: [] })),
    }])),
  }],
};

/** Runs a `switchyard` step on a copy of the shop example's ledger at `now`; throws what it printed when it refuses (exit 1). */
function step(now: string, ...argv: string[]): void {
  const dir = tempDir('switchyard-bad-cli-');
  fs.copyFileSync(path.join(__dirname, '../examples/shop/releases.json'), path.join(dir, 'releases.json'));
  fs.mkdirSync(path.join(dir, 'cdktf.out'));
  fs.writeFileSync(path.join(dir, 'cdktf.out', 'switchyard.json'), JSON.stringify(MODEL));
  const err: string[] = [];
  const by = argv.includes('--by') || argv[0] === 'init' ? [] : ['--by', 'ana'];
  const code = sync(main([...argv, ...by], { out: () => undefined, err: (l) => err.push(l), cwd: dir, now: () => new Date(now) }));
  if (code !== 0) throw new CliRefusal(err.join('\n'), code);
}

/** `step` on a copy of the shop's ledger changed by `edit` first. */
function stepOn(edit: (ledger: any) => void, now: string, ...argv: string[]): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  const dir = tempDir('switchyard-bad-cli-');
  const ledger = JSON.parse(fs.readFileSync(path.join(__dirname, '../examples/shop/releases.json'), 'utf8'));
  edit(ledger);
  fs.writeFileSync(path.join(dir, 'releases.json'), JSON.stringify(ledger));
  fs.mkdirSync(path.join(dir, 'cdktf.out'));
  fs.writeFileSync(path.join(dir, 'cdktf.out', 'switchyard.json'), JSON.stringify(MODEL));
  const err: string[] = [];
  const code = sync(main([...argv, '--by', 'ana'], { out: () => undefined, err: (l) => err.push(l), cwd: dir, now: () => new Date(now) }));
  if (code !== 0) throw new CliRefusal(err.join('\n'), code);
}

/** Runs `switchyard graph` on the shop's model (changed by `edit`) and ledger; throws what it printed when it refuses. */
function graph(edit: (model: typeof MODEL) => unknown, ...argv: string[]): void {
  const dir = tempDir('switchyard-bad-graph-');
  fs.copyFileSync(path.join(__dirname, '../examples/shop/releases.json'), path.join(dir, 'releases.json'));
  fs.mkdirSync(path.join(dir, 'cdktf.out'));
  const model = JSON.parse(JSON.stringify(MODEL)) as typeof MODEL;
  edit(model);
  fs.writeFileSync(path.join(dir, 'cdktf.out', 'switchyard.json'), JSON.stringify(model));
  fs.writeFileSync(path.join(dir, 'releases.json.md'), '# notes written by hand\n');
  const err: string[] = [];
  const code = sync(main(['graph', ...argv], { out: () => undefined, err: (l) => err.push(l), cwd: dir, now: () => new Date('2026-12-01T10:00:00Z') }));
  if (code !== 0) throw new CliRefusal(err.join('\n'), code);
}

/** The error of a full synth (validations included) of what `build` declares; fails the test when nothing is refused. */
function refusal(build: (app: App) => void): Error {
  const app = new App({ outdir: path.join(tempDir('switchyard-bad-'), 'cdktf.out') });
  try {
    build(app);
    app.synth();
  } catch (e) {
    return e as Error;
  }
  throw new Error('the configuration was accepted');
}

/** cdktf's message for a stack validation that failed. */
const validation = (...lines: string[]) =>
  `Validation failed with the following errors:\n  ${lines.join('\n  ')}\n\nIf you wish to ignore these validations, pass 'skipValidation: true' to your App configuration.\n`;

/** cdktf's message for an app-level validation that failed (the policy's). */
const appValidation = (...lines: string[]) =>
  `App-level validation failed with the following errors:\n  ${lines.join('\n  ')}\nValidations allow for dynamic verification of your project.\nTo skip validations, add 'skipValidation: true' to your App config.\n    `;

type Row = [what: string, build: (app: App) => void, message: string];

const CATALOG: Record<string, Row[]> = {
  'names and stacks': [
    ['a service name that is not a DNS label', (app) => { new BlueGreenService(shopIn(app), 'Api_Server', API); },
      '[shop-dev/Api_Server] service name "Api_Server" is not a valid name: use lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit, at most 40 characters (e.g. "orders")'],
    ['an app name with upper case', (app) => { appStack(app, dev, ledgerOf({ app: 'shop', tiers: {} }), 'Shop'); },
      '[Shop-dev] app name "Shop" is not a valid name: use lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit, at most 24 characters (e.g. "orders")'],
    ['a dependency name with "_"', (app) => { new Postgres(shopIn(app), 'orders_db'); },
      '[shop-dev/orders_db] dependency name "orders_db" is not a valid name: use lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit, at most 30 characters (e.g. "orders")'],
    ['two stacks of one name (the same app twice in a tier)', (app) => { shopIn(app); shopIn(app); },
      '[shop-dev] stack name "shop-dev" is already used in this program: give each stack its own name (e.g. a second app or platform of a tier needs its own name)'],
    ['a stack name that does not end in its tier', (app) => { new TierStack(app, 'shop-production', { tier: prod }); },
      '[shop-production] stack name "shop-production" is not valid: use a lower-case DNS label of at most 40 characters that ends in "-prod"'],
    ['two dependencies of one name', (app) => { const s = shopIn(app); new Postgres(s, 'orders'); new Cache(new Construct(s, 'more'), 'orders'); },
      '[shop-dev/more/orders] dependency name "orders" is already used: give each dependency of app "shop" its own name (first used at shop-dev/orders)'],
    ['a service and a dependency of one name', (app) => { const s = shopIn(app); new Postgres(s, 'api'); new BlueGreenService(s, 'api', API); },
      '[shop-dev/api] service name "api" is already used by shop-dev/api: give each service and dependency of an app its own name'],
    ['a dependency name Switchyard uses in the app\'s stack', (app) => { new Postgres(shopIn(app), 'secrets'); },
      '[shop-dev/secrets] dependency name "secrets" is a name Switchyard uses in the app\'s stack: pick another name (reserved: alerts, allow-dns, aws, default-deny, helm, kubernetes, messaging, namespace, platform-cluster, platform-oidc, platform-state, platform-vpc, secrets)'],
    ['a dependency outside an app stack', (app) => { new Postgres(app, 'orders'); },
      '[orders] "orders" is not inside an AppStack: create services and dependencies inside an AppStack'],
  ],
  tiers: [
    ['a tier name with upper case', () => { Tier.custom('QA', 15, Profiles.staging); },
      '[tier QA] tier name "QA" is not a valid name: use lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit, at most 12 characters (e.g. "orders")'],
    ['a negative tier order', () => { Tier.custom('qa', -1, Profiles.staging); },
      '[tier qa] order -1 is not a non-negative integer: give each tier a whole number; lower orders are promoted first (dev 10, staging 20, prod 30)'],
    ['two tiers of one name', () => { new Tiers([Tier.dev(), Tier.custom('dev', 40, Profiles.prod)]); },
      '[tiers] tier name "dev" is used twice: give every tier its own name'],
    ['two tiers of one order', () => { new Tiers([Tier.dev(), Tier.custom('qa', 10, Profiles.staging)]); },
      '[tiers] tiers "dev" and "qa" share order 10: give every tier its own order so promotion is well defined'],
    ['no tier at all', () => { new Tiers([]); },
      '[tiers] the tier list [] is empty: give at least one tier, e.g. Tiers.standard()'],
    ['an unknown tier', () => { t.get('production'); },
      '[tiers] tier "production" is not known: use one of dev, staging, prod'],
    ['a region that is not an AWS region', () => { Tier.staging({ region: 'Europe' }); },
      '[tier staging] region "Europe" is not an AWS region name: use a region such as "eu-west-1" or "us-east-2"'],
    ['a region that differs from the EKS platform of the stack', (app) => {
      const platform = new AddonsStack(app, { tier: staging, platform: new PlatformStack(app, { tier: staging }).ref, addons: [new ExternalSecrets()] }).ref;
      const s = new AppStack(app, 'shop', { tier: staging, region: 'us-east-1', platform, ledger: ledgerOf({ app: 'shop', tiers: {} }) });
      new Postgres(s, 'orders');
    },
      '[shop-staging] Postgres "orders" would be made in region "us-east-1", but the EKS platform of the stack is in eu-west-1: drop the stack\'s region prop, or give tier "staging" the region of its platform (eu-west-1)'],
    ['a managed tier without a region', (app) => { new PlatformStack(app, { tier: Tier.staging() }); },
      '[platform-staging] the stack needs an AWS region but its region is undefined: set the region of tier "staging" (e.g. Tier.staging({ region: "eu-west-1" })) or the stack\'s region prop'],
    ['no backups in a protected tier', () => { Tier.prod({ overrides: { backupRetentionDays: 0 } }); },
      '[tier prod] backupRetentionDays 0 turns backups off in a protected tier: keep at least 1 day of backups where deletionProtection is on (prod keeps 14 by default)'],
    ['an audit log retention CloudWatch does not offer', () => { Tier.prod({ overrides: { auditLogRetentionDays: 10 } }); },
      '[tier prod] auditLogRetentionDays 10 is not a retention CloudWatch Logs offers: use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653'],
    ['a setting that is not true or false', () => { Tier.prod({ overrides: { approvalRequired: 'yes' as unknown as boolean } }); },
      '[tier prod] approvalRequired "yes" is not true or false: set approvalRequired to true or false'],
    ['no replicas for the live slot', () => { Tier.staging({ overrides: { sizing: { replicas: 0 } } }); },
      '[tier staging] sizing.replicas 0 is too small or not a whole number: use a whole number of at least 1'],
    ['a negative storage size', () => { Tier.staging({ overrides: { sizing: { inClusterStorageGiB: -5 } } }); },
      '[tier staging] sizing.inClusterStorageGiB -5 is too small or not a whole number: use a whole number of at least 1'],
    ['node counts out of order', () => { Tier.staging({ overrides: { sizing: { nodesMin: 5, nodesMax: 3 } } }); },
      '[tier staging] node counts [5,2,3] are out of order: keep sizing.nodesMin <= sizing.nodesDesired <= sizing.nodesMax'],
    ['an RDS class without its "db." prefix', () => { Tier.prod({ overrides: { sizing: { dbInstanceClass: 'm7g.large' } } }); },
      '[tier prod] sizing.dbInstanceClass "m7g.large" is not an RDS instance class: use a class such as "db.t4g.medium" (with the "db." prefix)'],
    ['a tag in the reserved aws: namespace', () => { Tier.prod({ tags: { 'aws:owner': 'platform' } }); },
      '[tier prod] tag key "aws:owner" is not allowed: use 1 to 128 characters, not starting with "aws:" (AWS reserves that prefix)'],
  ],
  backends: [
    ['an S3 bucket name with upper case', () => { Backend.s3({ bucket: 'Acme_State', region: 'eu-west-1' }); },
      '[Backend.s3] bucket "Acme_State" is not a valid S3 bucket name: use 3-63 lower-case letters, digits, dots and hyphens'],
    ['an S3 backend region that is not a region', () => { Backend.s3({ bucket: 'acme-state', region: 'ireland' }); },
      '[Backend.s3] region "ireland" is not an AWS region name: use a region such as "eu-west-1"'],
    ['an absolute S3 key prefix', () => { Backend.s3({ bucket: 'acme-state', region: 'eu-west-1', keyPrefix: '/shop/' }); },
      '[Backend.s3] keyPrefix "/shop/" does not make a valid state key: use a relative prefix without spaces, a leading "/" or "//", e.g. "shop/" (the key is <prefix><stack>.tfstate)'],
    ['an S3 role that is not a role ARN', () => { Backend.s3({ bucket: 'acme-state', region: 'eu-west-1', roleArn: 'terraform' }); },
      '[Backend.s3] roleArn "terraform" is not an IAM role ARN: use an ARN like "arn:aws:iam::123456789012:role/terraform-state"'],
    ['an HCP organization with spaces', () => { Backend.hcp({ organization: 'Acme Corp' }); },
      '[Backend.hcp] organization "Acme Corp" is not a valid organization name: use letters, digits, "_" and "-"'],
  ],
  'networks and CIDRs': [
    ['a CIDR that is not one', (app) => { new PlatformStack(app, { tier: staging, network: { cidr: '10.0.0.300/16' } }); },
      '[platform-staging/network] cidr "10.0.0.300/16" is not a valid IPv4 CIDR: use a network address with a prefix, e.g. "10.20.0.0/16" (no host bits set)'],
    ['a CIDR with host bits set', (app) => { new PlatformStack(app, { tier: staging, network: { cidr: '10.20.1.0/16' } }); },
      '[platform-staging/network] cidr "10.20.1.0/16" is not a valid IPv4 CIDR: use a network address with a prefix, e.g. "10.20.0.0/16" (no host bits set)'],
    ['a VPC larger than /16', (app) => { new PlatformStack(app, { tier: staging, network: { cidr: '10.0.0.0/8' } }); },
      '[platform-staging/network] cidr "10.0.0.0/8" is outside /16 to /22: use a VPC range from /16 (largest AWS allows) to /22 (room for subnets in 4 zones)'],
    ['a public VPC range', (app) => { new PlatformStack(app, { tier: staging, network: { cidr: '52.0.0.0/16' } }); },
      '[platform-staging/network] cidr "52.0.0.0/16" is not in a private address range: use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16'],
    ['overlapping networks of two tiers', (app) => {
      new PlatformStack(app, { tier: staging, network: { cidr: '10.1.0.0/16' } });
      new PlatformStack(app, { tier: prod, network: { cidr: '10.1.128.0/17' } });
    },
      '[platform-prod/network] cidr "10.1.128.0/17" overlaps the network at platform-staging/network (10.1.0.0/16): give each network its own range (the default is 10.<tier order>.0.0/16)'],
    ['one zone in a highly available tier', (app) => { new PlatformStack(app, { tier: prod, network: { zones: 1 } }); },
      '[platform-prod/network] zones 1 is fewer than 2: tier "prod" is highly available: use 2 to 4 availability zones (3 recommended)'],
    ['an unknown NAT layout', (app) => { new PlatformStack(app, { tier: staging, network: { natGateways: 'none' as 'single' } }); },
      '[platform-staging/network] natGateways "none" is not known: use "single" or "per-zone"'],
    ['an existing VPC given by name', (app) => { new PlatformStack(app, { tier: staging, network: { existing: { vpcId: 'shared-vpc', privateSubnetIds: ['subnet-0a1b2c3d4e5f67890', 'subnet-0a1b2c3d4e5f67891'] } } }); },
      '[platform-staging/network] vpcId "shared-vpc" is not a VPC ID: give the ID of the VPC, e.g. "vpc-0a1b2c3d4e5f67890"'],
    ['an existing VPC with one private subnet', (app) => { new PlatformStack(app, { tier: staging, network: { existing: { vpcId: 'vpc-0a1b2c3d4e5f67890', privateSubnetIds: ['subnet-0a1b2c3d4e5f67890'] } } }); },
      '[platform-staging/network] privateSubnetIds ["subnet-0a1b2c3d4e5f67890"] lists fewer than 2 subnets: give private subnets in at least 2 availability zones (EKS and multi-AZ databases need them)'],
  ],
  'EKS clusters and platforms': [
    ['an API endpoint open to half the internet', (app) => { new PlatformStack(app, { tier: staging, cluster: { publicAccessCidrs: ['0.0.0.0/1', '128.0.0.0/1'] } }); },
      '[platform-staging/cluster] publicAccessCidrs entry "0.0.0.0/1" opens the API endpoint to a large part of the internet: list the narrow CIDRs of your offices, VPN or CI runners (/8 or narrower)'],
    ['t-family nodes with security groups for pods', (app) => { new PlatformStack(app, { tier: Tier.custom('lab', 15, staging.profile, { region: 'eu-west-1', overrides: { sizing: { nodeInstanceTypes: ['m6i.large', 't3.large'] } } }) }); },
      '[platform-lab/cluster] node instance types ["t3.large"] cannot give pods security groups of their own (no t-family type has branch network interfaces): use Nitro types such as m6i.large in the tier\'s sizing.nodeInstanceTypes, or set podSecurityGroups: false (databases and caches then admit every pod of the cluster)'],
    ['a node root volume smaller than the EKS AMI', (app) => { new PlatformStack(app, { tier: staging, cluster: { nodeVolumeGib: 8 } }); },
      '[platform-staging/cluster] nodeVolumeGib 8 is not a whole number from 20 to 16384: give the root volume size in GiB, e.g. 50; the EKS AMI itself needs 20'],
    ['a private range for the public endpoint', (app) => { new PlatformStack(app, { tier: staging, cluster: { publicAccessCidrs: ['10.8.0.0/16'] } }); },
      '[platform-staging/cluster] publicAccessCidrs entry "10.8.0.0/16" is a private range, which never reaches the public endpoint: leave private networks out: they reach the API through the private endpoint (from the VPC, or a network peered with it)'],
    ['overlapping endpoint ranges', (app) => { new PlatformStack(app, { tier: staging, cluster: { publicAccessCidrs: ['203.0.113.0/24', '203.0.113.128/25'] } }); },
      '[platform-staging/cluster] publicAccessCidrs entry "203.0.113.0/24" overlaps 203.0.113.128/25: list each range once, and none inside another'],
    ['an unsupported Kubernetes version', (app) => { new PlatformStack(app, { tier: staging, cluster: { version: '1.29' } }); },
      '[platform-staging/cluster] Kubernetes version "1.29" is not supported: use one of 1.32, 1.33, 1.34, 1.35, 1.36 (a minor version as a string, e.g. "1.35")'],
    ['an API endpoint open to the internet', (app) => { new PlatformStack(app, { tier: staging, cluster: { publicAccessCidrs: ['0.0.0.0/0'] } }); },
      '[platform-staging/cluster] publicAccessCidrs entry "0.0.0.0/0" opens the API endpoint to the internet: list the CIDRs of your offices, VPN or CI runners, or leave the list empty for a private endpoint'],
    ['an API access CIDR that is not one', (app) => { new PlatformStack(app, { tier: staging, cluster: { publicAccessCidrs: ['203.0.113.0'] } }); },
      '[platform-staging/cluster] publicAccessCidrs entry "203.0.113.0" is not a valid IPv4 CIDR: use a network address with a prefix, e.g. "203.0.113.0/24"'],
    ['a Service range inside the VPC', (app) => { new PlatformStack(app, { tier: staging, cluster: { serviceCidr: '10.20.128.0/20' } }); },
      '[platform-staging/cluster] serviceCidr "10.20.128.0/20" overlaps the VPC (10.20.0.0/16): pick a Service range outside the VPC, e.g. "172.20.0.0/16" for a VPC in 10.0.0.0/8'],
    ['an admin that is not an IAM ARN', (app) => { new PlatformStack(app, { tier: staging, cluster: { admins: ['platform-admins'] } }); },
      '[platform-staging/cluster] admins entry "platform-admins" is not an IAM role or user ARN: use an ARN like "arn:aws:iam::123456789012:role/platform-admins"'],
    ['an admin listed twice', (app) => { new PlatformStack(app, { tier: staging, cluster: { admins: ['arn:aws:iam::123456789012:role/admins', 'arn:aws:iam::123456789012:role/admins'] } }); },
      '[platform-staging/cluster] admins entry "arn:aws:iam::123456789012:role/admins" is listed twice: list each principal once'],
    ['a documentation range for the API endpoint of prod (a placeholder left in)', (app) => { new PlatformStack(app, { tier: prod, cluster: { publicAccessCidrs: ['192.0.2.0/24'] } }); },
      '[platform-prod/cluster] publicAccessCidrs entry "192.0.2.0/24" is a documentation range (RFC 5737), a placeholder that reaches nobody\'s network: put the public CIDRs of your offices, VPN or CI runners there (or set allowDocumentationRanges: true where a placeholder is meant, as in an example)'],
    ['an ALB Gateway given a cert-manager issuer (an ALB takes ACM certificates only)', () => { new AwsLoadBalancerController({ gatewayApi: true, hostname: '*.example.com', issuer: 'letsencrypt' }); },
      '[addon aws-load-balancer-controller] the ALB Gateway cannot take a certificate from cert-manager ("letsencrypt"): an ALB takes its certificate from ACM, not from a Secret: serve HTTPS with EnvoyGateway behind the NLB (standardAddons does), or drop hostname and issuer'],
    ['a log retention that would cut the CloudWatch logs it used to keep', () => { Tier.staging({ overrides: { logRetentionDays: 90 } }); },
      '[tier staging] logRetentionDays 90 is longer than the audit logs would be kept (auditLogRetentionDays 30): logRetentionDays now sets the log store\'s (Loki\'s) retention only; CloudWatch\'s audit logs follow auditLogRetentionDays: set it too (e.g. auditLogRetentionDays: 90), so no CloudWatch log is deleted earlier than before'],
    ['a plan role that may also deploy (the tier\'s access)', () => { Tier.prod({ region: 'eu-west-1', clusterAccess: { deployRole: 'arn:aws:iam::123456789012:role/ci', planRole: 'arn:aws:iam::123456789012:role/ci' } }); },
      '[tier prod] clusterAccess.planRole "arn:aws:iam::123456789012:role/ci" also deploys or administers the cluster: give plans a read-only role of their own: a plan runs the code of a pull request, which must not get write access'],
    ['a plan role that is also a deploy role of the cluster', (app) => {
      new PlatformStack(app, { tier: Tier.staging({ region: 'eu-west-1', clusterAccess: { planRole: 'arn:aws:iam::123456789012:role/ci' } }), cluster: { deployRoles: ['arn:aws:iam::123456789012:role/ci'] } });
    },
      '[platform-staging/cluster] plan role "arn:aws:iam::123456789012:role/ci" is also an admin or a deploy role of the cluster: give plans a read-only role of their own: a plan runs the code of a pull request, which must not get write access'],
    ['a deploy role that is not an IAM ARN', () => { Tier.staging({ clusterAccess: { deployRole: 'deploy-staging' } }); },
      '[tier staging] clusterAccess.deployRole "deploy-staging" is not an IAM role or user ARN: use an ARN like "arn:aws:iam::123456789012:role/deploy-prod"'],
    ['a cluster found by name in a region that is not one', () => { PlatformRef.fromEksCluster({ clusterName: 'acme-prod', region: 'frankfurt' }); },
      '[PlatformRef.fromEksCluster] region "frankfurt" is not an AWS region name: give the region of the cluster, e.g. "eu-west-1"'],
    ['a cluster found by name in another region than the stack', (app) => {
      const platform = PlatformRef.fromEksCluster({ clusterName: 'acme-staging', region: 'eu-central-1', addons: ['external-secrets'] });
      new Postgres(new AppStack(app, 'shop', { tier: staging, platform, ledger: ledgerOf({ app: 'shop', tiers: {} }) }), 'orders');
    },
      '[shop-staging] the stack is in region "eu-west-1" but the cluster is not: deploy the stack in eu-central-1, the region of cluster acme-staging'],
    ['a kubeconfig platform without a context', () => { PlatformRef.fromKubeconfig({ context: '' }); },
      '[PlatformRef.fromKubeconfig] context "" is empty: name the kubeconfig context of the cluster, e.g. "kind-dev"'],
  ],
  'add-ons': [
    ['an add-on listed twice', (app) => { new AddonsStack(app, { tier: dev, platform: kube(), addons: [new ExternalSecrets(), new ExternalSecrets()] }); },
      '[addons-dev] add-on "external-secrets" is listed twice: list each add-on once (pass its options to the one entry)'],
    ['an add-on the platform has already', (app) => {
      new AddonsStack(app, { tier: dev, platform: PlatformRef.fromKubeconfig({ context: 'kind-test', addons: ['external-secrets'] }), addons: [new ExternalSecrets()] });
    },
      '[addons-dev] add-on "external-secrets" is on the platform already: drop it from the list (the PlatformRef says the cluster has it), or drop "external-secrets" from the PlatformRef\'s addons if it is not installed'],
    ['an add-on installed on one cluster by two add-ons stacks', (app) => {
      const platform = kube();
      new AddonsStack(app, { tier: dev, platform, addons: [new ExternalSecrets()] });
      new AddonsStack(app, { tier: dev, platform, name: 'tools', addons: [new ExternalSecrets()] });
    },
      '[tools-dev] add-on "external-secrets" is installed on this cluster by addons-dev already: install each add-on in one add-ons stack per cluster: drop it from one of the lists'],
    ['an add-on without its prerequisite', (app) => { new AddonsStack(app, { tier: dev, platform: kube(), addons: [new GatewayApiCrds(), new ClusterIssuer()] }); },
      '[addons-dev] add-on "cluster-issuer" needs "cert-manager" installed before it: add the "cert-manager" add-on to the list before "cluster-issuer"'],
    ['a prerequisite listed after the add-on', (app) => { new AddonsStack(app, { tier: dev, platform: kube(), addons: [new CertManager(), new GatewayApiCrds()] }); },
      '[addons-dev] add-on "cert-manager" needs "gateway-api-crds" installed before it: move "gateway-api-crds" before "cert-manager" in the add-on list'],
    ['two Gateway implementations', (app) => {
      new AddonsStack(app, { tier: staging, platform: PlatformRef.fromEksCluster({ clusterName: 'acme-staging', region: 'eu-west-1' }), addons: [new GatewayApiCrds(), new EnvoyGateway(), new AwsLoadBalancerController({ gatewayApi: true })] });
    },
      '[addons-staging] more than one add-on provides the platform\'s Gateway: ["envoy-gateway","aws-load-balancer-controller"]: keep one Gateway implementation (EnvoyGateway, or AwsLoadBalancerController with gatewayApi)'],
    ['an add-on that needs AWS on a kubeconfig cluster', (app) => { new AddonsStack(app, { tier: dev, platform: kube(), addons: [new GatewayApiCrds(), new ExternalDns({ hostedZoneIds: ['Z0123456789EXAMPLE'], domains: ['example.com'] })] }); },
      '[addons-dev] add-on "external-dns" needs an EKS platform, but the platform is "kubeconfig:kind-test": bind it in-cluster in tier "dev" (the tier\'s binding) or give the stack an EKS platform'],
    ['a chart version range', () => { new HelmAddon({ id: 'ui', namespace: 'tools', chart: { ...CHART, version: '^1.2.0' } }); },
      '[addon ui] chart version "^1.2.0" is not an exact version: pin the chart to one version, e.g. "1.21.2" (ranges make deploys unrepeatable)'],
    ['a Bitnami chart', () => { new HelmAddon({ id: 'redis', namespace: 'cache', chart: { repository: 'oci://registry-1.docker.io/bitnamicharts', chart: 'redis', version: '20.1.0' } }); },
      '[addon redis] chart "oci://registry-1.docker.io/bitnamicharts redis" comes from Bitnami: use the project\'s own chart: Bitnami moved its versioned images to the frozen "bitnamilegacy" repository on 2025-08-28'],
    ['a Bitnami image in an add-on\'s values', (app) => {
      new AddonsStack(app, { tier: dev, platform: kube(), addons: [new HelmAddon({ id: 'ui', namespace: 'tools', chart: CHART, values: { sidecar: { image: { registry: 'docker.io', repository: 'bitnami/kubectl', tag: '1.33' } } } })] });
    },
      '[addons-dev] the values of add-on "ui" name the Bitnami image "bitnami/kubectl" (values.sidecar.image.repository): use the project\'s own image: Bitnami moved its versioned images to the frozen "bitnamilegacy" repository on 2025-08-28'],
    ['a chart repository over plain HTTP', () => { new HelmAddon({ id: 'ui', namespace: 'tools', chart: { ...CHART, repository: 'http://charts.example.com' } }); },
      '[addon ui] chart repository "http://charts.example.com" is not an https:// or oci:// URL: give the chart repository URL, e.g. "https://charts.jetstack.io"'],
    ['a requirement that is not an add-on ID', () => { new HelmAddon({ id: 'ui', namespace: 'tools', chart: CHART, requires: ['Cert Manager'] }); },
      '[addon ui] required add-on id "Cert Manager" is not a valid name: use lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit, at most 53 characters (e.g. "orders")'],
    ['a requirement that is no add-on at all (a typo)', (app) => { new AddonsStack(app, { tier: dev, platform: kube(), addons: [new HelmAddon({ id: 'ui', namespace: 'tools', chart: CHART, requires: ['cert-manger'] })] }); },
      '[addons-dev] add-on "ui" needs "cert-manger", which is neither an add-on of the catalog nor one of this list: fix the ID (the catalog has gateway-api-crds, envoy-gateway, aws-load-balancer-controller, cert-manager, cluster-issuer, external-dns, metrics-server, cluster-autoscaler, kube-prometheus-stack, loki, alloy, external-secrets, cloudnative-pg, reloader, keda, gp3-storage-class), or add a HelmAddon with id "cert-manger" before "ui"'],
    ['an add-on that requires itself', () => { new HelmAddon({ id: 'ui', namespace: 'tools', chart: CHART, requires: ['ui'] }); },
      '[addon ui] the add-on requires itself ("ui"): list only the add-ons that must be installed before it'],
    ['a negative Helm timeout', () => { new HelmAddon({ id: 'ui', namespace: 'tools', chart: CHART, timeoutSeconds: -5 }); },
      '[addon ui] timeoutSeconds -5 is not a timeout: use a whole number of seconds from 1 to 86400 (default 600)'],
    ['a hosted zone given by domain', () => { new ExternalDns({ hostedZoneIds: ['example.com'], domains: ['example.com'] }); },
      '[addon external-dns] hosted zone ID "example.com" is not a Route53 zone ID: use the ID of a hosted zone, e.g. "Z0123456789ABCDEFGHIJ"'],
    ['an ACME account without an email address', () => { new ClusterIssuer({ acme: { email: 'platform-team' } }); },
      '[addon cluster-issuer] ACME email "platform-team" is not an email address: give the address Let\'s Encrypt sends expiry notices to'],
    ['a Gateway issuer without a hostname', () => { new EnvoyGateway({ issuer: 'letsencrypt' }); },
      '[addon envoy-gateway] issuer "letsencrypt" is set without a hostname: give the hostname of the HTTPS listener (e.g. "*.shop.example.com") or drop the issuer'],
  ],
  'databases and caches': [
    ['an unsupported Postgres version', (app) => { new Postgres(shopIn(app), 'orders', { engineVersion: '9.6' }); },
      '[shop-dev/orders] engineVersion "9.6" is not supported: use a major version of 15, 16, 17, 18 (e.g. "17"), optionally with its minor ("17.11")'],
    ['a negative Postgres storage', (app) => { new Postgres(shopIn(app), 'orders', { storageGiB: -20 }); },
      '[shop-dev/orders] storageGiB -20 is out of range: use a whole number of GiB from 20 to 65536'],
    ['a reserved database user', (app) => { new Postgres(shopIn(app), 'orders', { username: 'postgres' }); },
      '[shop-dev/orders] username "postgres" is reserved or not valid: use lower-case letters, digits and "_" (at most 16, starting with a letter), not admin, postgres or rdsadmin'],
    ['an unknown database engine', (app) => { new Postgres(shopIn(app), 'orders', { engine: 'mysql' as 'rds' }); },
      '[shop-dev/orders] engine "mysql" is not known: use "rds" (RDS for PostgreSQL) or "aurora" (Aurora PostgreSQL)'],
    ['a Postgres major Aurora does not offer', (app) => { new Postgres(shopIn(app, staging), 'orders', { engine: 'aurora', engineVersion: '18' }); },
      '[shop-staging/orders] engineVersion "18" is not offered by Aurora PostgreSQL: use a major of 15, 16, 17 with engine "aurora", or engine "rds"'],
    ['an in-cluster database without its operator', (app) => {
      const platform = new AddonsStack(app, { tier: dev, platform: kube(), addons: [new ExternalSecrets()] }).ref;
      new Postgres(new AppStack(app, 'shop', { tier: dev, platform, ledger: ledgerOf({ app: 'shop', tiers: {} }) }), 'orders');
    },
      '[shop-dev/orders] in-cluster Postgres needs the CloudNativePG operator, which the platform of tier "dev" lacks: install CloudNativePg in the AddonsStack of the tier, or list "cloudnative-pg" in the PlatformRef add-ons'],
    ['a dependency on a platform without external-secrets', (app) => {
      new Queue(new AppStack(app, 'shop', { tier: dev, platform: kube(), ledger: ledgerOf({ app: 'shop', tiers: {} }) }), 'jobs');
    },
      '[shop-dev] the platform of tier "dev" has no external-secrets add-on: install ExternalSecrets in the AddonsStack of the tier (connection secrets are written by it), or list "external-secrets" in the PlatformRef add-ons'],
    ['an unsupported Valkey version', (app) => { new Cache(shopIn(app), 'sessions', { engineVersion: '6.2' }); },
      '[shop-dev/sessions] engineVersion "6.2" is not a supported Valkey version: use one of 7.2, 8.0, 8.1, 8.2, 9.0 (major.minor)'],
    ['a cache node type that cannot encrypt in transit', (app) => { new Cache(shopIn(app, staging), 'sessions', { nodeType: 'cache.t2.micro' }); },
      '[shop-staging/sessions] nodeType "cache.t2.micro" does not support encryption in transit: use a current generation (t4g, t3, m7g, m6g, r7g, r6g ...), e.g. "cache.t4g.small"'],
  ],
  'queues and topics': [
    ['a retention beyond what the dead-letter queue keeps', (app) => { new Queue(shopIn(app), 'jobs', { retentionSeconds: 1_209_600 }); },
      '[shop-dev/jobs] retentionSeconds 1209600 is outside what SQS and the dead-letter queue allow: use a whole number of seconds from 60 to 1123200 (13 days): the dead-letter queue keeps messages 14 days, the SQS maximum, and must keep them longer than its source'],
    ['a retention between 13 and 14 days', (app) => { new Queue(shopIn(app), 'jobs', { retentionSeconds: 1_123_201 }); },
      '[shop-dev/jobs] retentionSeconds 1123201 is outside what SQS and the dead-letter queue allow: use a whole number of seconds from 60 to 1123200 (13 days): the dead-letter queue keeps messages 14 days, the SQS maximum, and must keep them longer than its source'],
    ['a cache name too long for an ElastiCache ID', (app) => { new Cache(shopIn(app, staging), 'sessions-of-the-storefront-eu'); },
      '[shop-staging/sessions-of-the-storefront-eu] cache name "sessions-of-the-storefront-eu" makes the ElastiCache ID "shop-staging-sessions-of-the-storefront-eu" (42 characters): ElastiCache allows 40 characters and no "--": shorten the cache name (or the app name)'],
    ['an instance class Aurora does not offer', (app) => { new Postgres(shopIn(app, staging), 'orders', { engine: 'aurora', instanceClass: 'db.m7g.large' }); },
      '[shop-staging/orders] instanceClass "db.m7g.large" is not offered by Aurora PostgreSQL: use a memory-optimized class (e.g. "db.r7g.large"), "db.t4g.medium" or "db.t4g.large", or "db.serverless"'],
    ['a queue named as another queue\'s dead-letter queue', (app) => { const s = shopIn(app); new Queue(s, 'jobs'); new Queue(s, 'jobs-dlq'); },
      '[shop-dev/jobs-dlq] queue name "jobs-dlq" is the name of the dead-letter queue of shop-dev/jobs: rename the queue, or give "jobs" this queue as its dead-letter queue (deadLetterQueue: "jobs-dlq", declared before it)'],
    ['a queue whose dead-letter queue takes another queue\'s name', (app) => { const s = shopIn(app); new Queue(s, 'jobs-dlq'); new Queue(s, 'jobs'); },
      '[shop-dev/jobs] the dead-letter queue of queue "jobs" would be named "jobs-dlq", the name of shop-dev/jobs-dlq: rename one of them, or make "jobs-dlq" this queue\'s dead-letter queue: deadLetterQueue: "jobs-dlq"'],
    ['a queue name too long for SQS', (app) => {
      const loadtest = Tier.custom('loadtest-eu1', 15, Profiles.dev);
      const ledger = ledgerOf({ app: 'storefront-checkout-apis', tiers: {} }, new Tiers([loadtest]));
      new Queue(appStack(app, loadtest, ledger), 'order-confirmation-emails-priority-eu-01', { fifo: true });
    },
      '[storefront-checkout-apis-loadtest-eu1/order-confirmation-emails-priority-eu-01] queue name "order-confirmation-emails-priority-eu-01" makes SQS names of 87 characters (storefront-checkout-apis-loadtest-eu1-order-confirmation-emails-priority-eu-01-dlq.fifo): SQS allows 80: shorten the queue name (or the app name)'],
    ['a visibility timeout longer than the retention', (app) => { new Queue(shopIn(app), 'jobs', { retentionSeconds: 600, visibilityTimeoutSeconds: 900 }); },
      '[shop-dev/jobs] visibilityTimeoutSeconds 900 is longer than the retention (600 s): keep the visibility timeout shorter than the retention, or a message expires while a consumer holds it'],
    ['no receive before dead-lettering', (app) => { new Queue(shopIn(app), 'jobs', { maxReceiveCount: 0 }); },
      '[shop-dev/jobs] maxReceiveCount 0 is outside SQS limits: use a whole number from 1 to 1000'],
    ['a queue that is its own dead-letter queue', (app) => { new Queue(shopIn(app), 'jobs', { deadLetterQueue: 'jobs' }); },
      '[shop-dev/jobs] deadLetterQueue "jobs" is the queue itself: name another queue of the app, or leave it out to get a dead-letter queue of its own'],
    ['a dead-letter queue not declared before', (app) => { new Queue(shopIn(app), 'jobs', { deadLetterQueue: 'failed' }); },
      '[shop-dev/jobs] deadLetterQueue "failed" is not a queue declared before this one: declare that queue first in the same app, or leave it out to get a dead-letter queue of its own'],
    ['a FIFO queue on a standard topic', (app) => { const s = shopIn(app); new Topic(s, 'events').subscribe(new Queue(s, 'jobs', { fifo: true })); },
      '[shop-dev/events] queue "jobs" is FIFO but the topic is not FIFO: subscribe FIFO queues to FIFO topics and standard queues to standard topics'],
    ['a queue subscribed twice', (app) => { const s = shopIn(app); const q = new Queue(s, 'jobs'); const e = new Topic(s, 'events'); e.subscribe(q); e.subscribe(q); },
      '[shop-dev/events] queue "jobs" is subscribed twice: subscribe each queue once'],
  ],
  services: [
    ['an image with its tag', (app) => { new BlueGreenService(shopIn(app, dev, apiInDev()), 'api', { ...API, image: 'ghcr.io/acme/api:latest' }); },
      '[shop-dev/api] image "ghcr.io/acme/api:latest" is not an image repository without tag: give the repository only (e.g. "ghcr.io/acme/shop-api"); the version comes from the release ledger'],
    ['an empty image', (app) => { new BlueGreenService(shopIn(app, dev, apiInDev()), 'api', { ...API, image: '' }); },
      '[shop-dev/api] image "" is not an image repository without tag: give the repository only (e.g. "ghcr.io/acme/shop-api"); the version comes from the release ledger'],
    ['an image path with upper case', (app) => { new BlueGreenService(shopIn(app, dev, apiInDev()), 'api', { ...API, image: 'ghcr.io/Acme/API' }); },
      '[shop-dev/api] image "ghcr.io/Acme/API" has a repository path that is not lower case: use lower-case letters, digits, ".", "_" and "-" between "/" (e.g. "ghcr.io/acme/shop-api")'],
    ['port 0', (app) => { new BlueGreenService(shopIn(app, dev, apiInDev()), 'api', { ...API, port: 0 }); },
      '[shop-dev/api] port 0 is not a TCP port: use a whole number from 1 to 65535 (1024 or above: the container runs as non-root)'],
    ['no replicas in the live slot', (app) => { new BlueGreenService(shopIn(app, dev, apiInDev()), 'api', { ...API, replicas: 0 }); },
      '[shop-dev/api] replicas 0 is not valid: use a whole number of at least 1'],
    ['negative replicas in the idle slot', (app) => { new BlueGreenService(shopIn(app, dev, apiInDev()), 'api', { ...API, idleReplicas: -1 }); },
      '[shop-dev/api] idleReplicas -1 is not valid: use a whole number of at least 0'],
    ['a container running as root', (app) => { new BlueGreenService(shopIn(app, dev, apiInDev()), 'api', { ...API, runAsUser: 0 }); },
      '[shop-dev/api] runAsUser 0 is root or not a user ID: use a numeric non-root user ID such as 10001'],
    ['an environment variable name with "-"', (app) => { new BlueGreenService(shopIn(app, dev, apiInDev()), 'api', { ...API, env: { 'LOG-LEVEL': 'info' } }); },
      '[shop-dev/api] environment variable name "LOG-LEVEL" is not valid: use letters, digits and "_", not starting with a digit'],
    ['a negative CPU request', (app) => { new BlueGreenService(shopIn(app, dev, apiInDev()), 'api', { ...API, resources: { cpuRequest: '-100m' } }); },
      '[shop-dev/api] resources.cpuRequest "-100m" is not a Kubernetes quantity: use cores or millicores, e.g. "250m" or "1"'],
    ['a memory request above its limit', (app) => { new BlueGreenService(shopIn(app, dev, apiInDev()), 'api', { ...API, resources: { memoryRequest: '1Gi' } }); },
      '[shop-dev/api] resources.memoryRequest "1Gi" is above the limit (256Mi): raise resources.memoryLimit or lower resources.memoryRequest: Kubernetes refuses a request above its limit'],
    ['a health path without "/"', (app) => { new BlueGreenService(shopIn(app, dev, apiInDev()), 'api', { ...API, healthPath: 'healthz' }); },
      '[shop-dev/api] healthPath "healthz" is not a URL path: start it with "/", e.g. "/healthz"'],
    ['a connection to a dependency of another app', (app) => {
      const billing = new Postgres(appStack(app, dev, ledgerOf({ app: 'billing', tiers: {} })), 'invoices');
      new BlueGreenService(shopIn(app, dev, apiInDev()), 'api', { ...API, connections: [billing] });
    },
      '[shop-dev/api] dependency "billing-dev/invoices" belongs to another app or tier: connect only to dependencies declared in shop-dev (declare "invoices" in this app)'],
    ['a service whose NetworkPolicy name a dependency\'s policy has', (app) => { const s = shopIn(app); new Postgres(s, 'orders'); new BlueGreenService(s, 'orders-postgres', API); },
      '[shop-dev/orders-postgres] the NetworkPolicy name "orders-postgres-egress" is already used by shop-dev/orders: rename the service or dependency: each makes policies named after it (<service>-ingress, <service>-egress, <name>-postgres, <name>-postgres-egress, <name>-valkey)'],
  ],
  'misuse that types alone stop (plain JavaScript, casts)': [
    ['a topic given to grantConsume', (app) => { const s = shopIn(app); new BlueGreenService(s, 'api', API).grantConsume(new Topic(s, 'events') as any); }, // eslint-disable-line @typescript-eslint/no-explicit-any
      '[shop-dev/api] grantConsume() was given "topic \\"events\\"", which is not a queue: pass a Queue: grantConsume(queue); a topic is published to with grantPublish(topic)'],
    ['a queue given to grantPublish', (app) => { const s = shopIn(app); new BlueGreenService(s, 'api', API).grantPublish(new Queue(s, 'jobs') as any); }, // eslint-disable-line @typescript-eslint/no-explicit-any
      '[shop-dev/api] grantPublish() was given "queue \\"jobs\\"", which is not a topic: pass a Topic: grantPublish(topic); a queue is granted with grantSend(queue) or grantConsume(queue)'],
    ['a plain object given to connect', (app) => { new BlueGreenService(shopIn(app), 'api', API).connect({ name: 'orders' } as any); }, // eslint-disable-line @typescript-eslint/no-explicit-any
      '[shop-dev/api] connect() was given "{\\"name\\":\\"orders\\"}", which is not a dependency: pass a Postgres, Cache, Queue or Topic declared in this app (or your own IDependency)'],
    ['a literal secret in env', (app) => { new BlueGreenService(shopIn(app), 'api', { ...API, env: { DB_PASSWORD: 'hunter2' } }); },
      '[shop-dev/api] environment variable "DB_PASSWORD" looks like a secret, and its value would be written in the synthesized JSON and in state: read it from a Secret: secretEnv: { DB_PASSWORD: { secret: \'<secret>\', key: \'<key>\' } } (or connect a dependency); if the value is not secret, mark it: env: { DB_PASSWORD: notSecret(\'...\') }'],
    ['an env value that is not a string', (app) => { new BlueGreenService(shopIn(app), 'api', { ...API, env: { PORT: 8080 as any } }); }, // eslint-disable-line @typescript-eslint/no-explicit-any
      '[shop-dev/api] environment variable PORT has the value 8080, not a string: give the value as a string (environment variables are strings), e.g. "8080"'],
    ['an env name the connection contract also sets', (app) => { const s = shopIn(app); new BlueGreenService(s, 'api', { ...API, env: { ORDERS_DB_SSLMODE: 'disable' } }).connect(new Postgres(s, 'orders')); },
      '[shop-dev/api] environment variable "ORDERS_DB_SSLMODE" is the service\'s own and also comes from the connection to "orders": rename the service\'s variable (the contract of a db sets ORDERS_DB_HOST, ORDERS_DB_PORT, ORDERS_DB_USERNAME, ORDERS_DB_PASSWORD, ORDERS_DB_DATABASE, ORDERS_DB_URL, ORDERS_DB_SSLMODE)'],
    ['a service named like the slot of another (api-blue beside api)', (app) => { const s = shopIn(app); new BlueGreenService(s, 'api', API); new BlueGreenService(s, 'api-blue', API); },
      '[shop-dev/api-blue] the Service "api-blue" it would make in namespace "shop" is made by shop-dev/api already: give it another name: the Kubernetes objects of a service (`<name>`, `<name>-preview`, `<name>-blue`, `<name>-green`, ...) and of a dependency share the namespace'],
    ['a service named like a dependency\'s objects', (app) => { const s = shopIn(app); new Cache(s, 'sessions'); new BlueGreenService(s, 'sessions-valkey', API); },
      '[shop-dev/sessions-valkey] the Service "sessions-valkey" it would make in namespace "shop" is made by shop-dev/sessions already: give it another name: the Kubernetes objects of a service (`<name>`, `<name>-preview`, `<name>-blue`, `<name>-green`, ...) and of a dependency share the namespace'],
    ['two apps in one namespace of one cluster', (app) => {
      const platform = PlatformRef.fromKubeconfig({ context: 'kind-dev', addons: ['external-secrets'] });
      new AppStack(app, 'shop', { tier: dev, platform, ledger: ledgerOf({ app: 'shop', tiers: {} }) });
      new AppStack(app, 'billing', { tier: dev, platform, ledger: ledgerOf({ app: 'billing', tiers: {} }), namespace: 'shop' });
    },
      '[billing-dev] namespace "shop" is the namespace of shop-dev on the same cluster: give each app its own namespace (the AppStack\'s namespace prop), or deploy them to different clusters'],
    ['a negative connection threshold', (app) => { new Postgres(shopIn(app, staging), 'orders', { maxConnections: -5 }); },
      '[shop-staging/orders] maxConnections -5 is not a number of connections: give the connection count the alarm fires above, a whole number from 1 to 262143 (PostgreSQL\'s limit), or leave it out for 80% of the instance class\'s default'],
  ],
  'routes, certificates and DNS names': [
    ['a route on a Gateway described by hand that says neither where its proxies run nor that they send from the VPC', (app) => {
      const platform = PlatformRef.fromKubeconfig({ context: 'kind-dev', gateway: { name: 'edge', namespace: 'edge-system', proxies: {} } });
      new BlueGreenService(new AppStack(app, 'shop', { tier: dev, platform, ledger: apiInDev() }), 'api', { ...API, route: {} });
    },
      '[shop-dev/api] the platform\'s Gateway edge-system/edge says neither where its proxies run nor that they send from the VPC: {}: give the GatewayRef proxies: { namespace, podLabels } (pods of the cluster) or { fromVpc: true } (a load balancer with ip targets)'],
    ['a route on a Gateway that sends from the VPC, on a cluster from a kubeconfig', (app) => {
      const platform = PlatformRef.fromKubeconfig({ context: 'kind-dev', gateway: { name: 'edge', namespace: 'edge-system', proxies: { fromVpc: true } } });
      new BlueGreenService(new AppStack(app, 'shop', { tier: dev, platform, ledger: apiInDev() }), 'api', { ...API, route: {} });
    },
      '[shop-dev] the route of service "api" (the Gateway edge-system/edge sends from the VPC) needs an EKS platform, but the platform is "kubeconfig:kind-dev": bind it in-cluster in tier "dev" (the tier\'s binding) or give the stack an EKS platform'],
    ['a route host name that the Gateway\'s wildcard certificate does not cover (two labels under it)', (app) => { new BlueGreenService(routedApp(app), 'api', { ...API, route: { hostnames: ['shop.eu.staging.example.com'] } }); },
      '[shop-staging/api] route hostname "shop.eu.staging.example.com" is covered by no HTTPS listener of the platform\'s Gateway (*.staging.example.com): it would be served over plain HTTP only: use a name one label under staging.example.com, e.g. "shop.staging.example.com" (a wildcard certificate covers one label), or give the Gateway a listener for shop.eu.staging.example.com'],
    ['a route host name under another domain than the platform\'s', (app) => { new BlueGreenService(routedApp(app, { domain: 'example.com', dns: 'staging.example.com' }), 'api', { ...API, route: { hostnames: ['shop.example.com'] } }); },
      '[shop-staging/api] route hostname "shop.example.com" is outside the domains the platform publishes in DNS (external-dns: staging.example.com): no record would point to the Gateway: use a name under staging.example.com, or add its domain to the platform\'s ExternalDns domains (and a hosted zone for it)'],
    ['a wildcard HTTPS listener with an issuer that solves HTTP-01 only', (app) => {
      new AddonsStack(app, {
        tier: staging,
        platform: new PlatformStack(app, { tier: staging }).ref,
        addons: [new GatewayApiCrds(), new CertManager(), new ClusterIssuer({ acme: { email: 'ops@example.com' } }), new EnvoyGateway({ hostname: '*.staging.example.com', issuer: 'letsencrypt' })],
      });
    },
      '[addons-config-staging] the Gateway\'s HTTPS listener *.staging.example.com is a wildcard, but ClusterIssuer "letsencrypt" solves HTTP-01 challenges only, and ACME issues wildcard certificates through DNS-01 only: give the issuer a DNS-01 solver (ClusterIssuer acme.solver { route53: { hostedZoneId } }, with CertManager route53HostedZoneIds), or give the listener one host name'],
    ['an HTTP-01 issuer on a platform without a Gateway', (app) => {
      new AddonsStack(app, { tier: staging, platform: new PlatformStack(app, { tier: staging }).ref, addons: [new GatewayApiCrds(), new CertManager(), new ClusterIssuer({ acme: { email: 'ops@example.com' } })] });
    },
      '[addons-config-staging] ClusterIssuer "letsencrypt" solves HTTP-01 through the Gateway, but the platform has none: add EnvoyGateway (or AwsLoadBalancerController with gatewayApi) to the add-ons, or use the route53 solver'],
  ],
  workers: [
    ['a service without a port', (app) => { new BlueGreenService(shopIn(app), 'api', { image: 'ghcr.io/acme/api' }); },
      '[shop-dev/api] port is undefined, but a service is served on a port: give the port the container serves on, or kind: "worker" for a queue consumer that serves nothing'],
    ['a kind that is neither a service nor a worker', (app) => { new BlueGreenService(shopIn(app), 'api', { ...API, kind: 'cron' as never }); },
      '[shop-dev/api] kind "cron" is not a kind of service: use "service" (served through Services and a route) or "worker" (a queue consumer)'],
    ['queue-depth scaling of a service', (app) => { new BlueGreenService(shopIn(app), 'api', { ...API, queueScaling: {} }); },
      '[shop-dev/api] queueScaling {} is for workers: give kind: "worker" to scale a queue consumer on the depth of its queues; a service autoscales on CPU and memory (autoscaling)'],
    ['queue-depth scaling on a platform without KEDA', (app) => consumer(app, { queueScaling: { maxReplicas: 4 } }, ['external-secrets']),
      '[shop-dev/worker] queueScaling is given, but the platform of tier "dev" has no "keda" add-on: add Keda to the add-ons (standardAddons has it), or give the PlatformRef the "keda" add-on; or drop queueScaling to run a fixed replicas'],
    ['a route on a worker', (app) => consumer(app, { route: {} }),
      '[shop-dev/worker] a worker takes no route ({}): drop the route: a worker serves nothing; give kind: "service" to serve requests'],
    ['CPU autoscaling of a worker', (app) => consumer(app, { autoscaling: { maxReplicas: 4 } }),
      '[shop-dev/worker] a worker takes no autoscaling ({"maxReplicas":4}): a worker scales on the depth of its queues: give queueScaling (with the Keda add-on), or a fixed replicas'],
    ['idle replicas of a worker', (app) => consumer(app, { idleReplicas: 1 }),
      '[shop-dev/worker] a worker takes no idleReplicas (1): drop it: a worker\'s idle slot always runs 0 replicas, so that only the live slot consumes'],
    ['an HTTP alert threshold on a worker', (app) => consumer(app, { metrics: { errorRatio: 0.01 } }),
      '[shop-dev/worker] a worker takes no metrics.errorRatio (0.01): drop it: a worker serves no requests, so it has no error-rate, latency or burn-rate alert'],
    ['a metrics port of a worker besides its port', (app) => consumer(app, { metrics: { port: 9090 } }),
      '[shop-dev/worker] a worker takes no metrics.port (9090): a worker\'s metrics are on its port: give port instead'],
    ['a worker without a port or probe commands', (app) => consumer(app, { port: undefined, probes: { readiness: { command: ['/ready'] } } }),
      '[shop-dev/worker] the worker has neither a port nor probe commands (probes: {"readiness":{"command":["/ready"]}}): give probes: { readiness: { command: [...] }, liveness: { command: [...] } } (a command that exits 0 while the worker is healthy), or a port with a healthPath'],
    ['a health path of a worker without a port', (app) => consumer(app, { port: undefined, healthPath: '/healthz' }),
      '[shop-dev/worker] a worker takes no healthPath without a port ("/healthz"): give the port the health path is served on, or probes with a command'],
    ['an empty probe command', (app) => consumer(app, { probes: { liveness: { command: [] } } }),
      '[shop-dev/worker] the liveness probe\'s command [] is not a command: give the command and its arguments as strings, e.g. ["/app/worker", "health"]'],
    ['fixed replicas of a worker that KEDA scales', (app) => consumer(app, { replicas: 2 }),
      '[shop-dev/worker] replicas 2 is fixed, but the worker scales on the depth of its queues (the platform has KEDA): give queueScaling: { minReplicas, maxReplicas }, or queueScaling: false for a fixed replicas'],
    ['a maximum below the minimum', (app) => consumer(app, { queueScaling: { minReplicas: 3, maxReplicas: 2 } }),
      '[shop-dev/worker] queueScaling.maxReplicas 2 is below 1 or below minReplicas (3): use a whole number of at least 1 and at least minReplicas'],
    ['messages per replica that are no count', (app) => consumer(app, { queueScaling: { messagesPerReplica: 0.5 } }),
      '[shop-dev/worker] queueScaling.messagesPerReplica 0.5 is not valid: use a whole number of at least 1'],
    ['an empty list of queues to scale on', (app) => consumer(app, { queueScaling: { queues: [] } }),
      '[shop-dev/worker] queueScaling.queues [] lists no queue: list queues the worker consumes, or leave queues out to scale on every queue it consumes'],
    ['a worker that KEDA would scale but that consumes no queue', (app) => { new BlueGreenService(workerApp(app), 'worker', WORKER); },
      validation('[shop-dev/worker] the worker scales on the depth of the queues it consumes (the platform has KEDA), but it consumes "no queue": grant it the queues it consumes (worker.grantConsume(queue)), or give queueScaling: false for a fixed replicas')],
    ['scaling on a queue the worker does not consume', (app) => {
      const stack = workerApp(app);
      const w = new BlueGreenService(stack, 'worker', { ...WORKER, queueScaling: { queues: [new Queue(stack, 'other')] } });
      w.grantConsume(new Queue(stack, 'jobs'));
    },
      validation('[shop-dev/worker] queueScaling.queues has "other", which the worker does not consume: grant it (worker.grantConsume(queue)), or scale on the queues it consumes')],
    ['a ledger weight on a worker', (app) => {
      const stack = workerApp(app, { blue: '1.0.0', green: '1.1.0', live: 'blue', weight: 10, approvals: [], history: [] });
      new BlueGreenService(stack, 'worker', WORKER).grantConsume(new Queue(stack, 'jobs'));
    },
      '[releases.json: tiers.dev.worker] the ledger sends 10% of the traffic to the idle slot of "worker", but "worker" is a worker: it takes no traffic, and only its live slot consumes: keep the weight at 0; to move the consumption to the other slot, switch: switchyard switch worker --tier dev'],
  ],
  'ledger states': [
    ['an empty ledger file', () => { ReleaseLedger.parse('', t, 'shop/releases.json'); },
      '[shop/releases.json] the release ledger is not valid JSON: "line 1, column 1: the text ends where a value was expected": fix the file there (it is written by `switchyard`; resolve merge conflicts by hand, keeping one of each key)'],
    ['a ledger file that does not exist', () => { ReleaseLedger.load('no-such-folder/releases.json', t); },
      '[no-such-folder/releases.json] the release ledger "no-such-folder/releases.json" cannot be read: create it (e.g. {"app": "<app>", "tiers": {}}) or pass the right path (ENOENT: no such file or directory, open \'no-such-folder/releases.json\')'],
    ['a ledger of another app', (app) => { appStack(app, dev, ledgerOf({ app: 'billing', tiers: {} }), 'shop'); },
      '[shop-dev] the ledger releases.json belongs to app "billing": pass the ledger of "shop" (its "app" field must be "shop")'],
    ['an unknown tier', () => { ledgerOf({ app: 'shop', tiers: { production: { api: released() } } }); },
      '[releases.json: tiers] tier "production" is not known: use one of dev, staging, prod, or remove it from the ledger'],
    ['a live slot without a version', () => { ledgerOf({ app: 'shop', tiers: { dev: { api: { green: '1.0.0', live: 'blue' } } } }); },
      '[releases.json: tiers.dev.api] live slot "blue" has no version: stage a version into blue first, or set "live" to the slot that has one'],
    ['traffic to an empty slot', () => { ledgerOf({ app: 'shop', tiers: { dev: { api: released('1.0.0', { weight: 20 }) } } }); },
      '[releases.json: tiers.dev.api.weight] weight 20 sends traffic to idle slot green, which holds no version: stage a version into green first (switchyard stage api <version> --tier dev), or keep the weight at 0'],
    ['a weight over 100', () => { ledgerOf({ app: 'shop', tiers: { dev: { api: released('1.0.0', { green: '0.9.0', weight: 120 }) } } }); },
      '[releases.json: tiers.dev.api.weight] weight 120 is not a percentage: use a whole number from 0 to 100 (the share of traffic sent to the idle slot)'],
    ['a version that skipped a tier', () => { ledgerOf({ app: 'shop', tiers: { dev: { api: released('1.0.0', { history: [{ at: '2026-11-01T10:00:00Z', verb: 'switch', version: '1.0.0', slot: 'blue' }] }) }, staging: { api: released('1.1.0') } } }); },
      '[releases.json: tiers.staging.api.blue] version "1.1.0" was never live in tier "dev": release it in "dev" first (stage, then switch), then promote it to "staging"'],
    ['a version without the approval its tier asks for', () => {
      const live = released('1.0.0', { history: [{ at: '2026-11-01T10:00:00Z', verb: 'switch', version: '1.0.0', slot: 'blue' }] });
      ledgerOf({ app: 'shop', tiers: { dev: { api: live }, staging: { api: live }, prod: { api: released('1.0.0') } } });
    },
      '[releases.json: tiers.prod.api.blue] version "1.0.0" has no approval for tier "prod": record one: switchyard approve api 1.0.0 --tier prod --by <name>'],
    ['a version with a space', () => { ledgerOf({ app: 'shop', tiers: { dev: { api: released('1.0 beta') } } }); },
      '[releases.json: tiers.dev.api.blue] version "1.0 beta" is not a version: use a version such as "1.4.2" (letters, digits, ".", "-", "_"; at most 128) or an image digest "sha256:<64 hex digits>"'],
    ['a moving tag for a version', () => { ledgerOf({ app: 'shop', tiers: { dev: { api: released('latest') } } }); },
      '[releases.json: tiers.dev.api.blue] version "latest" is a moving tag, not a version (the image under it changes, so the ledger could not say what runs): use the version or digest the image was built as'],
    ['a key given twice (JSON.parse keeps the last: an approval could vanish)', () => {
      ReleaseLedger.parse('{\n  "app": "shop",\n  "tiers": {\n    "prod": { "api": { "live": "blue", "weight": 0, "approvals": [{ "version": "1.0.0", "by": "dana", "at": "2026-11-02T10:00:00Z" }], "history": [], "approvals": [] } }\n  }\n}\n', t);
    },
      '[releases.json: tiers.prod.api] the release ledger is not valid JSON: "line 4, column 151 (in tiers.prod.api): the key \\"approvals\\" is given twice in one object (first on line 4); a reader keeps only one of them": fix the file there (it is written by `switchyard`; resolve merge conflicts by hand, keeping one of each key)'],
    ['an unknown top-level field (a step would drop it)', () => { ReleaseLedger.parse('{"app": "shop", "tiers": {}, "owner": "payments-team"}', t); },
      '[releases.json: owner] unknown top-level field "owner": the ledger has "app" and "tiers"; name a field of your own "x-<name>" (kept as it is by every step), or remove it'],
    ['a __proto__ key', () => { ReleaseLedger.parse('{"app": "shop", "tiers": {"__proto__": {}}}', t); },
      '[releases.json: tiers] the release ledger is not valid JSON: "line 1, column 27 (in tiers): the key \\"__proto__\\" is not allowed (an object would take it as its prototype)": fix the file there (it is written by `switchyard`; resolve merge conflicts by hand, keeping one of each key)'],
    ['a date that does not exist', () => { ledgerOf({ app: 'shop', tiers: { dev: { api: released('1.0.0', { history: [{ at: '2026-02-30T25:61:00Z', verb: 'stage', version: '1.0.0', slot: 'blue' }] }) } } }); },
      '[releases.json: tiers.dev.api.history[0].at] time "2026-02-30T25:61:00Z" is not an ISO 8601 time that exists: use a time such as "2026-11-20T14:00:00Z" (a real date, hours 00-23, minutes and seconds 00-59)'],
    ['a name with a line break (a forged second line of the audit trail)', () => { ledgerOf({ app: 'shop', tiers: { dev: { api: released('1.0.0', { approvals: [{ version: '1.0.0', by: 'dana\napproved 9.9.9 for prod (by ceo)', at: '2026-11-02T10:00:00Z' }] }) } } }); },
      '[releases.json: tiers.dev.api.approvals[0].by] name "dana\\napproved 9.9.9 for prod (by ceo)" holds a line break or another control character: use a plain name on one line, e.g. "dana"'],
    ['a byte order mark', () => { ReleaseLedger.parse('\ufeff{"app": "shop", "tiers": {}}', t); },
      '[releases.json] the release ledger is not valid JSON: "line 1, column 1: the file starts with a byte order mark (BOM); save it as UTF-8 without one": fix the file there (it is written by `switchyard`; resolve merge conflicts by hand, keeping one of each key)'],
    ['a dependency setting that is not a string', () => { ledgerOf({ app: 'shop', tiers: { dev: { api: released('1.0.0', { requires: { orders: { engineVersion: 17 } } }) } } }); },
      '[releases.json: tiers.dev.api.requires.orders.engineVersion] setting 17 is not a string: give dependency settings as strings, e.g. {"orders": {"engineVersion": "17.11"}}'],
    ['a history weight that is not a number', () => { ledgerOf({ app: 'shop', tiers: { dev: { api: released('1.0.0', { history: [{ at: '2026-11-01T10:00:00Z', verb: 'weight', weight: 'ten' }] }) } } }); },
      '[releases.json: tiers.dev.api.history[0].weight] weight "ten" is not a percentage: use a whole number from 0 to 100 (the share of traffic sent to the idle slot)'],
    ['a service the app does not declare (found at synth)', (app) => { new BlueGreenService(shopIn(app, dev, ledgerOf({ app: 'shop', tiers: { dev: { web: released() } } })), 'api', API); },
      validation('[shop-dev] [releases.json: tiers.dev.web] service "web" is not a service of app "shop" in tier "dev": declare it in the program (a BlueGreenService) and synthesize, or remove the entry (declared: api)')],
  ],
  'CLI ledger steps': [
    ['staging the version that is live already', () => step('2026-12-01T10:00:00Z', 'stage', 'api', '1.5.0', '--tier', 'dev'),
      '[releases.json: tiers.dev.api] version "1.5.0" is already live in slot green: stage a different version (to go back to an earlier one: switchyard rollback api --tier dev)'],
    ['a promotion that skips a tier', () => step('2026-12-01T10:00:00Z', 'promote', 'api', '--from', 'dev', '--to', 'prod'),
      '[releases.json: tiers.prod.api] promoting from "dev" to "prod" would skip tier "staging": promote one tier at a time: switchyard promote api --from dev --to staging'],
    ['a second approval of a version', () => step('2026-12-01T10:00:00Z', 'approve', 'api', '1.4.0', '--tier', 'prod'),
      '[releases.json: tiers.prod.api.approvals] version "1.4.0" is already approved for tier "prod" (by dana at 2026-11-05T16:00:00Z): each version is approved once per tier; release it with switchyard stage api 1.4.0 --tier prod'],
    ['a weight to an empty slot', () => step('2026-12-01T10:00:00Z', 'weight', 'api', '10', '--tier', 'prod'),
      '[releases.json: tiers.prod.api.weight] weight 10 sends traffic to idle slot green, which holds no version: stage a version into green first (switchyard stage api <version> --tier prod), or keep the weight at 0'],
    ['a rollback with nothing to roll back to', () => step('2026-12-01T10:00:00Z', 'rollback', 'api', '--tier', 'prod'),
      '[releases.json: tiers.prod.api] nothing to roll back to: idle slot "green" holds no version: a rollback returns to the version live before the last switch; release a fix instead: switchyard stage api <version> --tier prod'],
    ['a step dated before the last one', () => step('2026-11-01T10:00:00Z', 'stage', 'api', '1.6.0', '--tier', 'dev'),
      '[releases.json: tiers.dev.api.history] time "2026-11-01T10:00:00Z" is before the last event (switch at 2026-11-16T10:20:00Z): history stays in time order: check the clock of this machine, or wait until after the last event'],
    ['an unknown tier', () => step('2026-12-01T10:00:00Z', 'switch', 'api', '--tier', 'production'),
      '[releases.json: tiers] tier "production" is not known: use one of dev, staging, prod (the tiers of cdktf.out/switchyard.json)'],
    ['a --by with a line break', () => step('2026-12-01T10:00:00Z', 'approve', 'api', '1.5.0', '--tier', 'staging', '--by', 'dana\nnext: switchyard promote api --from staging --to prod'),
      '[--by] who takes the step ("dana\\nnext: switchyard promote api --from staging --to prod") holds a line break or another control character: give a plain name on one line, e.g. --by dana; nothing was written'],
    ['a ledger that releases a service the app does not declare (a step on another service)', () => stepOn((l) => { l.tiers.dev.web = l.tiers.dev.worker; }, '2026-12-01T10:00:00Z', 'retire', 'api', '--tier', 'dev'),
      '[releases.json: tiers.dev.web] service "web" is not a service of app "shop" in tier "dev": declare it in the program (a BlueGreenService) and synthesize, or remove the entry (declared: api, worker)'],
    ['a new ledger over an existing file', () => step('2026-12-01T10:00:00Z', 'init', '--app', 'shop'),
      '[releases.json] a file is already at "releases.json": nothing was written: keep that ledger, or pass another path with --ledger PATH'],
    ['a service the app does not declare', () => step('2026-12-01T10:00:00Z', 'stage', 'web', '1.0.0', '--tier', 'dev'),
      '[releases.json: tiers.dev.web] service "web" is not declared by app "shop" in tier "dev" (cdktf.out/switchyard.json): use one of api, worker; or declare it (a BlueGreenService) and run `npm run synth`'],
  ],
  'CLI graph': [
    ['--out over a file it did not write', () => graph(() => undefined, '--out', 'releases.json.md'),
      '[--out] file "releases.json.md" is there and was not written by switchyard graph: nothing was written: move it away, or pass another path to --out'],
    ['an unknown tier', () => graph(() => undefined, '--tier', 'qa'),
      '[--tier] tier "qa" is not known: use one of dev, staging, prod (the tiers of cdktf.out/switchyard.json)'],
    ['a model without the dependencies of an app per tier (written by an older switchyard)', () => graph((m) => { delete (m.apps[0].tiers.prod as Partial<typeof m.apps[0]['tiers']['prod']>).dependencies; }),
      '[cdktf.out/switchyard.json: apps.shop.tiers.prod] app "shop" lacks its dependencies with their binding in the tier (a model written by an older switchyard): run `npm run synth` (or `cdktf synth`) again to rewrite it with this version of switchyard'],
  ],
  'policy and moves': [
    ['a suppression of an unknown rule', (app) => { Policy.suppress(shopIn(app), 'SY-RDS-99', 'replica'); },
      '[shop-dev] suppression names rule "SY-RDS-99", which the rule pack does not have: use one of SY-RDS-1..10, SY-SQS-1..2, SY-SNS-1..2, SY-CACHE-1..4, SY-EKS-1..3, SY-K8S-1..12, SY-EC2-1..4, SY-KMS-1..2, SY-LOGS-1..3, SY-DATA-1..2 (see docs/RULES.md)'],
    ['a suppression without a reason', (app) => { Policy.suppress(shopIn(app), 'SY-RDS-3', '  '); },
      '[shop-dev] suppression of SY-RDS-3 has an empty reason "  ": say why SY-RDS-3 does not apply here: Policy.suppress(construct, "SY-RDS-3", "<why>"); the reason goes into policy-report.json'],
    ['the policy turned off without a reason', (app) => { Policy.disable(shopIn(app), ''); },
      '[shop-dev] Policy.disable has an empty reason "": say why the rule pack must not run here, e.g. "scratch stack for a load test, destroyed after the run"'],
    ['storage encryption turned off in prod through the escape hatch', (app) => {
      shop(app);
      (app.node.findChild('shop-prod').node.findChild('orders') as Postgres).instance!.storageEncrypted = false;
    },
      appValidation(
        'Switchyard policy: 1 finding is an error in tier prod, where findings fail the synth. Fix each, or suppress it where it does not apply with Policy.suppress(construct, ruleId, reason):',
        'SY-RDS-1 [shop-prod/orders/instance] aws_db_instance.orders_postgres (stack shop-prod, tier prod): storage_encrypted is false: set storage_encrypted = true (optionally with kms_key_id); encryption cannot be added later without a snapshot restore',
      )],
    ['a move to an address the stack does not have', (app) => { const s = shopIn(app, staging); new Postgres(s, 'orders'); Moved.resource(s, 'aws_db_instance.sales_postgres', 'aws_db_instance.order_postgres'); },
      validation('[shop-staging] moved block from "aws_db_instance.sales_postgres" goes to "aws_db_instance.order_postgres", which the stack does not have: give the address of a resource of shop-staging (see its cdk.tf.json)')],
    ['a move that changes the resource type', (app) => { const s = shopIn(app, staging); Moved.resource(s, 'aws_rds_cluster.orders_postgres', new Postgres(s, 'orders').instance!); },
      '[shop-staging: moved] from "aws_rds_cluster.orders_postgres" is of type aws_rds_cluster, the resource it moves to of type aws_db_instance: a moved block keeps the resource type: to change the type, import the resource as the new type and remove the old one from the state'],
  ],
};

describe.each(Object.keys(CATALOG))('bad input: %s', (area) => {
  test.each(CATALOG[area])('refuses %s', (_what, build, message) => {
    const e = refusal(build);
    expect(e.message).toBe(message);
    if (e instanceof ConfigurationError) {
      // Where, what and the fix, in that order.
      expect(e.message.startsWith(`[${e.path}] `)).toBe(true);
      expect(e.message).toContain(show(e.value));
      expect(e.message.endsWith(`: ${e.fix}`)).toBe(true);
      expect(e.fix.length).toBeGreaterThan(10);
    } else {
      // A refused step exits 1 (2 would be a wrong command line).
      if (e instanceof CliRefusal) expect(e.code).toBe(1);
      // A validation (or a refused CLI step): every line names where, then the problem and the fix.
      const lines = e.message.split('\n').map((l) => l.trim()).filter((l) => /^(SY-[A-Z0-9]+-\d+ )?\[/.test(l));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(/^(SY-[A-Z0-9]+-\d+ )?\[[^\]]+\] .+: .+$/);
    }
  });
});

/** Every file under `dir` with its content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** The row of the catalog named `what`. */
const row = (what: string): Row => Object.values(CATALOG).flat().find((r) => r[0] === what)!;

describe('a refused synth writes nothing', () => {
  test.each([
    // A stack's validation fails after cdktf wrote the stacks before it (addons-dev, addons-config-dev).
    'a service the app does not declare (found at synth)',
    // The policy's app-level validation fails after cdktf wrote every stack.
    'storage encryption turned off in prod through the escape hatch',
  ])('%s: the previous cdktf.out stays as it was', (what) => {
    const outdir = path.join(tempDir('switchyard-bad-out-'), 'cdktf.out');
    const good = new App({ outdir });
    shop(good);
    good.synth();
    const before = snapshot(outdir);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['manifest.json', path.join('stacks', 'shop-prod', 'cdk.tf.json')]));

    const written: string[] = [];
    const realFs = require('fs') as typeof fs; // the module object cdktf writes through
    const write = realFs.writeFileSync;
    const spy = jest.spyOn(realFs, 'writeFileSync').mockImplementation((file, ...rest) => {
      written.push(String(file));
      return write(file, ...rest);
    });
    let message: string;
    try {
      const app = new App({ outdir });
      row(what)[1](app);
      message = (() => { try { app.synth(); return 'accepted'; } catch (e) { return (e as Error).message; } })();
    } finally {
      spy.mockRestore();
    }
    expect(message).toBe(row(what)[2]);
    // cdktf had written stacks (into the staging folder beside cdktf.out) before the validation failed...
    expect(written.filter((f) => f.startsWith(`${outdir}.partial-`) && f.endsWith('cdk.tf.json')).length).toBeGreaterThan(0);
    // ...and none of it reached cdktf.out, nor stayed beside it; only a policy failure's report is beside it, for CI.
    expect(snapshot(outdir)).toEqual(before);
    const policyFailure = /Switchyard policy/.test(message);
    expect(fs.readdirSync(path.dirname(outdir)).sort()).toEqual(policyFailure ? ['cdktf.out', 'cdktf.out.policy-report.json'] : ['cdktf.out']);
    if (policyFailure) {
      const report = JSON.parse(fs.readFileSync(`${outdir}.policy-report.json`, 'utf8'));
      expect(report.summary.errors).toBeGreaterThan(0);
      expect(report.findings.filter((f: { severity: string; suppressed: boolean }) => f.severity === 'error' && !f.suppressed).map((f: { rule: string }) => f.rule)).toContain('SY-RDS-1');
      // The next synth that succeeds removes it.
      const again = new App({ outdir });
      shop(again);
      again.synth();
      expect(fs.readdirSync(path.dirname(outdir))).toEqual(['cdktf.out']);
    }
  });
});

test('the catalog holds at least 40 kinds of bad input, each named once in its area', () => {
  expect(Object.values(CATALOG).flat().length).toBeGreaterThanOrEqual(40);
  for (const rows of Object.values(CATALOG)) expect(new Set(rows.map((r) => r[0])).size).toBe(rows.length);
});

/** The exit code of a verb that answers synchronously (every verb these tests run). */
function sync(code: number | Promise<number>): number {
  if (typeof code !== 'number') throw new Error('the verb answered with a promise');
  return code;
}
