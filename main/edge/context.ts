// The RequestContext the traffic policy runs over, built only for tunnels that have a policy.
import type { IncomingMessage } from 'node:http';
import type { HeaderMap, Identity, Reply, RequestContext, TunnelRef } from '../policy/types.ts';

export class EdgeRequestContext implements RequestContext {
  readonly method: string;
  readonly target: string;
  readonly headers: HeaderMap;
  readonly clientIp: string;
  readonly isUpgrade: boolean;
  readonly tunnel: TunnelRef;
  readonly responseHeaders: HeaderMap = {};
  identity?: Identity;
  replyValue: Reply | null = null;
  private parsedUrl: URL | null = null;

  constructor(req: IncomingMessage, tunnel: TunnelRef, headers: HeaderMap, clientIp: string, isUpgrade: boolean) {
    this.method = req.method ?? 'GET';
    this.target = req.url ?? '/';
    this.headers = headers;
    this.clientIp = clientIp;
    this.isUpgrade = isUpgrade;
    this.tunnel = tunnel;
  }

  /** Parsed on first use: a signed-in request to an ordinary path never needs it. */
  get url(): URL {
    return (this.parsedUrl ??= new URL(this.target, this.tunnel.publicUrl));
  }

  get replied(): boolean {
    return this.replyValue !== null;
  }

  reply(reply: Reply): void {
    if (this.replyValue === null) this.replyValue = reply;
  }
}

/** The visitor's address without the IPv4-mapped IPv6 prefix. */
export function clientIpOf(req: IncomingMessage): string {
  const ip = req.socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
