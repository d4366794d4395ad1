// A private local socket beside the edge's TCP port, for an agent on the same machine (the
// embedded edge's own agent). Over loopback TCP the kernel runs its TCP stack for every write
// on both ends; a Unix socket (a named pipe on Windows) moves the same bytes for about half
// the CPU. The agent still speaks the same WebSocket to the same HTTP server over it.
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { delay } from '../common/wait.ts';

export interface LocalSocket {
  readonly path: string;
  close(): Promise<void>;
}

/** Feed connections on a fresh private socket into `server`, as if they came to its port. */
export async function serveLocalSocket(server: Server): Promise<LocalSocket> {
  let dir: string | null = null;
  let path: string;
  if (process.platform === 'win32') path = `\\\\.\\pipe\\gatehouse-${randomBytes(12).toString('hex')}`;
  else {
    // mkdtemp makes the directory 0700: other users cannot reach the socket inside.
    dir = await mkdtemp(join(os.tmpdir(), 'gatehouse-'));
    path = join(dir, 'edge.sock');
  }
  const ipc = net.createServer((socket) => server.emit('connection', socket));
  try {
    await new Promise<void>((resolve, reject) => {
      ipc.once('error', reject);
      ipc.listen(path, () => {
        ipc.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    if (dir) await rm(dir, { recursive: true, force: true });
    throw new Error(`cannot open the edge's local socket ${path}: ${(err as Error).message}`);
  }
  return {
    path,
    async close() {
      await Promise.race([new Promise<void>((resolve) => ipc.close(() => resolve())), delay(1000)]);
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
