/**
 * Alertmanager's routing, and the route tree the Prometheus Operator builds
 * from AlertmanagerConfig resources, for tests that send each generated alert
 * through the tree it will meet in the cluster.
 *
 * What the operator does (prometheus-operator v0.93, the release
 * kube-prometheus-stack 88.5.3 ships; pkg/alertmanager/amcfg.go,
 * `AddAlertmanagerConfigs` and the namespace enforcer): for each
 * AlertmanagerConfig, in order of `<namespace>/<name>`, it turns the
 * resource's top route into a child of the root route placed before the
 * root's own children, with `continue: true`; with the matcher strategy
 * `OnNamespace` it adds the matcher `namespace="<the resource's namespace>"`
 * to that top route only; receiver names become `<namespace>/<name>/<receiver>`.
 * Alertmanager then walks the tree from the root: a node whose matchers all
 * hold passes the alert to its children in order, stops after the first
 * child that matches unless that child has `continue`, and keeps the alert
 * itself when no child matched.
 */

/** A node of Alertmanager's route tree, in Alertmanager's configuration format. */
export interface AmRoute {
  readonly receiver?: string;
  readonly matchers?: readonly string[];
  readonly continue?: boolean;
  readonly routes?: readonly AmRoute[];
}

/** An AlertmanagerConfig resource (monitoring.coreos.com/v1alpha1), as written in a manifest. */
export interface AlertmanagerConfigResource {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: { readonly route?: AmcRoute };
}

interface AmcRoute {
  readonly receiver?: string;
  readonly matchers?: ReadonlyArray<{ readonly name: string; readonly value: string; readonly matchType?: string }>;
  readonly continue?: boolean;
  readonly routes?: readonly AmcRoute[];
}

function convert(ns: string, name: string, route: AmcRoute, top: boolean, strategy: string): AmRoute {
  const matchers = (route.matchers ?? []).map((m) => `${m.name}${m.matchType ?? '='}${JSON.stringify(m.value)}`);
  if (top && strategy === 'OnNamespace') matchers.push(`namespace=${JSON.stringify(ns)}`);
  return {
    ...(route.receiver ? { receiver: `${ns}/${name}/${route.receiver}` } : {}),
    matchers,
    continue: top ? true : route.continue ?? false,
    routes: (route.routes ?? []).map((r) => convert(ns, name, r, false, strategy)),
  };
}

/** The root route the operator generates from the base configuration's root and the AlertmanagerConfigs. */
export function operatorRoutes(root: AmRoute, configs: readonly AlertmanagerConfigResource[], strategy = 'OnNamespace'): AmRoute {
  const generated = [...configs]
    .filter((c) => c.spec.route)
    .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`))
    .map((c) => convert(c.metadata.namespace, c.metadata.name, c.spec.route!, true, strategy));
  return { ...root, routes: [...generated, ...(root.routes ?? [])] };
}

/** Whether one matcher (`name="value"`, with =, !=, =~ or !~) holds for the labels. */
function holds(matcher: string, labels: Record<string, string>): boolean {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(matcher);
  if (!m) throw new Error(`not an Alertmanager matcher: ${matcher}`);
  const [, name, op, quoted] = m;
  const value = JSON.parse(`"${quoted}"`) as string;
  const actual = labels[name] ?? '';
  switch (op) {
    case '=': return actual === value;
    case '!=': return actual !== value;
    case '=~': return new RegExp(`^(?:${value})$`).test(actual);
    default: return !new RegExp(`^(?:${value})$`).test(actual);
  }
}

/** The receivers an alert with `labels` reaches through the tree under `route`. */
export function receiversOf(route: AmRoute, labels: Record<string, string>, inherited = ''): string[] {
  const receiver = route.receiver ?? inherited;
  const found: string[] = [];
  for (const child of route.routes ?? []) {
    if (!(child.matchers ?? []).every((m) => holds(m, labels))) continue;
    found.push(...receiversOf(child, labels, receiver));
    if (!child.continue) break;
  }
  return found.length > 0 ? found : [receiver];
}
