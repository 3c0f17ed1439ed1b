/**
 * `tcpstate ls` output: netstat's columns (Proto, Recv-Q, Send-Q, Local Address,
 * Foreign Address, State, then PID/Program name with -p, User/Inode with -e, Timer with
 * -o), addresses as ss prints them; plus CSV and JSON renderings of the same rows.
 * @module
 */
import { type LsDocument, SCHEMAS } from '../model/documents.js';
import type { Warning } from '../model/errors.js';
import { AF_INET, formatEndpoint, isV4Mapped } from '../model/address.js';
import { CLOSE, stateName } from '../model/state.js';
import { F_DUALSTACK, F_HAS_QUEUES, F_HAS_TIMER, NO_TIME, NO_UID, PROTO_UDP, SocketTable, TIMER_NAMES } from '../model/table.js';
import { digits, ipv4Length, ipv6AddrLength, putBytes, putIpv4Addr, putIpv6Addr, putLatin1, putPort, putUint, RowBytes } from './row-bytes.js';
import { infoCell, memoryCell } from './tcp-info.js';
import { type Column, csvField } from './text.js';
import { displayWidth } from './wrap.js';
import { type NativeLayout, nativeLayout } from './ls-native.js';
import { type Lang, pick } from '../i18n/catalogue.js';
import { CATALOGUE as LS } from '../i18n/ls.js';

export interface LsColumns {
  processes?: boolean;
  timers?: boolean;
  extended?: boolean;
  /** ss -i: TCP internals (netlink only). */
  info?: boolean;
  /** ss -m: socket memory (netlink only). */
  memory?: boolean;
  header?: boolean;
  /** The language of the headings that are not netstat's (-m, -i). */
  lang?: Lang;
  /** Lay the fixed columns out in C where the addon is built (the edge's choice: not under TCPSTATE_NO_NATIVE=1). */
  native?: boolean;
}

/** netstat -o's timer cell: `timewait (59.93/0/0)`; `-` when the source has no timers. */
export function timerCell(t: SocketTable, i: number): string {
  if ((t.flags[i]! & F_HAS_TIMER) === 0) return '-';
  const ms = t.timerMs[i]!;
  const secs = ms === NO_TIME ? '?' : (t.timer[i] === 0 ? 0 : ms / 1000).toFixed(2);
  return `${TIMER_NAMES[t.timer[i]!] ?? 'unknown'} (${secs}/${t.retrans[i]}/${t.probes[i]})`;
}

/** An endpoint a capture showed as a name (`web1.lan:ssh`), as it showed it; undefined for numbers. */
function nameOf(t: SocketTable, addr: Uint8Array, i: number): string | undefined {
  return t.names.size === 0 ? undefined : t.names.get(i)?.[addr === t.laddr ? 0 : 1];
}

export function localCell(t: SocketTable, i: number): string {
  const n = nameOf(t, t.laddr, i);
  if (n !== undefined) return n;
  return formatEndpoint(t.family[i]!, t.laddr, i * 16, t.lport[i]!, (t.flags[i]! & F_DUALSTACK) !== 0);
}

export function remoteCell(t: SocketTable, i: number): string {
  const n = nameOf(t, t.raddr, i);
  if (n !== undefined) return n;
  return formatEndpoint(t.family[i]!, t.raddr, i * 16, t.rport[i]!, (t.flags[i]! & F_DUALSTACK) !== 0);
}

export function ownerCell(t: SocketTable, i: number): string {
  const ino = t.inode[i]!;
  const label = ino !== 0 && t.owners.label ? t.owners.label(ino) : undefined;
  if (label !== undefined) return label;
  const o = t.ownersOf(i);
  return o.length === 0 ? '-' : o.map((x) => (x.program === '' ? String(x.pid) : `${x.pid}/${x.program}`)).join(',');
}

/** The rows of a table as netstat-style text. */
export function renderLs(t: SocketTable, c: LsColumns = {}): string {
  const parts: string[] = [];
  writeLs(t, c, (s) => parts.push(s));
  return parts.join('');
}

/** Bytes per block: output leaves in blocks, so memory stays bounded at any table size. */
const BLOCK_BYTES = 256 * 1024;

/**
 * Write the rows as netstat-style text through `write`, in blocks; no per-row cell arrays
 * are kept, so 400k sockets print in bounded memory.
 */
