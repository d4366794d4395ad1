// A fetch for openid-client that trusts an extra CA (a test IdP, a company CA) in-process:
// NODE_EXTRA_CA_CERTS is only read at process start, and Node's global fetch takes no CA option.
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { CustomFetch } from 'openid-client';

const MAX_RESPONSE_BYTES = 1024 * 1024;

export function fetchTrustingCa(extraCaPem: string | Buffer): CustomFetch {
  // No keep-alive: IdP calls are few, and a pooled socket the IdP has just closed would fail a
  // code exchange (ECONNRESET) that cannot safely be retried.
  const agent = new https.Agent({ ca: [...rootCertificates, extraCaPem.toString()], keepAlive: false });
  return (url, options) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      const mod = target.protocol === 'https:' ? https : http;
      const body = bodyBytes(options.body);
      const headers: Record<string, string> = { ...options.headers };
      if (body) headers['content-length'] = String(body.length);
      const req = mod.request(
        target,
        {
          method: options.method,
          headers,
          agent: target.protocol === 'https:' ? agent : undefined,
          signal: options.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_RESPONSE_BYTES) req.destroy(new Error(`response from ${target.origin} is too large`));
            else chunks.push(c);
          });
          res.on('end', () => {
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (Array.isArray(v)) v.forEach((x) => h.append(k, x));
              else if (v !== undefined) h.set(k, v);
            }
            const status = res.statusCode ?? 502;
            const noBody = status === 204 || status === 304 || options.method === 'HEAD';
            try {
              resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, headers: h }));
            } catch (err) {
              reject(new TypeError('fetch failed', { cause: err }));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', (err) => reject(new TypeError('fetch failed', { cause: err })));
      req.end(body);
    });
}

function bodyBytes(b: unknown): Buffer | undefined {
  if (b === undefined || b === null) return undefined;
  if (typeof b === 'string') return Buffer.from(b);
  if (b instanceof URLSearchParams) return Buffer.from(b.toString());
  if (b instanceof Uint8Array) return Buffer.from(b);
  if (b instanceof ArrayBuffer) return Buffer.from(new Uint8Array(b));
  throw new TypeError('unsupported request body for the IdP fetch');
}
