/**
 * A sample's groups of one kind packed into one BLOB (pure): the history file's
 * `group_sets.data` (schema version 3). One row per sample and kind instead of one per
 * group with twelve state columns: about a third of the bytes.
 *
 * Layout: a format byte (1), then per group, in order:
 *   varint flags   bit 0: the key is a decimal number (a port), stored as a varint;
 *                  bit 1: a folded count follows (the "other" row)
 *   key            varint number, or varint byte length + UTF-8 bytes
 *   [varint folded]
 *   varint mask    bit c set: state code c has a non-zero count
 *   varint count   per set bit, lowest code first
 * Varints are unsigned LEB128.
 * @module
 */
import type { Said } from '../i18n/catalogue.js';
import { say } from '../i18n/history.js';
import { newCounts, type StateCounts } from '../model/count.js';
import { TcpstateError } from '../model/errors.js';

export const GROUP_BLOB_FORMAT = 1;

export interface PackedGroup {
  key: string;
  /** How many groups the row sums (the "other" row); 0 for a group of its own. */
  folded: number;
  counts: StateCounts;
}

class Writer {
  buf = new Uint8Array(256);
  n = 0;
  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  byte(x: number): void {
    this.room(1);
    this.buf[this.n++] = x;
  }
  varint(x: number): void {
    this.room(10);
    let v = x;
    while (v >= 0x80) {
      this.buf[this.n++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.n++] = v;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/** Groups of one kind as a BLOB. */
export function packGroups(groups: readonly PackedGroup[]): Uint8Array {
  const w = new Writer();
  w.byte(GROUP_BLOB_FORMAT);
  for (const g of groups) {
    const numeric = /^(0|[1-9]\d{0,8})$/.test(g.key);
    w.varint((numeric ? 1 : 0) | (g.folded > 0 ? 2 : 0));
    if (numeric) w.varint(Number(g.key));
    else {
      const b = enc.encode(g.key);
      w.varint(b.length);
      w.bytes(b);
    }
    if (g.folded > 0) w.varint(g.folded);
    let mask = 0;
    for (let c = 0; c < 16; c++) if (g.counts[c]! > 0) mask |= 1 << c;
    w.varint(mask);
    for (let c = 0; c < 16; c++) if (g.counts[c]! > 0) w.varint(g.counts[c]!);
  }
  return w.buf.slice(0, w.n);
}

/**
 * The groups of a BLOB from {@link packGroups}.
 * @throws TcpstateError ERR_FORMAT naming the offset where the BLOB is not one (a damaged
 * file), as catalogue data: the history file's reader wraps it with the file and sample.
 */
export function unpackGroups(b: Uint8Array): PackedGroup[] {
  let i = 0;
  const fail = (why: Said): never => {
    throw new TcpstateError('ERR_FORMAT', say('blobDamaged', i, b.length, why));
  };
  const varint = (): number => {
    let v = 0,
      mul = 1;
    for (let k = 0; k < 8; k++) {
      if (i >= b.length) fail(say('blobCutShort'));
      const x = b[i++]!;
      v += (x & 0x7f) * mul;
      if (x < 0x80) return v;
      mul *= 0x80;
    }
    return fail(say('blobVarintTooLong'));
  };
  if (b.length === 0) fail(say('blobEmpty'));
  if (b[0] !== GROUP_BLOB_FORMAT) fail(say('blobFormat', b[0]!, GROUP_BLOB_FORMAT));
  i = 1;
  const out: PackedGroup[] = [];
  while (i < b.length) {
    const flags = varint();
    let key: string;
    if (flags & 1) key = String(varint());
    else {
      const len = varint();
      if (i + len > b.length) fail(say('blobKeyCutShort'));
      try {
        key = dec.decode(b.subarray(i, i + len));
      } catch {
        key = fail(say('blobKeyNotUtf8'));
      }
      i += len;
    }
    const folded = flags & 2 ? varint() : 0;
    const mask = varint();
    if (mask >= 1 << 16) fail(say('blobMaskTooWide'));
    const counts = newCounts();
    for (let c = 0; c < 16; c++) if (mask & (1 << c)) counts[c] = varint();
    out.push({ key, folded, counts });
  }
  return out;
}
