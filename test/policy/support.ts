import * as path from 'path';
import { App, PlatformRef, Policy, TierStack } from '../../lib';
import { PolicyFinding } from '../../lib/exports/policy';
import { IConstruct, TerraformResource } from '../../lib/private/cdk';
import { tiers } from '../fixtures';
import { tempDir } from '../helpers';

/** A tier stack named `things-<tier>` in a new app (region eu-west-1 whatever the tier), with a kubeconfig cluster for Kubernetes resources. */
export function tierStack(tierName = 'prod', app = new App({ outdir: path.join(tempDir(), 'cdktf.out') })): TierStack {
  const stack = new TierStack(app, `things-${tierName}`, { tier: tiers().get(tierName), region: 'eu-west-1' });
  stack.useCluster(PlatformRef.fromKubeconfig({ context: 'kind-test' }).connection);
  return stack;
}

/**
 * A resource of any type, written in Terraform's own terms: every attribute
 * is set as an override, so the test states exactly what Terraform will read.
 * Its address is `<type>.<id>`.
 */
export function raw(scope: IConstruct, id: string, type: string, attrs: Record<string, unknown>, provider?: TerraformResource['provider']): TerraformResource {
  const r = new TerraformResource(scope, id, {
    terraformResourceType: type,
    terraformGeneratorMetadata: { providerName: type.split('_')[0] },
    provider,
  });
  r.overrideLogicalId(id);
  for (const [k, v] of Object.entries(attrs)) r.addOverride(k, v);
  return r;
}

/** The findings of `rule` (all rules when omitted) on the stack, checked now. */
export function findings(stack: TierStack, rule?: string): PolicyFinding[] {
  return Policy.check(stack).filter((f) => rule === undefined || f.rule === rule);
}

/** A deep copy with `patch` applied to it. */
export function patched<T>(value: T, patch: (copy: T) => void): T {
  const copy = JSON.parse(JSON.stringify(value)) as T;
  patch(copy);
  return copy;
}

/** One compliant and one non-compliant case of a rule. */
export interface RuleCase {
  readonly rule: string;
  /** What the non-compliant case breaks. */
  readonly what: string;
  /** @default "prod" */
  readonly tier?: string;
  /** Declares the compliant resources. */
  readonly good: (stack: TierStack) => void;
  /** Declares the non-compliant resources. */
  readonly bad: (stack: TierStack) => void;
  /** What the finding's message says (the offending value), and the address it names. */
  readonly message: RegExp;
  readonly address: string;
}

/**
 * Runs the cases: the compliant one has no finding of its rule, the
 * non-compliant one exactly the expected finding (message, address, path,
 * severity of the tier).
 */
export function runCases(cases: RuleCase[]): void {
  test.each(cases.map((c) => [`${c.rule} ${c.what}`, c] as const))('%s', (_name, c) => {
    const tier = c.tier ?? 'prod';
    const good = tierStack(tier);
    c.good(good);
    expect(findings(good, c.rule)).toEqual([]);

    const bad = tierStack(tier);
    c.bad(bad);
    const found = findings(bad, c.rule);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatchObject({ rule: c.rule, address: c.address, tier, stack: `things-${tier}`, suppressed: false, severity: Policy.severityIn(tiers().get(tier)) });
    expect(found.map((f) => f.message).join('\n')).toMatch(c.message);
    expect(found[0].path.startsWith(`things-${tier}/`)).toBe(true);
    expect(found[0].fix.length).toBeGreaterThan(10);
  });
}