export function writeLs(t: SocketTable, c: LsColumns, write: (text: string) => void): void {
  planLs(t, c).write(write);
}

/** A listing prepared up to the owner column; either write finishes it (once). */
export interface LsPlan {
  /** The text, in Latin-1 strings of up to 256 KiB. */
  write(out: (text: string) => void): void;
  /**
   * The same text as bytes: views of one reused block, written over once `out` returns or,
   * when it returns a promise (an output that keeps the bytes a while), once that settles.
   */
  writeBytes(out: (bytes: Uint8Array) => void | Promise<void>): Promise<void>;
  /** Each column's width (the last one's is not used; the owner column's is known once written). */
  readonly widths: readonly number[];
}

/** Text of each state code, as the State column prints it; UDP's CLOSE (only bound) is left empty, as netstat does. */
const STATE_TEXT: string[] = [];
for (let code = 0; code < 256; code++) STATE_TEXT.push(stateName(code));
const STATE_BYTES = STATE_TEXT.map((x) => Buffer.from(x, 'latin1'));
const STATE_LENGTH = Uint8Array.from(STATE_TEXT, (x) => x.length);

/** `[::ffff:` and `]` around a mapped IPv4 endpoint. */
const MAPPED_EXTRA = 9;
const MAPPED_OPEN = Buffer.from('[::ffff:', 'latin1');

/** Length of an endpoint's text: counted for IPv4 and IPv4-mapped, else formatted. */
function endpointLength(t: SocketTable, addr: Uint8Array, port: number, i: number): number {
  const n = nameOf(t, addr, i);
  if (n !== undefined) return n.length;
  if (t.family[i] === AF_INET) return ipv4Length(addr, i * 16, port);
  if (isV4Mapped(addr, i * 16)) return MAPPED_EXTRA + ipv4Length(addr, i * 16 + 12, port);
  if ((t.flags[i]! & F_DUALSTACK) !== 0 && isAny6(addr, i * 16)) return 1 + portLength(port);
  return 2 + ipv6AddrLength(addr, i * 16) + portLength(port);
}

/** `:port` as putPort writes it. */
function portLength(port: number): number {
  return port === 0 ? 2 : 1 + digits(port);
}

function isAny6(a: Uint8Array, off: number): boolean {
  for (let k = 0; k < 16; k++) if (a[off + k] !== 0) return false;
  return true;
}

/** An IPv6 endpoint as {@link formatEndpoint} prints it, written as bytes. */
function putEndpoint6(b: Uint8Array, p: number, t: SocketTable, addr: Uint8Array, port: number, i: number): number {
  if (isV4Mapped(addr, i * 16)) {
    p = putBytes(b, p, MAPPED_OPEN, 0, MAPPED_OPEN.length);
    p = putIpv4Addr(b, p, addr, i * 16 + 12);
    b[p++] = 0x5d;
    return putPort(b, p, port);
  }
  // As formatEndpoint: `*:port` for a dual-stack listener's any-address, else `[v6]:port`.
  if ((t.flags[i]! & F_DUALSTACK) !== 0 && isAny6(addr, i * 16)) {
    b[p++] = 0x2a;
    return putPort(b, p, port);
  }
  b[p++] = 0x5b;
  p = putIpv6Addr(b, p, addr, i * 16);
  b[p++] = 0x5d;
  return putPort(b, p, port);
}

// Widths and cells go column by column, each in its own small loop. A listing runs once per
// process, so most of its rows go by before V8 has optimized the code: small functions are
// compiled within the first few thousand rows, where one function writing whole rows took
// the compiler ~20 ms (all that time interpreted; measured on Node 20 here).

/** The widest endpoints: [local, remote]. */
function endpointWidths(t: SocketTable): [number, number] {
  const { family, laddr, raddr, lport, rport, length } = t;
  let l = 0,
    r = 0;
  for (let i = 0; i < length; i++) {
    const v4 = family[i] === AF_INET && !t.names.has(i);
    const a = v4 ? ipv4Length(laddr, i * 16, lport[i]!) : endpointLength(t, laddr, lport[i]!, i);
    const b = v4 ? ipv4Length(raddr, i * 16, rport[i]!) : endpointLength(t, raddr, rport[i]!, i);
    if (a > l) l = a;
    if (b > r) r = b;
  }
  return [l, r];
}

