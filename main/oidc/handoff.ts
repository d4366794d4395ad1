// The handoff (Pomerium's pattern): the central callback hands the new session to the tunnel host
// in a URL token that is encrypted and authenticated, bound to that host, single-use and short-lived.
import { randomBytes } from 'node:crypto';
import type { Sealer } from './seal.ts';
import type { SessionData } from './session.ts';
import type { SingleUse } from './single-use.ts';

export interface HandoffToken {
  id: string;
  host: string;
  auth: string;
  /** The transaction this login belongs to; the browser must hold it in its txn cookie. */
  txn: string;
  ret: string;
  /** Expiry, seconds since epoch. */
  exp: number;
  session: SessionData;
}

/** Well under Pomerium's 5 minutes: the browser follows the redirect at once. */
export const HANDOFF_TTL_SEC = 120;

export type HandoffResult = { ok: true; token: HandoffToken } | { ok: false; reason: 'invalid' | 'expired' | 'replayed' };

export function sealHandoff(
  sealer: Sealer,
  t: Omit<HandoffToken, 'id' | 'exp'>,
  nowSec: number,
): string {
  const token: HandoffToken = { ...t, id: randomBytes(16).toString('base64url'), exp: nowSec + HANDOFF_TTL_SEC };
  return sealer.seal('handoff', t.host, token);
}

/** Verifies a handoff token for `host` and spends it. */
export function openHandoff(
  sealer: Sealer,
  host: string,
  token: string | null,
  spent: SingleUse,
  nowSec: number,
): HandoffResult {
  const v = sealer.open('handoff', host, token);
  if (typeof v !== 'object' || v === null) return { ok: false, reason: 'invalid' };
  const t = v as Partial<HandoffToken>;
  if (typeof t.id !== 'string' || t.host !== host || typeof t.auth !== 'string' || typeof t.txn !== 'string')
    return { ok: false, reason: 'invalid' };
  if (typeof t.ret !== 'string' || typeof t.session !== 'object' || t.session === null || !Number.isFinite(t.exp))
    return { ok: false, reason: 'invalid' };
  const exp = t.exp as number;
  if (exp <= nowSec || exp > nowSec + HANDOFF_TTL_SEC + 60) return { ok: false, reason: 'expired' };
  if (!spent.use(`handoff:${t.id}`, exp * 1000, nowSec * 1000)) return { ok: false, reason: 'replayed' };
  return { ok: true, token: t as HandoffToken };
}
