// Reconnect delays: fast first retries, then exponential with full jitter, capped (~20 s like frp).
export function backoffDelay(attempt: number, baseMs = 250, capMs = 20_000, random = Math.random): number {
  if (attempt <= 0) return 0;
  const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1));
  // Keep at least half the ceiling so a crowd of agents spreads out but none hammers the edge.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