/** Digits of the largest queues among rows that have them (a row without prints `-`, one character). */
function queueWidths(t: SocketTable): [number, number] {
  const { flags, recvQ, sendQ, length } = t;
  let r = 0,
    s = 0;
  for (let i = 0; i < length; i++) {
    if ((flags[i]! & F_HAS_QUEUES) === 0) continue;
    if (recvQ[i]! > r) r = recvQ[i]!;
    if (sendQ[i]! > s) s = sendQ[i]!;
  }
  return [digits(r), digits(s)];
}

/** Digits of the widest User and Inode (an unknown user prints `-`). */
function userWidths(t: SocketTable): [number, number] {
  const { uid, inode, length } = t;
  let u = 0,
    n = 0;
  for (let i = 0; i < length; i++) {
    const d = uid[i] === NO_UID ? 1 : digits(uid[i]!);
    if (d > u) u = d;
    const e = digits(inode[i]!);
    if (e > n) n = e;
  }
  return [u, n];
}

const LONGEST_STATE = Math.max(...STATE_LENGTH);

/** Widths C counts into (ls-native.ts), and where each starts: Proto 3 or 4, queues' digits at least 1 (the digits of 0), the rest from 0. */
const NATIVE_WIDTHS = new Float64Array(8);
const NATIVE_START = Float64Array.of(3, 1, 1, 0, 0, 0, 0, 0);

/**
 * Widen each fixed column of `w` to its widest cell, counted from the numbers rather than
 * from cell text. Proto and State are skipped while their longest possible text fits.
 */
function countWidths(t: SocketTable, w: number[], extended: boolean, native: NativeLayout | undefined): void {
  if (t.length === 0) return;
  if (native && t.names.size === 0) {
    NATIVE_WIDTHS.set(NATIVE_START);
    native.widths(t, 0, t.length, NATIVE_WIDTHS);
    for (let j = 0; j < (extended ? 8 : 6); j++) w[j] = Math.max(w[j]!, NATIVE_WIDTHS[j]!);
    return;
  }
  const { family, proto, state, length } = t;
  if (w[PROTO]! < 4) {
    let m = 3;
    for (let i = 0; i < length; i++)
      if (family[i] !== AF_INET) {
        m = 4;
        break;
      }
    w[PROTO] = Math.max(w[PROTO]!, m);
  }
  const q = queueWidths(t);
  const e = endpointWidths(t);
  w[RECVQ] = Math.max(w[RECVQ]!, q[0]);
  w[SENDQ] = Math.max(w[SENDQ]!, q[1]);
  w[LOCAL] = Math.max(w[LOCAL]!, e[0]);
  w[REMOTE] = Math.max(w[REMOTE]!, e[1]);
  if (w[STATE]! < LONGEST_STATE) {
    let m = 0;
    for (let i = 0; i < length; i++) {
      const s = state[i]!;
      if (STATE_LENGTH[s]! > m && (s !== CLOSE || proto[i] !== PROTO_UDP)) m = STATE_LENGTH[s]!;
    }
    w[STATE] = Math.max(w[STATE]!, m);
  }
  if (extended) {
    const u = userWidths(t);
    w[USER] = Math.max(w[USER]!, u[0]);
    w[INODE] = Math.max(w[INODE]!, u[1]);
  }
}

// Cell writers: rows from..to-1, row k's fixed part at b[starts[k]], `at` bytes into it.

function putProtos(b: Uint8Array, starts: Int32Array, t: SocketTable, from: number, to: number): void {
  const { proto, family } = t;
  for (let i = from, k = 0; i < to; i++, k++) {
    const p = starts[k]!;
    const udp = proto[i] === PROTO_UDP;
    b[p] = udp ? 0x75 : 0x74; // u, t
    b[p + 1] = udp ? 0x64 : 0x63; // d, c
    b[p + 2] = 0x70; // p
    if (family[i] !== AF_INET) b[p + 3] = 0x36; // 6
  }
}

/** A queue, right-aligned to end `end` bytes into the row; `-` without queues. */
function putQueues(b: Uint8Array, starts: Int32Array, t: SocketTable, q: Uint32Array, from: number, to: number, end: number): void {
  const flags = t.flags;
  for (let i = from, k = 0; i < to; i++, k++) {
    const p = starts[k]! + end;
    if ((flags[i]! & F_HAS_QUEUES) === 0) {
      b[p - 1] = 0x2d;
      continue;
    }
    const v = q[i]!;
    const d = digits(v);
    putUint(b, p - d, v, d);
  }
}

