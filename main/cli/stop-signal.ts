// How the server commands (http, edge, start) learn to stop.

/**
 * Resolves with the first SIGINT or SIGTERM; a second one exits at once. Call it before a
 * command prints its addresses: whoever reads them (a supervisor, a test) may signal right away,
 * and a signal that comes before its handler kills the process without the graceful stop
 * (seen under CPU load: 4 of 30 runs of `gatehouse http` died that way).
 */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let got = false;
    const on = (signal: NodeJS.Signals) => {
      if (got) process.exit(130);
      got = true;
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
