// OpenID Connect discovery for one action: cached once it succeeds, retried after a failure (at
// most every few seconds), and failures explained in words a user can act on.
import * as oidc from 'openid-client';
import type { OpenIdConnectConfig } from '../policy/types.ts';

const DISCOVERY_TIMEOUT_SEC = 10;
const RETRY_AFTER_MS = 2000;

export interface Discovery {
  /** The client configuration; rejects with an IssuerError when discovery fails. */
  get(): Promise<oidc.Configuration>;
}

export class IssuerError extends Error {
  readonly issuerUrl: string;
  constructor(issuerUrl: string, cause: string) {
    super(`OIDC issuer ${issuerUrl}: ${cause}`);
    this.name = 'IssuerError';
    this.issuerUrl = issuerUrl;
  }
}

export function clientAuthFor(cfg: OpenIdConnectConfig): oidc.ClientAuth {
  switch (cfg.tokenEndpointAuthMethod) {
    case 'none':
      return oidc.None();
    case 'client_secret_post':
      return oidc.ClientSecretPost(cfg.clientSecret ?? '');
    default:
      return oidc.ClientSecretBasic(cfg.clientSecret ?? '');
  }
}

export function createDiscovery(cfg: OpenIdConnectConfig, customFetch?: oidc.CustomFetch): Discovery {
  let pending: Promise<oidc.Configuration> | undefined;
  let lastFailure: { at: number; err: IssuerError } | undefined;

  const load = async (): Promise<oidc.Configuration> => {
    let server: URL;
    try {
      server = new URL(cfg.issuerUrl);
    } catch {
      throw new IssuerError(cfg.issuerUrl, 'not a valid URL');
    }
    const metadata: Partial<oidc.ClientMetadata> = {};
    if (cfg.clientSecret && cfg.tokenEndpointAuthMethod !== 'none') metadata.client_secret = cfg.clientSecret;
    try {
      return await oidc.discovery(server, cfg.clientId, metadata, clientAuthFor(cfg), {
        timeout: DISCOVERY_TIMEOUT_SEC,
        ...(customFetch ? { [oidc.customFetch]: customFetch } : {}),
      });
    } catch (err) {
      throw new IssuerError(cfg.issuerUrl, describeDiscoveryError(server, err));
    }
  };

  return {
    get() {
      if (pending) return pending;
      if (lastFailure && Date.now() - lastFailure.at < RETRY_AFTER_MS) return Promise.reject(lastFailure.err);
      pending = load().then(
        (c) => {
          lastFailure = undefined;
          return c;
        },
        (err: IssuerError) => {
          pending = undefined;
          lastFailure = { at: Date.now(), err };
          throw err;
        },
      );
      return pending;
    },
  };
}

function describeDiscoveryError(server: URL, err: unknown): string {
  const wellKnown = new URL(server.href.replace(/\/?$/, '/') + '.well-known/openid-configuration').href;
  const e = err as { name?: string; code?: string; message?: string; cause?: unknown };
  if (e?.code === 'OAUTH_HTTP_REQUEST_FORBIDDEN' || /HTTPS/i.test(e?.message ?? '') && server.protocol !== 'https:')
    return 'the issuer URL must use https';
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError')
    return `unreachable (no answer from ${server.origin} within ${DISCOVERY_TIMEOUT_SEC} s)`;
  if (e?.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') {
    const body = (e.cause as { body?: { issuer?: unknown } } | undefined)?.body;
    return `issuer mismatch: ${wellKnown} names issuer ${JSON.stringify(body?.issuer)}, expected "${server.href}"`;
  }
  if (err instanceof TypeError && e.message === 'fetch failed') return `unreachable (${networkCause(e.cause)})`;
  if (e?.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
    const status = (e.cause as { status?: unknown } | undefined)?.status;
    return `not an OpenID Connect issuer (${wellKnown} answered HTTP ${String(status ?? '?')})`;
  }
  if (e?.code === 'OAUTH_PARSE_ERROR' || e?.code === 'OAUTH_RESPONSE_IS_NOT_JSON' || e?.code === 'OAUTH_INVALID_RESPONSE')
    return `not an OpenID Connect issuer (${wellKnown} is not a discovery document: ${e.message})`;
  return `discovery failed (${e?.message ?? String(err)})`;
}

function networkCause(cause: unknown): string {
  const c = cause as { code?: string; message?: string; cause?: unknown } | undefined;
  if (!c) return 'network error';
  if (c.code === 'ECONNREFUSED') return 'connection refused';
  if (c.code === 'ENOTFOUND' || c.code === 'EAI_AGAIN') return 'host name not found';
  if (c.code === 'ETIMEDOUT') return 'connection timed out';
  if (c.code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(c.code)) return `TLS certificate not trusted: ${c.code}`;
  return c.code ? `${c.code}: ${c.message ?? ''}`.trim() : (c.message ?? 'network error');
}
