/**
 * Every Prometheus alert a service's rules generate reaches the app's alert
 * topic: each is routed through the tree Alertmanager runs, built as the
 * Prometheus Operator builds it from the app's AlertmanagerConfig
 * (matcher strategy OnNamespace) over kube-prometheus-stack's own root route
 * (its default `alertmanager.config`, from the pinned chart's values).
 */
import { EXAMPLES } from '../examples-list';
import { exampleOutput, manifests } from '../helpers';
import { AlertmanagerConfigResource, AmRoute, operatorRoutes, receiversOf } from '../support/alertmanager-routes';
import { chartData } from '../upstream/upstream';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The root route of the pinned kube-prometheus-stack's Alertmanager configuration. */
function chartRoot(): AmRoute {
  const values = chartData('kube-prometheus-stack')!.values as Json;
  return values.alertmanager.config.route;
}

/** The labels an alert of a rule carries for certain: its rule's labels and its name. */
function alertLabels(rule: Json): Record<string, string> {
  return { ...rule.labels, alertname: rule.alert };
}

describe('Prometheus alerts reach the app\'s alert topic through Alertmanager', () => {
  test('the matcher strategy the add-on sets is the one the tree is built with', () => {
    const addons = exampleOutput('shop').stacks['addons-prod'];
    const values = JSON.parse(addons.resource.helm_release.addon_kube_prometheus_stack.values[0]);
    expect(values.alertmanager.alertmanagerSpec.alertmanagerConfigMatcherStrategy).toEqual({ type: 'OnNamespace' });
    // The chart's root route keeps what no AlertmanagerConfig takes (its "null" receiver).
    expect(chartRoot().receiver).toBe('null');
  });

  test.each(Object.keys(EXAMPLES).filter((e) => e !== 'platform-team'))('example %s: every alert of every managed tier', (name) => {
    const out = exampleOutput(name);
    let routed = 0;
    for (const [stackName, stack] of Object.entries(out.stacks)) {
      const configs = manifests(stack, 'AlertmanagerConfig').map((m) => m.manifest) as AlertmanagerConfigResource[];
      const rules = manifests(stack, 'PrometheusRule').flatMap((r: Json) => r.manifest.spec.groups.flatMap((g: Json) => g.rules));
      if (rules.length === 0) continue;
      if (configs.length === 0) {
        // In-cluster tiers keep their alerts in Alertmanager (no topic): nothing to route.
        expect(stackName).toMatch(/-dev$/);
        continue;
      }
      const tree = operatorRoutes(chartRoot(), configs);
      const topic = `${configs[0].metadata.namespace}/${configs[0].metadata.name}/alert-topic`;
      for (const rule of rules) {
        expect([stackName, rule.alert, receiversOf(tree, alertLabels(rule))]).toEqual([stackName, rule.alert, [topic]]);
        routed++;
      }
    }
    if (name === 'shop') expect(routed).toBeGreaterThanOrEqual(12);
  });

  test('an alert without its namespace falls to the chart\'s "null" receiver (what the rules were fixed for)', () => {
    const stack = exampleOutput('shop').stacks['shop-prod'];
    const tree = operatorRoutes(chartRoot(), manifests(stack, 'AlertmanagerConfig').map((m) => m.manifest) as AlertmanagerConfigResource[]);
    const rule = manifests(stack, 'PrometheusRule')[0].manifest.spec.groups[0].rules[0];
    const { namespace: _dropped, ...aggregatedAway } = alertLabels(rule); // eslint-disable-line @typescript-eslint/no-unused-vars
    expect(receiversOf(tree, aggregatedAway)).toEqual(['null']);
    expect(receiversOf(tree, { alertname: 'Watchdog', namespace: 'monitoring' })).toEqual(['null']);
  });
});

describe('the routing model', () => {
  test('continue, nesting and inherited receivers behave as Alertmanager\'s', () => {
    const tree: AmRoute = {
      receiver: 'root',
      routes: [
        { receiver: 'a', matchers: ['team="a"'], continue: true, routes: [{ matchers: ['severity=~"crit.*"'], receiver: 'a-pager' }, { matchers: ['severity!="info"'] }] },
        { receiver: 'b', matchers: ['team=~"a|b"'] },
        { receiver: 'never', matchers: ['team="a"'] },
      ],
    };
    expect(receiversOf(tree, { team: 'a', severity: 'critical' })).toEqual(['a-pager', 'b']);
    expect(receiversOf(tree, { team: 'a', severity: 'warning' })).toEqual(['a', 'b']);
    expect(receiversOf(tree, { team: 'c' })).toEqual(['root']);
  });
});