function putEndpoints(b: Uint8Array, starts: Int32Array, t: SocketTable, addr: Uint8Array, ports: Uint16Array, from: number, to: number, at: number): void {
  const family = t.family;
  for (let i = from, k = 0; i < to; i++, k++) {
    const p = starts[k]! + at;
    const n = nameOf(t, addr, i);
    if (n !== undefined) putLatin1(b, p, n);
    else if (family[i] === AF_INET) putPort(b, putIpv4Addr(b, p, addr, i * 16), ports[i]!);
    else putEndpoint6(b, p, t, addr, ports[i]!, i);
  }
}

function putStates(b: Uint8Array, starts: Int32Array, t: SocketTable, from: number, to: number, at: number): void {
  const { proto, state } = t;
  for (let i = from, k = 0; i < to; i++, k++) {
    const s = state[i]!;
    if (s !== CLOSE || proto[i] !== PROTO_UDP) b.set(STATE_BYTES[s]!, starts[k]! + at);
  }
}

/** A number, left-aligned; `none` as `-`. */
function putNumbers(b: Uint8Array, starts: Int32Array, v: Uint32Array, none: number, from: number, to: number, at: number): void {
  for (let i = from, k = 0; i < to; i++, k++) {
    const p = starts[k]! + at;
    const x = v[i]!;
    if (x === none) b[p] = 0x2d;
    else putUint(b, p, x, digits(x));
  }
}

/** Most rows laid out at once. */
const BLOCK_ROWS = 2048;
/** Rows laid out at once before cells made as text (-o, -i, -m) are added. */
const TAIL_ROWS = 256;

/**
 * Lays out the fixed columns (Proto to State, or to Inode with -e) of rows as bytes, a
 * block of rows at a time. Each cell is padded to its column's width and followed by a
 * space, so each column starts at the same offset in every row; the space is filled with
 * spaces first, then each column's characters are written.
 */
class FixedRows {
  /** Bytes of a row's fixed part. */
  readonly length: number;
  /** Where each column starts in a row. */
  private readonly at: number[] = [];
  private readonly starts = new Int32Array(BLOCK_ROWS + 1);

  constructor(
    /** The rows laid out: a listing's table, or each chunk of a streamed one in turn. */
    public t: SocketTable,
    private readonly w: readonly number[],
    /** The same columns laid out in C (rows without names). */
    readonly native?: NativeLayout,
  ) {
    let x = 0;
    for (const width of w) {
      this.at.push(x);
      x += width + 1;
    }
    this.length = x;
  }

  /** Rows from..to-1 (at most {@link BLOCK_ROWS}) at b[p], `length` bytes each; returns the position after. */
  fixed(b: Uint8Array, p: number, from: number, to: number): number {
    const n = to - from;
    for (let k = 0; k < n; k++) this.starts[k] = p + k * this.length;
    b.fill(32, p, p + n * this.length);
    this.cells(b, from, to);
    return p + n * this.length;
  }

  /**
   * Rows from.. (one per label, at most {@link BLOCK_ROWS}) at b[p] as lines: the fixed part,
   * the label, a newline. Returns the position after; b must have room for them.
   */
  labelled(b: Uint8Array, p: number, from: number, labels: readonly string[]): number {
    const { starts, length } = this;
    const n = labels.length;
    for (let k = 0; k < n; k++) {
      starts[k] = p;
      p += length + labels[k]!.length + 1;
    }
    starts[n] = p;
    b.fill(32, starts[0]!, p);
    this.cells(b, from, from + n);
    for (let k = 0; k < n; k++) b[putLatin1(b, starts[k]! + length, labels[k]!)] = 10;
    return p;
  }

