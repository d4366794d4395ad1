// A Unix-socket connection that reads up to 256 KiB per syscall instead of libuv's 64 KiB, into
// slices of shared slabs (like Node's Buffer pool), and emits them as ordinary 'data' events.
import net from 'node:net';

const READ_BYTES = 256 * 1024;
const SLAB_BYTES = 1024 * 1024;

export function connectBigReads(path: string): net.Socket {
  let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  let used = 0;
  const socket: net.Socket = net.connect({
    path,
    onread: {
      // Called before each read: the free rest of the slab, or a fresh slab. A slice handed
      // out is never written again, so whoever keeps it (a WebSocket message) can.
      buffer: () => {
        if (SLAB_BYTES - used < READ_BYTES) {
          slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
          used = 0;
        }
        return slab.subarray(used, used + READ_BYTES);
      },
      callback: (n, buf) => {
        used += (n + 7) & ~7;
        socket.emit('data', (buf as Buffer).subarray(0, n));
        return true; // a listener that wants a pause calls socket.pause(), which stops reading
      },
    },
  });
  return socket;
}
