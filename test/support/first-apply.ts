/**
 * The first-apply audit: in one stack, every resource that names a Kubernetes
 * object another resource of the same stack creates (its namespace, service
 * account, secret, config map, secret store, generator) must be ordered after
 * that resource, by `depends_on` or by a reference, directly or through
 * others. Without that order a fresh apply races: the Kubernetes API answers
 * 404 for an object in a namespace that does not exist yet, a pod waits for a
 * secret, a rollout times out.
 */
import type { StackJson } from '../helpers';

/** One object a resource needs that another resource of its stack makes, without an order between them. */
export interface Race {
  readonly stack: string;
  /** Address of the resource that needs the object. */
  readonly user: string;
  /** What it needs, e.g. `namespace shop` or `secret shop/orders-db`. */
  readonly needs: string;
  /** Address of the resource that makes it. */
  readonly creator: string;
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A `type.name` at the start of a reference (inside an expression). */
const REFERENCE = /(?<![\w.-])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)/g;

/** Every resource of a stack, by address (`type.name`). */
function resourcesOf(stack: StackJson): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const [type, byName] of Object.entries<Json>(stack.resource ?? {})) {
    for (const [name, config] of Object.entries<Json>(byName)) out.set(`${type}.${name}`, config);
  }
  return out;
}

/** The addresses a resource is ordered after directly: its `depends_on` and the resources its expressions reference. */
function directDependencies(config: Json, known: Map<string, Json>): Set<string> {
  const out = new Set<string>();
  for (const d of config.depends_on ?? []) out.add(String(d).replace(/^\$\{|\}$/g, ''));
  const walk = (v: Json): void => {
    if (typeof v === 'string') {
      if (v.includes('${')) for (const m of v.matchAll(REFERENCE)) if (known.has(m[1])) out.add(m[1]);
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) if (k !== 'depends_on' && k !== 'lifecycle') walk(x);
    }
  };
  walk(config);
  return out;
}

/** A value that is a literal string, or undefined for an expression. */
function literal(v: Json): string | undefined {
  return typeof v === 'string' && !v.includes('${') ? v : undefined;
}

/** The first element of a Terraform block (an object, or a list of one). */
function block(v: Json): Json {
  return Array.isArray(v) ? v[0] : v;
}

/** The Kubernetes objects a resource makes: `kind namespace/name` keys (namespaces as `namespace name`). */
function made(type: string, config: Json): string[] {
  const meta = block(config.metadata);
  const ns = literal(meta?.namespace) ?? 'default';
  const name = literal(meta?.name);
  switch (type) {
    case 'kubernetes_namespace_v1':
    case 'kubernetes_namespace':
      return name ? [`namespace ${name}`] : [];
    case 'kubernetes_service_account_v1':
    case 'kubernetes_service_account':
      return name ? [`serviceaccount ${ns}/${name}`] : [];
    case 'kubernetes_secret_v1':
    case 'kubernetes_secret':
      return name ? [`secret ${ns}/${name}`] : [];
    case 'kubernetes_config_map_v1':
    case 'kubernetes_config_map':
      return name ? [`configmap ${ns}/${name}`] : [];
    case 'helm_release':
      return config.create_namespace && literal(config.namespace) ? [`namespace ${config.namespace}`] : [];
    case 'kubernetes_manifest': {
      const m = config.manifest ?? {};
      const mns = literal(m.metadata?.namespace) ?? 'default';
      const mname = literal(m.metadata?.name);
      if (!mname) return [];
      switch (m.kind) {
        case 'Namespace': return [`namespace ${mname}`];
        case 'Secret': return [`secret ${mns}/${mname}`];
        case 'ConfigMap': return [`configmap ${mns}/${mname}`];
        case 'ServiceAccount': return [`serviceaccount ${mns}/${mname}`];
        case 'ExternalSecret': return [`secret ${mns}/${literal(m.spec?.target?.name) ?? mname}`, `externalsecret ${mns}/${mname}`];
        case 'SecretStore': return [`secretstore ${mns}/${mname}`];
        default:
          if (String(m.apiVersion).startsWith('generators.external-secrets.io/')) return [`generator ${mns}/${m.kind}/${mname}`];
          return [];
      }
    }
    default:
      return [];
  }
}

/** The Kubernetes objects a resource needs to exist: its namespace, and what its pods or custom resources name. */
function needed(type: string, config: Json): string[] {
  if (!type.startsWith('kubernetes_') && type !== 'helm_release') return [];
  const out: string[] = [];
  let ns: string | undefined;
  if (type === 'helm_release') {
    ns = literal(config.namespace);
    if (ns && !config.create_namespace) out.push(`namespace ${ns}`);
  } else if (type === 'kubernetes_manifest') {
    ns = literal(config.manifest?.metadata?.namespace);
    if (ns) out.push(`namespace ${ns}`);
  } else if (type !== 'kubernetes_namespace_v1' && type !== 'kubernetes_namespace') {
    ns = literal(block(config.metadata)?.namespace);
    if (ns) out.push(`namespace ${ns}`);
  }
  if (!ns) return out;
  const body = type === 'kubernetes_manifest' ? config.manifest : type === 'helm_release' ? parseValues(config.values) : config.spec;
  const walk = (v: Json, parent?: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x) => walk(x, parent));
      return;
    }
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries<Json>(v)) {
      const s = literal(x);
      if (s !== undefined) {
        if (k === 'service_account_name' || k === 'serviceAccountName') out.push(`serviceaccount ${ns}/${s}`);
        if (k === 'secret_name' || k === 'secretName' || k === 'usersExistingSecret' || k === 'existingSecret') out.push(`secret ${ns}/${s}`);
        if (k === 'name' && parent && /^(secret_key_ref|secretKeyRef|secret_ref|secretRef)$/.test(parent)) out.push(`secret ${ns}/${s}`);
        if (k === 'name' && parent && /^(config_map_key_ref|configMapKeyRef|config_map_ref|configMapRef|config_map|configMap)$/.test(parent)) out.push(`configmap ${ns}/${s}`);
        if (k === 'name' && parent === 'secretStoreRef' && (v.kind ?? 'SecretStore') === 'SecretStore') out.push(`secretstore ${ns}/${s}`);
        if (k === 'name' && parent === 'generatorRef') out.push(`generator ${ns}/${v.kind}/${s}`);
      } else {
        walk(x, k);
      }
    }
  };
  walk(body);
  return out;
}

