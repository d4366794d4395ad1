// Gatehouse's memory: VmRSS / VmHWM from /proc, idle and while N requests are held open by the
// upstream (each one a visitor socket, a tunnel stream and a socket to the app).
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import type { Target } from './load.ts';
import type { Upstream } from './upstream-proc.ts';

export interface Mem {
  rssKiB: number;
  hwmKiB: number;
}

export async function readMem(pid: number): Promise<Mem> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${key}`);
    return Number(m[1]);
  };
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
}

export interface HeldStreams {
  /** Resolves when every held request got its 200; rejects on any failure. */
  release(): Promise<void>;
  destroy(): void;
}

/** Opens `n` connections, each sending one GET /hold, and waits until the upstream holds all. */
export async function holdStreams(t: Target, n: number, upstream: Upstream, timeoutMs = 30_000): Promise<HeldStreams> {
  const sockets: net.Socket[] = [];
  const answered: Promise<void>[] = [];
  const req = `GET /hold HTTP/1.1\r\nHost: ${t.host}\r\n${Object.entries(t.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  for (let i = 0; i < n; i++) {
    const s = net.connect(t.port, '127.0.0.1');
    sockets.push(s);
    s.write(req);
    answered.push(
      new Promise<void>((resolve, reject) => {
        let head = '';
        s.on('data', (b: Buffer) => {
          head += b.toString('latin1');
          if (head.includes('\r\n\r\n')) {
            if (head.startsWith('HTTP/1.1 200')) resolve();
            else reject(new Error(`held request answered ${head.split('\r\n')[0]}`));
            s.destroy();
          }
        });
        s.on('error', reject);
        s.on('close', () => reject(new Error('held request closed without an answer')));
      }),
    );
  }
  // Don't let an early rejection go unhandled while we wait.
  const all = Promise.all(answered);
  all.catch(() => {});
  const deadline = Date.now() + timeoutMs;
  while ((await upstream.held()) < n) {
    if (Date.now() > deadline) {
      sockets.forEach((s) => s.destroy());
      throw new Error(`only ${await upstream.held()} of ${n} requests reached the upstream in ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    async release() {
      await upstream.release();
      await all;
    },
    destroy: () => sockets.forEach((s) => s.destroy()),
  };
}
