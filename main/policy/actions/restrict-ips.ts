// `restrict-ips`: a client passes when it matches an `allow` CIDR (or there is no allow list)
// and no `deny` CIDR. Only the connection's address counts, never X-Forwarded-For. A client
// address that is not an IP is denied.
import { isIP } from 'node:net';
import { CidrSet, normalizeIp, parseCidr } from '../cidr.ts';
import type { Cidr } from '../cidr.ts';
import type { FieldReader } from '../fields.ts';
import type { RestrictIpsConfig } from '../model.ts';
import type { RequestStep } from './step.ts';

export function validateRestrictIps(r: FieldReader): RestrictIpsConfig | undefined {
  const allow = cidrList(r, 'allow');
  const deny = cidrList(r, 'deny');
  const enforce = r.bool('enforce') ?? true;
  r.finish('restrict-ips', { ip_policies: 'is not supported by Gatehouse: list CIDRs in allow and deny' });
  if (!allow || !deny) return undefined;
  if (!allow.length && !deny.length) {
    r.fail('allow', 'or deny must list at least one CIDR');
    return undefined;
  }
  return { allow, deny, enforce };
}

function cidrList(r: FieldReader, key: string): Cidr[] | undefined {
  const items = r.stringList(key, { what: 'CIDRs' });
  if (!items) return r.has(key) ? undefined : [];
  const out: Cidr[] = [];
  items.forEach((text, i) => {
    const cidr = parseCidr(text);
    if (cidr) out.push(cidr);
    else r.issues.add([...r.at(key), i], 'is not an IPv4 or IPv6 address or CIDR (e.g. 10.0.0.0/8, 2001:db8::/32)');
  });
  return out.length === items.length ? out : undefined;
}

export function restrictIpsStep(config: RestrictIpsConfig): RequestStep {
  if (!config.enforce) return { type: 'restrict-ips', run() {} };
  const allow = new CidrSet(config.allow);
  const deny = new CidrSet(config.deny);
  return {
    type: 'restrict-ips',
    run(ctx) {
      const ip = normalizeIp(ctx.clientIp);
      const allowed = isIP(ip) !== 0 && (allow.size === 0 || allow.has(ip)) && !deny.has(ip);
      if (!allowed) ctx.reply({ status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '403 Forbidden\n' });
    },
  };
}
