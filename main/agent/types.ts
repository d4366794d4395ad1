// Public shapes of the agent: what the CLI, the app service and the UI see of it.
import type { PolicyDocument } from '../policy/types.ts';

export type AgentState = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface AgentStateEvent {
  state: AgentState;
  /** Why the state changed, in words a user understands (e.g. "edge unreachable: ECONNREFUSED 127.0.0.1:8080"). */
  reason?: string;
  /** For `reconnecting`: when the next attempt happens (ms since epoch). */
  retryAt?: number;
}

export interface TunnelSpec {
  /** Local address: `3000`, `localhost:3000`, `127.0.0.1:3000` or `http://host:port`. */
  addr: string;
  /** The name asked for (`--url`); a random 8-character one when absent. */
  name?: string;
  /** Traffic policy sent to the edge, which compiles and enforces it. */
  policy?: PolicyDocument;
}

export interface TunnelInfo {
  name: string;
  publicUrl: string;
  /** Normalised local URL, e.g. `http://localhost:3000`. */
  addr: string;
  proto: 'http';
}

/** One entry of the request log (the inspector). */
export interface RequestLogEntry {
  id: string;
  tunnel: string;
  startedAt: number;
  durationMs: number;
  method: string;
  path: string;
  status: number;
  /** The signed-in visitor's email, when SSO is on. */
  user?: string;
  requestHeaders: [string, string][];
  responseHeaders: [string, string][];
}
