/** IPv4 CIDR arithmetic for validation and subnet planning at synth time. */

export interface Cidr {
  readonly base: number; // network address as an unsigned 32-bit number
  readonly prefix: number;
}

/** Parses `a.b.c.d/n`; undefined when it is not a valid IPv4 CIDR or has host bits set. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  if ((base & hostMask(prefix)) !== 0) return undefined;
  return { base, prefix };
}

function hostMask(prefix: number): number {
  return prefix === 0 ? 0xffffffff : (2 ** (32 - prefix) - 1) >>> 0;
}

/** `a.b.c.d/n` of a parsed CIDR. */
export function formatCidr(c: Cidr): string {
  return `${[24, 16, 8, 0].map((s) => (c.base >>> s) & 255).join('.')}/${c.prefix}`;
}

/** Terraform's `cidrsubnet(prefix, newbits, netnum)`. */
export function cidrSubnet(c: Cidr, newbits: number, netnum: number): Cidr {
  const prefix = c.prefix + newbits;
  if (prefix > 32 || netnum >= 2 ** newbits) throw new Error(`cidrSubnet: ${formatCidr(c)} has no subnet ${netnum} of /${prefix}`);
  return { base: (c.base + netnum * 2 ** (32 - prefix)) >>> 0, prefix };
}

/** True when the two ranges share an address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + hostMask(a.prefix);
  const bEnd = b.base + hostMask(b.prefix);
  return a.base <= bEnd && b.base <= aEnd;
}

/** True when `outer` contains all of `inner`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && (inner.base & ~hostMask(outer.prefix)) >>> 0 === outer.base;
}

/** The RFC 1918 private ranges. */
export const PRIVATE_RANGES: readonly Cidr[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr(c)!);

/** True for 0.0.0.0/0. */
export function isAnywhere(c: Cidr): boolean {
  return c.prefix === 0;
}

/** The documentation ranges of RFC 5737 (TEST-NET-1, -2 and -3): placeholders in examples, nobody's network. */
export const DOCUMENTATION_RANGES: readonly Cidr[] = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'].map((c) => parseCidr(c)!);
