// One login attempt, sealed into the OAuth `state` parameter so the central callback needs no
// server-side store: which tunnel host and action started it, where to return, and the nonce and
// PKCE verifier. The browser is bound to it by a txn cookie on the tunnel host (checked at handoff).
import type { Sealer } from './seal.ts';

export interface Transaction {
  /** Random id; also the value the txn cookie carries. */
  id: string;
  host: string;
  /** The action's auth_id ('' when none). */
  auth: string;
  ret: string;
  nonce: string;
  pkce: string;
  cfg: string;
  /** Expiry, seconds since epoch. */
  exp: number;
}

export const TXN_TTL_SEC = 600;
/** How many concurrent logins (tabs) one browser may have in flight per action. */
export const MAX_PENDING_TXNS = 5;

const STATE_BINDING = 'oauth2-callback';

export function sealState(sealer: Sealer, t: Transaction): string {
  return sealer.seal('state', STATE_BINDING, t);
}

/** Opens a state parameter; expiry is left to the caller so it can say "expired" rather than "invalid". */
export function openState(sealer: Sealer, state: string | null): Transaction | null {
  const v = sealer.open('state', STATE_BINDING, state);
  if (typeof v !== 'object' || v === null) return null;
  const t = v as Record<string, unknown>;
  for (const k of ['id', 'host', 'auth', 'ret', 'nonce', 'pkce', 'cfg']) if (typeof t[k] !== 'string') return null;
  if (!Number.isFinite(t['exp'])) return null;
  return t as unknown as Transaction;
}

/** The txn cookie holds the ids of the browser's pending logins, newest last. */
export function parseTxnCookie(values: string[]): string[] {
  return values.flatMap((v) => v.split('.')).filter((id) => /^[A-Za-z0-9_-]{16,64}$/.test(id));
}

export function addTxnId(ids: string[], id: string): string {
  return [...ids.filter((x) => x !== id), id].slice(-MAX_PENDING_TXNS).join('.');
}
