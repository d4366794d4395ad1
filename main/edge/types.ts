// Public shapes of the edge.
export interface EdgeStats {
  agents: number;
  tunnels: number;
  openStreams: number;
  requests: number;
  /** Body bytes from agents (responses) and to agents (requests). */
  bytesIn: number;
  bytesOut: number;
  /** Last heartbeat round trip of each agent connection. */
  heartbeatRttMs: number[];
}
