// A lean pipe for the per-request hot path: data and end only, with backpressure. Errors are
// handled by the callers, which reset the tunnel stream or destroy the socket themselves.
// Works between Node streams and MuxStreams (which are not Node streams; see protocol/stream.ts).

export interface Source {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  once(event: 'end', listener: () => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

export interface Sink {
  write(chunk: Buffer): boolean;
  end(): unknown;
  once(event: 'drain', listener: () => void): unknown;
}

export function forward(src: Source, dst: Sink): void {
  const resume = () => src.resume();
  src.on('data', (chunk: Buffer) => {
    if (!dst.write(chunk)) {
      src.pause();
      dst.once('drain', resume);
    }
  });
  src.once('end', () => dst.end());
  src.resume();
}
