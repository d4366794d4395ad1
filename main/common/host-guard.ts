// DNS-rebinding guard for local-only HTTP APIs: serve only requests whose Host names a
// loopback address with our port. A rebinding attacker's page carries its own hostname.
import type { IncomingMessage } from 'node:http';
import { hostPort, ListenError } from './net.ts';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The addresses a local-only API may listen on: the ones its Host check lets through. */
export function isGuardedLoopback(host: string): boolean {
  return LOOPBACK.has(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host.toLowerCase());
}

/** Before listening: an address whose every request the Host check would refuse is an error, not a dead server. */
export function assertGuardedLoopback(host: string, port: number): void {
  if (isGuardedLoopback(host)) return;
  throw new ListenError('ENOTLOOPBACK', `${hostPort(host, port)} is not 127.0.0.1, localhost or [::1]: this server answers only local requests (it controls your tunnels)`);
}

export function isLoopbackHost(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host?.toLowerCase();
  if (!host) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (!m) return false;
  return LOOPBACK.has(m[1]!) && Number(m[2] ?? 80) === port;
}
