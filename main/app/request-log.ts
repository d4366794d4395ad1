// The inspector's memory: the most recent requests, oldest dropped first.
import type { RequestView } from '../../preload/contract.ts';

export class RequestLog {
  private items: RequestView[] = [];
  private readonly cap: number;

  constructor(cap = 500) {
    this.cap = cap;
  }

  add(r: RequestView): void {
    this.items.push(r);
    if (this.items.length > this.cap) this.items.splice(0, this.items.length - this.cap);
  }

  list(tunnelId?: string): RequestView[] {
    const all = tunnelId ? this.items.filter((r) => r.tunnelId === tunnelId) : this.items;
    return all.slice().reverse();
  }

  clear(tunnelId?: string): void {
    this.items = tunnelId ? this.items.filter((r) => r.tunnelId !== tunnelId) : [];
  }
}
