import { isLabelValue, versionLabel } from '../../lib/release/version-label';
import { Construct } from 'constructs';
import { BlueGreenService, notSecret, Postgres } from '../../lib';
import { errorOf, k8s, resources, synth } from '../helpers';
import { appStack, ledgerOf, released, tiers } from '../fixtures';

const t = tiers();
const dev = t.get('dev');

function devApp(entry: Record<string, unknown>, declare?: (s: ReturnType<typeof appStack>) => void) {
  return synth((app) => {
    const stack = appStack(app, dev, ledgerOf({ app: 'shop', tiers: { dev: { api: entry } } }));
    if (declare) declare(stack);
    else new BlueGreenService(stack, 'api', { image: 'ghcr.io/acme/api', port: 8080 });
  }).stacks['shop-dev'];
}

describe('BlueGreenService', () => {
  const stack = devApp({ blue: '1.0.0', green: '1.1.0', live: 'green', weight: 0 });

  test('plain values, values marked not secret, and values read from a Secret', () => {
    const s = devApp({ blue: '1.0.0', live: 'blue', weight: 0 }, (st) => new BlueGreenService(st, 'api', {
      image: 'ghcr.io/acme/api', port: 8080,
      env: { LOG_LEVEL: 'info', SIGNING_KEY_ID: notSecret('k-2026') },
      secretEnv: { STRIPE_API_KEY: { secret: 'stripe', key: 'api-key' } },
    }));
    const env = k8s(s, 'kubernetes_deployment_v1', 'api-blue').spec.template.spec.container[0].env;
    expect(env).toEqual(expect.arrayContaining([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'SIGNING_KEY_ID', value: 'k-2026' },
      { name: 'STRIPE_API_KEY', value_from: { secret_key_ref: { name: 'stripe', key: 'api-key' } } },
    ]));
  });

  test('two Deployments with fixed names and selectors; the version is only data', () => {
    for (const slot of ['blue', 'green']) {
      const d = k8s(stack, 'kubernetes_deployment_v1', `api-${slot}`);
      expect(d.spec.selector.match_labels).toEqual({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/part-of': 'shop', 'switchyard.dev/slot': slot });
      expect(JSON.stringify(d.spec.selector)).not.toMatch(/1\.[01]\.0/);
      expect(JSON.stringify(d.metadata)).not.toMatch(/1\.[01]\.0/);
    }
    expect(k8s(stack, 'kubernetes_deployment_v1', 'api-blue').spec.template.metadata.labels['app.kubernetes.io/version']).toBe('1.0.0');
    // Terraform addresses carry the slot, never the version.
    expect(Object.keys(resources(stack, 'kubernetes_deployment_v1')).sort()).toEqual([expect.stringMatching(/^api_blue_/), expect.stringMatching(/^api_green_/)]);
  });

  test('the active Service selects the live slot, the preview the idle one, and per-slot Services exist', () => {
    expect(k8s(stack, 'kubernetes_service_v1', 'api').spec.selector['switchyard.dev/slot']).toBe('green');
    expect(k8s(stack, 'kubernetes_service_v1', 'api-preview').spec.selector['switchyard.dev/slot']).toBe('blue');
    expect(k8s(stack, 'kubernetes_service_v1', 'api-blue').spec.selector['switchyard.dev/slot']).toBe('blue');
    expect(k8s(stack, 'kubernetes_service_v1', 'api-green').spec.selector['switchyard.dev/slot']).toBe('green');
  });

  test('the switch waits for the live slot to roll out', () => {
    const active = k8s(stack, 'kubernetes_service_v1', 'api');
    const green = Object.entries(resources(stack, 'kubernetes_deployment_v1')).find(([, d]) => d.metadata.name === 'api-green')![0];
    expect(active.depends_on).toContain(`kubernetes_deployment_v1.${green}`);
    expect(k8s(stack, 'kubernetes_deployment_v1', 'api-green').wait_for_rollout).toBe(true);
  });

  test('live and idle replicas follow the tier', () => {
    expect(k8s(stack, 'kubernetes_deployment_v1', 'api-green').spec.replicas).toBe(String(dev.profile.sizing.replicas));
    expect(k8s(stack, 'kubernetes_deployment_v1', 'api-blue').spec.replicas).toBe(String(dev.profile.sizing.idleReplicas));
  });

  test('containers are locked down: non-root, no privilege escalation, read-only root, seccomp, no capabilities', () => {
    const pod = k8s(stack, 'kubernetes_deployment_v1', 'api-blue').spec.template.spec;
    expect(pod.security_context).toMatchObject({ run_as_non_root: true, run_as_user: '10001', seccomp_profile: { type: 'RuntimeDefault' } });
    expect(pod.automount_service_account_token).toBe(false);
    expect(pod.container[0].security_context).toEqual({
      run_as_non_root: true, allow_privilege_escalation: false, privileged: false, read_only_root_filesystem: true,
      capabilities: { drop: ['ALL'] }, seccomp_profile: { type: 'RuntimeDefault' },
    });
    expect(pod.container[0].resources.limits).toEqual({ cpu: '500m', memory: '256Mi' });
    expect(pod.container[0].readiness_probe.tcp_socket).toEqual([{ port: '8080' }]);
  });

  test('a slot without a version gets no Deployment', () => {
    const s = devApp({ blue: '1.0.0', live: 'blue' });
    expect(Object.values(resources(s, 'kubernetes_deployment_v1')).map((d: any) => d.metadata.name)).toEqual(['api-blue']); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  test('a retired idle slot keeps its version and runs no pods; the live slot is untouched', () => {
    const s = devApp({ blue: '1.0.0', green: '1.1.0', live: 'green', weight: 0, retired: true });
    expect(k8s(s, 'kubernetes_deployment_v1', 'api-blue').spec.replicas).toBe('0');
    expect(k8s(s, 'kubernetes_deployment_v1', 'api-blue').spec.template.spec.container[0].image).toBe('ghcr.io/acme/api:1.0.0');
    expect(k8s(s, 'kubernetes_deployment_v1', 'api-green').spec.replicas).toBe(String(dev.profile.sizing.replicas));
  });

  test('an entry that holds only approvals deploys nothing: no Deployment, no active or preview Service', () => {
    const s = devApp({ live: 'blue', weight: 0, approvals: [{ version: '1.0.0', by: 'dana', at: '2026-11-02T10:00:00Z' }] });
    expect(resources(s, 'kubernetes_deployment_v1')).toEqual({});
    expect(Object.values(resources(s, 'kubernetes_service_v1')).map((r: any) => r.metadata.name).sort()).toEqual(['api-blue', 'api-green']); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  test('an image given as a digest is pinned by digest', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const s = devApp({ blue: digest, live: 'blue' });
    expect(k8s(s, 'kubernetes_deployment_v1', 'api-blue').spec.template.spec.container[0].image).toBe(`ghcr.io/acme/api@${digest}`);
    // The pods' version label is a valid label value (a digest is not one): its start and a hash.
    const label = k8s(s, 'kubernetes_deployment_v1', 'api-blue').spec.template.metadata.labels['app.kubernetes.io/version'];
    expect(label).toBe(versionLabel(digest));
    expect(label).toMatch(/^sha256-a{43}-[0-9a-f]{12}$/);
  });

  test('a tag too long or shaped wrong for a label is labelled by its start and a hash; a plain one as it is', () => {
    const long = `1.0.0-build.${'9'.repeat(100)}`;
    const s = devApp({ blue: long, green: '_rc.1', live: 'blue' });
    const label = (slot: string) => k8s(s, 'kubernetes_deployment_v1', `api-${slot}`).spec.template.metadata.labels['app.kubernetes.io/version'];
    expect(label('blue')).toMatch(/^1\.0\.0-build\.9{38}-[0-9a-f]{12}$/);
    expect(label('green')).toMatch(/^rc\.1-[0-9a-f]{12}$/);
    for (const slot of ['blue', 'green']) expect(isLabelValue(label(slot))).toBe(true);
    expect(versionLabel('1.4.2')).toBe('1.4.2');
    expect(versionLabel(long)).not.toBe(versionLabel(`${long}0`));
  });

  test.each<[string, (s: ReturnType<typeof appStack>) => void, string]>([
    ['a duplicate service name', (s) => {
      new BlueGreenService(s, 'api', { image: 'ghcr.io/acme/api', port: 8080 });
      new BlueGreenService(new Construct(s, 'group'), 'api', { image: 'ghcr.io/acme/api', port: 8080 });
    }, '[shop-dev/group/api] service name "api" is already used: give each service of app "shop" its own name (first used at shop-dev/api)'],
    ['a name that is not a DNS label', (s) => { new BlueGreenService(s, 'Api_Server', { image: 'ghcr.io/acme/api', port: 8080 }); },
      '[shop-dev/Api_Server] service name "Api_Server" is not a valid name: use lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit, at most 40 characters (e.g. "orders")'],
    ['an image with a tag', (s) => { new BlueGreenService(s, 'api', { image: 'ghcr.io/acme/api:latest', port: 8080 }); },
      '[shop-dev/api] image "ghcr.io/acme/api:latest" is not an image repository without tag: give the repository only (e.g. "ghcr.io/acme/shop-api"); the version comes from the release ledger'],
    ['a port out of range', (s) => { new BlueGreenService(s, 'api', { image: 'ghcr.io/acme/api', port: 70000 }); },
      '[shop-dev/api] port 70000 is not a TCP port: use a whole number from 1 to 65535 (1024 or above: the container runs as non-root)'],
  ])('refuses %s', (_what, declare, message) => {
    expect(errorOf(() => devApp({ blue: '1.0.0', live: 'blue' }, declare))).toBe(message);
  });

  test('refuses a ledger service the app does not declare', () => {
    expect(errorOf(() => devApp({ blue: '1.0.0', live: 'blue' }, (s) => { new BlueGreenService(s, 'web', { image: 'ghcr.io/acme/web', port: 8080 }); })))
      .toContain('[shop-dev] [releases.json: tiers.dev.api] service "api" is not a service of app "shop" in tier "dev": declare it in the program (a BlueGreenService) and synthesize, or remove the entry (declared: web)');
  });

  test('refuses a connection to a dependency of another app', () => {
    const message = errorOf(() => synth((app) => {
      const ledger = ledgerOf({ app: 'shop', tiers: { dev: { api: released() } } });
      const shop = appStack(app, dev, ledger);
      const other = appStack(app, dev, ledgerOf({ app: 'billing', tiers: {} }));
      const db = new Postgres(other, 'invoices');
      new BlueGreenService(shop, 'api', { image: 'ghcr.io/acme/api', port: 8080, connections: [db] });
    }));
    expect(message).toBe('[shop-dev/api] dependency "billing-dev/invoices" belongs to another app or tier: connect only to dependencies declared in shop-dev (declare "invoices" in this app)');
  });

  test('refuses a ledger of another app', () => {
    expect(errorOf(() => synth((app) => appStack(app, dev, ledgerOf({ app: 'billing', tiers: {} }), 'shop'))))
      .toBe('[shop-dev] the ledger releases.json belongs to app "billing": pass the ledger of "shop" (its "app" field must be "shop")');
  });
});
