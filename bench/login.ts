// A real sign-in over HTTP, as a browser would do it: visit the tunnel, follow the redirects to
// the IdP, submit its login form, follow the redirects back through the edge's callback and the
// handoff, and keep the cookies. Returns the Cookie header the tunnel host accepts.
// Loopback only: any redirect to another host is refused.
import { request, type Response } from './http-client.ts';

export interface LoginOptions {
  /** e.g. `http://bench.localhost:18002/` */
  startUrl: string;
  email: string;
  password: string;
  /** CA of the IdP's HTTPS certificate. */
  idpCa: string;
}

type Jar = Map<string, Map<string, string>>; // hostname -> cookie name -> value

const LOOPBACK = /^(localhost|[\w-]+\.localhost|127\.0\.0\.1|\[::1\])$/;

export async function loginForCookie(o: LoginOptions): Promise<string> {
  const jar: Jar = new Map();
  const trail: string[] = [];
  let url = new URL(o.startUrl);
  let method = 'GET';
  let body: string | undefined;
  for (let hop = 0; hop < 20; hop++) {
    const res = await send(jar, url, method, body, o.idpCa);
    trail.push(`${method} ${url.origin}${url.pathname} -> ${res.status}`);
    const location = res.headers.location;
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url);
      method = 'GET';
      body = undefined;
      continue;
    }
    if (res.status === 200 && url.pathname.includes('/interaction/') && !body) {
      // The IdP's login form: post the credentials to its action.
      const action = /<form method="post" action="([^"]+\/login)"/.exec(res.body.toString())?.[1];
      if (!action) break;
      url = new URL(action, url);
      method = 'POST';
      body = new URLSearchParams({ login: o.email, password: o.password }).toString();
      continue;
    }
    const start = new URL(o.startUrl);
    if (res.status === 200 && url.host === start.host) {
      const cookies = jar.get(start.hostname);
      if (cookies && cookies.size > 0) return [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    break;
  }
  throw new Error(`sign-in through the IdP did not end on the tunnel with a session:\n  ${trail.join('\n  ')}`);
}

async function send(jar: Jar, url: URL, method: string, body: string | undefined, ca: string): Promise<Response> {
  if (!LOOPBACK.test(url.hostname)) throw new Error(`refusing to leave loopback: ${url.origin}`);
  const headers: Record<string, string> = { accept: 'text/html', 'user-agent': 'gatehouse-bench' };
  const cookies = jar.get(url.hostname);
  if (cookies && cookies.size > 0) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await request({
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    path: url.pathname + url.search,
    host: url.host,
    method,
    headers,
    body,
    ca: url.protocol === 'https:' ? ca : undefined,
  });
  for (const line of res.headers['set-cookie'] ?? []) store(jar, url.hostname, line);
  return res;
}

/** A Cookie header after a response's Set-Cookie lines, as a browser's jar keeps it (one host). */
export function applySetCookies(cookieHeader: string, setCookies: string[]): string {
  const cookies = new Map<string, string>();
  for (const c of cookieHeader.split(';')) {
    const eq = c.indexOf('=');
    if (eq > 0) cookies.set(c.slice(0, eq).trim(), c.slice(eq + 1).trim());
  }
  const jar: Jar = new Map([['', cookies]]);
  for (const line of setCookies) store(jar, '', line);
  return [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

function store(jar: Jar, hostname: string, line: string): void {
  const [pair, ...attrs] = line.split(';');
  const eq = pair!.indexOf('=');
  if (eq < 0) return;
  const name = pair!.slice(0, eq).trim();
  const value = pair!.slice(eq + 1).trim();
  const cookies = jar.get(hostname) ?? new Map<string, string>();
  jar.set(hostname, cookies);
  const expired = attrs.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a));
  if (expired || value === '') cookies.delete(name);
  else cookies.set(name, value);
}