  /**
   * Rows from..to-1 (at most {@link BLOCK_ROWS}) at b[p] as lines: without the spaces after
   * the last cell, with a newline. Returns the position after; b must have room for
   * (to - from) × (length + 1) bytes.
   */
  lines(b: Uint8Array, p: number, from: number, to: number): number {
    if (this.native && this.t.names.size === 0) {
      // C stops before a row wider than its columns, laid out here as before.
      const r = this.native.lines(this.t, b, p, from, to);
      if (r.rows === to - from) return r.end;
      from += r.rows;
      p = r.end;
    }
    const { t, at, starts } = this;
    const { proto, state, inode } = t;
    const last = this.w.length - 1;
    const n = to - from;
    for (let i = from, k = 0; i < to; i++, k++) {
      starts[k] = p;
      let len: number;
      if (last === INODE) len = at[INODE]! + digits(inode[i]!);
      else if (state[i] !== CLOSE || proto[i] !== PROTO_UDP) len = at[STATE]! + STATE_LENGTH[state[i]!]!;
      else len = at[REMOTE]! + endpointLength(t, t.raddr, t.rport[i]!, i);
      p += len + 1;
    }
    starts[n] = p;
    b.fill(32, starts[0]!, p);
    this.cells(b, from, to);
    for (let k = 1; k <= n; k++) b[starts[k]! - 1] = 10;
    return p;
  }

  private cells(b: Uint8Array, from: number, to: number): void {
    const { t, at, w, starts } = this;
    putProtos(b, starts, t, from, to);
    putQueues(b, starts, t, t.recvQ, from, to, at[RECVQ]! + w[RECVQ]!);
    putQueues(b, starts, t, t.sendQ, from, to, at[SENDQ]! + w[SENDQ]!);
    putEndpoints(b, starts, t, t.laddr, t.lport, from, to, at[LOCAL]!);
    putEndpoints(b, starts, t, t.raddr, t.rport, from, to, at[REMOTE]!);
    putStates(b, starts, t, from, to, at[STATE]!);
    if (w.length > USER) {
      putNumbers(b, starts, t.uid, NO_UID, from, to, at[USER]!);
      putNumbers(b, starts, t.inode, -1, from, to, at[INODE]!);
    }
  }
}

/** The fixed columns of `t` in widths `w`, laid out in C too when the layout counts in C. */
function fixedRows(t: SocketTable, L: Layout, w: readonly number[]): FixedRows {
  const fixed = w.slice(0, L.fixed);
  return new FixedRows(t, fixed, L.native && nativeLayout(fixed));
}

/** Every character below 0x80: one byte and one column each. */
function ascii(s: string): boolean {
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) >= 0x80) return false;
  return true;
}

/**
 * An owner's width in columns: its length for ASCII; else display columns (a CJK character
 * takes two), as it is written in UTF-8 (process names are read as UTF-8, as ss prints them).
 */
export function ownerWidth(s: string): number {
  return ascii(s) ? s.length : displayWidth(s);
}

/** Into `labels`: the ASCII owners of rows from.. whose lines, `line` bytes each before the owner, fit in `room` bytes (at most {@link BLOCK_ROWS}). */
function ownerLabels(t: SocketTable, from: number, to: number, room: number, line: number, labels: string[]): void {
  labels.length = 0;
  for (let k = from; k < to && labels.length < BLOCK_ROWS; k++) {
    const label = ownerCell(t, k);
    // A name beyond ASCII ends the run: its row is written on its own, in UTF-8.
    if (!ascii(label)) return;
    room -= line + label.length;
    if (room < 0) return;
    labels.push(label);
  }
}

/** Column indices of the fixed part of a line. */
const PROTO = 0,
  RECVQ = 1,
  SENDQ = 2,
  LOCAL = 3,
  REMOTE = 4,
  STATE = 5,
  USER = 6,
  INODE = 7;

/** A listing's columns: the fixed ones (Proto to State, or to Inode with -e), then those printed from their cell text. */
export interface Layout {
  cols: Column[];
  /** Cells of the columns after the fixed ones. */
  tail: ((t: SocketTable, i: number) => string)[];
  /** How many columns are fixed; the owner column's index (-1: none); the last column's. */
  fixed: number;
  owner: number;
  last: number;
  header: boolean;
  /** Widths counted in C (ls-native.ts), when the listing allows it and the addon is built. */
  native?: NativeLayout;
}

