// The agent's connection to its embedded edge: bigger reads than libuv's 64 KiB, every byte
// intact and in order (no slab slice written twice), pause() that holds data back, and 'end'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectBigReads } from '../../main/common/big-read-socket.ts';

test('big reads: 4 MiB arrive intact in reads over 64 KiB; pause holds them back; end arrives', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gh-bigread-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sockPath = path.join(dir, 's');
  const payload = randomBytes(4 * 1024 * 1024);
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const server = net.createServer(async (c) => {
    // First a burst the client reads while paused-then-resumed, then the rest, then FIN.
    c.write(payload.subarray(0, 1024 * 1024));
    await released;
    c.end(payload.subarray(1024 * 1024));
  });
  server.listen(sockPath);
  await once(server, 'listening');
  t.after(() => server.close());

  const socket = connectBigReads(sockPath);
  const chunks: Buffer[] = [];
  let received = 0;
  socket.on('data', (c: Buffer) => {
    chunks.push(c);
    received += c.length;
  });
  const ended = once(socket, 'end');
  await once(socket, 'connect');

  // Paused at once, the socket must deliver nothing more until resumed.
  socket.pause();
  const heldAt = received;
  await sleep(100);
  assert.equal(received, heldAt, 'no data while paused');
  socket.resume();
  release();
  await ended;
  socket.destroy();

  assert.ok(Buffer.concat(chunks).equals(payload), 'every byte, in order, after all reads (earlier slices untouched)');
  const biggest = Math.max(...chunks.map((c) => c.length));
  assert.ok(biggest > 64 * 1024, `some read took more than 64 KiB (largest ${biggest})`);
});
