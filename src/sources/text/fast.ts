/**
 * Capture lines read at byte level, straight from the read buffer: the common socket line
 * of a format (netstat's `tcp 0 0 1.2.3.4:80 5.6.7.8:1234 ESTABLISHED`, ss's
 * `ESTAB 0 0 1.2.3.4:80 5.6.7.8:1234`) becomes a row without a string being made. A byte
 * reader takes a line only when it reads it exactly as the format's string parser would;
 * any other line (a name, a zone, a header, a prompt, a non-ASCII byte, anything odd) is
 * left to the string parser, which alone warns and fails. So the byte level changes speed,
 * never an answer or a message.
 * @module
 */
import type { StateCounts } from '../../model/count.js';
import { parseState, type StateCode } from '../../model/state.js';
import { F_HAS_QUEUES, PROTO_TCP, type SocketTable } from '../../model/table.js';

/**
 * Whole lines of a piece, each ending in LF: a byte reader advances `pos` past each line it
 * takes and counts it in `lines`, and stops at the first line it leaves to the string parser.
 */
export interface ByteRun {
  buf: Uint8Array;
  pos: number;
  /** End of the last whole line (after its LF). */
  end: number;
  lines: number;
}

/** A new, empty run. */
export function newByteRun(): ByteRun {
  return { buf: new Uint8Array(0), pos: 0, end: 0, lines: 0 };
}

const SPACE = 32;
const LF = 10;
const CR = 13;
const COLON = 58;
const DOT = 46;
const STAR = 42;

/** Index of the first byte at or after p that is not a space. */
export function skipSpaces(buf: Uint8Array, p: number, end: number): number {
  while (p < end && buf[p] === SPACE) p++;
  return p;
}

/** Index of the first space (or line end) at or after p; -1 at another control byte or a byte above ASCII. */
export function tokenEnd(buf: Uint8Array, p: number, end: number): number {
  for (; p < end; p++) {
    const c = buf[p]!;
    if (c === SPACE || c === LF || c === CR) return p;
    if (c < 33 || c > 126) return -1;
  }
  return p;
}

/**
 * After a line's last field at p: only spaces, then LF or CRLF before `end`. Where the next
 * line starts, or -1.
 */
export function lineRest(buf: Uint8Array, p: number, end: number): number {
  while (p < end && buf[p] === SPACE) p++;
  if (p < end && buf[p] === CR) p++;
  return p < end && buf[p] === LF ? p + 1 : -1;
}

/** Counts a byte reader adds to directly when no row is wanted (count without a filter). */
export interface Tally {
  counts: StateCounts;
  /** Families seen: 1 IPv4, 2 IPv6. */
  families: number;
}

/** A decimal number of 1 to 10 digits below 2^32 (as `uint` reads queue sizes); -1 if not that. */
export function uintAt(buf: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n === 0 || n > 10) return -1;
  let v = 0;
  for (let k = s; k < e; k++) {
    const c = buf[k]! - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v <= 0xffffffff ? v : -1;
}

/**
 * A dotted-quad `addr:port` token at q, as colonEndpointAt reads an IPv4 endpoint (1 to 3
 * digits up to 255 a part, a port of 1 to 5 digits up to 65535 or `*`), for counting: where
 * the token ends (a space, LF or CR), or -1. A run's last line ends in LF or CR, so every
 * loop stops within the run.
 */
export function v4TokenAt(buf: Uint8Array, q: number): number {
  let c = 0;
  for (let part = 0; part < 4; part++) {
    const d = q;
    let v = 0;
    while ((c = buf[q]!) >= 48 && c <= 57) {
      v = v * 10 + c - 48;
      q++;
    }
    if (q === d || q - d > 3 || v > 255) return -1;
    if (part < 3) {
      if (c !== DOT) return -1;
      q++;
    }
  }
  if (c !== COLON) return -1;
  q++;
  if (buf[q] === STAR) q++;
  else {
    const d = q;
    let v = 0;
    while ((c = buf[q]!) >= 48 && c <= 57) {
      v = v * 10 + c - 48;
      q++;
    }
    if (q === d || q - d > 5 || v > 65535) return -1;
  }
  c = buf[q]!;
  return c === 32 || c === 10 || c === 13 ? q : -1;
}

/** 1 to 10 digits below 2^32 at q, then a space: where the space is, or -1 (as queuesAt reads a queue). */
export function queueAt(buf: Uint8Array, q: number): number {
  const d = q;
  let v = 0;
  let c: number;
  while ((c = buf[q]!) >= 48 && c <= 57) {
    v = v * 10 + c - 48;
    q++;
  }
  return q === d || q - d > 10 || v > 0xffffffff || c !== 32 ? -1 : q;
}

