/**
 * Smoke tests of a staged version: a Kubernetes Job per slot and version that
 * runs the service's checks against that slot's own Service (its pods only,
 * whichever slot is live), which `cdktf deploy` waits for: a failed check fails
 * the deploy. Its name carries the service, the slot and a hash of the version,
 * so `switchyard switch` finds the Job of the version it would put live.
 */
import { ITerraformDependable, JobV1 } from '../../private/cdk';
import { fail } from '../../private/errors';
import { terraformLiteral, terraformLiterals } from '../../private/literal';
import { LOCKED_DOWN_CONTAINER, podSecurity } from '../../private/pod';
import type { Construct } from '../../private/cdk';
import type { Slot } from '../ledger';
import { smokeJobName } from '../smoke-name';
import { versionLabel } from '../version-label';
import type { ServiceParts } from './props';

export { smokeJobName } from '../smoke-name';

/** One smoke check: an HTTP request to the slot, or a command in the staged version's image. */
export interface SmokeCheck {
  /**
   * An HTTP request to the slot's Service (`http://<service>-<slot>.<namespace>.svc`, the slot's pods only).
   * @default - not an HTTP check
   */
  readonly http?: {
    /** The path, e.g. "/healthz". */
    readonly path: string;
    /**
     * The request's method.
     * @default "GET"
     */
    readonly method?: 'GET' | 'HEAD';
    /**
     * The status the response must have.
     * @default 200
     */
    readonly expectStatus?: number;
    /**
     * Text the response body must contain.
     * @default - the body is not checked
     */
    readonly expectBody?: string;
  };
  /**
   * A command run in the staged version's image (e.g. ["./smoke-test"]), with `BASE_URL` set to the
   * slot's address; a non-zero exit fails the check.
   * @default - not a command check
   */
  readonly command?: string[];
}

/** The smoke tests of a service. */
export interface SmokeOptions {
  /** The checks, run in order; the first that fails stops the Job. */
  readonly checks: SmokeCheck[];
  /**
   * How long the whole Job may take, seconds (the deploy waits that long, then fails).
   * @default 300
   */
  readonly timeoutSeconds?: number;
}

/**
 * The image of the HTTP checks: curl's own container image (curl/curl-container, tag 8.21.0: Alpine
 * 3.24.1 with curl; its user curl_user has no numeric ID, so the pod sets one).
 */
export const SMOKE_HTTP_IMAGE = 'quay.io/curl/curl:8.21.0';

/** Pod label that marks a smoke test's pods, valued with the service they test (the service's ingress admits them). */
export const SMOKE_LABEL = 'switchyard.dev/smoke-of';

/** Refuses smoke options that cannot run. */
export function validateSmoke(scope: Construct, smoke: SmokeOptions, port: number | undefined): void {
  if (!Array.isArray(smoke.checks) || smoke.checks.length === 0) {
    fail(scope, 'smoke.checks %v is empty', smoke.checks, 'give at least one check, e.g. { http: { path: "/healthz" } }');
  }
  smoke.checks.forEach((c, i) => {
    const at = `smoke.checks[${i}]`;
    if ((c.http === undefined) === (c.command === undefined)) fail(scope, `${at} %v is not one check`, c, 'give either http: { path } or command: [...]');
    if (c.http) {
      if (port === undefined) fail(scope, `${at} is an HTTP check of a service without a port (%v)`, c.http.path, 'use a command check, or give the service its port');
      if (typeof c.http.path !== 'string' || !/^\/[^\s]*$/.test(c.http.path)) fail(scope, `${at}.http.path %v is not a URL path`, c.http.path, 'start it with "/", e.g. "/healthz"');
      const status = c.http.expectStatus;
      if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 599)) fail(scope, `${at}.http.expectStatus %v is not an HTTP status`, status, 'give a status from 100 to 599, e.g. 200');
      if (c.http.method !== undefined && c.http.method !== 'GET' && c.http.method !== 'HEAD') fail(scope, `${at}.http.method %v is not GET or HEAD`, c.http.method, 'a smoke test reads: use GET or HEAD');
      if (c.http.expectBody !== undefined && (typeof c.http.expectBody !== 'string' || c.http.expectBody === '' || /[\n\r\0]/.test(c.http.expectBody))) {
        fail(scope, `${at}.http.expectBody %v is not one line of text`, c.http.expectBody, 'give text on one line that the body must contain');
      }
      if (c.http.method === 'HEAD' && c.http.expectBody !== undefined) fail(scope, `${at}.http.expectBody %v is given for a HEAD request, which has no body`, c.http.expectBody, 'use GET, or leave expectBody out');
    }
    if (c.command !== undefined && (!Array.isArray(c.command) || c.command.length === 0 || c.command.some((a) => typeof a !== 'string'))) {
      fail(scope, `${at}.command %v is not a command`, c.command, 'give the program and its arguments as strings, e.g. ["./smoke-test", "--quick"]');
    }
  });
  const t = smoke.timeoutSeconds;
  if (t !== undefined && !(Number.isInteger(t) && t >= 10 && t <= 3600)) fail(scope, 'smoke.timeoutSeconds %v is out of range', t, 'use a whole number of seconds from 10 to 3600');
}

