/**
 * Smoke tests of a staged version: a Job per slot and version, locked down, that `cdktf deploy`
 * waits for, checking the slot's own Service; the namespace lets it reach the service's port and
 * nothing else; its HTTP script checks status and body as sh runs it.
 */
import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { BlueGreenService, Postgres } from '../../lib';
import { smokeJobName, SMOKE_HTTP_IMAGE } from '../../lib/release/blue-green/smoke';
import { versionLabel } from '../../lib/release/version-label';
import { appStack, ledgerOf, tiers } from '../fixtures';
import { errorOf, k8s, resources, synth, tempDir } from '../helpers';
import { connection, pod, policiesOf } from '../support/network-policy';
import { asTerraformReads } from '../support/terraform-templates';

const dev = tiers().get('dev');
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function devApp(entry: Record<string, unknown>, props: Record<string, unknown> = {}) {
  return synth((app) => {
    const stack = appStack(app, dev, ledgerOf({ app: 'shop', tiers: { dev: { api: entry, admin: { blue: '2.0.0', live: 'blue', weight: 0 } } } }));
    new BlueGreenService(stack, 'api', {
      image: 'ghcr.io/acme/api', port: 8080,
      smoke: { checks: [{ http: { path: '/healthz' } }, { http: { path: '/api/orders?limit=1', expectBody: '"orders"' } }, { command: ['./smoke-test', '--quick'] }] },
      ...props,
    });
    new BlueGreenService(stack, 'admin', { image: 'ghcr.io/acme/admin', port: 9000, connections: [new Postgres(stack, 'orders')] });
  }).stacks['shop-dev'];
}

describe('the smoke Job', () => {
  const stack = devApp({ blue: '1.0.0', green: '1.1.0', live: 'blue', weight: 0 });
  const job = (slot: string, version: string) => k8s(stack, 'kubernetes_job_v1', smokeJobName('api', slot as 'blue', version));

  test('one per slot and version, named by service, slot and a hash of the version', () => {
    expect(smokeJobName('api', 'green', '1.1.0')).toMatch(/^api-smoke-green-[0-9a-f]{10}$/);
    expect(smokeJobName('api', 'green', '1.1.0')).not.toBe(smokeJobName('api', 'green', '1.1.1'));
    const names = Object.values<Json>(resources(stack, 'kubernetes_job_v1')).map((j) => j.metadata.name).filter((n) => n.includes('-smoke-')).sort();
    expect(names).toEqual([smokeJobName('api', 'blue', '1.0.0'), smokeJobName('api', 'green', '1.1.0')].sort());
    expect(job('green', '1.1.0').metadata.labels).toMatchObject({ 'switchyard.dev/smoke-of': 'api', 'app.kubernetes.io/version': versionLabel('1.1.0') });
  });

  test('the deploy waits for it, after the slot rolled out; a failure is not retried; its deadline is the timeout', () => {
    const j = job('green', '1.1.0');
    expect(j.wait_for_completion).toBe(true);
    expect(j.timeouts).toEqual({ create: '360s', update: '360s' });
    expect(j.spec.backoff_limit).toBe(0);
    expect(j.spec.active_deadline_seconds).toBe(300);
    expect(j.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^kubernetes_deployment_v1\.api_green/), expect.stringMatching(/^kubernetes_service_v1\.api_green-service/)]));
  });

  test('checks run in order: the HTTP checks in curl\'s image, then each command in the staged version\'s image, against the slot\'s own Service', () => {
    const spec = job('green', '1.1.0').spec.template.spec;
    expect(spec.init_container.map((c: Json) => [c.name, c.image])).toEqual([['http-checks', SMOKE_HTTP_IMAGE]]);
    expect(spec.container.map((c: Json) => [c.name, c.image, c.command])).toEqual([['command-1', 'ghcr.io/acme/api:1.1.0', ['./smoke-test', '--quick']]]);
    for (const c of [...spec.init_container, ...spec.container]) {
      expect(c.env).toEqual([{ name: 'BASE_URL', value: 'http://api-green.shop.svc.cluster.local' }]);
      expect(c.security_context).toMatchObject({ run_as_non_root: true, read_only_root_filesystem: true, allow_privilege_escalation: false, capabilities: { drop: ['ALL'] } });
    }
    expect(spec.restart_policy).toBe('Never');
    expect(spec.automount_service_account_token).toBe(false);
    // curl's image names a user without a numeric ID: the pod gives one.
    expect(spec.security_context).toMatchObject({ run_as_non_root: true, run_as_user: '10001' });
    // Never one of the service's endpoints.
    expect(job('green', '1.1.0').spec.template.metadata.labels['switchyard.dev/slot']).toBeUndefined();
  });

  test('a retired slot runs none; a service without smoke tests has none', () => {
    const retired = devApp({ blue: '1.0.0', green: '1.1.0', live: 'blue', weight: 0, retired: true });
    const names = Object.values<Json>(resources(retired, 'kubernetes_job_v1')).map((j) => j.metadata.name);
    expect(names).toContain(smokeJobName('api', 'blue', '1.0.0'));
    expect(names).not.toContain(smokeJobName('api', 'green', '1.1.0'));
    expect(names.some((n) => n.startsWith('admin-smoke'))).toBe(false);
  });
});

