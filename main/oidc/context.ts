// State shared by the OIDC service (central callback on the edge host) and its per-tunnel actions.
import { createHash } from 'node:crypto';
import type { CustomFetch } from 'openid-client';
import type { Logger } from '../common/log.ts';
import type { OpenIdConnectConfig, TunnelRef } from '../policy/types.ts';
import type { Discovery } from './discovery.ts';
import type { Sealer } from './seal.ts';
import type { SingleUse } from './single-use.ts';
import { LOGIN_PATH, LOGOUT_PATH } from './paths.ts';

/** One openid-connect action, as the central callback sees it. */
export interface ActionEntry {
  tunnel: TunnelRef;
  config: OpenIdConnectConfig;
  /** The action's auth_id, '' when none. */
  auth: string;
  /** Fingerprint of issuer + client: sessions and logins from another IdP/client do not count. */
  cfg: string;
  discovery: Discovery;
  secure: boolean;
  sessionCookie: string;
  txnCookie: string;
}

export interface OidcShared {
  sealer: Sealer;
  spent: SingleUse;
  log: Logger;
  callbackUrl: string;
  postLogoutUrl: string;
  customFetch?: CustomFetch;
  /** Live actions by registryKey(host, auth). */
  registry: Map<string, ActionEntry>;
}

export const registryKey = (host: string, auth: string): string => `${host.toLowerCase()}\n${auth}`;

export function configFingerprint(c: OpenIdConnectConfig): string {
  let issuer = c.issuerUrl;
  try {
    issuer = new URL(c.issuerUrl).href;
  } catch {
    // ready() reports the bad URL; the fingerprint just needs to be stable.
  }
  return createHash('sha256')
    .update(`${issuer}\n${c.clientId}`)
    .digest('base64url')
    .slice(0, 16);
}

/** Cookie names: `__Host-` on https keeps sibling tunnel hosts from planting ours. */
export function cookieNames(secure: boolean, authId: string | undefined): { session: string; txn: string } {
  const prefix = secure ? '__Host-gatehouse_' : '__gatehouse_';
  const suffix = authId ? '_' + authId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40) : '';
  return { session: `${prefix}session${suffix}`, txn: `${prefix}txn${suffix}` };
}

/** `<tunnel public URL><local path>`: every redirect Gatehouse makes to a tunnel is absolute. */
export function tunnelUrl(tunnel: TunnelRef, path: string): string {
  return tunnel.publicUrl.replace(/\/+$/, '') + path;
}

export function loginPath(ret: string): string {
  return `${LOGIN_PATH}?redirect_path=${encodeURIComponent(ret)}`;
}

export function logoutPath(ret: string): string {
  return `${LOGOUT_PATH}?redirect_path=${encodeURIComponent(ret)}`;
}
