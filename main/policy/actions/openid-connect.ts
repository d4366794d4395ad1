// `openid-connect`: validates ngrok's fields (plus Gatehouse's allow-lists and client
// authentication method) into an OpenIdConnectConfig. The login flow itself is main/oidc/.
import type { FieldReader } from '../fields.ts';
import type { OpenIdConnectConfig } from '../types.ts';
import { isLoopbackName } from '../../common/loopback.ts';

export const DEFAULT_SCOPES = ['openid', 'profile', 'email'];
export const DEFAULT_MAX_SESSION_SEC = 7 * 86400;
export const DEFAULT_IDLE_SESSION_SEC = 24 * 3600;

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
type AuthMethod = (typeof AUTH_METHODS)[number];
/** Parameters the login flow sets itself; letting a policy override them would break it. */
export const RESERVED_AUTHZ_PARAMS: ReadonlySet<string> = new Set(['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'response_mode', 'request', 'request_uri']);
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export function validateOpenIdConnect(r: FieldReader): OpenIdConnectConfig | undefined {
  const issuerUrl = issuer(r);
  const clientId = noCel(r, 'client_id', r.string('client_id', { required: true }));
  const clientSecret = noCel(r, 'client_secret', r.string('client_secret'));
  const scopes = readScopes(r);
  const authId = r.string('auth_id');
  if (authId !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(authId)) r.fail('auth_id', 'must be 1 to 64 letters, digits, "-" or "_"');
  const authzUrlParams = readAuthzParams(r);
  const maxSessionDurationSec = r.duration('max_session_duration', 60) ?? DEFAULT_MAX_SESSION_SEC;
  const idleSessionDurationSec = r.duration('idle_session_duration', 60) ?? DEFAULT_IDLE_SESSION_SEC;
  const userinfoRefreshIntervalSec = r.duration('userinfo_refresh_interval', 1);
  const allowCorsPreflight = r.bool('allow_cors_preflight') ?? false;
  const tokenEndpointAuthMethod = authMethod(r, clientSecret);
  const groupsClaim = r.string('groups_claim') ?? 'groups';
  if (!groupsClaim.trim()) r.fail('groups_claim', 'must not be empty');
  const emails = r.stringList('allow_emails', { what: 'email addresses' }) ?? [];
  emails.forEach((e, i) => {
    if (!/^[^@\s]+@[^@\s]+$/.test(e)) r.issues.add([...r.at('allow_emails'), i], 'is not an email address');
  });
  const domains = (r.stringList('allow_domains', { what: 'domains' }) ?? []).map((d) => d.toLowerCase());
  domains.forEach((d, i) => {
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(d)) r.issues.add([...r.at('allow_domains'), i], 'is not a domain (write acme.com, without "@")');
  });
  const groups = r.stringList('allow_groups', { what: 'group names' }) ?? [];
  r.finish('openid-connect', {
    auth_cookie_domain: 'is not supported by Gatehouse: the session cookie always stays on the tunnel host',
    idle_session_timeout: "is the oauth action's name; openid-connect calls it idle_session_duration",
  });
  if (issuerUrl === undefined || clientId === undefined) return undefined;
  return {
    issuerUrl,
    clientId,
    ...(clientSecret !== undefined ? { clientSecret } : {}),
    scopes,
    ...(authId !== undefined ? { authId } : {}),
    authzUrlParams,
    maxSessionDurationSec,
    idleSessionDurationSec,
    ...(userinfoRefreshIntervalSec !== undefined ? { userinfoRefreshIntervalSec } : {}),
    allowCorsPreflight,
    tokenEndpointAuthMethod,
    groupsClaim,
    allow: { emails: emails.map((e) => e.toLowerCase()), domains, groups },
  };
}

function issuer(r: FieldReader): string | undefined {
  const text = r.string('issuer_url', { required: true });
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return r.fail('issuer_url', 'must be an https URL');
  }
  const loopback = isLoopbackName(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return r.fail('issuer_url', 'must be an https URL (http is allowed only for localhost, 127.0.0.1 and [::1])');
  }
  if (url.username || url.password || url.search || url.hash) {
    return r.fail('issuer_url', 'must not contain credentials, a query or a fragment');
  }
  return text.trim();
}

// ngrok lets client_id/client_secret read vault secrets through CEL; Gatehouse keeps secrets
// in the OS keychain instead, so `${` here is a mistake, not a feature.
function noCel(r: FieldReader, key: string, value: string | undefined): string | undefined {
  if (value?.includes('${')) return r.fail(key, 'cannot use ${...} interpolation');
  return value;
}

function readScopes(r: FieldReader): string[] {
  const list = r.stringList('scopes', { what: 'scopes' });
  if (!list) return [...DEFAULT_SCOPES];
  list.forEach((s, i) => {
    if (!SCOPE_TOKEN.test(s)) r.issues.add([...r.at('scopes'), i], 'is not a valid scope (one word, no spaces or quotes)');
  });
  // OpenID Connect needs `openid`; ngrok's scopes are "additional", so add it rather than fail.
  return [...new Set(list.includes('openid') ? list : ['openid', ...list])];
}

function readAuthzParams(r: FieldReader): Record<string, string> {
  const entries = r.stringMap('authz_url_params', { what: 'parameter names to strings' }) ?? [];
  const out: [string, string][] = [];
  for (const [k, v] of entries) {
    if (RESERVED_AUTHZ_PARAMS.has(k)) r.issues.add([...r.at('authz_url_params'), k], 'is set by the login flow and cannot be overridden');
    else out.push([k, v]);
  }
  return Object.fromEntries(out);
}

function authMethod(r: FieldReader, secret: string | undefined): AuthMethod {
  const text = r.string('token_endpoint_auth_method');
  if (text === undefined) return secret !== undefined ? 'client_secret_basic' : 'none';
  if (!(AUTH_METHODS as readonly string[]).includes(text)) {
    r.fail('token_endpoint_auth_method', `must be one of ${AUTH_METHODS.join(', ')}`);
    return 'client_secret_basic';
  }
  const method = text as AuthMethod;
  if (method !== 'none' && secret === undefined) r.fail('token_endpoint_auth_method', `${method} needs client_secret`);
  if (method === 'none' && secret !== undefined) r.fail('client_secret', 'must be left out when token_endpoint_auth_method is none');
  return method;
}
