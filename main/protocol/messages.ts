// What travels in HEADERS and CONTROL frames. Small JSON metadata only; bodies are DATA frames.
import type { PolicyDocument } from '../policy/types.ts';

/** Where agents open their WebSocket on an edge's own host. */
export const AGENT_PATH = '/.gatehouse/agent';

/** Request head, sent by the edge with SYN when it opens a stream for a visitor request. */
export interface RequestHead {
  method: string;
  /** Path and query as the visitor sent them. */
  url: string;
  /** Raw header pairs, in order, duplicates kept. */
  headers: [string, string][];
  /** True when the visitor asked for a protocol upgrade (WebSocket). */
  upgrade?: boolean;
  tunnel: string;
}

/** Response head, sent by the agent before the body. `error` instead when the local app could not be reached. */
export interface ResponseHead {
  status: number;
  headers: [string, string][];
  error?: string;
}

export type ControlMessage =
  | { t: 'hello'; agentId: string; version: string }
  | { t: 'welcome'; edgeVersion: string; /** The edge's public base URL (its OIDC callback lives there). */ baseUrl: string }
  | { t: 'bind'; id: number; name?: string; addr: string; policy?: PolicyDocument }
  | { t: 'bound'; id: number; name: string; publicUrl: string }
  | { t: 'bind-error'; id: number; code: BindErrorCode; message: string }
  | { t: 'unbind'; name: string };

export type BindErrorCode = 'name-taken' | 'invalid-name' | 'invalid-policy' | 'policy-failed' | 'limit' | 'not-allowed';

export function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

export function decodeJson<T>(payload: Buffer): T {
  return JSON.parse(payload.toString('utf8')) as T;
}