describe('what the namespace lets the smoke tests reach', () => {
  const stack = devApp({ blue: '1.0.0', live: 'blue', weight: 0 });
  const policies = policiesOf(stack);
  const labels = (name: string) => k8s(stack, 'kubernetes_deployment_v1', name).spec.template.metadata.labels;
  const smokeLabels = k8s(stack, 'kubernetes_job_v1', smokeJobName('api', 'blue', '1.0.0')).spec.template.metadata.labels;
  const smoke = pod('api-smoke-blue-x', 'shop', smokeLabels, { ip: '10.244.1.5' });
  const api = pod('api-blue-x', 'shop', labels('api-blue'), { ip: '10.244.1.6' });
  const admin = pod('admin-blue-x', 'shop', labels('admin-blue'), { ip: '10.244.1.7' });
  const dns = pod('coredns', 'kube-system', { 'k8s-app': 'kube-dns' }, { ip: '10.244.0.2' });

  test.each<[string, () => ReturnType<typeof connection>, boolean]>([
    ['the smoke pod -> the service on its port', () => connection(policies, smoke, api, 8080), true],
    ['the smoke pod -> the cluster DNS', () => connection(policies, smoke, dns, 53, 'UDP'), true],
    ['the smoke pod -> the service on another port', () => connection(policies, smoke, api, 9090), false],
    ['the smoke pod -> another service', () => connection(policies, smoke, admin, 9000), false],
    ['the smoke pod -> the internet', () => connection(policies, smoke, { kind: 'address', name: 'internet', ip: '93.184.216.34' } as never, 443), false],
    ['a pod of another namespace with the smoke label -> the service', () => connection(policies, pod('impostor', 'intruder', smokeLabels, { ip: '10.244.9.9' }), api, 8080), false],
    ['another service\'s pod -> the service', () => connection(policies, admin, api, 8080), false],
  ])('%s', (_what, verdict, allowed) => {
    expect(verdict().allowed).toBe(allowed);
  });
});

