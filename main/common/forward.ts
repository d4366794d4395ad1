// A lean pipe for the per-request hot path: data and end only, with backpressure. Errors are
// handled by the callers, which reset the tunnel stream or destroy the socket themselves.
import type { Readable, Writable } from 'node:stream';

export function forward(src: Readable, dst: Writable): void {
  const resume = () => src.resume();
  src.on('data', (chunk: Buffer) => {
    if (!dst.write(chunk)) {
      src.pause();
      dst.once('drain', resume);
    }
  });
  src.once('end', () => dst.end());
}