function layoutOf(c: LsColumns): Layout {
  const cols: Column[] = [
    { header: 'Proto', min: 5 },
    { header: 'Recv-Q', right: true },
    { header: 'Send-Q', right: true },
    { header: 'Local Address', min: 23 },
    { header: 'Foreign Address', min: 23 },
    { header: 'State', min: 11 },
  ];
  if (c.extended) cols.push({ header: 'User', min: 6 }, { header: 'Inode', min: 8 });
  const tail: Layout['tail'] = [];
  const fixed = cols.length;
  let owner = -1;
  if (c.processes) {
    owner = cols.length;
    cols.push({ header: 'PID/Program name', min: 20 });
    tail.push(ownerCell);
  }
  if (c.timers) {
    cols.push({ header: 'Timer' });
    tail.push(timerCell);
  }
  const m = pick(LS, c.lang ?? 'en');
  if (c.memory) {
    cols.push({ header: m.memory });
    tail.push((t, i) => memoryCell(t.ext.get(i)));
  }
  if (c.info) {
    cols.push({ header: m.info });
    tail.push((t, i) => infoCell(t.ext.get(i)));
  }
  const L: Layout = { cols, tail, fixed, owner, last: cols.length - 1, header: c.header !== false };
  if (c.native) L.native = nativeLayout(headingWidths(L).slice(0, fixed));
  return L;
}

/** Each column's width before any row: its minimum, or its heading's (-H leaves the heading out, not its width). */
function headingWidths(L: Layout): number[] {
  return L.cols.map((col) => Math.max(col.min ?? 0, displayWidth(col.header)));
}

/** Widen `w` to the rows of `t`: every column but the last, the owner column only when `owners`. */
function measure(t: SocketTable, L: Layout, w: number[], owners: boolean): void {
  // The last column is not padded, but its width bounds the length of a line.
  countWidths(t, w, L.fixed > USER, L.native);
  for (let j = L.fixed; j < L.last; j++) {
    if (j === L.owner && !owners) continue;
    const f = L.tail[j - L.fixed]!;
    const width = j === L.owner ? ownerWidth : (s: string) => s.length;
    let m = w[j]!;
    for (let i = 0; i < t.length; i++) {
      const len = width(f(t, i));
      if (len > m) m = len;
    }
    w[j] = m;
  }
}

/** The heading line into `rb`. */
function heading(rb: RowBytes, L: Layout, w: readonly number[]): void {
  rb.reserve(L.cols.reduce((m, col, j) => m + Math.max(w[j]!, col.header.length * 3) + 1, 1));
  const start = rb.length;
  L.cols.forEach((col, j) => {
    if (j > 0) rb.byte(32);
    rb.text(col.header, j === L.last && !col.right ? 0 : w[j]!, col.right);
  });
  rb.trimEnd(start);
  rb.newline();
}

/** The lines of rows.t's rows from..n-1 into `rb`, pausing (yield) whenever it must be flushed before the next row. */
function* lines(rb: RowBytes, L: Layout, w: readonly number[], rows: FixedRows, from = 0, n = rows.t.length): Generator<void, void, void> {
  const t = rows.t;
  const { fixed, last, owner, tail } = L;
  const fixedLen = rows.length;
  if (owner === last) {
    // PID/Program last (ls -p without -o/-i/-m): each row's fixed part, then its owner,
    // printed whole (not trimmed: an owner is never empty).
    const labels: string[] = [];
    for (let i = from; i < n; ) {
      const label = ownerCell(t, i);
      // UTF-8 takes up to 3 bytes per UTF-16 unit.
      const first = fixedLen + 1 + (ascii(label) ? label.length : 3 * label.length);
      if (!rb.fits(first)) {
        yield;
        rb.reserve(first);
      }
      if (!ascii(label)) {
        rb.commit(rows.labelled(rb.raw(), rb.length, i, ['']) - 1);
        rb.utf8(label);
        rb.newline();
        i++;
        continue;
      }
      ownerLabels(t, i, n, rb.free, fixedLen + 1, labels);
      rb.commit(rows.labelled(rb.raw(), rb.length, i, labels));
      i += labels.length;
    }
    return;
  }
  if (tail.length === 0) {
    const line = fixedLen + 1;
    for (let i = from; i < n; ) {
      if (!rb.fits(line)) yield;
      const to = Math.min(n, i + BLOCK_ROWS, i + Math.floor(rb.free / line));
      rb.commit(rows.lines(rb.raw(), rb.length, i, to));
      i = to;
    }
    return;
  }
  // Fixed parts a few rows at a time, then each row's own cells after its fixed part.
  const block = Buffer.allocUnsafe(Math.max(0, Math.min(n - from, TAIL_ROWS)) * fixedLen);
  const cells: string[] = new Array<string>(tail.length);
  for (let first = from; first < n; first += TAIL_ROWS) {
    const to = Math.min(n, first + TAIL_ROWS);
    rows.fixed(block, 0, first, to);
    for (let i = first; i < to; i++) {
      let need = fixedLen + 1;
      for (let k = 0; k < tail.length; k++) {
        const v = tail[k]!(t, i);
        cells[k] = v;
        need += Math.max(ascii(v) ? v.length : 3 * v.length, w[fixed + k]!) + 1;
      }
      if (!rb.fits(need)) {
        yield;
        rb.reserve(need);
      }
      const start = rb.length;
      rb.bytes(block, (i - first) * fixedLen, fixedLen);
      for (let k = 0; k < tail.length; k++) {
        const j = fixed + k;
        const v = cells[k]!;
        if (ascii(v)) rb.str(v, j === last ? 0 : w[j]!);
        else rb.text(v, j === last ? 0 : w[j]!);
        if (j < last) rb.byte(32);
      }
      rb.trimEnd(start);
      rb.newline();
    }
  }
}

