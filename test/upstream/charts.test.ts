/**
 * The charts Switchyard pins, against what their maintainers published
 * (test/data/upstream/charts): each pinned version is one the record holds
 * (a published version, with the source it was checked against), the
 * catalog, the catalog table of docs/platform.md and the record agree, and every value we set
 * is a value of the pinned chart (in its values.yaml, listed in its schema,
 * or under a part the chart passes through verbatim) and passes its schema.
 */
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import * as fs from 'fs';
import * as path from 'path';
import * as lib from '../../lib';
import { VALKEY_CHART } from '../../lib/exports/versions';
import { EXAMPLES } from '../examples-list';
import { exampleOutput, resources, StackJson, synth } from '../helpers';
import { chartData, ChartData, UPSTREAM } from './upstream';
import type { Schema } from '../support/openapi-schema';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The record: per pinned chart, its repository, name, version and the source it was checked against. */
interface RecordEntry {
  readonly file: string;
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
  readonly appVersion: string;
  readonly source: { readonly repository: string; readonly tag: string; readonly commit: string };
}
const RECORD = JSON.parse(fs.readFileSync(path.join(UPSTREAM, 'charts', 'INDEX.json'), 'utf8')) as RecordEntry[];

/** Every chart Switchyard pins: the catalog add-ons' and the in-cluster cache's. */
function pinnedCharts(): Array<[string, lib.HelmChart]> {
  const catalog = Object.entries(lib)
    .filter(([, v]) => typeof v === 'function' && (v as { CHART?: unknown }).CHART)
    .map(([name, v]) => [name, (v as unknown as { CHART: lib.HelmChart }).CHART] as [string, lib.HelmChart]);
  return [...catalog, ['Cache', VALKEY_CHART]];
}

/** The record's entry of a chart. */
function recordOf(chart: lib.HelmChart): RecordEntry | undefined {
  return RECORD.find((r) => r.repository === chart.repository && r.chart === chart.chart);
}

/**
 * Parts of a chart's values that the chart renders verbatim into its program's own configuration
 * (any key below them is the program's, not the chart's), and keys its templates read that its
 * values.yaml only shows commented out. Each with the reason.
 */
const PASS_THROUGH: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'aws-load-balancer-controller': {
    'controllerConfig.featureGates': 'rendered as the controller\'s --feature-gates flag, a map of gate names',
  },
  'cluster-autoscaler': {
    extraArgs: 'each key becomes a --<key>=<value> flag of cluster-autoscaler',
  },
  loki: {
    'loki.storage': 'Loki\'s storage settings (the chart\'s schema leaves it open; bucketNames is documented there, commented out)',
    'loki.commonConfig': 'rendered as Loki\'s common configuration block',
    'loki.schemaConfig': 'rendered as Loki\'s schema_config',
    'loki.limits_config': 'rendered as Loki\'s limits_config',
    'loki.compactor': 'rendered as Loki\'s compactor configuration',
  },
  'kube-prometheus-stack': {
    'grafana.adminPassword': 'read by the grafana subchart\'s templates; both charts\' values.yaml show it commented out',
    'prometheus.prometheusSpec.storageSpec': 'a Prometheus custom resource\'s storage spec, passed to the operator as is',
    'alertmanager.alertmanagerSpec.storage': 'an Alertmanager custom resource\'s storage spec, passed to the operator as is',
    'alertmanager.alertmanagerSpec.alertmanagerConfigMatcherStrategy': 'the Alertmanager resource\'s field, passed to the operator as is',
  },
  valkey: {
    'auth.aclUsers': 'a map of ACL user names the chart\'s templates read (each needs permissions and a passwordKey or password)',
  },
  keda: {
    'podSecurityContext.operator': 'rendered as the operator pod\'s securityContext (templates/manager/deployment.yaml: toYaml)',
    'podSecurityContext.metricServer': 'rendered as the metrics server pod\'s securityContext (templates/metrics-server/deployment.yaml: toYaml)',
    'podSecurityContext.webhooks': 'rendered as the webhooks pod\'s securityContext (templates/webhooks/deployment.yaml: toYaml)',
  },
  'cert-manager': {
    config: 'cert-manager\'s ControllerConfiguration file (checked against its type in custom-resources.test.ts)',
  },
};

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema node at `keys` (following local $refs and properties), if the schema lists that path. */
function schemaAt(schema: Schema | null, keys: string[]): Schema | undefined {
  let node: Schema | undefined = schema ?? undefined;
  const resolve = (n: Schema): Schema => {
    let cur = n;
    for (let i = 0; i < 10 && typeof cur.$ref === 'string' && cur.$ref.startsWith('#/'); i++) {
      cur = cur.$ref.slice(2).split('/').reduce((o: Json, k: string) => o?.[k], schema) ?? {};
    }
    return cur;
  };
  for (const k of keys) {
    if (!node) return undefined;
    node = resolve(node);
    node = node.properties?.[k];
  }
  return node ? resolve(node) : undefined;
}

