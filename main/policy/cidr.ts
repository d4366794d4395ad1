// CIDR sets for restrict-ips. IPv4 and IPv6 rules are kept apart (like Go's net.IPNet): an
// IPv4-mapped client address (::ffff:1.2.3.4, what a dual-stack socket reports) is checked as
// IPv4, and `::/0` never matches an IPv4 client.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export type IpFamily = 'ipv4' | 'ipv6';

export interface Cidr {
  address: string;
  prefix: number;
  family: IpFamily;
}

/** Parses `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = (slash < 0 ? text : text.slice(0, slash)).trim();
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1).trim();
  const family: IpFamily | undefined = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (!family) return undefined;
  const max = family === 'ipv4' ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return { address, prefix, family };
}

export class CidrSet {
  readonly size: number;
  private readonly v4 = new BlockList();
  private readonly v6 = new BlockList();

  constructor(cidrs: readonly Cidr[]) {
    for (const c of cidrs) (c.family === 'ipv4' ? this.v4 : this.v6).addSubnet(c.address, c.prefix, c.family);
    this.size = cidrs.length;
  }

  /** False for anything that is not an IP address. */
  has(ip: string): boolean {
    const addr = normalizeIp(ip);
    if (isIPv4(addr)) return this.v4.check(addr, 'ipv4');
    if (isIPv6(addr)) return this.v6.check(addr, 'ipv6');
    return false;
  }
}

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** Strips an IPv6 zone and unwraps IPv4-mapped IPv6. */
export function normalizeIp(ip: string): string {
  const zone = ip.indexOf('%');
  const addr = zone < 0 ? ip : ip.slice(0, zone);
  const mapped = MAPPED_V4.exec(addr);
  return mapped ? (mapped[1] as string) : addr;
}