describe('the HTTP checks as sh runs them', () => {
  jest.setTimeout(20_000);
  // The script of the Job, run by sh against a local server with curl on this machine's PATH.
  const curl = spawnSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).stdout.trim();
  const script = (checks: unknown[]) => {
    const s = synth((app) => {
      const stack = appStack(app, dev, ledgerOf({ app: 'shop', tiers: { dev: { api: { blue: '1.0.0', live: 'blue', weight: 0 } } } }));
      new BlueGreenService(stack, 'api', { image: 'ghcr.io/acme/api', port: 8080, smoke: { checks: checks as never } });
    }).stacks['shop-dev'];
    // As the pod gets it: Terraform reads the escaped template characters of the script back.
    return asTerraformReads(k8s(s, 'kubernetes_job_v1', smokeJobName('api', 'blue', '1.0.0')).spec.template.spec.container[0].command[2] as string);
  };
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/healthz') { res.writeHead(200); res.end('ok'); return; }
      if (req.url === "/q?name=o'brien") { res.writeHead(200); res.end('{"orders": [], "who": "o\'brien"}'); return; }
      if (req.url === '/t?a=%{x}&b=${HOME}') { res.writeHead(200); res.end('%{x} ${HOME}'); return; }
      if (req.url === '/gone') { res.writeHead(410); res.end('gone'); return; }
      res.writeHead(500); res.end('boom');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  // Asynchronously: the server answers from this process's event loop.
  const run = (text: string) => new Promise<{ code: number | null; out: string }>((resolve) => {
    const dir = tempDir('switchyard-smoke-');
    // The Job's /tmp is an emptyDir; here a folder of the test's own.
    execFile('sh', ['-c', text.split('/tmp/body').join(path.join(dir, 'body'))], { encoding: 'utf8', env: { PATH: process.env.PATH!, BASE_URL: base } }, (error, stdout, stderr) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, out: `${stdout}${stderr}`.trim() });
    });
  });

  test('curl is on this machine', () => {
    expect(curl).not.toBe('');
  });

  test('passing checks say so, one line each', async () => {
    expect(await run(script([{ http: { path: '/healthz' } }, { http: { path: "/q?name=o'brien", expectBody: "o'brien" } }, { http: { path: '/gone', expectStatus: 410 } }]))).toEqual({
      code: 0, out: "GET /healthz: 200 ok\nGET /q?name=o'brien: 200 ok\nGET /gone: 410 ok",
    });
  });

  test('template characters in a path or body reach curl and grep as written', async () => {
    expect(await run(script([{ http: { path: '/t?a=%{x}&b=${HOME}', expectBody: '%{x} ${HOME}' } }]))).toEqual({ code: 0, out: 'GET /t?a=%{x}&b=${HOME}: 200 ok' });
  });

  test('a wrong status stops the checks', async () => {
    expect(await run(script([{ http: { path: '/nope' } }, { http: { path: '/healthz' } }]))).toEqual({ code: 1, out: 'GET /nope: status 500, expected 200' });
  });

  test('a body without the text fails', async () => {
    expect(await run(script([{ http: { path: '/healthz', expectBody: 'ready; rm -rf /' } }]))).toEqual({ code: 1, out: 'GET /healthz: the body does not contain ready; rm -rf /' });
  });
});

describe('refused smoke options', () => {
  const refused = (smoke: unknown, port: number | undefined = 8080) => errorOf(() => synth((app) => {
    const stack = appStack(app, dev, ledgerOf({ app: 'shop', tiers: {} }));
    new BlueGreenService(stack, 'api', { image: 'ghcr.io/acme/api', port: port as number, smoke: smoke as never });
  }));
  test.each<[string, unknown, string]>([
    ['no checks', { checks: [] }, 'smoke.checks [] is empty: give at least one check, e.g. { http: { path: "/healthz" } }'],
    ['a check that is both', { checks: [{ http: { path: '/' }, command: ['x'] }] }, 'smoke.checks[0] {"http":{"path":"/"},"command":["x"]} is not one check: give either http: { path } or command: [...]'],
    ['a path without "/"', { checks: [{ http: { path: 'healthz' } }] }, 'smoke.checks[0].http.path "healthz" is not a URL path: start it with "/", e.g. "/healthz"'],
    ['a status out of range', { checks: [{ http: { path: '/', expectStatus: 99 } }] }, 'smoke.checks[0].http.expectStatus 99 is not an HTTP status: give a status from 100 to 599, e.g. 200'],
    ['a body on two lines', { checks: [{ http: { path: '/', expectBody: 'a\nb' } }] }, 'smoke.checks[0].http.expectBody "a\\nb" is not one line of text: give text on one line that the body must contain'],
    ['an empty command', { checks: [{ command: [] }] }, 'smoke.checks[0].command [] is not a command: give the program and its arguments as strings, e.g. ["./smoke-test", "--quick"]'],
    ['a timeout too short', { checks: [{ http: { path: '/' } }], timeoutSeconds: 5 }, 'smoke.timeoutSeconds 5 is out of range: use a whole number of seconds from 10 to 3600'],
  ])('%s', (_what, smoke, message) => {
    expect(refused(smoke)).toBe(`[shop-dev/api] ${message}`);
  });
});
