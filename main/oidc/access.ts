// Who may enter: the action's allow-lists. Empty lists let in anyone the IdP lets log in; otherwise
// a visitor needs to match at least one entry of any list. Emails and domains count only when the
// IdP says the email is verified; a domain is the exact text after the last `@` (and an address
// with several `@` matches no domain).
import type { Identity, OpenIdConnectConfig } from '../policy/types.ts';

export type AllowLists = OpenIdConnectConfig['allow'];

export function hasAllowLists(allow: AllowLists): boolean {
  return allow.emails.length + allow.domains.length + allow.groups.length > 0;
}

export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return undefined;
  return email.slice(at + 1).toLowerCase();
}

export function isAllowed(identity: Identity, allow: AllowLists): boolean {
  if (!hasAllowLists(allow)) return true;
  const email = identity.emailVerified && identity.email ? identity.email.toLowerCase() : undefined;
  if (email) {
    if (allow.emails.some((e) => e.toLowerCase() === email)) return true;
    // `a@evil.com@company.com` is not a plain company.com mailbox: no domain match for it.
    const domain = email.indexOf('@') === email.lastIndexOf('@') ? emailDomain(email) : undefined;
    if (domain && allow.domains.some((d) => d.toLowerCase().replace(/^@/, '') === domain)) return true;
  }
  return identity.groups.some((g) => allow.groups.includes(g));
}
