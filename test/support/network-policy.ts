/**
 * A small NetworkPolicy evaluator over synthesized Terraform JSON (`kubernetes_network_policy_v1`,
 * snake_case blocks), with the semantics of Kubernetes' networking.k8s.io/v1 NetworkPolicy:
 *
 * - a pod is isolated for ingress (egress) when some policy of its namespace selects it and lists
 *   `Ingress` (`Egress`) in its policy types (absent types: `Ingress`, plus `Egress` when the
 *   policy has egress rules);
 * - a connection is allowed when the destination pod is not isolated for ingress or some ingress
 *   rule of a policy selecting it admits the source, AND the source pod is not isolated for egress
 *   or some egress rule of a policy selecting it admits the destination;
 * - a rule admits a peer when one of its peers matches (absent or empty `from`/`to`: every peer)
 *   and one of its ports matches (absent or empty `ports`: every port); a peer is a pod selector
 *   (pods of the policy's namespace), a namespace selector (pods of the namespaces it selects, or
 *   the pods of those namespaces its pod selector selects), or an IP block (addresses in `cidr`
 *   but not in `except`); a port has a protocol (default TCP), a number or a container port's
 *   name, and optionally `end_port`.
 *
 * Pods of other namespaces are modelled with their namespace's `kubernetes.io/metadata.name` label
 * (and any other namespace labels given). Addresses outside the cluster are endpoints with an IP;
 * a pod may have an IP too, which IP blocks then match. Traffic from a pod's own node (kubelet
 * probes), which Kubernetes always allows, is not modelled.
 */
import type { StackJson } from '../helpers';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A label selector: every `match_labels` entry and every expression must hold; an empty one selects everything. */
export interface Selector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: ReadonlyArray<{ readonly key: string; readonly operator: string; readonly values: readonly string[] }>;
}

/** A peer of a rule. */
export interface PeerSpec {
  readonly podSelector?: Selector;
  readonly namespaceSelector?: Selector;
  readonly ipBlock?: { readonly cidr: string; readonly except: readonly string[] };
}

/** A port of a rule. */
export interface PortSpec {
  readonly protocol: string;
  /** A number, a container port's name, or undefined for every port of the protocol. */
  readonly port?: number | string;
  readonly endPort?: number;
}

/** A rule: `peers` undefined admits every peer, `ports` undefined every port. */
export interface RuleSpec {
  readonly peers?: readonly PeerSpec[];
  readonly ports?: readonly PortSpec[];
}

/** A NetworkPolicy as the evaluator reads it. */
export interface PolicySpec {
  /** `namespace/name`, or the Terraform address when the name is not a literal. */
  readonly id: string;
  readonly namespace: string;
  readonly podSelector: Selector;
  readonly types: ReadonlyArray<'Ingress' | 'Egress'>;
  readonly ingress: readonly RuleSpec[];
  readonly egress: readonly RuleSpec[];
}

/** A pod: its namespace, labels, optionally its IP and named container ports. */
export interface Pod {
  readonly kind: 'pod';
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Labels of its namespace besides `kubernetes.io/metadata.name`. */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  readonly ip?: string;
  /** Named container ports, by name. */
  readonly ports?: Readonly<Record<string, number>>;
}

/** An address that is not a pod (outside the cluster, a node, a load balancer). */
export interface Address {
  readonly kind: 'address';
  readonly name: string;
  readonly ip: string;
}

export type Endpoint = Pod | Address;

/** A pod. */
export function pod(name: string, namespace: string, labels: Record<string, string>, extra: Partial<Pick<Pod, 'ip' | 'ports' | 'namespaceLabels'>> = {}): Pod {
  return { kind: 'pod', name, namespace, labels, ...extra };
}

/** An address that is not a pod. */
export function address(name: string, ip: string): Address {
  return { kind: 'address', name, ip };
}

/** The first element of a Terraform block (an object, or a list of one). */
function block(v: Json): Json {
  return Array.isArray(v) ? v[0] : v;
}

/** A repeated block as a list (an absent one: undefined). */
function list(v: Json): Json[] | undefined {
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v : [v];
}