function parseValues(values: Json): Json {
  const out: Json[] = [];
  for (const v of values ?? []) {
    try {
      out.push(JSON.parse(v));
    } catch {
      // YAML or an expression: not inspected.
    }
  }
  return out;
}

/** The resource a `${type.name.attr}` expression names, if the string is one reference. */
function referenced(v: Json): string | undefined {
  const m = typeof v === 'string' ? /^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(v) : null;
  return m?.[1];
}

/** The pod template of a workload (Deployment or Job), if the resource is one. */
function podTemplate(type: string, config: Json): Json {
  if (type !== 'kubernetes_deployment_v1' && type !== 'kubernetes_job_v1' && type !== 'kubernetes_stateful_set_v1' && type !== 'kubernetes_daemon_set_v1') return undefined;
  return block(block(config.spec)?.template);
}

/**
 * What a workload needs in AWS before its pods start: the policies of the IAM role its service
 * account assumes (IRSA), and the ingress rules that admit the security group a
 * SecurityGroupPolicy gives its pods. Pods that start before them get AccessDenied or time out.
 */
function awsGrants(all: Map<string, Json>): Array<{ user: string; needs: string; creator: string }> {
  const out: Array<{ user: string; needs: string; creator: string }> = [];
  const roleOfAccount = new Map<string, string>();
  for (const [address, config] of all) {
    if (!address.startsWith('kubernetes_service_account')) continue;
    const meta = block(config.metadata);
    const role = referenced(meta?.annotations?.['eks.amazonaws.com/role-arn']);
    if (role && literal(meta?.name)) roleOfAccount.set(`${meta.namespace}/${meta.name}`, role);
  }
  const policiesOf = (role: string) => [...all].filter(([a, c]) => /^aws_iam_role_policy(_attachment)?\./.test(a) && referenced(c.role) === role).map(([a]) => a);
  const policies = [...all].filter(([, c]) => c.manifest?.kind === 'SecurityGroupPolicy');
  const rulesOf = (group: string) => [...all].filter(([a, c]) => a.startsWith('aws_vpc_security_group_ingress_rule.') && referenced(c.referenced_security_group_id) === group).map(([a]) => a);
  for (const [address, config] of all) {
    const template = podTemplate(address.split('.')[0], config);
    if (!template) continue;
    const ns = literal(block(config.metadata)?.namespace);
    const spec = block(template.spec);
    const role = roleOfAccount.get(`${ns}/${spec?.service_account_name}`);
    if (role) for (const p of policiesOf(role)) out.push({ user: address, needs: `the IAM policy of its role ${role}`, creator: p });
    const labels: Record<string, string> = block(template.metadata)?.labels ?? {};
    for (const [, sgp] of policies) {
      const m = sgp.manifest;
      if (m.metadata?.namespace !== ns) continue;
      const selector: Record<string, string> = m.spec?.podSelector?.matchLabels ?? {};
      if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) continue;
      for (const g of (m.spec?.securityGroups?.groupIds ?? []).map(referenced).filter(Boolean)) {
        for (const r of rulesOf(g)) out.push({ user: address, needs: `the ingress rule that admits its pods' security group ${g}`, creator: r });
      }
    }
  }
  return out;
}

/** The races of one stack (empty when every needed object is ordered after its creator). */
export function firstApplyRaces(stackName: string, stack: StackJson): Race[] {
  const all = resourcesOf(stack);
  const creators = new Map<string, string>();
  for (const [address, config] of all) {
    for (const key of made(address.split('.')[0], config)) if (!creators.has(key)) creators.set(key, address);
  }
  const direct = new Map<string, Set<string>>();
  for (const [address, config] of all) direct.set(address, directDependencies(config, all));
  const closure = new Map<string, Set<string>>();
  const after = (address: string): Set<string> => {
    let seen = closure.get(address);
    if (seen) return seen;
    seen = new Set<string>();
    closure.set(address, seen);
    const stackOf = [...(direct.get(address) ?? [])];
    while (stackOf.length > 0) {
      const next = stackOf.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      for (const d of direct.get(next) ?? []) stackOf.push(d);
    }
    return seen;
  };
  const races: Race[] = [];
  for (const [address, config] of all) {
    for (const need of new Set(needed(address.split('.')[0], config))) {
      const creator = creators.get(need);
      if (!creator || creator === address) continue;
      if (!after(address).has(creator)) races.push({ stack: stackName, user: address, needs: need, creator });
    }
  }
  for (const g of awsGrants(all)) if (!after(g.user).has(g.creator)) races.push({ stack: stackName, ...g });
  return races;
}
