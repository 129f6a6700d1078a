import { DeploymentV1, ServiceV1 } from '../../lib/private/cdk';
import { TierStack } from '../../lib';
import { findings, patched, raw, RuleCase, runCases, tierStack } from './support';

type DeploymentConfig = ConstructorParameters<typeof DeploymentV1>[2];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = any;

/** A Deployment that passes every container rule, through the provider binding (camelCase in, snake_case checked). */
const GOOD: DeploymentConfig = {
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    selector: { matchLabels: { app: 'api' } },
    template: {
      metadata: { labels: { app: 'api' } },
      spec: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: '10001', seccompProfile: { type: 'RuntimeDefault' } },
        container: [{
          name: 'app',
          image: 'ghcr.io/acme/api:1.4.0',
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          livenessProbe: { tcpSocket: [{ port: '8080' }] },
          readinessProbe: { httpGet: { path: '/healthz', port: '8080' } },
          securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        }],
      },
    },
  },
};

/** The Deployment `api`, changed by `patch` (on a copy: `spec` is the pod spec). */
function deployment(s: TierStack, patch: (pod: Spec, all: Spec) => void = () => undefined): void {
  const config = patched(GOOD, (c: Spec) => patch(c.spec.template.spec, c));
  new DeploymentV1(s, 'api', config).overrideLogicalId('api');
}

const container = (pod: Spec) => pod.container[0];
const A = 'kubernetes_deployment_v1.api';

const cases: RuleCase[] = [
  { rule: 'SY-K8S-1', what: 'no liveness probe', good: (s) => deployment(s), bad: (s) => deployment(s, (p) => { delete container(p).livenessProbe; }), message: /container "app" has no "liveness_probe"/, address: A },
  { rule: 'SY-K8S-2', what: 'no limits', good: (s) => deployment(s), bad: (s) => deployment(s, (p) => { delete container(p).resources.limits; }), message: /container "app" sets no resources \["limits.cpu","limits.memory"\]/, address: A },
  { rule: 'SY-K8S-3', what: 'image without a tag', good: (s) => deployment(s), bad: (s) => deployment(s, (p) => { container(p).image = 'nginx'; }), message: /runs image "nginx", with no tag, which means "latest"/, address: A },
  { rule: 'SY-K8S-3', what: 'registry port is not a tag (Checkov reads it as one)', good: (s) => deployment(s, (p) => { container(p).image = `registry:5000/app@sha256:${'a'.repeat(64)}`; }), bad: (s) => deployment(s, (p) => { container(p).image = 'registry:5000/app'; }), message: /"registry:5000\/app", with no tag/, address: A },
  { rule: 'SY-K8S-3', what: 'the latest tag', good: (s) => deployment(s), bad: (s) => deployment(s, (p) => { container(p).image = 'ghcr.io/acme/api:latest'; }), message: /the moving "latest" tag/, address: A },
  { rule: 'SY-K8S-3', what: 'a branch tag', good: (s) => deployment(s, (p) => { container(p).image = 'ghcr.io/acme/api:main-4f2a9c1'; }), bad: (s) => deployment(s, (p) => { container(p).image = 'ghcr.io/acme/api:main'; }), message: /the moving "main" tag/, address: A },
  { rule: 'SY-K8S-4', what: 'privileged', good: (s) => deployment(s), bad: (s) => deployment(s, (p) => { container(p).securityContext.privileged = true; }), message: /privileged to true/, address: A },
  { rule: 'SY-K8S-5', what: 'privilege escalation left at its default', good: (s) => deployment(s), bad: (s) => deployment(s, (p) => { delete container(p).securityContext.allowPrivilegeEscalation; }), message: /container "app" may escalate privileges \(allow_privilege_escalation defaults to true\)/, address: A },
  { rule: 'SY-K8S-6', what: 'writable root filesystem', good: (s) => deployment(s), bad: (s) => deployment(s, (p) => { container(p).securityContext.readOnlyRootFilesystem = false; }), message: /read_only_root_filesystem to false/, address: A },
  { rule: 'SY-K8S-7', what: 'run_as_non_root on neither pod nor container', good: (s) => deployment(s, (p) => { delete p.securityContext.runAsNonRoot; container(p).securityContext.runAsNonRoot = true; }), bad: (s) => deployment(s, (p) => { delete p.securityContext.runAsNonRoot; }), message: /may run as root: run_as_non_root is set on neither the container nor the pod/, address: A },
  { rule: 'SY-K8S-7', what: 'container overrides the pod with run_as_non_root = false', good: (s) => deployment(s), bad: (s) => deployment(s, (p) => { container(p).securityContext.runAsNonRoot = false; }), message: /sets run_as_non_root to false/, address: A },
  { rule: 'SY-K8S-7', what: 'runs as user 0', good: (s) => deployment(s), bad: (s) => deployment(s, (p) => { container(p).securityContext.runAsUser = '0'; }), message: /runs as user "0" \(root\)/, address: A },
  { rule: 'SY-K8S-8', what: 'seccomp Unconfined on the pod', good: (s) => deployment(s, (p) => { delete p.securityContext.seccompProfile; container(p).securityContext.seccompProfile = { type: 'RuntimeDefault' }; }), bad: (s) => deployment(s, (p) => { p.securityContext.seccompProfile.type = 'Unconfined'; }), message: /runs with seccomp profile "Unconfined"/, address: A },
  { rule: 'SY-K8S-8', what: 'no seccomp profile at all', good: (s) => deployment(s), bad: (s) => deployment(s, (p) => { delete p.securityContext.seccompProfile; }), message: /has no seccomp profile on the container or the pod/, address: A },
  { rule: 'SY-K8S-9', what: 'drops only NET_RAW and adds SYS_ADMIN', good: (s) => deployment(s, (p) => { container(p).securityContext.capabilities.add = ['NET_BIND_SERVICE']; }), bad: (s) => deployment(s, (p) => { container(p).securityContext.capabilities = { drop: ['NET_RAW'], add: ['SYS_ADMIN'] }; }), message: /drops only \["NET_RAW"\]\n.*adds capabilities \["SYS_ADMIN"\]/, address: A },
  { rule: 'SY-K8S-10', what: 'no namespace', good: (s) => deployment(s), bad: (s) => deployment(s, (_p, all) => { delete all.metadata.namespace; }), message: /metadata.namespace is not set, so it goes to "default"/, address: A },
  { rule: 'SY-K8S-10', what: 'a Service in the default namespace', good: (s) => new ServiceV1(s, 'svc', { metadata: { name: 'api', namespace: 'shop' }, spec: { port: [{ port: 80 }] } }).overrideLogicalId('svc'), bad: (s) => new ServiceV1(s, 'svc', { metadata: { name: 'api', namespace: 'default' }, spec: { port: [{ port: 80 }] } }).overrideLogicalId('svc'), message: /metadata.namespace is "default"/, address: 'kubernetes_service_v1.svc' },
  { rule: 'SY-K8S-12', what: 'the host network', good: (s) => deployment(s), bad: (s) => deployment(s, (p) => { p.hostNetwork = true; }), message: /the pod sets host_network to true/, address: A },
  { rule: 'SY-K8S-12', what: 'a host path volume', good: (s) => deployment(s, (p) => { p.volume = [{ name: 'tmp', emptyDir: {} }]; }), bad: (s) => deployment(s, (p) => { p.volume = [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }]; }), message: /volume "docker" mounts the node's path "\/var\/run\/docker.sock"/, address: A },
  { rule: 'SY-K8S-11', what: 'service account token mounted by default', good: (s) => deployment(s), bad: (s) => deployment(s, (p) => { delete p.automountServiceAccountToken; }), message: /automount_service_account_token defaults to true/, address: A },
];

