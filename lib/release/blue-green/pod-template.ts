/** The pod template of a service's slots and of their migrations: labels, annotations, the locked-down container. */
import { envVarName, IConnectable } from '../../dependencies/contract';
import { podSecurityOfPeer } from '../../dependencies/pod-security';
import { Lazy } from '../../private/cdk';
import { terraformLiteral, terraformLiterals } from '../../private/literal';
import { LOCKED_DOWN_CONTAINER, podSecurity } from '../../private/pod';
import type { Slot } from '../ledger';
import { DEFAULT_RESOURCES, ProbeOptions, ServiceParts } from './props';

/** Pod label with the slot a pod belongs to (a migration's pod has none). */
export const SLOT_LABEL = 'switchyard.dev/slot';

/** Pod-template annotation with the ID of the service's own pod security group (a new group rolls the pods). */
export const POD_SECURITY_GROUP_ANNOTATION = 'switchyard.dev/pod-security-group';

/** Labels of the service's objects: its pod selector, managed by Switchyard, and the slot's label for a slot's objects. */
export function serviceLabels(podSelector: Readonly<Record<string, string>>, slot?: Slot): Record<string, string> {
  return {
    ...podSelector,
    'app.kubernetes.io/managed-by': 'switchyard',
    ...(slot ? { [SLOT_LABEL]: slot } : {}),
  };
}

/**
 * Annotations of the pod template: the ID of the service's own pod security group, once a
 * dependency admits it. A pod gets its security groups when it starts, so the slot rolls out when
 * the group is first given (or replaced) and its pods start with it.
 */
export function podAnnotations(service: IConnectable): Record<string, string> {
  return Lazy.anyValue({
    produce: () => {
      const id = podSecurityOfPeer(service)?.groupId;
      return id ? { [POD_SECURITY_GROUP_ANNOTATION]: id } : undefined;
    },
  }) as unknown as Record<string, string>;
}

/** The pod of a slot (the app) or of its migration: same image, env and lock-down. */
export function podSpec(parts: ServiceParts, slot: Slot, version: string, role: 'app' | 'migration'): Record<string, unknown> {
  const s = parts.service;
  const spread = s.app.tier.profile.highAvailability && role === 'app';
  return {
    serviceAccountName: s.name,
    automountServiceAccountToken: false,
    ...(role === 'migration' ? { restartPolicy: 'Never' } : {}),
    securityContext: podSecurity(parts.props.runAsUser ?? 10001),
    ...(spread ? {
      topologySpreadConstraint: [{
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: [{ matchLabels: { ...s.podSelector, [SLOT_LABEL]: slot } }],
      }],
    } : {}),
    container: [container(parts, slot, version, role)],
    volume: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
  };
}

function container(parts: ServiceParts, slot: Slot, version: string, role: 'app' | 'migration'): Record<string, unknown> {
  const p = parts.props;
  const r = p.resources ?? {};
  const image = version.startsWith('sha256:') ? `${p.image}@${version}` : `${p.image}:${version}`;
  const metricsPort = p.metrics ? p.metrics.port : undefined;
  const probe = (o: ProbeOptions | undefined, delay: number, period: number) => {
    const path = o?.path ?? p.healthPath;
    const port = String(o?.port ?? p.port);
    return {
      ...(o?.command ? { exec: { command: o.command } } : path ? { httpGet: { path, port } } : { tcpSocket: [{ port }] }),
      initialDelaySeconds: o?.initialDelaySeconds ?? delay,
      periodSeconds: o?.periodSeconds ?? period,
      failureThreshold: o?.failureThreshold ?? 3,
    };
  };
  // A worker serves nothing: its port, if any, is its metrics' (and its probes').
  const ports = p.port === undefined ? [] : [
    { name: p.kind === 'worker' ? 'metrics' : 'http', containerPort: p.port, protocol: 'TCP' },
    ...(metricsPort !== undefined && metricsPort !== p.port ? [{ name: 'metrics', containerPort: metricsPort, protocol: 'TCP' }] : []),
  ];
  return {
    name: role,
    image,
    imagePullPolicy: 'IfNotPresent',
    command: terraformLiterals(role === 'migration' ? p.migration!.command : p.command),
    args: terraformLiterals(role === 'migration' ? p.migration!.args : p.args),
    ...(role === 'app' ? {
      ...(ports.length > 0 ? { port: ports } : {}),
      readinessProbe: probe(p.probes?.readiness, 2, 5),
      livenessProbe: probe(p.probes?.liveness, 10, 10),
    } : {}),
    // Resolved at synth, so connections made after construction are included.
    // (A lazy value bypasses the binding's mapping: it is written in Terraform's own keys.)
    env: Lazy.anyValue({
      produce: () => [
        ...Object.entries(parts.env).map(([name, value]) => ({ name, value: terraformLiteral(value) })),
        { name: 'SWITCHYARD_SLOT', value: slot },
        { name: 'SWITCHYARD_VERSION', value: version },
        ...parts.service.connectedDependencies.flatMap((d) => d.contractKeys.map((key) => ({
          name: envVarName(d.name, d.kind, key),
          value_from: { secret_key_ref: { name: d.secretName, key } },
        }))),
        ...parts.secretEnv.map((e) => ({ name: e.name, value_from: { secret_key_ref: { name: e.secret, key: e.key } } })),
      ],
    }),
    resources: {
      requests: { cpu: r.cpuRequest ?? DEFAULT_RESOURCES.cpuRequest, memory: r.memoryRequest ?? DEFAULT_RESOURCES.memoryRequest },
      limits: { cpu: r.cpuLimit ?? DEFAULT_RESOURCES.cpuLimit, memory: r.memoryLimit ?? DEFAULT_RESOURCES.memoryLimit },
    },
    securityContext: LOCKED_DOWN_CONTAINER,
    volumeMount: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}
