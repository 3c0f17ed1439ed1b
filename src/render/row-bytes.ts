/**
 * Text rows written as ASCII bytes into one reused buffer: numbers, fixed-point seconds and IPv4
 * endpoints are formatted digit by digit, padded in place, and the buffer becomes one string per
 * 128 KiB. For outputs of millions of rows, where a string per cell would keep the collector busy.
 * @module
 */

const DOT = 0x2e;
const SPACE = 0x20;

/** Digits of a non-negative integer. */
function digits(n: number): number {
  let d = 1;
  while (n >= 10) { n = Math.floor(n / 10); d++; }
  return d;
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

export class RowBytes {
  private buf = Buffer.allocUnsafe(1 << 17);
  private len = 0;

  constructor(private readonly out: (s: string) => void) {}

  /** Make room for a row of up to `n` bytes. */
  room(n: number): void {
    if (this.len + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
    }
  }

  flush(): void {
    if (this.len > 0) this.out(this.buf.toString('latin1', 0, this.len));
    this.len = 0;
  }

  byte(c: number): void {
    this.buf[this.len++] = c;
  }

  pad(n: number): void {
    for (let i = 0; i < n; i++) this.buf[this.len++] = SPACE;
  }

  private intAt(n: number, d: number): void {
    let p = this.len + d;
    this.len = p;
    do { this.buf[--p] = 0x30 + (n % 10); n = Math.floor(n / 10); } while (n > 0);
  }

  /** A string, padded to `width` (left-aligned unless `right`). */
  str(s: string, width: number, right = false): void {
    const pad = width - s.length;
    if (right) this.pad(pad);
    this.len += this.buf.write(s, this.len, 'latin1');
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
    for (let k = 0; k < 6; k++) { this.buf[--p] = 0x30 + (v % 10); v = Math.floor(v / 10); }
  }

  /** `[~]a.b.c.d:port`, left-aligned in `width`. */
  ipv4(prefix: string, b: Uint8Array, off: number, port: number, width: number): void {
    const start = this.len;
    if (prefix) this.len += this.buf.write(prefix, this.len, 'latin1');
    for (let i = 0; i < 4; i++) {
      const o = b[off + i]!;
      this.intAt(o, o >= 100 ? 3 : o >= 10 ? 2 : 1);
      this.byte(i < 3 ? DOT : 0x3a);
    }
    if (port === 0) this.byte(0x2a);
    else this.intAt(port, digits(port));
    this.pad(width - (this.len - start));
  }

  /** Raw ASCII bytes. */
  bytes(src: Uint8Array, from: number, n: number): void {
    for (let i = 0; i < n; i++) this.buf[this.len++] = src[from + i]!;
  }

  newline(): void {
    this.buf[this.len++] = 0x0a;
  }
}
