// The local address a tunnel forwards to: `3000`, `localhost:3000`, `127.0.0.1:3000`, `[::1]:3000`
// or `http://host:port`. Normalised to a URL, with a clear error for anything else.
import { hostPort } from '../common/net.ts';

export interface LocalAddr {
  host: string;
  port: number;
  /** `http://localhost:3000` */
  url: string;
  /** `localhost:3000`, for messages. */
  display: string;
}

export function parseLocalAddr(input: string): LocalAddr {
  const value = String(input).trim();
  const bad = () =>
    new Error(`"${input}" is not a local address: use a port (3000), host:port (localhost:3000) or a URL (http://localhost:3000)`);
  if (/^\d+$/.test(value)) return make('localhost', portOf(value, input));
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw bad();
  }
  if (url.protocol !== 'http:') throw new Error(`"${input}": only http:// local apps are supported`);
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw bad();
  if (!url.hostname) throw bad();
  const port = url.port ? portOf(url.port, input) : 80;
  return make(url.hostname.replace(/^\[|\]$/g, ''), port);
}

function portOf(s: string, input: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`"${input}": the port must be a number from 1 to 65535`);
  return n;
}

function make(host: string, port: number): LocalAddr {
  const hp = hostPort(host, port);
  return { host, port, url: `http://${hp}`, display: hp };
}
