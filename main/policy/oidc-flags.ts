// `gatehouse http 3000 --oidc=ISSUER --oidc-client-id=ID ...` as a policy: one openid-connect
// action, so flags and policy files share one mechanism. Flags and a policy file that already
// has an openid-connect action are refused rather than merged by guesswork.
import { PolicyError } from './errors.ts';
import type { PolicyIssue } from './errors.ts';
import type { PolicyDocument } from './types.ts';
import { validatePolicy } from './validate.ts';

export interface OidcFlags {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** `--oidc-scope`, repeatable; default openid, profile, email. */
  scopes?: string[];
  allowEmails?: string[];
  allowDomains?: string[];
  allowGroups?: string[];
  /** The claim that lists the user's groups (the app's "Groups claim" setting); default `groups`. */
  groupsClaim?: string;
  /** `basic` and `post` are accepted as short forms. */
  authMethod?: 'client_secret_basic' | 'client_secret_post' | 'none' | 'basic' | 'post';
}

/** Config field → the flag a user typed, for messages about flags. */
const FLAG_OF: Record<string, string> = {
  issuer_url: '--oidc',
  client_id: '--oidc-client-id',
  client_secret: '--oidc-client-secret',
  scopes: '--oidc-scope',
  allow_emails: '--oidc-allow-email',
  allow_domains: '--oidc-allow-domain',
  allow_groups: '--oidc-allow-group',
  token_endpoint_auth_method: '--oidc-auth-method',
};

export function policyFromOidcFlags(o: OidcFlags): PolicyDocument {
  return { on_http_request: [oidcRule(o)] };
}

function oidcRule(o: OidcFlags): Record<string, unknown> {
  const config: Record<string, unknown> = { issuer_url: o.issuer, client_id: o.clientId };
  if (o.clientSecret !== undefined) config.client_secret = o.clientSecret;
  if (o.scopes?.length) config.scopes = [...o.scopes];
  if (o.allowEmails?.length) config.allow_emails = [...o.allowEmails];
  if (o.allowDomains?.length) config.allow_domains = [...o.allowDomains];
  if (o.allowGroups?.length) config.allow_groups = [...o.allowGroups];
  if (o.groupsClaim && o.groupsClaim !== 'groups') config.groups_claim = o.groupsClaim;
  if (o.authMethod !== undefined) {
    config.token_endpoint_auth_method = o.authMethod === 'basic' ? 'client_secret_basic' : o.authMethod === 'post' ? 'client_secret_post' : o.authMethod;
  }
  return { actions: [{ type: 'openid-connect', config }] };
}

/** Validates the flags alone; a PolicyError names the flag (`--oidc must be an https URL`). */
export function checkOidcFlags(o: OidcFlags): void {
  try {
    validatePolicy(policyFromOidcFlags(o));
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    throw new PolicyError(e.issues.map(toFlagIssue));
  }
}

function toFlagIssue(issue: PolicyIssue): PolicyIssue {
  const m = /config\.([a-z_]+)(.*)$/.exec(issue.path);
  const flag = m ? FLAG_OF[m[1] as string] : undefined;
  return { path: flag ? `${flag}${m?.[2] ?? ''}` : issue.path, message: issue.message };
}

/** True when the document's on_http_request has an openid-connect action. */
export function hasOpenIdConnectAction(doc: PolicyDocument): boolean {
  const rules = doc.on_http_request;
  if (!Array.isArray(rules)) return false;
  return rules.some((rule: unknown) => {
    const actions = (rule as { actions?: unknown } | null)?.actions;
    return Array.isArray(actions) && actions.some((a: unknown) => (a as { type?: unknown } | null)?.type === 'openid-connect');
  });
}

/**
 * The flags' openid-connect rule put first in the policy's on_http_request (so the policy's
 * own rules see the identity). Returns a new document; `doc` is not changed.
 */
export function mergeOidcFlags(doc: PolicyDocument, flags: OidcFlags | undefined, file = 'the policy file'): PolicyDocument {
  if (!flags) return doc;
  if (hasOpenIdConnectAction(doc)) {
    throw new PolicyError([{ path: '', message: `--oidc flags and an openid-connect action in ${file}: use one or the other` }]);
  }
  const rules = Array.isArray(doc.on_http_request) ? (doc.on_http_request as unknown[]) : [];
  return { ...doc, on_http_request: [oidcRule(flags), ...rules] };
}
