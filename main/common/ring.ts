// The last N items of a stream of events (request logs, durations): O(1) per item, where an
// array trimmed with splice would move every element on each request.
export class Ring<T> {
  readonly capacity: number;
  private readonly buf: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.buf = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count < this.capacity) {
      this.buf[(this.start + this.count++) % this.capacity] = item;
    } else {
      this.buf[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.buf[(this.start + i) % this.capacity]!);
    return out;
  }

  /** Up to `n` items, newest first. */
  newest(n: number): T[] {
    const out: T[] = [];
    for (let i = this.count - 1; i >= 0 && out.length < n; i--) out.push(this.buf[(this.start + i) % this.capacity]!);
    return out;
  }

  /** Keep only the items `keep` accepts, in order. */
  retain(keep: (item: T) => boolean): void {
    const kept = this.toArray().filter(keep);
    this.buf.fill(undefined);
    this.start = 0;
    this.count = kept.length;
    kept.forEach((item, i) => (this.buf[i] = item));
  }
}
