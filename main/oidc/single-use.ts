// Remembers spent one-time ids (callback states, handoff tokens) until they would have expired
// anyway. Bounded: when full of live entries it refuses new ones (fails closed) rather than grow.

export interface SingleUse {
  /** True the first time `id` is seen before `expiresAtMs`; false on any replay. */
  use(id: string, expiresAtMs: number, nowMs?: number): boolean;
}

export function createSingleUse(maxEntries = 100_000): SingleUse {
  const spent = new Map<string, number>();
  let nextSweep = 0;
  const sweep = (now: number) => {
    for (const [id, exp] of spent) if (exp <= now) spent.delete(id);
    nextSweep = now + 30_000;
  };
  return {
    use(id, expiresAtMs, nowMs = Date.now()) {
      if (expiresAtMs <= nowMs) return false;
      if (nowMs >= nextSweep || spent.size >= maxEntries) sweep(nowMs);
      const prev = spent.get(id);
      if (prev !== undefined && prev > nowMs) return false;
      if (spent.size >= maxEntries) return false;
      spent.set(id, expiresAtMs);
      return true;
    },
  };
}