/** Reads a string, replacing a Terraform expression by its value in `refs`; an unknown expression is an error. */
function value(v: Json, refs: Readonly<Record<string, string>>, where: string): string {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw new Error(`${where}: expected a string, got ${JSON.stringify(v)}`);
  if (!v.includes('${')) return v;
  if (v in refs) return refs[v];
  throw new Error(`${where}: ${v} is known only at plan time: give its value in the references`);
}

function selector(v: Json, refs: Readonly<Record<string, string>>, where: string): Selector {
  const s = block(v) ?? {};
  const matchLabels: Record<string, string> = {};
  for (const [k, x] of Object.entries(s.match_labels ?? {})) matchLabels[k] = value(x, refs, where);
  const matchExpressions = (list(s.match_expressions) ?? []).map((e: Json) => ({
    key: String(e.key), operator: String(e.operator), values: (e.values ?? []).map((x: Json) => value(x, refs, where)),
  }));
  return { matchLabels, matchExpressions };
}

function rules(v: Json, peersKey: 'from' | 'to', refs: Readonly<Record<string, string>>, where: string): RuleSpec[] {
  return (list(v) ?? []).map((r: Json) => {
    const peers = list(r[peersKey]);
    const ports = list(r.ports);
    return {
      peers: peers && peers.length > 0 ? peers.map((p: Json): PeerSpec => {
        const ip = block(p.ip_block);
        const spec: PeerSpec = {
          ...(p.pod_selector !== undefined ? { podSelector: selector(p.pod_selector, refs, where) } : {}),
          ...(p.namespace_selector !== undefined ? { namespaceSelector: selector(p.namespace_selector, refs, where) } : {}),
          ...(ip ? { ipBlock: { cidr: value(ip.cidr, refs, where), except: (ip.except ?? []).map((x: Json) => value(x, refs, where)) } } : {}),
        };
        if (!spec.podSelector && !spec.namespaceSelector && !spec.ipBlock) throw new Error(`${where}: a peer with no selector and no ip_block`);
        if (spec.ipBlock && (spec.podSelector || spec.namespaceSelector)) throw new Error(`${where}: a peer with an ip_block and a selector`);
        return spec;
      }) : undefined,
      ports: ports && ports.length > 0 ? ports.map((p: Json): PortSpec => {
        const raw = p.port === undefined ? undefined : value(p.port, refs, where);
        return {
          protocol: p.protocol === undefined ? 'TCP' : value(p.protocol, refs, where),
          ...(raw === undefined ? {} : { port: /^\d+$/.test(raw) ? Number(raw) : raw }),
          ...(p.end_port === undefined ? {} : { endPort: Number(value(p.end_port, refs, where)) }),
        };
      }) : undefined,
    };
  });
}

/**
 * The NetworkPolicies of a synthesized stack (`kubernetes_network_policy_v1`), optionally of one
 * namespace. `refs` gives the values of Terraform expressions that appear in them (a VPC's range
 * read by a data source, say); any other expression is an error.
 */
export function policiesOf(stack: StackJson, refs: Readonly<Record<string, string>> = {}): PolicySpec[] {
  const out: PolicySpec[] = [];
  for (const [name, r] of Object.entries<Json>(stack.resource?.kubernetes_network_policy_v1 ?? {})) {
    const where = `kubernetes_network_policy_v1.${name}`;
    const meta = block(r.metadata);
    const spec = block(r.spec);
    const namespace = value(meta.namespace ?? 'default', refs, where);
    const egress = rules(spec.egress, 'to', refs, where);
    const declared = spec.policy_types as string[] | undefined;
    const types = (declared ?? ['Ingress', ...(spec.egress !== undefined && egress.length > 0 ? ['Egress'] : [])]) as Array<'Ingress' | 'Egress'>;
    out.push({
      id: typeof meta.name === 'string' && !meta.name.includes('${') ? `${namespace}/${meta.name}` : where,
      namespace,
      podSelector: selector(spec.pod_selector, refs, where),
      types,
      ingress: rules(spec.ingress, 'from', refs, where),
      egress,
    });
  }
  return out;
}

/** True when `selector` selects an object with `labels`. */
export function selects(s: Selector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(s.matchLabels)) if (labels[k] !== v) return false;
  for (const e of s.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': if (!has || !e.values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && e.values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: throw new Error(`unknown selector operator ${e.operator}`);
    }
  }
  return true;
}

