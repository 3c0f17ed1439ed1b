/**
 * The capture's connections by 5-tuple: an open-addressing hash of slots (linear probing,
 * backward-shift deletion) over the records of {@link FlowRecords}, looked up by a decoded
 * segment in either direction.
 * @module
 */
import type { Segment } from './decode.js';
import type { FlowRecords } from './flow-record.js';

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The hash of a segment's 5-tuple, the same for both directions of a connection. */
export function segHash(seg: Segment): number {
  const b = seg.abuf;
  let hs = Math.imul(seg.sport, 0x9e3779b1);
  let hd = Math.imul(seg.dport, 0x9e3779b1);
  const words = seg.family === 4 ? 1 : 4;
  for (let w = 0; w < words; w++) {
    const s = seg.srcOff + w * 4;
    const d = seg.dstOff + w * 4;
    hs = Math.imul(hs ^ ((b[s]! << 24) | (b[s + 1]! << 16) | (b[s + 2]! << 8) | b[s + 3]!), 0x27d4eb2d) + w;
    hd = Math.imul(hd ^ ((b[d]! << 24) | (b[d + 1]! << 16) | (b[d + 2]! << 8) | b[d + 3]!), 0x27d4eb2d) + w;
  }
  // A sum is symmetric: both directions of a connection land in the same bucket.
  return fmix((fmix(hs) + fmix(hd)) | 0);
}

export class FlowHash {
  private table = new Int32Array(1024);
  private used = 0;
  /** Side of the last {@link lookup} (0: the segment's source is the slot's side 0). */
  side = 0;

  constructor(private readonly rec: FlowRecords) {}

  /** Does address `side` of a slot equal `n` bytes of b at off? */
  private sameAddr(slot: number, side: number, b: Uint8Array, off: number, n: number): boolean {
    const base = this.rec.addrOff(slot, side);
    const h = this.rec.h8;
    for (let i = 0; i < n; i++) if (h[base + i] !== b[off + i]) return false;
    return true;
  }

  /** The slot of the segment's connection (sets {@link side}), or -1. */
  lookup(seg: Segment, h: number): number {
    const t = this.table;
    const mask = t.length - 1;
    const n = seg.family === 4 ? 4 : 16;
    const b = seg.abuf;
    const rec = this.rec;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = t[i]!;
      if (e === 0) return -1;
      const c = e - 1;
      if (rec.hash(c) !== h || rec.family(c) !== seg.family) continue;
      if (rec.port(c, 0) === seg.sport && rec.port(c, 1) === seg.dport && this.sameAddr(c, 0, b, seg.srcOff, n) && this.sameAddr(c, 1, b, seg.dstOff, n)) {
        this.side = 0;
        return c;
      }
      if (rec.port(c, 0) === seg.dport && rec.port(c, 1) === seg.sport && this.sameAddr(c, 0, b, seg.dstOff, n) && this.sameAddr(c, 1, b, seg.srcOff, n)) {
        this.side = 1;
        return c;
      }
    }
  }

  /** Add a slot under its record's hash. */
  insert(slot: number): void {
    if ((this.used + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    const t = this.table;
    const mask = t.length - 1;
    let i = this.rec.hash(slot) & mask;
    while (t[i] !== 0) i = (i + 1) & mask;
    t[i] = slot + 1;
    this.used++;
  }

  private rehash(size: number): void {
    const old = this.table;
    this.table = new Int32Array(size);
    this.used = 0;
    for (const e of old) if (e !== 0) this.insert(e - 1);
  }

  /** Remove a slot (backward-shift deletion keeps probe chains whole). */
  remove(slot: number): void {
    const t = this.table;
    const mask = t.length - 1;
    let p = this.rec.hash(slot) & mask;
    while (t[p] !== slot + 1) {
      if (t[p] === 0) return;
      p = (p + 1) & mask;
    }
    let j = p;
    for (;;) {
      j = (j + 1) & mask;
      const e = t[j]!;
      if (e === 0) break;
      const home = this.rec.hash(e - 1) & mask;
      const between = p <= j ? home > p && home <= j : home > p || home <= j;
      if (!between) {
        t[p] = e;
        p = j;
      }
    }
    t[p] = 0;
    this.used--;
  }
}
