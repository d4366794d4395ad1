// A session's open streams by id: an open-addressed table, not a Map. When V8 rebuilds a Map's
// hash table (it does every few dozen inserts here, as ids only grow), it links the old table
// to the new one for live iterators and leaves the old one's entries in place. Once one such
// table has reached the old generation, the chain keeps every later table, and the streams they
// held, alive through scavenges until a full GC: that promoted each request's whole object graph
// (several KiB). This table only reallocates to grow or shrink, and clears what it leaves.
import { randomInt } from 'node:crypto';

const MIN_BITS = 6; // 64 slots

export class StreamTable<T extends { readonly id: number }> {
  private slots: (T | undefined)[] = new Array<T | undefined>(1 << MIN_BITS).fill(undefined);
  /** The table has 2^bits slots. */
  private bits = MIN_BITS;
  private count = 0;
  /**
   * The peer picks the ids of the streams it opens: a secret seed keeps it from choosing ids
   * that all share a slot (which would make every lookup walk them all).
   */
  private readonly seed: number;

  constructor(seed = randomInt(2 ** 32 - 1)) {
    this.seed = seed;
  }

  get size(): number {
    return this.count;
  }

  get(id: number): T | undefined {
    const { slots } = this;
    const mask = slots.length - 1;
    for (let i = this.home(id); ; i = (i + 1) & mask) {
      const s = slots[i];
      if (s === undefined || s.id === id) return s;
    }
  }

  /** Adds a stream whose id is not in the table. */
  add(stream: T): void {
    if ((this.count + 1) * 2 > this.slots.length) this.resize(this.bits + 1);
    this.place(stream);
    this.count++;
  }

  delete(id: number): boolean {
    const { slots } = this;
    const mask = slots.length - 1;
    let i = this.home(id);
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
      const home = this.home(s.id);
      // s may fill the gap at i unless its home lies cyclically in (i, j].
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        slots[i] = s;
        i = j;
      }
    }
    slots[i] = undefined;
    this.count--;
    if (this.bits > MIN_BITS && this.count * 8 < slots.length) this.resize(this.bits - 1);
    return true;
  }

  values(): T[] {
    return this.slots.filter((s): s is T => s !== undefined);
  }

  clear(): void {
    this.slots.fill(undefined);
    this.count = 0;
  }

  private home(id: number): number {
    return homeSlot(id, this.seed, this.bits);
  }

  private place(stream: T): void {
    const { slots } = this;
    let i = this.home(stream.id);
    while (slots[i] !== undefined) i = (i + 1) & (slots.length - 1);
    slots[i] = stream;
  }

  private resize(bits: number): void {
    const old = this.slots;
    this.slots = new Array<T | undefined>(1 << bits).fill(undefined);
    this.bits = bits;
    for (const s of old) if (s !== undefined) this.place(s);
    // The old array may already be in the old generation: empty it, so it holds nothing alive.
    old.fill(undefined);
  }
}

/**
 * Where an id's probe run starts: the top `bits` bits of MurmurHash3's finalizer over the id
 * and the seed, whose every output bit depends on every input bit.
 */
export function homeSlot(id: number, seed: number, bits: number): number {
  let h = id ^ seed;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> (32 - bits);
}
