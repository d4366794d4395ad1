// Public shapes of the edge.
export interface EdgeStats {
  agents: number;
  tunnels: number;
  openStreams: number;
  requests: number;
}
