/**
 * Text rows written as ASCII bytes into one reused buffer: numbers, fixed-point seconds and IPv4
 * endpoints are formatted digit by digit, padded in place, and the buffer is handed on when
 * full, as one string or (to an output that takes bytes) as the bytes themselves. For outputs
 * of millions of rows, where a string per cell would keep the collector busy. Catalogue text
 * (headings, footers in Chinese) goes in as UTF-8 ({@link RowBytes.utf8}), padded by display
 * width; a block holding some is handed on decoded as UTF-8, the others as Latin-1 (the same
 * string for ASCII, and cheaper).
 * @module
 */
import { displayWidth } from './wrap.js';

const DOT = 0x2e;
const SPACE = 0x20;

/** Digits of a non-negative integer: the length of `String(n)` (for n < 1e21). */
export function digits(n: number): number {
  if (n < 1e5) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 1e4 ? 4 : 5;
  if (n < 1e10) return n < 1e6 ? 6 : n < 1e7 ? 7 : n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
  let d = 10;
  n = Math.floor(n / 1e10);
  while (n >= 1) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/** Length of the text of 0..255. */
const OCTET_DIGITS = new Uint8Array(256).map((_, o) => (o >= 100 ? 3 : o >= 10 ? 2 : 1));
/** Text of 0..255, three bytes each (left-aligned). */
const OCTET_TEXT = new Uint8Array(768);
for (let o = 0; o < 256; o++) Buffer.from(String(o), 'latin1').copy(OCTET_TEXT, o * 3);

/** Length of `a.b.c.d:port` (port 0 as `*`), as {@link putIpv4Addr} and {@link putPort} write it. */
export function ipv4Length(b: Uint8Array, off: number, port: number): number {
  return OCTET_DIGITS[b[off]!]! + OCTET_DIGITS[b[off + 1]!]! + OCTET_DIGITS[b[off + 2]!]! + OCTET_DIGITS[b[off + 3]!]! + 4 + (port === 0 ? 1 : digits(port));
}

// Writers for rows laid out in place: each writes at b[p] and returns the position after.

/** `n` spaces (none if n ≤ 0). */
function putPad(b: Uint8Array, p: number, n: number): number {
  for (let k = 0; k < n; k++) b[p++] = SPACE;
  return p;
}

/** "00".."99": two digits per step. */
const PAIRS = new Uint8Array(200);
for (let k = 0; k < 100; k++) {
  PAIRS[2 * k] = 0x30 + Math.floor(k / 10);
  PAIRS[2 * k + 1] = 0x30 + (k % 10);
}

/** The `d` digits of a non-negative integer n (d = {@link digits}(n)). */
export function putUint(b: Uint8Array, p: number, n: number, d: number): number {
  const end = p + d;
  let q = end;
  while (n >= 4294967296) {
    b[--q] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  // Below 2^32 the quotient is exact with >>> 0, which (unlike Math.floor) is no call.
  while (n >= 100) {
    const r = n % 100;
    n = ((n - r) / 100) >>> 0;
    b[--q] = PAIRS[2 * r + 1]!;
    b[--q] = PAIRS[2 * r]!;
  }
  if (n >= 10) {
    b[--q] = PAIRS[2 * n + 1]!;
    b[--q] = PAIRS[2 * n]!;
  } else b[--q] = 0x30 + n;
  return end;
}

/** `a.b.c.d` of the four bytes at a[off]. */
export function putIpv4Addr(b: Uint8Array, p: number, a: Uint8Array, off: number): number {
  for (let i = 0; i < 4; i++) {
    const o = a[off + i]!;
    const t = o * 3;
    const d = OCTET_DIGITS[o]!;
    b[p] = OCTET_TEXT[t]!;
    if (d > 1) b[p + 1] = OCTET_TEXT[t + 1]!;
    if (d > 2) b[p + 2] = OCTET_TEXT[t + 2]!;
    p += d;
    if (i < 3) b[p++] = DOT;
  }
  return p;
}

/** `:port`, port 0 as `:*`. */
export function putPort(b: Uint8Array, p: number, port: number): number {
  b[p++] = 0x3a;
  if (port === 0) {
    b[p++] = 0x2a;
    return p;
  }
  return putUint(b, p, port, digits(port));
}

/** A string as Latin-1 (each character's low byte, as Buffer's 'latin1' encoding). */
export function putLatin1(b: Uint8Array, p: number, s: string): number {
  const n = s.length;
  for (let k = 0; k < n; k++) b[p++] = s.charCodeAt(k);
  return p;
}

/** `n` bytes of src from `from`. */
export function putBytes(b: Uint8Array, p: number, src: Uint8Array, from: number, n: number): number {
  for (let k = 0; k < n; k++) b[p++] = src[from + k]!;
  return p;
}

/** x in microseconds, rounded: the one rounding both the string and the byte paths use. */
export function micros(x: number): number {
  return Math.round(x * 1e6);
}

/** `12.345678`, as {@link RowBytes.seconds} writes it. */
export function secondsText(x: number): string {
  const m = micros(x);
  const neg = m < 0;
  const a = Math.abs(m);
  const i = Math.floor(a / 1e6);
  return `${neg ? '-' : ''}${i}.${String(a - i * 1e6).padStart(6, '0')}`;
}

/** Strings shorter than this are copied by a loop: cheaper than a call into the runtime. */
const SHORT = 48;

export class RowBytes {
  private buf: Buffer;
  private len = 0;
  /** Bytes above 0x7f written by {@link RowBytes.utf8} since the last flush. */
  private multibyte = false;
  private outBytes?: (b: Uint8Array) => void | Promise<void>;

  /** Rows handed to `out` as strings (Latin-1: one character per byte). */
  constructor(
    private readonly out: (s: string) => void,
    size = 1 << 17,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /**
   * Rows handed to `out` as bytes: a view of the buffer, which is written over once `out`
   * returns, or once the promise it returns settles (an output that keeps the bytes for a
   * while); {@link RowBytes.flush} passes that promise on, to be awaited.
   */
  static bytes(out: (b: Uint8Array) => void | Promise<void>, size = 1 << 17): RowBytes {
    const rb = new RowBytes(() => {}, size);
    rb.outBytes = out;
    return rb;
  }

  /**
   * Rows handed to `out` as bytes, as {@link RowBytes.bytes}, but never waited for: when
   * `out` keeps a block (returns a promise), the next rows go into another buffer, and the
   * kept one is reused once written. For writers that cannot wait between rows (a reader
   * calling back with chunks); {@link RowBytes.settled} is the wait, between pushes, that
   * keeps memory bounded.
   */
  static pooled(out: (b: Uint8Array) => void | Promise<void>, size = 1 << 17): RowBytes {
    const rb = RowBytes.bytes(out, size);
    rb.pool = { free: [], busy: new Set() };
    return rb;
  }

  private pool?: { free: Buffer[]; busy: Set<Promise<void>> };

  /** A pooled writer's blocks written (the promises of those still kept have settled). */
  async settled(): Promise<void> {
    const busy = this.pool?.busy;
    while (busy && busy.size > 0) await Promise.all(busy);
  }

  /**
   * Make room for a row of up to `n` bytes, flushing if need be: for outputs that do not keep
   * the bytes (else {@link RowBytes.fits}, await {@link RowBytes.flush}, {@link RowBytes.reserve}).
   */
  room(n: number): void {
    if (this.fits(n)) return;
    if (this.flush()) throw new Error('RowBytes.room: the output keeps its bytes; await flush() instead');
    this.reserve(n);
  }

  /** Does a row of `n` bytes fit before the next flush? */
  fits(n: number): boolean {
    return this.len + n <= this.buf.length;
  }

  /** Once flushed: make the buffer hold a row of `n` bytes. */
  reserve(n: number): void {
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  /** Hand the rows on. A promise: the output keeps the bytes until it settles. */
  flush(): void | Promise<void> {
    const n = this.len;
    const utf8 = this.multibyte;
    this.len = 0;
    this.multibyte = false;
    if (n === 0) return;
    if (this.outBytes) {
      const kept = this.outBytes(this.buf.subarray(0, n));
      const pool = this.pool;
      if (!kept || !pool) return kept;
      const b = this.buf;
      const done = kept.then(() => {
        pool.busy.delete(done);
        pool.free.push(b);
      });
      pool.busy.add(done);
      this.buf = pool.free.pop() ?? Buffer.allocUnsafe(b.length);
      return;
    }
    this.out(this.buf.toString(utf8 ? 'utf8' : 'latin1', 0, n));
  }

  /** Bytes written since the last flush (a row's start, for {@link RowBytes.trimEnd}). */
  get length(): number {
    return this.len;
  }

  /** Bytes free before the next flush. */
  get free(): number {
    return this.buf.length - this.len;
  }

  /**
   * The buffer itself, for rows laid out in place with the `put*` writers from
   * {@link RowBytes.length} (once {@link RowBytes.fits}); {@link RowBytes.commit} then says where they end.
   */
  raw(): Uint8Array {
    return this.buf;
  }

  /** Rows laid out in {@link RowBytes.raw} end at `end`. */
  commit(end: number): void {
    this.len = end;
  }

  /** Drop trailing spaces written after `start`. */
  trimEnd(start: number): void {
    while (this.len > start && this.buf[this.len - 1] === SPACE) this.len--;
  }

  byte(c: number): void {
    this.buf[this.len++] = c;
  }

  pad(n: number): void {
    this.len = putPad(this.buf, this.len, n);
  }

  private intAt(n: number, d: number): void {
    this.len = putUint(this.buf, this.len, n, d);
  }

  /** A string, padded to `width` (left-aligned unless `right`). */
  str(s: string, width: number, right = false): void {
    const pad = width - s.length;
    if (right) this.pad(pad);
    this.latin1(s);
    if (!right) this.pad(pad);
  }

  /** A string as Latin-1 (each character's low byte, as Buffer's 'latin1' encoding). */
  latin1(s: string): void {
    if (s.length >= SHORT) this.len += this.buf.write(s, this.len, 'latin1');
    else this.len = putLatin1(this.buf, this.len, s);
  }

  /**
   * A string as UTF-8 (up to 3 bytes per UTF-16 unit: make room for that). ASCII is copied
   * byte by byte as {@link RowBytes.latin1} does; from the first other character on, the rest
   * is encoded by the runtime.
   */
  utf8(s: string): void {
    const n = s.length;
    if (n >= SHORT) {
      const w = this.buf.write(s, this.len, 'utf8');
      this.len += w;
      if (w !== n) this.multibyte = true;
      return;
    }
    const b = this.buf;
    let p = this.len;
    for (let k = 0; k < n; k++) {
      const c = s.charCodeAt(k);
      if (c >= 0x80) {
        this.len = p + b.write(k === 0 ? s : s.slice(k), p, 'utf8');
        this.multibyte = true;
        return;
      }
      b[p++] = c;
    }
    this.len = p;
  }

  /** A string as UTF-8, padded to `width` display columns (a CJK character takes two). */
  text(s: string, width: number, right = false): void {
    const pad = width - displayWidth(s);
    if (right) this.pad(pad);
    this.utf8(s);
    if (!right) this.pad(pad);
  }

  /** A non-negative integer, right-aligned in `width`. */
  uint(n: number, width: number): void {
    const d = digits(n);
    this.pad(width - d);
    this.intAt(n, d);
  }
  /** Seconds with six decimals, right-aligned in `width`. */
  seconds(x: number, width: number): void {
    const m = micros(x);
    const neg = m < 0;
    const a = Math.abs(m);
    const i = Math.floor(a / 1e6);
    const f = a - i * 1e6;
    const d = digits(i);
    this.pad(width - d - 7 - (neg ? 1 : 0));
    if (neg) this.byte(0x2d);
    this.intAt(i, d);
    this.byte(DOT);
    let p = this.len + 6;
    this.len = p;
    let v = f;
    for (let k = 0; k < 6; k++) {
      this.buf[--p] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    }
  }

  /** `[~]a.b.c.d:port` (port 0 as `*`), left-aligned in `width`. */
  ipv4(prefix: string, b: Uint8Array, off: number, port: number, width: number): void {
    const start = this.len;
    if (prefix) this.latin1(prefix);
    this.len = putPort(this.buf, putIpv4Addr(this.buf, this.len, b, off), port);
    this.pad(width - (this.len - start));
  }

  /** Raw ASCII bytes. */
  bytes(src: Uint8Array, from: number, n: number): void {
    this.len = putBytes(this.buf, this.len, src, from, n);
  }

  newline(): void {
    this.buf[this.len++] = 0x0a;
  }
}

const HEX = Buffer.from('0123456789abcdef', 'latin1');

/**
 * The longest run of two or more zero groups of the IPv6 address at `off` (the first when
 * runs tie, as RFC 5952 and formatV6 choose): start group times 16 plus length, or -1.
 */
function zeroRun(a: Uint8Array, off: number): number {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (a[off + 2 * i] !== 0 || a[off + 2 * i + 1] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && a[off + 2 * j] === 0 && a[off + 2 * j + 1] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  return best < 0 ? -1 : best * 16 + bestLen;
}

/** One group in lowercase hex without leading zeros. */
function putGroup(b: Uint8Array, p: number, g: number): number {
  if (g >= 0x1000) b[p++] = HEX[g >> 12]!;
  if (g >= 0x100) b[p++] = HEX[(g >> 8) & 15]!;
  if (g >= 0x10) b[p++] = HEX[(g >> 4) & 15]!;
  b[p++] = HEX[g & 15]!;
  return p;
}

/**
 * An IPv6 address that is not IPv4-mapped, as formatV6 (model/address.ts) spells it: groups
 * in lowercase hex, the longest run of two or more zero groups as `::`.
 */
export function putIpv6Addr(b: Uint8Array, p: number, a: Uint8Array, off: number): number {
  const run = zeroRun(a, off);
  const start = run < 0 ? 8 : run >> 4;
  const end = run < 0 ? 8 : start + (run & 15);
  for (let i = 0; i < start; i++) {
    if (i > 0) b[p++] = 0x3a;
    p = putGroup(b, p, (a[off + 2 * i]! << 8) | a[off + 2 * i + 1]!);
  }
  if (run < 0) return p;
  b[p++] = 0x3a;
  b[p++] = 0x3a;
  for (let i = end; i < 8; i++) {
    if (i > end) b[p++] = 0x3a;
    p = putGroup(b, p, (a[off + 2 * i]! << 8) | a[off + 2 * i + 1]!);
  }
  return p;
}

/** Characters putIpv6Addr writes. */
export function ipv6AddrLength(a: Uint8Array, off: number): number {
  const run = zeroRun(a, off);
  const start = run < 0 ? 8 : run >> 4;
  const end = run < 0 ? 8 : start + (run & 15);
  let n = run < 0 ? 7 : 2 + Math.max(0, start - 1) + Math.max(0, 8 - end - 1);
  for (let i = 0; i < 8; i++) {
    if (i >= start && i < end) continue;
    const g = (a[off + 2 * i]! << 8) | a[off + 2 * i + 1]!;
    n += g >= 0x1000 ? 4 : g >= 0x100 ? 3 : g >= 0x10 ? 2 : 1;
  }
  return n;
}