/**
 * The values of `ours` that are not values of the chart: not in its defaults, not listed in its
 * schema's properties, not under a pass-through part; or of another type than the default.
 */
export function valuesProblems(data: ChartData, ours: Record<string, unknown>, subcharts: Record<string, ChartData> = {}): string[] {
  const pass = PASS_THROUGH[data.chart.name] ?? {};
  const problems: string[] = [];
  const walk = (mine: Record<string, unknown>, defaults: Json, keys: string[], chart: ChartData) => {
    for (const [k, v] of Object.entries(mine)) {
      const at = [...keys, k];
      const where = at.join('.');
      if (where in pass) continue;
      // A subchart's values live under its name.
      if (keys.length === 0 && subcharts[k] && isPlain(v)) {
        const own = isPlain(defaults?.[k]) ? defaults[k] : {};
        const sub = subcharts[k];
        for (const [sk, sv] of Object.entries(v)) {
          const inOwn = sk in own;
          walk({ [sk]: sv }, inOwn ? own : sub.values, inOwn ? [k] : [k], inOwn ? chart : sub);
        }
        continue;
      }
      const known = isPlain(defaults) && k in defaults;
      const listed = schemaAt(chart.schema, chart === data ? at : at.slice(1));
      if (!known && !listed) {
        problems.push(`${where}: not a value of ${chart.chart.name} ${chart.chart.version} (not in its values.yaml${chart.schema ? ', not listed in its schema' : ''})`);
        continue;
      }
      const d = known ? defaults[k] : undefined;
      if (known && d !== null && d !== undefined && v !== null) {
        if (Array.isArray(d) !== Array.isArray(v) || isPlain(d) !== isPlain(v) || (!isPlain(d) && !Array.isArray(d) && typeof d !== typeof v && !(typeof v === 'string' && String(v).includes('${')))) {
          problems.push(`${where}: ${JSON.stringify(v).slice(0, 60)} is not of the default's type (${JSON.stringify(d).slice(0, 60)})`);
          continue;
        }
      }
      // An empty map in the defaults is the chart's free-form map (annotations, labels, ...).
      if (isPlain(v) && (known ? isPlain(d) && Object.keys(d).length > 0 : isPlain(listed?.properties))) walk(v, d ?? {}, at, chart);
    }
  };
  walk(ours, data.values, [], data);
  return problems;
}

/** Deep merge as Helm does (maps key by key, the user's lists and scalars win). */
function merged(defaults: Json, ours: Json): Json {
  if (!isPlain(defaults) || !isPlain(ours)) return ours === undefined ? defaults : ours;
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(ours)) out[k] = merged(defaults[k], v);
  return out;
}

/** The merged values' problems against the chart's schema, as Helm checks them before it renders. */
function schemaErrors(data: ChartData, ours: Record<string, unknown>): string[] {
  if (!data.schema) return [];
  const draft2020 = String(data.schema.$schema ?? '').includes('2020-12');
  const ajv = draft2020 ? new Ajv2020({ strict: false, allErrors: true, validateFormats: false }) : new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const { $schema: _ignored, ...schema } = data.schema; // eslint-disable-line @typescript-eslint/no-unused-vars
  const validate = ajv.compile(schema);
  return validate(merged(data.values, ours)) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
}

/** Every Helm release of the stacks with its values. */
function releasesOf(stacks: Record<string, StackJson>): Array<{ where: string; chart: lib.HelmChart; values: Record<string, unknown> }> {
  return Object.entries(stacks).flatMap(([stack, json]) => Object.entries<Json>(resources(json, 'helm_release')).map(([name, r]) => ({
    where: `${stack}: helm_release.${name}`,
    chart: { repository: r.repository, chart: r.chart, version: r.version },
    values: Object.assign({}, ...(r.values ?? []).map((v: string) => JSON.parse(v))),
  })));
}

/** The problems of one release's values against its pinned chart. */
function releaseProblems(r: { chart: lib.HelmChart; values: Record<string, unknown> }): string[] {
  const entry = recordOf(r.chart);
  if (!entry) return [`chart ${r.chart.repository} ${r.chart.chart} is not in the record (test/data/upstream/charts/INDEX.json)`];
  if (entry.version !== r.chart.version) return [`chart ${r.chart.chart} ${r.chart.version} is not the version the record checked (${entry.version})`];
  const data = chartData(entry.file.replace(/\.json$/, ''))!;
  const subcharts = Object.fromEntries(Object.keys(data.dependencies ?? {}).map((d) => [d, chartData(d)]).filter(([, c]) => c)) as Record<string, ChartData>;
  return [...valuesProblems(data, r.values, subcharts), ...schemaErrors(data, r.values).map((e) => `schema: ${e}`)];
}

