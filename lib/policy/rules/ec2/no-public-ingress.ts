import { blocks, PolicyResource, PolicyRule, RuleContext, strings, Violation, violation } from '../../rule';

/**
 * The tag that marks a security group as the public entry point of a
 * gateway or load balancer: `switchyard:exposure = "public"`. Such a group
 * may admit the internet on TCP 80 and 443, nothing else.
 */
export const PUBLIC_EXPOSURE_TAG = 'switchyard:exposure';
/** The value of {@link PUBLIC_EXPOSURE_TAG} that marks a public entry point. */
export const PUBLIC_EXPOSURE_VALUE = 'public';
const PUBLIC_PORTS = [80, 443];
const ANYWHERE = ['0.0.0.0/0', '::/0'];

interface Ingress {
  readonly sources: string[];
  readonly protocol: unknown;
  readonly from: unknown;
  readonly to: unknown;
}

function isPublicEntry(tags: unknown): boolean {
  return typeof tags === 'object' && tags !== null && (tags as Record<string, unknown>)[PUBLIC_EXPOSURE_TAG] === PUBLIC_EXPOSURE_VALUE;
}

/** TCP to exactly port 80 or exactly port 443. */
function isWebPort(i: Ingress): boolean {
  const tcp = String(i.protocol).toLowerCase() === 'tcp' || String(i.protocol) === '6';
  return tcp && i.from === i.to && PUBLIC_PORTS.includes(Number(i.from));
}

function ports(i: Ingress): string {
  const p = String(i.protocol);
  if (p === '-1' || p.toLowerCase() === 'all') return 'all traffic';
  return i.from === i.to ? `${p}/${i.from}` : `${p}/${i.from}-${i.to}`;
}

/** The ingress of the resource and whether its group is marked as a public entry point. */
function ingressOf(r: PolicyResource, ctx: RuleContext): { rules: Ingress[]; marked: boolean } {
  const c = r.config;
  const group = (): PolicyResource | undefined => ctx.referenced(c.security_group_id, ['aws_security_group']);
  switch (r.type) {
    case 'aws_security_group':
      return {
        marked: isPublicEntry(c.tags),
        rules: blocks(c.ingress).map((i) => ({ sources: [...strings(i.cidr_blocks), ...strings(i.ipv6_cidr_blocks)], protocol: i.protocol, from: i.from_port, to: i.to_port })),
      };
    case 'aws_security_group_rule':
      return {
        marked: isPublicEntry(group()?.config.tags),
        rules: c.type === 'ingress' ? [{ sources: [...strings(c.cidr_blocks), ...strings(c.ipv6_cidr_blocks)], protocol: c.protocol, from: c.from_port, to: c.to_port }] : [],
      };
    default: // aws_vpc_security_group_ingress_rule
      return {
        marked: isPublicEntry(c.tags) || isPublicEntry(group()?.config.tags),
        rules: [{ sources: [...strings(c.cidr_ipv4), ...strings(c.cidr_ipv6)], protocol: c.ip_protocol, from: c.from_port, to: c.to_port }],
      };
  }
}

/**
 * SY-EC2-1: security groups admit no ingress from anywhere (0.0.0.0/0, ::/0).
 *
 * Checks inline `ingress` of `aws_security_group`, `aws_security_group_rule`
 * of type ingress and `aws_vpc_security_group_ingress_rule`. The one
 * exception is the public entry point of a gateway or load balancer: a group
 * tagged `switchyard:exposure = "public"` (or, for
 * `aws_vpc_security_group_ingress_rule`, the rule itself) may admit anywhere
 * on TCP 80 and 443, and nothing else. Every other opening, to any port,
 * is a finding (admit a security group or a known CIDR instead).
 *
 * - Checkov: CKV_AWS_24 (port 22), CKV_AWS_25 (port 3389), CKV_AWS_260 (port 80), CKV_AWS_277 (all ports)
 * - AWS FSBP: EC2.18 (unrestricted ingress only on authorized ports), EC2.19 (high-risk ports)
 * - Applies in every tier.
 */
export const noPublicIngress: PolicyRule = {
  id: 'SY-EC2-1',
  title: 'No ingress from 0.0.0.0/0 or ::/0',
  resourceTypes: ['aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule'],
  appliesIn: 'every-tier',
  checkov: ['CKV_AWS_24', 'CKV_AWS_25', 'CKV_AWS_260', 'CKV_AWS_277'],
  fsbp: ['EC2.18', 'EC2.19'],
  check(r, ctx) {
    const { rules, marked } = ingressOf(r, ctx);
    const out: Violation[] = [];
    for (const i of rules) {
      const open = i.sources.filter((s) => ANYWHERE.includes(s));
      if (open.length === 0 || (marked && isWebPort(i))) continue;
      out.push(violation(`ingress ${ports(i)} is open to %v`, open.join(', '), marked
        ? 'a public entry point may admit anywhere on TCP 80 and 443 only: narrow this rule to one of them or to known CIDRs'
        : `admit a security group (referenced_security_group_id) or known CIDRs instead; if this group fronts a public gateway or load balancer on 80/443, tag it ${PUBLIC_EXPOSURE_TAG} = "${PUBLIC_EXPOSURE_VALUE}"`));
    }
    return out;
  },
};
