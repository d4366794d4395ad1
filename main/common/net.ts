// Listening and closing servers with errors a user can act on.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class ListenError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ListenError';
    this.code = code;
  }
}

/** `host:port`, with an IPv6 host in brackets. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Resolves with the port actually bound (the OS picks one for port 0). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const where = hostPort(host, port);
      if (err.code === 'EADDRINUSE') reject(new ListenError(err.code, `${where} is already in use; stop what is using it or pick another address`));
      else if (err.code === 'EACCES') reject(new ListenError(err.code, `no permission to listen on ${where}`));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new ListenError(err.code, `${where} is not an address of this machine`));
      else reject(new ListenError(err.code ?? 'ERR', `cannot listen on ${where}: ${err.message}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** `host:port`, `:port` or `port` → parts; throws a clear error otherwise. */
export function parseHostPort(value: string, defaultHost: string): { host: string; port: number } {
  const v = value.trim();
  const m = /^\d+$/.test(v) ? [v, undefined, undefined, v] : /^(?:\[([0-9a-f:.]+)\]|([^:[\]]*)):(\d{1,5})$/i.exec(v);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new Error(`"${value}" is not a valid address: use HOST:PORT, e.g. 127.0.0.1:8080`);
  return { host: m[1] ?? (m[2] || defaultHost), port };
}