describe('the pinned charts are published versions, recorded with the source they were checked against', () => {
  test('the catalog, the record and the data agree on every pinned chart', () => {
    const pinned = pinnedCharts();
    expect(pinned.length).toBe(15);
    // Every chart of the record is pinned, or a subchart of one that is.
    const subcharts = RECORD.flatMap((r) => Object.keys(chartData(r.file.replace(/\.json$/, ''))!.dependencies ?? {}));
    for (const r of RECORD) expect([r.chart, pinned.some(([, c]) => c.chart === r.chart && c.repository === r.repository) || subcharts.includes(r.chart)]).toEqual([r.chart, true]);
    for (const [name, chart] of pinned) {
      const entry = recordOf(chart);
      expect([name, entry?.version]).toEqual([name, chart.version]);
      const data = chartData(entry!.file.replace(/\.json$/, ''))!;
      expect([name, data.chart.version.replace(/^v/, ''), data.source.commit]).toEqual([name, chart.version.replace(/^v/, ''), entry!.source.commit]);
      expect(data.source.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(data.published.evidence.length).toBeGreaterThan(40);
    }
  });

  test('the catalog table of docs/platform.md names each add-on\'s chart, version and the source it was checked against', () => {
    const platform = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'platform.md'), 'utf8');
    const rows = new Map<string, string[]>();
    for (const line of platform.split('\n')) {
      const m = /^\| `([A-Za-z0-9]+)` \| (.+?) \| (.+?) \| (.+?) \|/.exec(line);
      if (m) rows.set(m[1], [m[2], m[3], m[4]]);
    }
    for (const [name, chart] of pinnedCharts().filter(([n]) => n !== 'Cache')) {
      const entry = recordOf(chart)!;
      expect([name, rows.get(name)]).toEqual([name, [`\`${chart.repository}\` ${chart.chart}`, chart.version, `${entry.source.repository.replace(/^github\.com\//, '')}@${entry.source.tag}`]]);
    }
  });
});

describe('every value Switchyard sets is a value of the pinned chart', () => {
  test.each(Object.keys(EXAMPLES))('example %s', (name) => {
    const releases = releasesOf(exampleOutput(name).stacks);
    expect(releases.length).toBeGreaterThanOrEqual(name === 'app-team' ? 0 : 20);
    const problems = releases.flatMap((r) => releaseProblems(r).map((p) => `${r.where} (${r.chart.chart}): ${p}`));
    expect(problems).toEqual([]);
  });

  test('the add-ons in every option the catalog offers', () => {
    const out = synth((app) => {
      const staging = lib.Tiers.standard({ staging: { region: 'eu-west-1' } }).get('staging');
      new lib.AddonsStack(app, {
        tier: staging,
        platform: new lib.PlatformStack(app, { tier: staging }).ref,
        addons: [
          new lib.GatewayApiCrds(),
          new lib.AwsLoadBalancerController({ gatewayApi: true }),
          new lib.CertManager({ gatewayApi: false }),
          new lib.MetricsServer({ insecureKubeletTls: true }),
          new lib.ClusterAutoscaler(),
          new lib.ExternalSecrets(),
          new lib.CloudNativePg(),
          new lib.Reloader(),
          new lib.Keda({ values: { prometheus: { operator: { enabled: true } } } }),
        ],
      });
    });
    const problems = releasesOf(out.stacks).flatMap((r) => releaseProblems(r).map((p) => `${r.where}: ${p}`));
    expect(problems).toEqual([]);
  });
});

describe('the values check finds what it looks for', () => {
  const valkey = () => chartData('valkey')!;

  test('a key the chart does not have (the Valkey chart keeps its volume under dataStorage, not persistence)', () => {
    expect(valuesProblems(valkey(), { persistence: { enabled: true, size: '1Gi' } })).toEqual([
      'persistence: not a value of valkey 0.11.0 (not in its values.yaml, not listed in its schema)',
    ]);
    expect(valuesProblems(valkey(), { dataStorage: { enabled: true, requestedSize: '1Gi' } })).toEqual([]);
  });

  test('a value of another type than the default, and a value the schema refuses', () => {
    expect(valuesProblems(valkey(), { dataStorage: { enabled: 'yes' } })).toEqual(['dataStorage.enabled: "yes" is not of the default\'s type (false)']);
    expect(schemaErrors(chartData('external-dns')!, { policy: 'delete-everything' }).join('\n')).toMatch(/\/policy must be equal to one of the allowed values/);
  });

  test('a subchart\'s values are checked against the subchart (kube-prometheus-stack\'s grafana)', () => {
    const kps = chartData('kube-prometheus-stack')!;
    expect(valuesProblems(kps, { grafana: { persistence: { enabled: true } } }, { grafana: chartData('grafana')! })).toEqual([]);
    expect(valuesProblems(kps, { grafana: { persistance: { enabled: true } } }, { grafana: chartData('grafana')! }))
      .toEqual(['grafana.persistance: not a value of grafana 12.11.1 (not in its values.yaml)']);
  });
});