describe('Kubernetes container rules', () => {
  runCases(cases);

  test('a container with no security context at all is a finding of every rule that needs one (Checkov passes it)', () => {
    const s = tierStack('prod');
    deployment(s, (p) => { delete container(p).securityContext; delete p.securityContext; });
    const found = findings(s);
    expect(found.map((f) => f.rule).sort()).toEqual(['SY-K8S-5', 'SY-K8S-6', 'SY-K8S-7', 'SY-K8S-8', 'SY-K8S-9']);
    expect(found.find((f) => f.rule === 'SY-K8S-6')?.message).toBe('container "app" has no security_context, so it has a writable root filesystem (read_only_root_filesystem is not set)');
    expect(found.every((f) => f.severity === 'error')).toBe(true);
  });

  test('init containers are checked too, and need no probes', () => {
    const s = tierStack('prod');
    deployment(s, (p) => { p.initContainer = [{ name: 'migrate', image: 'ghcr.io/acme/migrate:1.4.0' }]; });
    const found = findings(s);
    expect([...new Set(found.map((f) => f.rule))].sort()).toEqual(['SY-K8S-2', 'SY-K8S-5', 'SY-K8S-6', 'SY-K8S-9']);
    expect(found.every((f) => f.message.startsWith('init container "migrate"'))).toBe(true);
  });

  test('a CronJob is read through its job template, and a batch pod needs no probes', () => {
    const s = tierStack('prod');
    raw(s, 'nightly', 'kubernetes_cron_job_v1', {
      metadata: { name: 'nightly', namespace: 'shop' },
      spec: {
        schedule: '0 3 * * *',
        job_template: {
          metadata: {},
          spec: { template: { metadata: {}, spec: {
            automount_service_account_token: false,
            security_context: { run_as_non_root: true, seccomp_profile: { type: 'RuntimeDefault' } },
            container: [{ name: 'job', image: 'ghcr.io/acme/job:2.0.0', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
              security_context: { allow_privilege_escalation: true, read_only_root_filesystem: true, capabilities: { drop: ['ALL'] } } }],
          } } },
        },
      },
    });
    expect(findings(s).map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([
      'SY-K8S-5 kubernetes_cron_job_v1.nightly: container "job" sets allow_privilege_escalation to true',
    ]);
  });
});