/** A port: 1 to 5 digits up to 65535, or `*` (0); -1 for anything else (a service name). */
function portAt(buf: Uint8Array, s: number, e: number): number {
  if (e - s === 1 && buf[s] === 42) return 0;
  const n = e - s;
  if (n === 0 || n > 5) return -1;
  let v = 0;
  for (let k = s; k < e; k++) {
    const c = buf[k]! - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v <= 65535 ? v : -1;
}

/** Dotted-quad IPv4, by the rules of common.ts's fastV4. */
function v4At(buf: Uint8Array, s: number, e: number, out: Uint8Array, off: number): boolean {
  let part = 0;
  let v = 0;
  let digits = 0;
  for (let k = s; k < e; k++) {
    const c = buf[k]!;
    if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      if (++digits > 3 || v > 255) return false;
    } else if (c === DOT && digits > 0 && part < 3) {
      out[off + part++] = v;
      v = 0;
      digits = 0;
    } else return false;
  }
  if (part !== 3 || digits === 0) return false;
  out[off + 3] = v;
  return true;
}

/** The value of a hex digit's character code, or -1. */
export function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

const GROUPS = new Uint16Array(8);
const TAIL = new Uint8Array(4);

/** IPv6 text, by the rules of common.ts's fastV6 (hex groups, one `::`, a dotted-quad tail). */
function v6At(buf: Uint8Array, s: number, e: number, out: Uint8Array, off: number): boolean {
  const n = e - s;
  if (n < 2 || n > 45) return false;
  const g = GROUPS;
  let count = 0;
  let gap = -1;
  let k = s;
  if (buf[s] === COLON) {
    if (buf[s + 1] !== COLON) return false;
    gap = 0;
    k = s + 2;
  }
  while (k < e) {
    const start = k;
    let v = 0;
    let h: number;
    while (k < e && (h = hexValue(buf[k]!)) >= 0) {
      v = v * 16 + h;
      if (++k - start > 4) return false;
    }
    if (k < e && buf[k] === DOT) {
      if (count > 6 || !v4At(buf, start, e, TAIL, 0)) return false;
      g[count++] = (TAIL[0]! << 8) | TAIL[1]!;
      g[count++] = (TAIL[2]! << 8) | TAIL[3]!;
      k = e;
      break;
    }
    if (k === start || count === 8) return false;
    g[count++] = v;
    if (k === e) break;
    if (buf[k] !== COLON) return false;
    if (++k === e) return false;
    if (buf[k] === COLON) {
      if (gap >= 0) return false;
      gap = count;
      k++;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  const zeros = gap < 0 ? 0 : 8 - count;
  for (let i = 0, j = 0; i < 8; i++) {
    const v = gap >= 0 && i >= gap && i < gap + zeros ? 0 : g[j++]!;
    out[off + 2 * i] = v >> 8;
    out[off + 2 * i + 1] = v & 0xff;
  }
  return true;
}

/** An endpoint read at byte level: its family (4 or 6), address (16 bytes) and port. */
export interface ByteEndpoint {
  family: number;
  bytes: Uint8Array;
  port: number;
}

export function newByteEndpoint(): ByteEndpoint {
  return { family: 0, bytes: new Uint8Array(16), port: 0 };
}

/**
 * `addr:port` in buf[s, e) as parseColonEndpoint reads it, for numeric addresses only:
 * `1.2.3.4:80`, `0.0.0.0:*`, bare IPv6 (`::1:80`, netstat) when `bare6`, `[v6]:80` (ss)
 * when `bracket6`. Sets `ep` and returns true; false for anything the string parser must see
 * (`*`, names, zones, cut addresses).
 */
export function colonEndpointAt(buf: Uint8Array, s: number, e: number, ep: ByteEndpoint, bare6: boolean, bracket6: boolean): boolean {
  const out = ep.bytes;
  // The port's colon: a port is `*` or at most 5 digits.
  let c = e - 1;
  const stop = Math.max(s, e - 7);
  while (c > stop && buf[c] !== COLON) c--;
  if (c <= s || buf[c] !== COLON) return false;
  const port = portAt(buf, c + 1, e);
  if (port < 0) return false;
  let as = s;
  let ae = c;
  if (buf[s] === 91) {
    if (!bracket6 || buf[c - 1] !== 93) return false;
    as = s + 1;
    ae = c - 1;
  }
  if (v4At(buf, as, ae, out, 0)) ep.family = 4;
  else if ((as === s ? bare6 : true) && v6At(buf, as, ae, out, 0)) ep.family = 6;
  else return false;
  ep.port = port;
  return true;
}

/** Is this IPv6 address IPv4-mapped (`::ffff:a.b.c.d`)? */
export function mapped(b: Uint8Array): boolean {
  for (let k = 0; k < 10; k++) if (b[k] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Write an endpoint as a row of `family` stores it (4: the IPv4 bytes; 6: all 16, IPv4 mapped). */
export function storeAt(out: Uint8Array, off: number, ep: ByteEndpoint, family: number): void {
  const b = ep.bytes;
  if (family === 4) {
    out[off] = b[0]!;
    out[off + 1] = b[1]!;
    out[off + 2] = b[2]!;
    out[off + 3] = b[3]!;
    for (let k = 4; k < 16; k++) out[off + k] = 0;
  } else if (ep.family === 4) {
    for (let k = 0; k < 10; k++) out[off + k] = 0;
    out[off + 10] = 0xff;
    out[off + 11] = 0xff;
    out[off + 12] = b[0]!;
    out[off + 13] = b[1]!;
    out[off + 14] = b[2]!;
    out[off + 15] = b[3]!;
  } else for (let k = 0; k < 16; k++) out[off + k] = b[k]!;
}

/**
 * Recv-Q and Send-Q, two unsigned tokens from `q` (at the first), into `out[0]` and `out[1]`.
 * @returns where Send-Q ends, or -1 when either is not a plain number.
 */
export function queuesAt(buf: Uint8Array, q: number, end: number, out: Float64Array): number {
  let t = tokenEnd(buf, q, end);
  const recvQ = t < 0 ? -1 : uintAt(buf, q, t);
  if (recvQ < 0) return -1;
  q = skipSpaces(buf, t, end);
  t = tokenEnd(buf, q, end);
  const sendQ = t < 0 ? -1 : uintAt(buf, q, t);
  if (sendQ < 0) return -1;
  out[0] = recvQ;
  out[1] = sendQ;
  return t;
}

/** A new TCP row with queues from byte-level endpoints; its index. */
export function addQueuedRow(t: SocketTable, family: number, state: StateCode, l: ByteEndpoint, r: ByteEndpoint, recvQ: number, sendQ: number): number {
  const i = t.add();
  t.proto[i] = PROTO_TCP;
  t.family[i] = family;
  t.state[i] = state;
  t.flags[i] = F_HAS_QUEUES;
  storeAt(t.laddr, i * 16, l, family);
  storeAt(t.raddr, i * 16, r, family);
  t.lport[i] = l.port;
  t.rport[i] = r.port;
  t.recvQ[i] = recvQ;
  t.sendQ[i] = sendQ;
  return i;
}

/**
 * State words as bytes → state codes, each learned once through the state table
 * (`parseState`) when first met: no spelling is known here. `upper`: only upper-case words
 * (ss's data lines); else any word of `[A-Za-z][A-Za-z0-9_-]*` (netstat's).
 */
export class StateBytes {
  private readonly words: Uint8Array[] = [];
  private readonly hashes: number[] = [];
  private readonly codes: number[] = [];

  constructor(private readonly upper: boolean) {}

  /** Words by a slot of their length, first and last bytes: index + 1, 0 for none. */
  private readonly slots = new Uint8Array(256);

  /** The state code of the word buf[s, e), or -1 when the string parser must read it (unknown, odd). */
  lookup(buf: Uint8Array, s: number, e: number): number {
    const n = e - s;
    if (n > 0) {
      const j = this.slots[(n * 37 + buf[s]! * 5 + buf[e - 1]!) & 255]! - 1;
      if (j >= 0) {
        const w = this.words[j]!;
        if (w.length === n) {
          let k = 0;
          while (k < n && w[k] === buf[s + k]) k++;
          if (k === n) return this.codes[j]!;
        }
      }
    }
    return this.lookupSlow(buf, s, e);
  }

  private lookupSlow(buf: Uint8Array, s: number, e: number): number {
    let h = e - s;
    for (let k = s; k < e; k++) h = (Math.imul(h, 31) + buf[k]!) | 0;
    const hs = this.hashes;
    for (let j = 0; j < hs.length; j++) {
      if (hs[j] !== h) continue;
      const w = this.words[j]!;
      if (w.length !== e - s) continue;
      let same = true;
      for (let k = 0; k < w.length; k++)
        if (w[k] !== buf[s + k]) {
          same = false;
          break;
        }
      if (same) return this.codes[j]!;
    }
    return this.learn(buf, s, e, h);
  }

  private learn(buf: Uint8Array, s: number, e: number, h: number): number {
    if (e - s === 0 || e - s > 32 || this.words.length >= 64) return -1;
    let text = '';
    for (let k = s; k < e; k++) {
      const c = buf[k]!;
      const upperCase = c >= 65 && c <= 90;
      const letter = upperCase || (!this.upper && c >= 97 && c <= 122);
      if (k === s ? !letter : !(letter || (c >= 48 && c <= 57) || c === 95 || c === 45)) return -1;
      text += String.fromCharCode(c);
    }
    const code = parseState(text);
    if (code === undefined) return -1;
    // A copy: buf is the reader's reused buffer (Buffer.slice would be a view of it).
    this.words.push(Uint8Array.prototype.slice.call(buf, s, e));
    this.hashes.push(h);
    this.codes.push(code);
    const slot = ((e - s) * 37 + buf[s]! * 5 + buf[e - 1]!) & 255;
    if (this.slots[slot] === 0) this.slots[slot] = this.words.length;
    return code;
  }
}
