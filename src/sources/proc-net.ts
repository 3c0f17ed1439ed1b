/**
 * The procfs source: /proc/net/tcp, tcp6, udp, udp6.
 *
 * Line format from net/ipv4/tcp_ipv4.c `get_tcp4_sock()` (udp: `udp4_format_sock()`), the
 * first ten whitespace-separated fields:
 * `sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode`.
 * Addresses are the in-memory network-order words printed as host-order hex, so on the
 * little-endian hosts Linux runs on `0100007F:0016` is 127.0.0.1:22; IPv6 is four such words.
 * `tm->when` is in USER_HZ ticks (1/100 s). `timeout` is `icsk_probes_out`.
 *
 * The parser works on bytes, never makes a string per line, and writes into a bounded
 * chunk table that it hands to a sink and reuses (see {@link ChunkSink}).
 * @module
 */
import { fs } from '../builtins.js';
import { AF_INET, AF_INET6 } from '../model/address.js';
import { osSaid, TcpstateError, type Warning, type WarningSink } from '../model/errors.js';
import { Warnings, warning } from '../model/warnings.js';
import { canonicalCode, UNKNOWN } from '../model/state.js';
import { F_HAS_QUEUES, F_HAS_TIMER, PROTO_TCP, PROTO_UDP, SocketTable } from '../model/table.js';

/**
 * Receives a chunk of parsed rows. The chunk is reused after the call returns: a sink
 * that keeps rows must copy them.
 */
export type ChunkSink = (chunk: SocketTable) => void;

export { CHUNK_ROWS } from '../model/table.js';
import { CHUNK_ROWS } from '../model/table.js';
import { say as c, why as reason } from '../i18n/captures.js';

export interface ProcNetFile {
  /** Name for error messages (`/proc/net/tcp6`). */
  name: string;
  family: number;
  proto: number;
}

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 10 + i;
  HEX[97 + i] = 10 + i;
}

const FIELD_NAMES = ['sl', 'local_address', 'rem_address', 'st', 'tx_queue:rx_queue', 'tr:tm->when', 'retrnsmt', 'uid', 'timeout', 'inode'];

/**
 * The longest line accepted, 4 KiB. The kernel's lines are 150 bytes (tcp), 178 (tcp6) or
 * less; a longer one is not a /proc/net line, and without a limit an input with no line
 * end (a captured file that is a symlink to /dev/zero) would be buffered without bound.
 */
export const PROC_LINE_MAX = 4096;

/** Incremental parser of one /proc/net file. Feed it bytes; call {@link end} at EOF. */
export class ProcNetParser {
  private readonly chunk: SocketTable;
  private carry = new Uint8Array(512);
  private carryLen = 0;
  /** Stream offset of the carried partial line's first byte. */
  private carryAt = 0;
  /** Bytes fed before the current call. */
  private fed = 0;
  private lineNo = 0;

  /** `warnings`: where its warnings go, capped per code (by default its own {@link Warnings}). */
  constructor(
    private readonly file: ProcNetFile,
    private readonly sink: ChunkSink,
    chunk?: SocketTable,
    readonly warnings: WarningSink = new Warnings(),
  ) {
    this.chunk = chunk ?? new SocketTable(CHUNK_ROWS);
  }

  private fail(field: number, why: string): never {
    throw new TcpstateError('ERR_PARSE', reason(why), { file: this.file.name, line: this.lineNo, field: FIELD_NAMES[field] ?? `#${field + 1}` });
  }

  private tooLong(at: number): never {
    throw new TcpstateError('ERR_PARSE', c('procLongLine', this.lineNo + 1, PROC_LINE_MAX), { file: this.file.name, offset: at });
  }

  /**
   * Whole lines read elsewhere (counted in C, text/native-count.ts), between two feeds: numbered
   * and offset as if fed, so later lines are said where a whole read says them.
   */
  skipped(lines: number, bytes: number): void {
    this.lineNo += lines;
    this.fed += bytes;
  }

  /** Parse bytes [start, end) of buf. Lines may span calls. */
  feed(buf: Uint8Array, start = 0, end = buf.length): void {
    const base = this.fed - start; // stream offset of buf[0]
    this.fed += end - start;
    let p = start;
    if (this.carryLen > 0) {
      const nl = buf.indexOf(10, p);
      const stop = nl < 0 || nl >= end ? end : nl;
      this.appendCarry(buf, p, stop, base);
      if (nl < 0 || nl >= end) return;
      this.line(this.carry, 0, this.carryLen);
      this.carryLen = 0;
      p = nl + 1;
    }
    while (p < end) {
      const nl = buf.indexOf(10, p);
      if (nl < 0 || nl >= end) {
        this.appendCarry(buf, p, end, base);
        return;
      }
      if (nl - p > PROC_LINE_MAX) this.tooLong(base + p);
      this.line(buf, p, nl);
      p = nl + 1;
    }
  }

