/** The eager checks of a {@link BlueGreenService}'s props: each refusal names the service, the value and the fix. */
import type { AppStack } from '../../app-stack';
import { metricsProblem } from '../../observability/monitoring';
import { certificateCovers, domainCovers } from '../../platform/platform-ref';
import type { Construct } from '../../private/cdk';
import { fail } from '../../private/errors';
import { analysisProblem } from '../analysis';
import { BlueGreenServiceProps, DEFAULT_RESOURCES, NotSecret, ServiceResources } from './props';
import { quantity } from './quantity';
import { validateSmoke } from './smoke';
import { validateKind } from './worker';

/** Environment variable names that say their value is a secret. */
const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY|(^|_)KEY($|_)|_PWD$|^PWD$)/i;

/** Refuses props that cannot make a working service in the app's tier. */
export function validateProps(scope: Construct, p: BlueGreenServiceProps, app: AppStack): void {
  // A service or a worker first: what each may be given (a worker may have no port).
  validateKind(scope, p, app);
  if (!p.image || /[:@]/.test(p.image.split('/').pop() ?? '') || /\s/.test(p.image)) {
    fail(scope, 'image %v is not an image repository without tag', p.image, 'give the repository only (e.g. "ghcr.io/acme/shop-api"); the version comes from the release ledger');
  }
  // The registry host may have upper case; the repository path may not (the kubelet refuses it: InvalidImageName).
  const imagePath = /^[^/]*[.:][^/]*\/|^localhost\//.test(p.image) ? p.image.slice(p.image.indexOf('/') + 1) : p.image;
  if (!/^[a-z0-9]+((?:[._]|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((?:[._]|__|-+)[a-z0-9]+)*)*$/.test(imagePath)) {
    fail(scope, 'image %v has a repository path that is not lower case', p.image, 'use lower-case letters, digits, ".", "_" and "-" between "/" (e.g. "ghcr.io/acme/shop-api")');
  }
  const r = p.resources ?? {};
  const quantities: Array<[keyof ServiceResources, string | undefined]> = [['cpuRequest', r.cpuRequest], ['cpuLimit', r.cpuLimit], ['memoryRequest', r.memoryRequest], ['memoryLimit', r.memoryLimit]];
  for (const [key, q] of quantities) {
    if (q !== undefined && quantity(q) === undefined) {
      fail(scope, `resources.${key} %v is not a Kubernetes quantity`, q, key.startsWith('cpu') ? 'use cores or millicores, e.g. "250m" or "1"' : 'use bytes with a suffix, e.g. "256Mi" or "1Gi"');
    }
  }
  for (const [request, limit] of [['cpuRequest', 'cpuLimit'], ['memoryRequest', 'memoryLimit']] as const) {
    const rq = quantity(r[request] ?? DEFAULT_RESOURCES[request]);
    const lm = quantity(r[limit] ?? DEFAULT_RESOURCES[limit]);
    if (rq! > lm!) {
      fail(scope, `resources.${request} %v is above the limit (${r[limit] ?? DEFAULT_RESOURCES[limit]})`, r[request] ?? DEFAULT_RESOURCES[request], `raise resources.${limit} or lower resources.${request}: Kubernetes refuses a request above its limit`);
    }
  }
  const isPort = (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535;
  if (p.port !== undefined && !isPort(p.port)) {
    fail(scope, 'port %v is not a TCP port', p.port, 'use a whole number from 1 to 65535 (1024 or above: the container runs as non-root)');
  }
  for (const [k, v] of [['replicas', p.replicas], ['idleReplicas', p.idleReplicas]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < (k === 'replicas' ? 1 : 0))) {
      fail(scope, `${k} %v is not valid`, v, `use a whole number of at least ${k === 'replicas' ? 1 : 0}`);
    }
  }
  if (p.idleReplicas !== undefined && p.idleReplicas > (p.replicas ?? app.tier.profile.sizing.replicas)) {
    fail(scope, 'idleReplicas %v is above replicas', p.idleReplicas, 'keep the idle slot at most as large as the live one');
  }
  if (p.runAsUser !== undefined && (!Number.isInteger(p.runAsUser) || p.runAsUser < 1)) {
    fail(scope, 'runAsUser %v is root or not a user ID', p.runAsUser, 'use a numeric non-root user ID such as 10001');
  }
  const names = [...Object.keys(p.env ?? {}), ...Object.keys(p.secretEnv ?? {})];
  for (const k of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(scope, 'environment variable name %v is not valid', k, 'use letters, digits and "_", not starting with a digit');
    if (/^(SWITCHYARD_|AWS_)/.test(k)) fail(scope, 'environment variable %v is set by Switchyard', k, 'pick a name that does not start with SWITCHYARD_ or AWS_');
    if (names.indexOf(k) !== names.lastIndexOf(k)) fail(scope, 'environment variable %v is in both env and secretEnv', k, 'give it once');
  }
  for (const [k, v] of Object.entries(p.env ?? {})) {
    if (!(v instanceof NotSecret) && typeof v !== 'string') {
      fail(scope, `environment variable ${k} has the value %v, not a string`, v, 'give the value as a string (environment variables are strings), e.g. "8080"');
    }
    if (typeof v === 'string' && SECRET_NAME.test(k)) {
      fail(scope, `environment variable %v looks like a secret, and its value would be written in the synthesized JSON and in state`, k,
        `read it from a Secret: secretEnv: { ${k}: { secret: '<secret>', key: '<key>' } } (or connect a dependency); if the value is not secret, mark it: env: { ${k}: notSecret('...') }`);
    }
  }
  for (const [k, ref] of Object.entries(p.secretEnv ?? {})) {
    const r = ref as { secret?: unknown; key?: unknown } | undefined;
    if (!r || typeof r.secret !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(r.secret) || typeof r.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(r.key)) {
      fail(scope, `secretEnv.${k} %v does not name a Secret and a key`, ref, 'give { secret: "<Secret name in the app\'s namespace>", key: "<key in it>" }');
    }
  }
  const a = p.autoscaling;
  if (a) {
    const sizing = app.tier.profile.sizing;
    const min = a.minReplicas ?? sizing.replicas;
    const max = a.maxReplicas ?? sizing.maxReplicas;
    if (!Number.isInteger(min) || min < 1) fail(scope, 'autoscaling.minReplicas %v is not valid', min, 'use a whole number of at least 1');
    if (!Number.isInteger(max) || max < min) fail(scope, `autoscaling min replicas %v are above max replicas ${max}`, min, 'keep minReplicas <= maxReplicas');
    for (const [k, v] of [['cpuPercent', a.cpuPercent === false ? undefined : a.cpuPercent], ['memoryPercent', a.memoryPercent]] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 100)) fail(scope, `autoscaling.${k} %v is outside 1-100 %`, v, 'give a whole percentage of the request, e.g. 70');
    }
    if (a.cpuPercent === false && a.memoryPercent === undefined) {
      fail(scope, 'autoscaling.cpuPercent is %v and no memoryPercent is given', false, 'give memoryPercent (e.g. 75) to scale on memory, or a cpuPercent');
    }
  }
  const exposed = [...(p.port !== undefined ? [p.port] : []), ...(p.metrics && p.metrics.port !== undefined ? [p.metrics.port] : [])];
  if (p.metrics && p.metrics.port !== undefined && !isPort(p.metrics.port)) {
    fail(scope, 'metrics.port %v is not a TCP port', p.metrics.port, 'use a whole number from 1 to 65535');
  }
  for (const [kind, probe] of [['readiness', p.probes?.readiness], ['liveness', p.probes?.liveness]] as const) {
    if (probe?.command !== undefined && (!Array.isArray(probe.command) || probe.command.length === 0 || probe.command.some((c) => typeof c !== 'string'))) {
      fail(scope, `the ${kind} probe's command %v is not a command`, probe.command, 'give the command and its arguments as strings, e.g. ["/app/worker", "health"]');
    }
    if (probe?.port !== undefined && !exposed.includes(probe.port)) {
      fail(scope, `the ${kind} probe's port %v is not a port the container exposes`, probe.port, exposed.length === 0
        ? 'give the worker that port (port), or probe with a command'
        : `probe ${exposed.join(' or ')} (the service's port${exposed.length > 1 ? ' or the metrics port' : ''})`);
    }
    if (probe?.path !== undefined && !/^\/\S*$/.test(probe.path)) fail(scope, `the ${kind} probe's path %v is not a URL path`, probe.path, 'start it with "/", e.g. "/healthz"');
  }
  if (p.healthPath !== undefined && !/^\/\S*$/.test(p.healthPath)) fail(scope, 'healthPath %v is not a URL path', p.healthPath, 'start it with "/", e.g. "/healthz"');
  if (p.metrics) {
    const problem = metricsProblem(p.metrics);
    if (problem) fail(scope, ...problem);
  }
  if (p.analysis !== undefined) {
    const problem = analysisProblem(p.analysis);
    if (problem) fail(scope, ...problem);
    if (p.metrics === false) fail(scope, 'analysis %v is given, but metrics are off', p.analysis, 'an analysis reads the service\'s metrics: leave metrics on (scraped by Prometheus), or leave analysis out');
  }
  if (p.smoke !== undefined) validateSmoke(scope, p.smoke, p.port);
  if (p.migration) {
    if (!Array.isArray(p.migration.command) || p.migration.command.length === 0) {
      fail(scope, 'migration.command %v is empty', p.migration.command, 'give the command that migrates, e.g. ["./migrate", "up"]');
    }
    const t = p.migration.timeoutSeconds;
    if (t !== undefined && (!Number.isInteger(t) || t < 10 || t > 86400)) fail(scope, 'migration.timeoutSeconds %v is out of range', t, 'use a whole number of seconds from 10 to 86400');
  }
  if (p.route) {
    if (!app.platform.gateway) {
      fail(scope, 'the service has a route but the platform of tier %v has no Gateway', app.tier.name, 'add a Gateway implementation to the add-ons (EnvoyGateway), or give the PlatformRef its gateway');
    }
    const gateway = app.platform.gateway;
    for (const h of p.route.hostnames ?? []) {
      if (!/^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/.test(h)) fail(scope, 'route hostname %v is not a DNS name', h, 'use a name such as "shop.example.com"');
      // The names must line up with the platform: a certificate of an HTTPS listener covers the name
      // (else the route serves plain HTTP only), and external-dns publishes it (else nobody finds it).
      const https = gateway?.httpsHostnames ?? [];
      if (https.length > 0 && !https.some((c) => certificateCovers(c, h))) {
        const under = https.find((c) => c.startsWith('*.'));
        fail(scope, `route hostname %v is covered by no HTTPS listener of the platform's Gateway (${https.join(', ')}): it would be served over plain HTTP only`, h,
          under
            ? `use a name one label under ${under.slice(2)}, e.g. "${h.split('.')[0]}.${under.slice(2)}" (a wildcard certificate covers one label), or give the Gateway a listener for ${h}`
            : `use ${https.join(' or ')}, or give the Gateway a listener for ${h}`);
      }
      const domains = gateway?.dnsDomains ?? [];
      if (domains.length > 0 && !domains.some((d) => domainCovers(d, h))) {
        fail(scope, `route hostname %v is outside the domains the platform publishes in DNS (external-dns: ${domains.join(', ')}): no record would point to the Gateway`, h,
          `use a name under ${domains.join(' or ')}, or add its domain to the platform's ExternalDns domains (and a hosted zone for it)`);
      }
    }
    if (p.route.path !== undefined && !/^\/\S*$/.test(p.route.path)) fail(scope, 'route path %v is not a URL path', p.route.path, 'start it with "/", e.g. "/api"');
  }
}
