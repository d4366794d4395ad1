// Starts bench/upstream.ts in its own process and talks to its control endpoints directly.
import { fileURLToPath } from 'node:url';
import { spawnChild, waitForOutput, type Child } from './procs.ts';
import { request } from './http-client.ts';

const SCRIPT = fileURLToPath(new URL('./upstream.ts', import.meta.url));

export interface Upstream {
  child: Child;
  port: number;
  held(): Promise<number>;
  release(): Promise<number>;
  stop(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const child = spawnChild('upstream', process.execPath, [SCRIPT, '0']);
  const m = await waitForOutput(child, /listening (\d+)/);
  const port = Number(m[1]);
  const ctl = async (method: string, path: string) => {
    const r = await request({ port, method, path, host: `127.0.0.1:${port}` });
    if (r.status !== 200) throw new Error(`upstream ${path}: HTTP ${r.status}`);
    return Number(r.body.toString());
  };
  return {
    child,
    port,
    held: () => ctl('GET', '/held'),
    release: () => ctl('POST', '/release'),
    stop: () => child.stop(),
  };
}