function ipv4(text: string): number {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${text}`);
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** True when `ip` is in `cidr` (IPv4). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return ((ipv4(ip) & mask) >>> 0) === ((ipv4(base) & mask) >>> 0);
}

function namespaceLabels(p: Pod): Record<string, string> {
  return { ...(p.namespaceLabels ?? {}), 'kubernetes.io/metadata.name': p.namespace };
}

/** True when `peer` of a policy in `namespace` matches the endpoint. */
function peerMatches(peer: PeerSpec, namespace: string, e: Endpoint): boolean {
  if (peer.ipBlock) return e.ip !== undefined && inCidr(e.ip, peer.ipBlock.cidr) && !peer.ipBlock.except.some((x) => inCidr(e.ip!, x));
  if (e.kind !== 'pod') return false;
  const nsOk = peer.namespaceSelector ? selects(peer.namespaceSelector, namespaceLabels(e)) : e.namespace === namespace;
  return nsOk && (peer.podSelector ? selects(peer.podSelector, e.labels) : true);
}

/** True when `spec` admits `port`/`protocol` on the destination `to` (whose named ports it may name). */
function portMatches(spec: PortSpec, port: number, protocol: string, to: Endpoint): boolean {
  if (spec.protocol !== protocol) return false;
  if (spec.port === undefined) return true;
  const number = typeof spec.port === 'number' ? spec.port : to.kind === 'pod' ? to.ports?.[spec.port] : undefined;
  if (number === undefined) return false;
  return spec.endPort !== undefined ? port >= number && port <= spec.endPort : port === number;
}

function ruleAdmits(rule: RuleSpec, namespace: string, peer: Endpoint, port: number, protocol: string, to: Endpoint): boolean {
  const peerOk = rule.peers === undefined || rule.peers.some((p) => peerMatches(p, namespace, peer));
  const portOk = rule.ports === undefined || rule.ports.some((p) => portMatches(p, port, protocol, to));
  return peerOk && portOk;
}

/** The verdict on one connection, and why. */
export interface Verdict {
  readonly allowed: boolean;
  readonly why: string;
}

function describe(e: Endpoint): string {
  return e.kind === 'pod' ? `${e.namespace}/${e.name}` : `${e.name} (${e.ip})`;
}

/** One side of a connection: may `self` send to (Egress) or receive from (Ingress) `other`? */
function side(policies: readonly PolicySpec[], direction: 'Ingress' | 'Egress', self: Endpoint, other: Endpoint, port: number, protocol: string): Verdict {
  if (self.kind !== 'pod') return { allowed: true, why: `${describe(self)} is not a pod` };
  const isolating = policies.filter((p) => p.namespace === self.namespace && p.types.includes(direction) && selects(p.podSelector, self.labels));
  if (isolating.length === 0) return { allowed: true, why: `${describe(self)} is not isolated for ${direction.toLowerCase()}` };
  const to = direction === 'Egress' ? other : self;
  const admitting = isolating.filter((p) => (direction === 'Egress' ? p.egress : p.ingress).some((r) => ruleAdmits(r, p.namespace, other, port, protocol, to)));
  return admitting.length > 0
    ? { allowed: true, why: `${direction.toLowerCase()} allowed by ${admitting.map((p) => p.id).join(', ')}` }
    : { allowed: false, why: `no ${direction.toLowerCase()} rule of ${isolating.map((p) => p.id).join(', ')} admits ${describe(other)} on ${protocol} ${port}` };
}

/** Whether `from` may connect to `to` on `port` (`protocol`, default TCP), and why. */
export function connection(policies: readonly PolicySpec[], from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): Verdict {
  const egress = side(policies, 'Egress', from, to, port, protocol);
  const ingress = side(policies, 'Ingress', to, from, port, protocol);
  const what = `${describe(from)} -> ${describe(to)} ${protocol} ${port}`;
  if (!egress.allowed) return { allowed: false, why: `${what}: ${egress.why}` };
  if (!ingress.allowed) return { allowed: false, why: `${what}: ${ingress.why}` };
  return { allowed: true, why: `${what}: ${egress.why}; ${ingress.why}` };
}
