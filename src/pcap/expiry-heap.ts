/**
 * When finished capture connections may leave the table: a binary min-heap of (time, slot,
 * generation) over typed arrays. An entry whose slot has since been reused (another
 * generation) is stale and skipped by the caller.
 * @module
 */
export class ExpiryHeap {
  private t = new Float64Array(256);
  private slot = new Int32Array(256);
  private gen = new Uint32Array(256);
  /** Entries in the heap. */
  n = 0;

  /** The earliest time (valid when {@link n} > 0). */
  topTime(): number {
    return this.t[0]!;
  }

  topSlot(): number {
    return this.slot[0]!;
  }

  topGen(): number {
    return this.gen[0]!;
  }

  push(t: number, slot: number, gen: number): void {
    if (this.n === this.t.length) {
      const n = this.n * 2;
      const t2 = new Float64Array(n);
      t2.set(this.t);
      this.t = t2;
      const s2 = new Int32Array(n);
      s2.set(this.slot);
      this.slot = s2;
      const g2 = new Uint32Array(n);
      g2.set(this.gen);
      this.gen = g2;
    }
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.t[p]! <= t) break;
      this.t[i] = this.t[p]!;
      this.slot[i] = this.slot[p]!;
      this.gen[i] = this.gen[p]!;
      i = p;
    }
    this.t[i] = t;
    this.slot[i] = slot;
    this.gen[i] = gen;
  }

  /** Remove the earliest entry. */
  pop(): void {
    const n = --this.n;
    if (n === 0) return;
    const t = this.t[n]!;
    const s = this.slot[n]!;
    const g = this.gen[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.t[c + 1]! < this.t[c]!) c++;
      if (this.t[c]! >= t) break;
      this.t[i] = this.t[c]!;
      this.slot[i] = this.slot[c]!;
      this.gen[i] = this.gen[c]!;
      i = c;
    }
    this.t[i] = t;
    this.slot[i] = s;
    this.gen[i] = g;
  }
}
