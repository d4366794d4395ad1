// Which tunnel answers which hostname, and which agent connections carry it. A tunnel may be
// carried by several connections of the same agent (each request picks a live one); when the
// last one drops, the name stays reserved for that agent for a while so a reconnect gets it back.
import type { MuxSession } from '../protocol/session.ts';
import type { HttpPolicy, TunnelRef } from '../policy/types.ts';

export interface Tunnel extends TunnelRef {
  /** The agent that owns the name. */
  agentId: string;
  /** The local address the agent forwards to, for error pages ("the app at localhost:3000"). */
  addr: string;
  policy: HttpPolicy | null;
  sessions: MuxSession[];
  /** When the last connection dropped; the name is held for its agent until RESERVE_MS later. */
  offlineSince: number | null;
  /** Round-robin cursor over sessions. */
  cursor: number;
  /** Visitor requests being answered now (the edge's per-tunnel limit; counted by proxyRequest). */
  inFlight: number;
}

const RESERVE_MS = 60_000;

export class TunnelRegistry {
  private readonly byHost = new Map<string, Tunnel>();

  get size(): number {
    return this.byHost.size;
  }

  get(hostname: string): Tunnel | undefined {
    const t = this.byHost.get(hostname);
    if (t && t.offlineSince !== null && Date.now() - t.offlineSince > RESERVE_MS) {
      this.delete(t);
      return undefined;
    }
    return t;
  }

  /** Who holds the name now: 'free', 'mine' (same agent, e.g. a reconnect or a second connection) or 'taken'. */
  claim(hostname: string, agentId: string): 'free' | 'mine' | 'taken' {
    const t = this.get(hostname);
    if (!t) return 'free';
    return t.agentId === agentId ? 'mine' : 'taken';
  }

  /** Add a connection to a tunnel, creating it (or replacing its policy) as needed. */
  attach(ref: TunnelRef, agentId: string, addr: string, policy: HttpPolicy | null, session: MuxSession): Tunnel {
    let t = this.get(ref.hostname);
    if (!t) {
      t = { ...ref, agentId, addr, policy, sessions: [], offlineSince: null, cursor: 0, inFlight: 0 };
      this.byHost.set(ref.hostname, t);
    } else {
      if (t.policy !== policy) t.policy?.close();
      t.policy = policy;
      t.addr = addr;
    }
    if (!t.sessions.includes(session)) t.sessions.push(session);
    t.offlineSince = null;
    return t;
  }

  /** A connection went away: the tunnel no longer uses it (offline, name reserved, when it was the last). */
  detach(t: Tunnel, session: MuxSession): void {
    const i = t.sessions.indexOf(session);
    if (i < 0) return;
    t.sessions.splice(i, 1);
    if (t.sessions.length === 0) t.offlineSince = Date.now();
  }

  /** The agent asked to stop the tunnel: free the name at once. */
  release(hostname: string, agentId: string): void {
    const t = this.byHost.get(hostname);
    if (t && t.agentId === agentId) this.delete(t);
  }

  delete(t: Tunnel): void {
    this.byHost.delete(t.hostname);
    t.policy?.close();
  }

  /** A live connection for a new request, round robin (never `avoid`); null when the agent is offline. */
  pick(t: Tunnel, avoid?: MuxSession): MuxSession | null {
    const n = t.sessions.length;
    let fallback: MuxSession | null = null;
    for (let i = 0; i < n; i++) {
      const s = t.sessions[(t.cursor + i) % n]!;
      if (s.isDraining || s === avoid) continue;
      // A connection that has gone quiet (no heartbeat answer yet) gets requests only when
      // nothing better is left: it may be dead without anyone knowing so far.
      if (s.isQuiet) {
        fallback ??= s;
        continue;
      }
      t.cursor = (t.cursor + i + 1) % n;
      return s;
    }
    return fallback;
  }

  clear(): void {
    for (const t of this.byHost.values()) t.policy?.close();
    this.byHost.clear();
  }
}
