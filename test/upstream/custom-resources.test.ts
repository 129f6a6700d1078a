/**
 * Every custom resource Switchyard writes (a `kubernetes_manifest`) against
 * the CRD of the release it pins, from test/data/upstream/crds: the API
 * version is served, the scope fits, and the object fits the CRD's schema
 * (no unknown field: the Kubernetes provider refuses one at plan).
 */
import {
  AddonsStack, AwsLoadBalancerController, CertManager, ClusterIssuer, GatewayApiCrds, PlatformStack,
} from '../../lib';
import { EXAMPLES } from '../examples-list';
import { tiers } from '../fixtures';
import { exampleOutput, resources, StackJson, synth } from '../helpers';
import { schemaProblems } from '../support/openapi-schema';
import { crd } from './upstream';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every manifest of the stacks, with where it is. */
function manifestsOf(stacks: Record<string, StackJson>): Array<{ where: string; manifest: Json }> {
  return Object.entries(stacks).flatMap(([stack, json]) => Object.entries<Json>(resources(json, 'kubernetes_manifest'))
    .map(([name, r]) => ({ where: `${stack}: kubernetes_manifest.${name}`, manifest: r.manifest })));
}

/** What is wrong with a manifest against its CRD (empty when it fits). */
function problemsOf(manifest: Json): string[] {
  const found = crd(manifest.apiVersion, manifest.kind);
  if (!found) return [`no CRD of ${manifest.apiVersion} ${manifest.kind} in test/data/upstream/crds: add the CRD of the release we pin`];
  const problems: string[] = [];
  const namespaced = manifest.metadata?.namespace !== undefined;
  if (namespaced !== (found.scope === 'Namespaced')) problems.push(`metadata.namespace ${namespaced ? 'given' : 'missing'}, but ${manifest.kind} is ${found.scope}`);
  return [...problems, ...schemaProblems(found.schema, manifest)];
}

/** Manifests beyond the examples: the ALB Gateway, an HTTP-01 issuer. */
function variants(): Record<string, StackJson> {
  const staging = tiers().get('staging');
  return synth((app) => {
    const platform = new PlatformStack(app, { tier: staging }).ref;
    new AddonsStack(app, {
      tier: staging,
      platform,
      addons: [
        new GatewayApiCrds(),
        new AwsLoadBalancerController({ gatewayApi: true }),
        new CertManager(),
        new ClusterIssuer({ acme: { email: 'ops@example.com', server: 'staging' } }),
      ],
    });
  }).stacks;
}

describe('custom resources fit the CRDs of the releases we pin', () => {
  test.each(Object.keys(EXAMPLES))('example %s', (name) => {
    const found = manifestsOf(exampleOutput(name).stacks);
    expect(found.length).toBeGreaterThan(0);
    const problems = found.flatMap(({ where, manifest }) => problemsOf(manifest).map((p) => `${where} (${manifest.kind}): ${p}`));
    expect(problems).toEqual([]);
  });

  test('the ALB Gateway and an HTTP-01 issuer', () => {
    const found = manifestsOf(variants());
    expect(found.map((m) => m.manifest.kind).sort()).toEqual(['ClusterIssuer', 'Gateway', 'GatewayClass']);
    expect(found.flatMap(({ where, manifest }) => problemsOf(manifest).map((p) => `${where}: ${p}`))).toEqual([]);
  });

  test('every kind the examples write has its CRD in the data, with the release it belongs to', () => {
    const kinds = new Set(Object.keys(EXAMPLES).flatMap((n) => manifestsOf(exampleOutput(n).stacks).map(({ manifest }) => `${manifest.apiVersion} ${manifest.kind}`)));
    for (const k of kinds) {
      const [apiVersion, kind] = k.split(' ');
      expect({ kind: k, release: crd(apiVersion, kind)?.release ?? 'missing' }).toEqual({ kind: k, release: expect.stringMatching(/\S/) });
      expect(crd(apiVersion, kind)?.source.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });
});

describe('the check finds what it looks for', () => {
  const route = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'api', namespace: 'shop' },
    spec: { parentRefs: [{ name: 'switchyard', namespace: 'gateway-system' }], rules: [{ backendRefs: [{ name: 'api-blue', port: 80, weight: 100 }] }] },
  };

  test('a fitting HTTPRoute passes', () => {
    expect(problemsOf(route)).toEqual([]);
  });

  test('an unknown field, a wrong type, a bad enum value, a missing namespace and an unknown kind are found', () => {
    expect(problemsOf({ ...route, spec: { ...route.spec, hostname: 'x' } })).toEqual([expect.stringMatching(/^spec\.hostname: unknown field/)]);
    expect(problemsOf({ ...route, spec: { ...route.spec, rules: [{ backendRefs: [{ name: 'api-blue', port: '80' }] }] } }))
      .toEqual([expect.stringMatching(/^spec\.rules\[0\]\.backendRefs\[0\]\.port: "80" is not of type integer/)]);
    expect(problemsOf({ ...route, spec: { ...route.spec, rules: [{ matches: [{ path: { type: 'Glob', value: '/' } }] }] } }))
      .toEqual(expect.arrayContaining([expect.stringMatching(/path\.type: "Glob" is not one of/)]));
    expect(problemsOf({ ...route, metadata: { name: 'api' } })).toEqual(['metadata.namespace missing, but HTTPRoute is Namespaced']);
    expect(problemsOf({ ...route, kind: 'HTTPRoutes' })[0]).toMatch(/^no CRD of gateway\.networking\.k8s\.io\/v1 HTTPRoutes/);
  });
});