  private appendCarry(buf: Uint8Array, from: number, to: number, base: number): void {
    const n = to - from;
    if (this.carryLen === 0) this.carryAt = base + from;
    if (this.carryLen + n > PROC_LINE_MAX) this.tooLong(this.carryAt);
    if (this.carryLen + n > this.carry.length) {
      const c = new Uint8Array(PROC_LINE_MAX);
      c.set(this.carry.subarray(0, this.carryLen));
      this.carry = c;
    }
    this.carry.set(buf.subarray(from, to), this.carryLen);
    this.carryLen += n;
  }

  /** Flush the last partial line and the last chunk. */
  end(): void {
    if (this.carryLen > 0) {
      this.line(this.carry, 0, this.carryLen);
      this.carryLen = 0;
    }
    if (this.chunk.length > 0) {
      this.sink(this.chunk);
      this.chunk.length = 0;
    }
  }

  private line(b: Uint8Array, s: number, e: number): void {
    this.lineNo++;
    if (e > s && b[e - 1] === 13) e--; // CRLF from a copied capture
    let p = s;
    while (p < e && (b[p] === 32 || b[p] === 9)) p++;
    if (p === e) return; // blank
    // Header: "sl  local_address ..."
    if (b[p] === 115 /* s */ && b[p + 1] === 108 /* l */) return;

    // field 0: "N:"
    let q = p;
    while (q < e && b[q]! >= 48 && b[q]! <= 57) q++;
    if (q === p || b[q] !== 58) this.fail(0, 'expected a row number followed by ":"');
    p = q + 1;

    const t = this.chunk;
    const i = t.add();
    t.proto[i] = this.file.proto;
    t.family[i] = this.file.family;
    t.flags[i] = F_HAS_QUEUES | F_HAS_TIMER;
    const words = this.file.family === AF_INET ? 1 : 4;
    p = this.addr(b, p, e, t.laddr, i * 16, words, 1);
    p = this.skipColon(b, p, e, 1);
    let r = this.hexField(b, p, e, 1, 4);
    t.lport[i] = r;
    p = this.pos;
    p = this.addr(b, p, e, t.raddr, i * 16, words, 2);
    p = this.skipColon(b, p, e, 2);
    t.rport[i] = this.hexField(b, p, e, 2, 4);
    p = this.pos;

    r = this.hexField(b, this.skipWs(b, p, e, 3), e, 3, 2);
    p = this.pos;
    const code = canonicalCode(r);
    if (code === UNKNOWN) this.warnings.add('W_UNKNOWN_STATE', c('unknownStateCode', r.toString(16).toUpperCase().padStart(2, '0')), { file: this.file.name, line: this.lineNo, field: 'st' });
    t.state[i] = code;

    t.sendQ[i] = this.hexField(b, this.skipWs(b, p, e, 4), e, 4, 8);
    p = this.skipColon(b, this.pos, e, 4);
    t.recvQ[i] = this.hexField(b, p, e, 4, 8);
    p = this.pos;

    t.timer[i] = this.hexField(b, this.skipWs(b, p, e, 5), e, 5, 2);
    p = this.skipColon(b, this.pos, e, 5);
    const ticks = this.hexField(b, p, e, 5, 16);
    // USER_HZ is 100 on every Linux architecture tcpstate targets.
    t.timerMs[i] = Math.min(0xfffffffe, ticks * 10);
    p = this.pos;

    t.retrans[i] = this.hexField(b, this.skipWs(b, p, e, 6), e, 6, 8);
    t.uid[i] = this.decField(b, this.skipWs(b, this.pos, e, 7), e, 7);
    t.probes[i] = this.decField(b, this.skipWs(b, this.pos, e, 8), e, 8);
    t.inode[i] = this.decField(b, this.skipWs(b, this.pos, e, 9), e, 9);

    if (t.length === t.capacity) {
      this.sink(t);
      t.length = 0;
    }
  }

  private pos = 0;

  private skipWs(b: Uint8Array, p: number, e: number, field: number): number {
    if (p >= e || (b[p] !== 32 && b[p] !== 9)) this.fail(field, p >= e ? 'line ends early' : 'expected white space');
    while (p < e && (b[p] === 32 || b[p] === 9)) p++;
    if (p >= e) this.fail(field, 'line ends early');
    return p;
  }

  private skipColon(b: Uint8Array, p: number, e: number, field: number): number {
    if (b[p] !== 58 || p >= e) this.fail(field, 'expected ":"');
    return p + 1;
  }

