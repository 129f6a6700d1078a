import {
  AddonsStack, App, Backend, ConfigurationError, PlatformRef, Profiles, Tier, TierStack, Tiers,
} from '../../lib';
import { Construct } from 'constructs';
import { errorOf, synth } from '../helpers';

describe('Tier', () => {
  test('built-in profiles differ where it matters', () => {
    const [dev, staging, prod] = Tiers.standard().all;
    expect([dev.name, staging.name, prod.name]).toEqual(['dev', 'staging', 'prod']);
    expect(dev.profile.binding).toBe('in-cluster');
    expect(staging.profile.binding).toBe('managed');
    expect(prod.profile).toMatchObject({ highAvailability: true, approvalRequired: true, deletionProtection: true, backupRetentionDays: 14 });
    expect(dev.profile).toMatchObject({ highAvailability: false, approvalRequired: false, deletionProtection: false });
    expect(prod.profile.sizing.replicas).toBeGreaterThan(staging.profile.sizing.replicas);
  });

  test('overrides replace one setting and merge sizing key by key', () => {
    const prod = Tier.prod({ overrides: { backupRetentionDays: 30, sizing: { replicas: 5 } } });
    expect(prod.profile.backupRetentionDays).toBe(30);
    expect(prod.profile.sizing.replicas).toBe(5);
    expect(prod.profile.sizing.idleReplicas).toBe(Profiles.prod.sizing.idleReplicas);
    expect(prod.profile.approvalRequired).toBe(true);
    // The built-in profile itself is untouched.
    expect(Profiles.prod.backupRetentionDays).toBe(14);
  });

  test('custom tiers take a base profile and sit in the promotion order', () => {
    const qa = Tier.custom('qa', 15, Profiles.staging, { overrides: { approvalRequired: true } });
    const tiers = new Tiers([Tier.prod(), qa, Tier.dev(), Tier.staging()]);
    expect(tiers.names).toEqual(['dev', 'qa', 'staging', 'prod']);
    expect(tiers.previous('qa')?.name).toBe('dev');
    expect(tiers.previous('dev')).toBeUndefined();
    expect(tiers.get('qa').profile).toMatchObject({ binding: 'managed', approvalRequired: true });
  });

  test('Tier.of finds the tier of the enclosing stack', () => {
    const app = new App({ outdir: '/tmp/unused-switchyard' });
    const prod = Tier.prod({ region: 'eu-west-1' });
    const stack = new TierStack(app, 'things-prod', { tier: prod });
    const inner = new Construct(new Construct(stack, 'a'), 'b');
    expect(Tier.of(inner)).toBe(prod);
    expect(errorOf(() => Tier.of(new Construct(app, 'loose')))).toBe(
      '[loose] "loose" is not inside a tier stack: create it inside a PlatformStack, AddonsStack or AppStack (or another TierStack)');
  });

  test.each([
    [() => Tiers.standard().get('production'), '[tiers] tier "production" is not known: use one of dev, staging, prod'],
    [() => new Tiers([Tier.dev(), Tier.custom('dev', 40, Profiles.prod)]), '[tiers] tier name "dev" is used twice: give every tier its own name'],
    [() => new Tiers([Tier.dev(), Tier.custom('qa', 10, Profiles.staging)]), '[tiers] tiers "dev" and "qa" share order 10: give every tier its own order so promotion is well defined'],
    [() => Tier.custom('QA', 15, Profiles.staging), '[tier QA] tier name "QA" is not a valid name: use lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit, at most 12 characters (e.g. "orders")'],
    [() => Tier.prod({ overrides: { backupRetentionDays: 0 } }), '[tier prod] backupRetentionDays 0 turns backups off in a protected tier: keep at least 1 day of backups where deletionProtection is on (prod keeps 14 by default)'],
    [() => Tier.staging({ overrides: { sizing: { nodesMin: 5, nodesMax: 3 } } }), '[tier staging] node counts [5,2,3] are out of order: keep sizing.nodesMin <= sizing.nodesDesired <= sizing.nodesMax'],
    [() => Tier.staging({ region: 'Europe' }), '[tier staging] region "Europe" is not an AWS region name: use a region such as "eu-west-1" or "us-east-2"'],
  ])('refuses bad tiers (%#)', (fn, message) => {
    expect(() => fn()).toThrow(ConfigurationError);
    expect(errorOf(fn)).toBe(message);
  });
});

describe('TierStack', () => {
  test('refuses a stack name that does not end in -<tier>', () => {
    const app = new App({ outdir: '/tmp/unused-switchyard' });
    expect(errorOf(() => new TierStack(app, 'shop-production', { tier: Tier.prod() }))).toBe(
      '[shop-production] stack name "shop-production" is not valid: use a lower-case DNS label of at most 40 characters that ends in "-prod"');
  });

  test('asks for a region only when an AWS resource needs it', () => {
    const app = new App({ outdir: '/tmp/unused-switchyard' });
    const stack = new TierStack(app, 'x-staging', { tier: Tier.staging() });
    expect(stack.usesAws).toBe(false);
    expect(errorOf(() => stack.aws)).toBe(
      '[x-staging] the stack needs an AWS region but its region is undefined: set the region of tier "staging" (e.g. Tier.staging({ region: "eu-west-1" })) or the stack\'s region prop');
  });
});

describe('Backend', () => {
  const build = (backend: Backend) => synth((app) => {
    new AddonsStack(app, {
      tier: Tier.dev({ backend }),
      platform: PlatformRef.fromKubeconfig({ context: 'kind-x' }),
      addons: [],
    });
  }).stacks['addons-dev'];

  test('S3: encrypted, S3 lock file, one key per stack', () => {
    const s = build(Backend.s3({ bucket: 'acme-tfstate', region: 'eu-west-1', kmsKeyId: 'alias/tfstate' }));
    expect(s.terraform.backend).toEqual({
      s3: { bucket: 'acme-tfstate', region: 'eu-west-1', key: 'switchyard/addons-dev.tfstate', encrypt: true, kms_key_id: 'alias/tfstate', use_lockfile: true },
    });
  });

  test('HCP Terraform: one workspace per stack', () => {
    const s = build(Backend.hcp({ organization: 'acme', workspacePrefix: 'shop-' }));
    expect(s.terraform.cloud).toEqual({ organization: 'acme', workspaces: { name: 'shop-addons-dev' } });
    expect(s.terraform.backend).toBeUndefined();
  });

  test('local with a state folder', () => {
    const s = build(Backend.local({ directory: '/var/lib/tfstate' }));
    expect(s.terraform.backend.local.path).toMatch(/\/var\/lib\/tfstate\/terraform\.addons-dev\.tfstate$/);
  });

  test('refuses a bad bucket name', () => {
    expect(errorOf(() => Backend.s3({ bucket: 'Acme_State', region: 'eu-west-1' }))).toBe(
      '[Backend.s3] bucket "Acme_State" is not a valid S3 bucket name: use 3-63 lower-case letters, digits, dots and hyphens');
  });
});