/** `text` in single quotes for sh. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The shell script of the HTTP checks: each request retried a few times (a refused connection, a 5xx), its status and body checked, one line said per check. */
function httpScript(checks: NonNullable<SmokeCheck['http']>[]): string {
  return ['set -u', ...checks.flatMap((c) => {
    const method = c.method ?? 'GET';
    const what = quote(`${method} ${c.path}`);
    const status = String(c.expectStatus ?? 200);
    return [
      `code=$(curl -sS -X ${method}${method === 'HEAD' ? ' -I' : ''} -o /tmp/body -w '%{http_code}' --globoff --max-time 10 --retry 3 --retry-delay 1 --retry-connrefused "$BASE_URL"${quote(c.path)}) || { echo ${what}': no response'; exit 1; }`,
      `[ "$code" = ${status} ] || { echo ${what}": status $code, expected ${status}"; exit 1; }`,
      ...(c.expectBody !== undefined ? [`grep -qF -- ${quote(c.expectBody)} /tmp/body || { echo ${quote(`${method} ${c.path}: the body does not contain ${c.expectBody}`)}; exit 1; }`] : []),
      `echo ${what}": $code ok"`,
    ];
  })].join('\n');
}

/** The smoke Job of the slot holding `version`, after the slot's Deployment has rolled out. */
export function smokeJob(parts: ServiceParts, slot: Slot, version: string, after: ITerraformDependable[]): JobV1 | undefined {
  const smoke = parts.props.smoke;
  if (!smoke) return undefined;
  const s = parts.service;
  const p = parts.props;
  const timeout = smoke.timeoutSeconds ?? 300;
  const name = smokeJobName(s.name, slot, version);
  const baseUrl = `http://${s.name}-${slot}.${s.app.namespace}.svc.cluster.local`;
  const http = smoke.checks.filter((c) => c.http).map((c) => c.http!);
  const image = version.startsWith('sha256:') ? `${p.image}@${version}` : `${p.image}:${version}`;
  const env = [{ name: 'BASE_URL', value: baseUrl }];
  const common = {
    imagePullPolicy: 'IfNotPresent',
    env,
    resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
    securityContext: LOCKED_DOWN_CONTAINER,
    volumeMount: [{ name: 'tmp', mountPath: '/tmp' }],
  };
  // Checks run one after the other: all but the last as init containers, which stop the pod at the first failure.
  const steps = [
    ...(http.length > 0 ? [{ name: 'http-checks', image: SMOKE_HTTP_IMAGE, command: ['sh', '-c', terraformLiteral(httpScript(http))], ...common }] : []),
    ...smoke.checks.filter((c) => c.command).map((c, i) => ({ name: `command-${i + 1}`, image, command: terraformLiterals(c.command), ...common })),
  ];
  const labels = {
    'app.kubernetes.io/name': `${s.name}-smoke`,
    'app.kubernetes.io/part-of': s.app.appName,
    'app.kubernetes.io/component': 'smoke-test',
    'app.kubernetes.io/managed-by': 'switchyard',
    'app.kubernetes.io/version': versionLabel(version),
    [SMOKE_LABEL]: s.name,
  };
  return new JobV1(s, `smoke-${slot}`, {
    provider: s.app.kubernetes,
    metadata: { name, namespace: s.app.namespace, labels },
    waitForCompletion: true,
    timeouts: { create: `${timeout + 60}s`, update: `${timeout + 60}s` },
    spec: {
      // A failed check is a failed version: no retry hides it.
      backoffLimit: 0,
      activeDeadlineSeconds: timeout,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: podSecurity(p.runAsUser ?? 10001),
          ...(steps.length > 1 ? { initContainer: steps.slice(0, -1) } : {}),
          container: [steps[steps.length - 1]],
          volume: [{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }],
        } as never,
      },
    },
    dependsOn: after,
  });
}
