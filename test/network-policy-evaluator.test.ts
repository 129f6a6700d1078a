/**
 * The NetworkPolicy evaluator of test/support/network-policy.ts against Kubernetes' semantics,
 * on hand-written policies in Terraform's JSON.
 */
import { errorOf, StackJson } from './helpers';
import { address, connection, Endpoint, inCidr, pod, policiesOf, PolicySpec, selects } from './support/network-policy';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A stack with the given NetworkPolicies (their `spec` in Terraform's JSON), in namespace `ns`. */
function stackOf(policies: Record<string, Json>): StackJson {
  const out: Record<string, Json> = {};
  for (const [name, spec] of Object.entries(policies)) out[name] = { metadata: { name, namespace: 'ns' }, spec };
  return { resource: { kubernetes_network_policy_v1: out } };
}

describe('the NetworkPolicy evaluator', () => {
  const a = pod('a', 'ns', { app: 'a' });
  const b = pod('b', 'ns', { app: 'b' }, { ports: { http: 8080 } });
  const c = pod('c', 'other', { app: 'a' });
  const outside = address('internet', '93.184.216.34');
  const allowed = (p: PolicySpec[], from: Endpoint, to: Endpoint, port: number, protocol = 'TCP') => connection(p, from, to, port, protocol).allowed;

  test('no policy: everything is allowed', () => {
    expect(allowed([], a, b, 1234)).toBe(true);
    expect(allowed([], a, outside, 80)).toBe(true);
  });

  test('a policy isolates only the pods it selects, in the directions it lists; the policy types default from its sections', () => {
    const deny = policiesOf(stackOf({ d: { pod_selector: { match_labels: { app: 'b' } }, policy_types: ['Ingress'] } }));
    expect(allowed(deny, a, b, 8080)).toBe(false);
    expect(allowed(deny, b, a, 8080)).toBe(true); // b is not isolated for egress
    const egressOnly = policiesOf(stackOf({ d: { pod_selector: {}, policy_types: ['Egress'] } }));
    expect(allowed(egressOnly, outside, a, 80)).toBe(true);
    expect(allowed(egressOnly, a, outside, 80)).toBe(false);
    // No policy_types: Ingress, and Egress because it has egress rules.
    const implicit = policiesOf(stackOf({ d: { pod_selector: {}, egress: [{ to: [{ pod_selector: { match_labels: { app: 'b' } } }] }] } }));
    expect(implicit[0].types).toEqual(['Ingress', 'Egress']);
    expect(allowed(implicit, a, b, 1)).toBe(false); // b admits nothing
    expect(policiesOf(stackOf({ d: { pod_selector: {} } }))[0].types).toEqual(['Ingress']);
  });

  test('both ends must agree: the source\'s egress and the destination\'s ingress', () => {
    const p = policiesOf(stackOf({
      deny: { pod_selector: {}, policy_types: ['Ingress', 'Egress'] },
      aOut: { pod_selector: { match_labels: { app: 'a' } }, policy_types: ['Egress'], egress: [{ to: [{ pod_selector: { match_labels: { app: 'b' } } }], ports: [{ port: '8080' }] }] },
    }));
    expect(connection(p, a, b, 8080).why).toMatch(/no ingress rule of ns\/deny/);
    const both = policiesOf(stackOf({
      deny: { pod_selector: {}, policy_types: ['Ingress', 'Egress'] },
      aOut: { pod_selector: { match_labels: { app: 'a' } }, policy_types: ['Egress'], egress: [{ to: [{ pod_selector: { match_labels: { app: 'b' } } }], ports: [{ port: '8080' }] }] },
      bIn: { pod_selector: { match_labels: { app: 'b' } }, policy_types: ['Ingress'], ingress: [{ from: [{ pod_selector: { match_labels: { app: 'a' } } }], ports: [{ port: 'http', protocol: 'TCP' }] }] },
    }));
    expect(allowed(both, a, b, 8080)).toBe(true);
    expect(allowed(both, a, b, 8081)).toBe(false); // the port
    expect(allowed(both, a, b, 8080, 'UDP')).toBe(false); // the protocol
    expect(allowed(both, b, a, 8080)).toBe(false); // the direction
  });

  test('a pod selector alone names pods of the policy\'s namespace; a namespace selector those of other namespaces', () => {
    const p = policiesOf(stackOf({
      bIn: { pod_selector: { match_labels: { app: 'b' } }, policy_types: ['Ingress'], ingress: [{ from: [{ pod_selector: { match_labels: { app: 'a' } } }] }] },
    }));
    expect(allowed(p, a, b, 1)).toBe(true);
    expect(allowed(p, c, b, 1)).toBe(false); // same labels, other namespace
    const cross = policiesOf(stackOf({
      bIn: {
        pod_selector: { match_labels: { app: 'b' } }, policy_types: ['Ingress'],
        ingress: [{ from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'other' } }, pod_selector: { match_labels: { app: 'a' } } }] }],
      },
    }));
    expect(allowed(cross, c, b, 1)).toBe(true);
    expect(allowed(cross, a, b, 1)).toBe(false);
    expect(allowed(cross, pod('d', 'other', { app: 'd' }), b, 1)).toBe(false); // the pod selector holds there too
    const anyInOther = policiesOf(stackOf({ bIn: { pod_selector: {}, policy_types: ['Ingress'], ingress: [{ from: [{ namespace_selector: { match_labels: { team: 'x' } } }] }] } }));
    expect(allowed(anyInOther, pod('e', 'other', {}, { namespaceLabels: { team: 'x' } }), b, 1)).toBe(true);
    expect(allowed(anyInOther, c, b, 1)).toBe(false);
  });

  test('an IP block matches addresses in its range but not in its exceptions, pods by their IP', () => {
    const p = policiesOf(stackOf({
      out: { pod_selector: {}, policy_types: ['Egress'], egress: [{ to: [{ ip_block: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: '443', protocol: 'TCP' }] }] },
    }));
    expect(allowed(p, a, outside, 443)).toBe(true);
    expect(allowed(p, a, address('vpc', '10.1.2.3'), 443)).toBe(false);
    expect(allowed(p, a, pod('x', 'other', {}, { ip: '52.1.1.1' }), 443)).toBe(true);
    expect(allowed(p, a, pod('y', 'other', {}), 443)).toBe(false); // a pod without an IP is not in any block
    expect(inCidr('10.30.255.1', '10.30.0.0/16')).toBe(true);
    expect(inCidr('10.31.0.1', '10.30.0.0/16')).toBe(false);
    expect(inCidr('1.2.3.4', '0.0.0.0/0')).toBe(true);
  });

  test('empty peers or ports admit everything; an end port makes a range; expressions select', () => {
    const p = policiesOf(stackOf({
      in: { pod_selector: {}, policy_types: ['Ingress'], ingress: [{ ports: [{ port: '8000', end_port: 8010, protocol: 'TCP' }] }] },
    }));
    expect(allowed(p, outside, b, 8005)).toBe(true);
    expect(allowed(p, outside, b, 8011)).toBe(false);
    const all = policiesOf(stackOf({ in: { pod_selector: {}, policy_types: ['Ingress'], ingress: [{}] } }));
    expect(allowed(all, outside, b, 1)).toBe(true);
    const sel = { matchLabels: {}, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }, { key: 'canary', operator: 'DoesNotExist', values: [] }] };
    expect(selects(sel, { tier: 'web' })).toBe(true);
    expect(selects(sel, { tier: 'web', canary: 'yes' })).toBe(false);
    expect(selects(sel, { tier: 'db' })).toBe(false);
    expect(selects({ matchLabels: {}, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }, { key: 'x', operator: 'Exists', values: [] }] }, { x: '1' })).toBe(true);
  });

  test('a value known only at plan time must be given; otherwise reading the policy fails', () => {
    const s = stackOf({ out: { pod_selector: {}, policy_types: ['Egress'], egress: [{ to: [{ ip_block: { cidr: '${data.aws_vpc.v.cidr_block}' } }] }] } });
    expect(errorOf(() => policiesOf(s))).toMatch(/data\.aws_vpc\.v\.cidr_block\} is known only at plan time/);
    expect(policiesOf(s, { '${data.aws_vpc.v.cidr_block}': '10.9.0.0/16' })[0].egress[0].peers![0].ipBlock!.cidr).toBe('10.9.0.0/16');
  });
});
