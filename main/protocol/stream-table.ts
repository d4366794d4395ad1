// A session's open streams by id: an open-addressed table, not a Map. When V8 rebuilds a Map's
// hash table (it does every few dozen inserts here, as ids only grow), it links the old table
// to the new one for live iterators and leaves the old one's entries in place. Once one such
// table has reached the old generation, the chain keeps every later table, and the streams they
// held, alive through scavenges until a full GC: that promoted each request's whole object graph
// (several KiB). This table only reallocates to grow or shrink, and clears what it leaves.

const MIN_CAPACITY = 64;

export class StreamTable<T extends { readonly id: number }> {
  private slots: (T | undefined)[] = new Array<T | undefined>(MIN_CAPACITY).fill(undefined);
  private mask = MIN_CAPACITY - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: number): T | undefined {
    for (let i = slotOf(id, this.mask); ; i = (i + 1) & this.mask) {
      const s = this.slots[i];
      if (s === undefined || s.id === id) return s;
    }
  }

  /** Adds a stream whose id is not in the table. */
  add(stream: T): void {
    if ((this.count + 1) * 2 > this.slots.length) this.resize(this.slots.length * 2);
    this.place(stream);
    this.count++;
  }

  delete(id: number): boolean {
    const { slots, mask } = this;
    let i = slotOf(id, mask);
    for (;;) {
      const s = slots[i];
      if (s === undefined) return false;
      if (s.id === id) break;
      i = (i + 1) & mask;
    }
    // Backward-shift deletion: move later entries of the probe run into the gap, so lookups
    // never need tombstones.
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const s = slots[j];
      if (s === undefined) break;
      const home = slotOf(s.id, mask);
      // s may fill the gap at i unless its home lies cyclically in (i, j].
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        slots[i] = s;
        i = j;
      }
    }
    slots[i] = undefined;
    this.count--;
    if (slots.length > MIN_CAPACITY && this.count * 8 < slots.length) this.resize(slots.length / 2);
    return true;
  }

  values(): T[] {
    return this.slots.filter((s): s is T => s !== undefined);
  }

  clear(): void {
    this.slots.fill(undefined);
    this.count = 0;
  }

  private place(stream: T): void {
    let i = slotOf(stream.id, this.mask);
    while (this.slots[i] !== undefined) i = (i + 1) & this.mask;
    this.slots[i] = stream;
  }

  private resize(capacity: number): void {
    const old = this.slots;
    this.slots = new Array<T | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    for (const s of old) if (s !== undefined) this.place(s);
    // The old array may already be in the old generation: empty it, so it holds nothing alive.
    old.fill(undefined);
  }
}

/** Ids of one side are consecutive odd or even numbers: halved, they fill slots in order. */
function slotOf(id: number, mask: number): number {
  return (id >>> 1) & mask;
}