/**
 * Prepare a listing before the owners are known: the width of every other column (the
 * fixed ones counted from the numbers, see {@link countWidths}), while the process scan
 * runs. Owners are read only when the text is written; the lines are laid out then, in
 * the one reused output block. (Laying them out here, overlapping the scan, needed a
 * buffer for the whole listing: first touch of that much fresh memory, ~40 ms for 90k
 * rows here, cost more than the layout it moved.)
 */
export function planLs(t: SocketTable, c: LsColumns): LsPlan {
  const L = layoutOf(c);
  const w = headingWidths(L);
  measure(t, L, w, false);
  const rows = fixedRows(t, L, w);

  const emit = function* (rb: RowBytes): Generator<void, void, void> {
    if (L.owner >= 0 && L.owner < L.last) {
      let m = w[L.owner]!;
      for (let i = 0; i < t.length; i++) {
        const len = ownerWidth(ownerCell(t, i));
        if (len > m) m = len;
      }
      w[L.owner] = m;
    }
    if (L.header) heading(rb, L, w);
    yield* lines(rb, L, w, rows);
  };
  return {
    widths: w,
    write(out) {
      const rb = new RowBytes(out, BLOCK_BYTES);
      const lines = emit(rb);
      while (!lines.next().done) rb.flush();
      rb.flush();
    },
    async writeBytes(out) {
      const rb = RowBytes.bytes(out, BLOCK_BYTES);
      const lines = emit(rb);
      while (!lines.next().done) {
        const kept = rb.flush();
        if (kept) await kept;
      }
      await rb.flush();
    },
  };
}

/**
 * A listing's column widths counted a chunk of rows at a time, as {@link planLs} counts them
 * over a whole table (the widest cell of each column but the last): the first pass of a
 * listing written without holding its rows ({@link LsStream}).
 */
export class LsWidths {
  readonly L: Layout;
  readonly w: number[];

  constructor(c: LsColumns) {
    this.L = layoutOf(c);
    this.w = headingWidths(this.L);
  }

  /** Widen to the rows of `t`. */
  add(t: SocketTable): void {
    if (t.length > 0) measure(t, this.L, this.w, true);
  }
}

/**
 * A listing written as its rows arrive, in chunks, without holding them, in widths counted
 * before ({@link LsWidths}, over the same rows): the text {@link planLs} makes of them all. A
 * row wider than its columns all the same (a file that changed between the passes) pushes the
 * rest of its line right, as netstat and ss print a cell wider than their columns, never over
 * the next cell. Lines go into a pooled {@link RowBytes} (it never waits; the caller awaits
 * {@link LsStream.settled} between chunks).
 */
export class LsStream {
  private readonly L: Layout;
  private readonly w: number[];
  private readonly rows: FixedRows;
  private readonly rb: RowBytes;

  /** The heading written (unless -H). */
  constructor(widths: LsWidths, out: (bytes: Uint8Array) => void | Promise<void>) {
    this.L = widths.L;
    this.w = widths.w;
    this.rows = fixedRows(new SocketTable(16), this.L, this.w);
    this.rb = RowBytes.pooled(out, BLOCK_BYTES);
    if (this.L.header) heading(this.rb, this.L, this.w);
  }

