// Small waiting helpers.
export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** Resolve when cond() holds or after timeoutMs, whichever comes first; true if it held. */
export async function waitFor(cond: () => boolean, timeoutMs: number, stepMs = 25): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() >= end) return false;
    await delay(stepMs);
  }
  return true;
}
