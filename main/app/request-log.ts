// The inspector's memory: the most recent requests, oldest dropped first.
import type { RequestView } from '../../preload/contract.ts';
import { Ring } from '../common/ring.ts';

export class RequestLog {
  private readonly items: Ring<RequestView>;

  constructor(cap = 500) {
    this.items = new Ring(cap);
  }

  add(r: RequestView): void {
    this.items.push(r);
  }

  /** Newest first. */
  list(tunnelId?: string): RequestView[] {
    const all = this.items.newest(this.items.capacity);
    return tunnelId ? all.filter((r) => r.tunnelId === tunnelId) : all;
  }

  clear(tunnelId?: string): void {
    this.items.retain((r) => tunnelId !== undefined && r.tunnelId !== tunnelId);
  }
}