  /** The rows of `t` (a chunk, reused by its owner once this returns). */
  write(t: SocketTable): void {
    const n = t.length;
    this.rows.t = t;
    let from = 0;
    for (let i = this.firstWide(t, 0); i < n; i = this.firstWide(t, i + 1)) {
      this.range(this.rows, this.w, from, i);
      this.wide(t, i);
      from = i + 1;
    }
    this.range(this.rows, this.w, from, n);
  }

  /** The first row from `i` on wider than its columns, or t.length. */
  private firstWide(t: SocketTable, i: number): number {
    const native = this.rows.native;
    if (native && this.L.tail.length === 0 && t.names.size === 0) return native.firstWide(t, i, t.length);
    while (i < t.length && this.fits(t, i)) i++;
    return i;
  }

  private range(rows: FixedRows, w: readonly number[], from: number, to: number): void {
    if (from >= to) return;
    const rb = this.rb;
    const it = lines(rb, this.L, w, rows, from, to);
    while (!it.next().done) rb.flush();
  }

  /** Does every cell of row i but the last fit its column? */
  private fits(t: SocketTable, i: number): boolean {
    const { w, L } = this;
    if ((t.flags[i]! & F_HAS_QUEUES) !== 0 && (digits(t.recvQ[i]!) > w[RECVQ]! || digits(t.sendQ[i]!) > w[SENDQ]!)) return false;
    if (endpointLength(t, t.laddr, t.lport[i]!, i) > w[LOCAL]! || endpointLength(t, t.raddr, t.rport[i]!, i) > w[REMOTE]!) return false;
    if (L.last > STATE && STATE_LENGTH[t.state[i]!]! > w[STATE]!) return false;
    if (L.fixed > USER) {
      if ((t.uid[i] === NO_UID ? 1 : digits(t.uid[i]!)) > w[USER]!) return false;
      if (L.last > INODE && digits(t.inode[i]!) > w[INODE]!) return false;
    }
    for (let j = L.fixed; j < L.last; j++) {
      const v = L.tail[j - L.fixed]!(t, i);
      if ((j === L.owner ? ownerWidth(v) : v.length) > w[j]!) return false;
    }
    return true;
  }

  /** Row i, wider than its columns: its own cells push the rest of its line right. */
  private wide(t: SocketTable, i: number): void {
    const one = new SocketTable(1);
    one.copyRow(t, i);
    const w = this.w.slice();
    measure(one, this.L, w, true);
    this.range(new FixedRows(one, w.slice(0, this.L.fixed)), w, 0, 1);
  }

  /** What is laid out, handed on; resolves once the output has taken every block. */
  async end(): Promise<void> {
    this.rb.flush();
    await this.rb.settled();
  }

  /** Blocks handed on have been written (bounded memory: await between chunks). */
  settled(): Promise<void> {
    return this.rb.settled();
  }
}

export const CSV_HEADER = [
  'proto',
  'family',
  'state',
  'local_address',
  'local_port',
  'remote_address',
  'remote_port',
  'recv_q',
  'send_q',
  'timer',
  'timer_ms',
  'retransmits',
  'probes',
  'uid',
  'inode',
  'pids',
  'programs',
];

/** The rows as CSV (header included), one socket per line. */
export function renderCsv(t: SocketTable, header = true): string {
  const out: string[] = header ? [CSV_HEADER.join(',')] : [];
  for (let i = 0; i < t.length; i++) {
    const r = t.record(i);
    out.push(
      [
        r.proto,
        r.family,
        r.state,
        r.local.name ?? r.local.address,
        r.local.port,
        r.remote.name ?? r.remote.address,
        r.remote.port,
        r.recvQ,
        r.sendQ,
        r.timer?.kind ?? '',
        r.timer?.expiresMs ?? '',
        r.timer?.retransmits ?? '',
        r.timer?.probes ?? '',
        r.uid,
        r.inode,
        r.owners.map((o) => o.pid).join(' '),
        r.owners.map((o) => o.program).join(' '),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return out.join('\n') + '\n';
}

/** JSON document of `ls --json` (schema: docs/json.md). */
export function lsJson(t: SocketTable, meta: { source: string; host?: string; warnings?: readonly Warning[] }): LsDocument {
  const sockets = [];
  for (let i = 0; i < t.length; i++) sockets.push(t.record(i));
  return { schema: SCHEMAS.ls, source: meta.source, ...(meta.host ? { host: meta.host } : {}), sockets, warnings: [...(meta.warnings ?? [])] };
}