  /** Hex number of 1..maxDigits digits at p; sets this.pos after it. */
  private hexField(b: Uint8Array, p: number, e: number, field: number, maxDigits: number): number {
    let v = 0;
    let n = 0;
    while (p < e) {
      const h = HEX[b[p]!]!;
      if (h < 0) break;
      v = v * 16 + h;
      p++;
      n++;
    }
    if (n === 0 || n > maxDigits) this.fail(field, n === 0 ? 'expected a hexadecimal number' : `hexadecimal number longer than ${maxDigits} digits`);
    this.pos = p;
    return v;
  }

  private decField(b: Uint8Array, p: number, e: number, field: number): number {
    let v = 0;
    let n = 0;
    if (b[p] === 45) this.fail(field, 'negative number');
    while (p < e && b[p]! >= 48 && b[p]! <= 57) {
      v = v * 10 + (b[p]! - 48);
      p++;
      n++;
    }
    if (n === 0 || n > 10 || v > 0xffffffff) this.fail(field, 'expected a decimal number below 2^32');
    if (p < e && b[p] !== 32 && b[p] !== 9) this.fail(field, 'expected a decimal number');
    this.pos = p;
    return v;
  }

  /** Address of `words` 8-hex-digit words at p (after white space), little-endian words. */
  private addr(b: Uint8Array, p: number, e: number, out: Uint8Array, off: number, words: number, field: number): number {
    p = this.skipWs(b, p, e, field);
    for (let w = 0; w < words; w++) {
      for (let k = 0; k < 4; k++) {
        const q = p + w * 8 + (3 - k) * 2;
        const hi = q < e ? HEX[b[q]!]! : -1;
        const lo = q + 1 < e ? HEX[b[q + 1]!]! : -1;
        if (hi < 0 || lo < 0) this.fail(field, `expected ${words * 8} hexadecimal digits of address`);
        out[off + w * 4 + k] = (hi << 4) | lo;
      }
    }
    p += words * 8;
    if (b[p] !== 58) this.fail(field, `expected ${words * 8} hexadecimal digits of address then ":port"`);
    return p;
  }
}

/** Parse a whole /proc/net file held in memory; rows are appended to the sink's chunks. */
export function parseProcNet(bytes: Uint8Array, file: ProcNetFile, sink: ChunkSink): Warning[] {
  const warnings = new Warnings();
  const p = new ProcNetParser(file, sink, undefined, warnings);
  p.feed(bytes);
  p.end();
  return warnings.list();
}

/** The files of a proc root for the protocols and families asked for. */
export function procNetFiles(opts: { tcp: boolean; udp: boolean; v4: boolean; v6: boolean }): { rel: string; family: number; proto: number }[] {
  const out: { rel: string; family: number; proto: number }[] = [];
  if (opts.tcp && opts.v4) out.push({ rel: 'net/tcp', family: AF_INET, proto: PROTO_TCP });
  if (opts.tcp && opts.v6) out.push({ rel: 'net/tcp6', family: AF_INET6, proto: PROTO_TCP });
  if (opts.udp && opts.v4) out.push({ rel: 'net/udp', family: AF_INET, proto: PROTO_UDP });
  if (opts.udp && opts.v6) out.push({ rel: 'net/udp6', family: AF_INET6, proto: PROTO_UDP });
  return out;
}

/** Which sockets a /proc/net file holds, for messages: `IPv6 TCP`. */
function holds(file: ProcNetFile): string {
  return `${file.family === AF_INET ? 'IPv4' : 'IPv6'} ${file.proto === PROTO_UDP ? 'UDP' : 'TCP'}`;
}

/**
 * Read one /proc/net file through a reused buffer. A missing `optional` file (tcp6/udp6:
 * IPv6 disabled, or not captured) and an empty file (not even the header line the kernel
 * always writes: a failed copy) are warnings naming it, since the answer then lacks those
 * sockets; any other read error is ERR_IO naming the file.
 */
export function readProcNetFile(path: string, file: ProcNetFile, sink: ChunkSink, buf: Uint8Array, optional = false): Warning[] {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (optional && err.code === 'ENOENT') {
      return [warning('W_FILE_ABSENT', c('procAbsent', holds(file)), { file: path })];
    }
    throw new TcpstateError('ERR_IO', c('procCannotRead', path, osSaid(err)), { file: path });
  }
  const warnings = new Warnings();
  const parser = new ProcNetParser(file, sink, undefined, warnings);
  let total = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      total += n;
      parser.feed(buf, 0, n);
    }
    parser.end();
  } catch (e) {
    if (e instanceof TcpstateError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new TcpstateError('ERR_IO', err.code === 'EISDIR' ? c('procDirectory', path) : c('procCannotRead', path, osSaid(err)), { file: path });
  } finally {
    fs.closeSync(fd);
  }
  if (total === 0) {
    return [warning('W_FILE_EMPTY', c('procEmpty', holds(file)), { file: path })];
  }
  return warnings.list();
}
