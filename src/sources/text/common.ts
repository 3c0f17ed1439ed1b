/**
 * What every captured-text parser shares: the {@link TextFormat} contract (a line parser
 * that hands its rows on in chunks, so a capture of any size is read in bounded memory),
 * the parse context, endpoint parsing (`addr:port`, `[v6]:port`, BSD's `addr.port`, `*`),
 * state words through the state table, numbers, and typed errors that name file, line and
 * field.
 * @module
 */
import { AF_INET, AF_INET6, isV4Mapped, parseV4, parseV6 } from '../../model/address.js';
import { countStates, type StateCounts } from '../../model/count.js';
import { TcpstateError, type WarningSink } from '../../model/errors.js';
import { SERVICES } from '../../model/filter.js';
import { parseState, type StateCode, UNKNOWN } from '../../model/state.js';
import { CHUNK_ROWS, type Owner, PROTO_TCP, SocketTable, TIMER_NAMES, TIMER_UNKNOWN } from '../../model/table.js';
import { type ByteRun, hexValue, type Tally } from './fast.js';
import { say as c, why } from '../../i18n/captures.js';

/**
 * The kind of one line, judged on its own: `data` (a socket or a count), `header`
 * (column titles, banners), `skip` (output the format is known to print that holds no TCP
 * socket: UDP and UNIX lines, notices), `more` (a continuation of the line before),
 * `blank`, or `other` (not this format).
 */
export type LineKind = 'blank' | 'header' | 'data' | 'skip' | 'more' | 'other';

/** Where parsers add warnings (`Warnings` in src/model/warnings.ts). */
export type { WarningSink };

export interface ParseContext {
  /** File name for messages. */
  readonly file: string;
  /** Line number (1-based, in the file) of `lines[0]`. */
  readonly firstLine: number;
  readonly warnings: WarningSink;
}

/** What a parser read from a run of lines. */
export interface ParsedCapture {
  /** Host named inside the data (tcpstate's own JSON carries one). */
  host?: string;
  /** Full listings: one row per TCP socket. Absent for summaries. */
  table?: SocketTable;
  /** Sockets per state (from the table, or as the summary gives them). */
  counts: StateCounts;
  /** Indexes (into the lines given) of lines that are not this format. */
  otherLines: number[];
}

/** Where a line parser sends what it reads. */
export interface StreamContext extends ParseContext {
  /** Rows read, in order, each whole (continuation lines included); the chunk is reused after the call. */
  rows(chunk: SocketTable): void;
  /** Line `idx` is not this format's: the reader tells another format's data (an error) from prose (a warning). */
  other(idx: number, line: string): void;
  /** When set, rows are only counted: a byte reader may add to these counts instead of sending rows. */
  tally?: Tally;
  /** A byte reader may read in C where the addon is built (native-count.ts): not under ReadOptions.noNative. */
  native?: boolean;
}

/** What a line parser says when its run of lines is over. */
export interface RunEnd {
  /** A summary's counts (formats of kind `counts`). */
  counts?: StateCounts;
  /**
   * For rows kept: what only the end of the run told (ss -o prints no timer for a socket
   * whose timer is off). Never changes what selects or counts a row: state, family, addresses, ports.
   */
  fixup?: (t: SocketTable) => void;
}

/** A parser of one run of lines, fed one line at a time. */
export interface LineParser {
  /** Line `idx` of the run (its file line is `firstLine + idx`). */
  line(text: string, idx: number): void;
  /** The run is over: rows still held are sent. */
  end(): RunEnd;
  /**
   * Lines at byte level (fast.ts), the first being line `idx` of the run: takes lines from
   * `run.pos` while each is one it reads exactly as {@link line} would, and stops at the first
   * other one. False when it takes none in its present state (the caller then hands it lines
   * as text for a while).
   */
  bytes?(run: ByteRun, idx: number): boolean;
  /**
   * Would {@link bytes} now take exactly the lines a fresh parser of this format takes? (No
   * header or earlier line changed how lines read.) Then lines another thread counted with a
   * fresh parser can be added as if read here (split.ts).
   */
  bytesFresh?(): boolean;
  /**
   * What the capture so far changed in how {@link bytes} reads ('' for nothing; ss: `[v6]:port`
   * read once a line showed one). Such a state only grows, so lines another thread's parser
   * took after {@link setBytesState} with it read the same here.
   */
  bytesState?(): string;
  /** Read from now on as a parser in `state` (from {@link bytesState} of another) reads. */
  setBytesState?(state: string): void;
}

/** A captured-text format, registered by name in `registry.ts`. */
export interface TextFormat {
  readonly name: string;
  /** What produces it, for messages and help (`net-tools netstat -antp`). */
  readonly title: string;
  /** `sockets` for listings, `counts` for per-state summaries. */
  readonly kind: 'sockets' | 'counts';
  /** Matches a shell command (from a prompt line) that prints this format. */
  readonly command: RegExp;
  /** Read the whole input as one piece (JSON), not line by line: it has no {@link TextFormat.open}. */
  readonly whole?: boolean;
  /** The kind of one line out of context: for detection and for mixed-format checks. */
  classify(line: string): LineKind;
  /** A line parser for a run of lines (every format but the whole ones). */
  open?(ctx: StreamContext): LineParser;
  /** Parse a run of lines held in memory. Pure; throws TcpstateError (ERR_PARSE) naming line and field. */
  parse(lines: readonly string[], ctx: ParseContext): ParsedCapture[];
  /**
   * Count the lines of file `fd` from `from` (a line start) on a native thread, as a fresh
   * parser's byte reader in `state` (LineParser.bytesState) counts them, up to the first it
   * does not take; undefined without one (split.ts: instead of a worker).
   */
  countNative?(fd: number, from: number, state: string): NativeRange | undefined;
}

/** A range being counted on a native thread (TextFormat.countNative). */
export interface NativeRange {
  /** Wait for it: where it stopped (a line start), the lines and counts; undefined after a read error. */
  finish(): { stop: number; lines: number; counts: Float64Array; families: number } | undefined;
}

/**
 * The rows a line parser is filling: a table of {@link CHUNK_ROWS} rows, sent and reused when
 * full. Rows are sent only between rows (at {@link next} or {@link flush}), so the last row
 * may still take its continuation lines.
 */
export class RowChunk {
  readonly t = new SocketTable(CHUNK_ROWS);
  /** Rows are held, not sent, however many there are (a parser waiting to learn something). */
  hold = false;

  constructor(private readonly ctx: StreamContext) {}

  /** A new row is about to be added: send the full chunk first. */
  next(): void {
    if (!this.hold && this.t.length >= CHUNK_ROWS) this.flush();
  }

  /** Send the rows held. */
  flush(): void {
    const t = this.t;
    if (t.length === 0) return;
    this.ctx.rows(t);
    t.length = 0;
    t.owners = new Map();
    t.rowOwners.clear();
    t.ext.clear();
    t.names.clear();
  }
}

/** Run a line parser over lines held in memory: the rows in one table, the other lines listed. */
export function parseRun(open: (ctx: StreamContext) => LineParser, lines: readonly string[], ctx: ParseContext): ParsedCapture[] {
  let table: SocketTable | undefined;
  const otherLines: number[] = [];
  const p = open({
    ...ctx,
    rows: (chunk) => {
      table ??= new SocketTable(Math.max(16, lines.length));
      for (let i = 0; i < chunk.length; i++) table.copyRow(chunk, i);
    },
    other: (idx) => {
      otherLines.push(idx);
    },
  });
  for (let idx = 0; idx < lines.length; idx++) p.line(lines[idx]!, idx);
  const end = p.end();
  if (end.counts) return [{ counts: end.counts, otherLines }];
  table ??= new SocketTable(16);
  end.fixup?.(table);
  return [{ table, counts: countsOf(table), otherLines }];
}

/** Throw ERR_PARSE for line `idx` of the run. */
export function fail(ctx: ParseContext, idx: number, field: string, message: string): never {
  throw new TcpstateError('ERR_PARSE', why(message), { file: ctx.file, line: ctx.firstLine + idx, field });
}

/** Split on runs of white space, without empty ends. */
export function fields(line: string): string[] {
  const t = line.trim();
  return t === '' ? [] : t.split(/\s+/);
}

/** The value of 1 to `max` decimal digits, by character codes (no pattern on the hot path); -1 if not that. */
function digits(text: string, max: number): number {
  const n = text.length;
  if (n === 0 || n > max) return -1;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** A whole number below 2^32 (queue sizes, inodes, uids, pids). */
export function uint(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = digits(text, 10);
  return v >= 0 && v <= 0xffffffff ? v : undefined;
}

/** A whole number, or ERR_PARSE naming the field. */
export function needUint(ctx: ParseContext, idx: number, field: string, text: string | undefined): number {
  if (text === undefined) fail(ctx, idx, field, 'line ends early');
  const v = uint(text);
  if (v === undefined) fail(ctx, idx, field, `expected a whole number, found "${text}"`);
  return v;
}

/** State words already resolved (a capture repeats a dozen spellings a million times). */
const STATE_CACHE = new Map<string, StateCode>();

/**
 * A state word through the one state table. A word the table does not know is counted as
 * UNKNOWN with a warning naming the line; a token that is not a word is an ERR_PARSE.
 */
export function stateWord(ctx: ParseContext, idx: number, token: string | undefined, field = 'State'): StateCode {
  if (token === undefined) fail(ctx, idx, field, 'line ends early');
  const known = STATE_CACHE.get(token);
  if (known !== undefined) return known;
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(token)) fail(ctx, idx, field, `expected a state name, found "${token}"`);
  const code = parseState(token);
  if (code !== undefined) {
    if (STATE_CACHE.size < 256) STATE_CACHE.set(token, code);
    return code;
  }
  ctx.warnings.add('W_UNKNOWN_STATE', c('unknownStateWord', token), { file: ctx.file, line: ctx.firstLine + idx, field });
  return UNKNOWN;
}

/** Is this token a state word the table knows? (For line classification.) */
export function isStateWord(token: string | undefined): boolean {
  return token !== undefined && /^[A-Za-z][A-Za-z0-9_-]*$/.test(token) && parseState(token) !== undefined;
}

/** A parsed endpoint: family 0 when the text does not tell (`*`, a host name). */
export interface Endpoint {
  family: 0 | 4 | 6;
  /** Address bytes (IPv4 in the first 4). */
  bytes: Uint8Array;
  port: number;
  /** The address or port was a name, not a number (a capture made without -n). */
  named: boolean;
  /** The address or port was printed as a name, known or not (`localhost:ssh`): ls shows it so. */
  shownName: boolean;
  /** The address was `*` (any). */
  any: boolean;
}

export function newEndpoint(): Endpoint {
  return { family: 0, bytes: new Uint8Array(16), port: 0, named: false, shownName: false, any: false };
}

function portOf(text: string, ep: Endpoint): boolean {
  // No tool prints an empty port (0 is `*` or `0`): `127.0.0.1:` is a cut line.
  if (text === '*') {
    ep.port = 0;
    return true;
  }
  const p = digits(text, 5);
  if (p >= 0) {
    if (p > 65535) return false;
    ep.port = p;
    return true;
  }
  if (!/^[A-Za-z][\w.+-]*$/.test(text)) return false;
  ep.shownName = true;
  const svc = SERVICES[text.toLowerCase()];
  ep.port = svc ?? 0;
  if (svc === undefined) ep.named = true;
  return true;
}

/** Dotted-quad IPv4 by character codes (the hot path of every listing). */
function fastV4(a: string, out: Uint8Array): boolean {
  let part = 0;
  let v = 0;
  let digits = 0;
  for (let k = 0; k < a.length; k++) {
    const c = a.charCodeAt(k);
    if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      if (++digits > 3 || v > 255) return false;
    } else if (c === 46 && digits > 0 && part < 3) {
      out[part++] = v;
      v = 0;
      digits = 0;
    } else return false;
  }
  if (part !== 3 || digits === 0) return false;
  out[3] = v;
  return true;
}

const V6_GROUPS = new Uint16Array(8);
const V4_TAIL = new Uint8Array(4);

/**
 * IPv6 text by character codes: hex groups, one `::`, a dotted-quad tail. True only for what
 * parseV6 reads the same way; anything else (zones, odd forms) is left to parseV6.
 */
function fastV6(a: string, out: Uint8Array): boolean {
  const n = a.length;
  if (n < 2 || n > 45) return false;
  const g = V6_GROUPS;
  let count = 0;
  let gap = -1;
  let k = 0;
  if (a.charCodeAt(0) === 58) {
    if (a.charCodeAt(1) !== 58) return false;
    gap = 0;
    k = 2;
  }
  while (k < n) {
    const start = k;
    let v = 0;
    let h: number;
    while (k < n && (h = hexValue(a.charCodeAt(k))) >= 0) {
      v = v * 16 + h;
      if (++k - start > 4) return false;
    }
    if (k < n && a.charCodeAt(k) === 46) {
      if (count > 6 || !fastV4(a.slice(start), V4_TAIL)) return false;
      g[count++] = (V4_TAIL[0]! << 8) | V4_TAIL[1]!;
      g[count++] = (V4_TAIL[2]! << 8) | V4_TAIL[3]!;
      k = n;
      break;
    }
    if (k === start || count === 8) return false;
    g[count++] = v;
    if (k === n) break;
    if (a.charCodeAt(k) !== 58) return false;
    if (++k === n) return false;
    if (a.charCodeAt(k) === 58) {
      if (gap >= 0) return false;
      gap = count;
      k++;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  const zeros = gap < 0 ? 0 : 8 - count;
  for (let i = 0, j = 0; i < 8; i++) {
    const v = gap >= 0 && i >= gap && i < gap + zeros ? 0 : g[j++]!;
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  }
  return true;
}

function addrOf(text: string, ep: Endpoint): boolean {
  ep.bytes.fill(0);
  ep.family = 0;
  ep.any = false;
  let a = text;
  const pct = a.indexOf('%');
  if (pct >= 0) a = a.slice(0, pct);
  if (a === '*') {
    ep.any = true;
    return true;
  }
  if (fastV4(a, ep.bytes)) {
    ep.family = 4;
    return true;
  }
  if (a.includes(':')) {
    if (fastV6(a, ep.bytes) || parseV6(a, ep.bytes, 0)) {
      ep.family = 6;
      return true;
    }
    // net-tools netstat without -W cuts long IPv6 addresses to fit its column: the
    // socket is real, its address is not known.
    if (/^[0-9A-Fa-f:.]+$/.test(a)) {
      ep.bytes.fill(0);
      ep.named = true;
      return true;
    }
    return false;
  }
  if (parseV4(a, ep.bytes, 0)) {
    ep.family = 4;
    return true;
  }
  // A host name (netstat without -n): kept as an unknown address.
  if (/^[A-Za-z0-9][\w.-]*$/.test(a)) {
    ep.named = true;
    ep.shownName = true;
    return true;
  }
  return false;
}

/**
 * Parse `addr:port` as Linux and Windows tools print it: `127.0.0.1:80`, `::1:80` and
 * `:::*` (net-tools), `[::1]:80`, `[::]:*`, `*:*`, `[fe80::1%eth0]:22`, `10.0.0.1%lo:53`,
 * `localhost:ssh`. Returns false when the text is none of these.
 */
export function parseColonEndpoint(text: string, ep: Endpoint): boolean {
  ep.named = false;
  ep.shownName = false;
  let addr: string;
  let port: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return false;
    addr = text.slice(1, close);
    let rest = text.slice(close + 1);
    if (rest.startsWith('%')) rest = rest.slice(rest.indexOf(':') >= 0 ? rest.indexOf(':') : rest.length);
    // Every tool prints a port after the brackets (`[::]:*`): without one, the text was cut.
    if (!rest.startsWith(':')) return false;
    port = rest.slice(1);
  } else {
    const c = text.lastIndexOf(':');
    if (c < 0) return false;
    addr = text.slice(0, c);
    port = text.slice(c + 1);
    if (addr === '') addr = '*';
  }
  return addrOf(addr, ep) && portOf(port, ep);
}

/** Parse BSD's `addr.port`: `127.0.0.1.8080`, `*.22`, `*.*`, `::1.6012`, `fe80::1%lo0.123`. */
export function parseDotEndpoint(text: string, ep: Endpoint): boolean {
  ep.named = false;
  ep.shownName = false;
  const d = text.lastIndexOf('.');
  if (d <= 0) return false;
  return addrOf(text.slice(0, d), ep) && portOf(text.slice(d + 1), ep);
}

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** Write an endpoint into row i as `family` (4 or 6), mapping v4 ↔ v4-mapped v6 as needed. */
export function storeEndpoint(out: Uint8Array, off: number, ep: Endpoint, family: number): void {
  for (let k = 0; k < 16; k++) out[off + k] = 0;
  if (ep.any) return;
  const b = ep.bytes;
  if (family === AF_INET) {
    if (ep.family === 6 && isV4Mapped(b, 0)) for (let k = 0; k < 4; k++) out[off + k] = b[12 + k]!;
    else if (ep.family === 4) for (let k = 0; k < 4; k++) out[off + k] = b[k]!;
    return;
  }
  if (ep.family === 4) {
    for (let k = 0; k < 12; k++) out[off + k] = MAPPED_PREFIX[k]!;
    for (let k = 0; k < 4; k++) out[off + 12 + k] = b[k]!;
  } else if (ep.family === 6) for (let k = 0; k < 16; k++) out[off + k] = b[k]!;
}

/** The family an endpoint's address shows: 6 for IPv6 that is not v4-mapped, else what was parsed. */
function shownFamily(e: Endpoint): number {
  return e.family === 6 && !isV4Mapped(e.bytes, 0) ? 6 : e.family;
}

/**
 * The family of a row: what the protocol column says (`tcp6`), else what the addresses
 * say, else IPv4. An IPv6 address (not v4-mapped) on a row said to be IPv4 wins.
 */
export function rowFamily(said: 0 | 4 | 6, l: Endpoint, r: Endpoint): number {
  const la = shownFamily(l);
  const ra = shownFamily(r);
  if (said === 4 && (la === 6 || ra === 6)) return AF_INET6;
  if (said !== 0) return said === 6 ? AF_INET6 : AF_INET;
  if (la === 6 || ra === 6) return AF_INET6;
  if (l.family === 6 || r.family === 6) return AF_INET6;
  return AF_INET;
}

/** Fill the common columns of a new TCP row. */
export function addRow(t: SocketTable, family: number, state: StateCode, l: Endpoint, r: Endpoint, flags: number): number {
  const i = t.add();
  t.proto[i] = PROTO_TCP;
  t.family[i] = family;
  t.state[i] = state;
  t.flags[i] = flags;
  storeEndpoint(t.laddr, i * 16, l, family);
  storeEndpoint(t.raddr, i * 16, r, family);
  t.lport[i] = l.port;
  t.rport[i] = r.port;
  return i;
}

const OWNERS = new Map<string, Owner[]>();

/** One shared owner list per `pid/program` (thousands of sockets of one process share it). */
export function ownerOf(pid: number, program: string): Owner[] {
  const k = `${pid}/${program}`;
  let o = OWNERS.get(k);
  if (!o) {
    o = [{ pid, program }];
    if (OWNERS.size > 4096) OWNERS.clear();
    OWNERS.set(k, o);
  }
  return o;
}

/** Attach owners to row i (by inode when it has one, so table copies keep them). */
export function setOwners(t: SocketTable, i: number, owners: Owner[]): void {
  if (owners.length === 0) return;
  const ino = t.inode[i]!;
  if (ino !== 0) t.owners.set(ino, owners);
  else t.rowOwners.set(i, owners);
}

/** Timer kind from its name as netstat -o / ss -o print it. */
export function timerKind(name: string): number {
  const n = name.toLowerCase();
  if (n === 'persist') return 4;
  const k = TIMER_NAMES.indexOf(n);
  return k >= 0 ? k : TIMER_UNKNOWN;
}

/** Keep the endpoints of row i that were shown as names, as the capture printed them. */
export function keepNames(t: SocketTable, i: number, l: Endpoint, lText: string, r: Endpoint, rText: string): void {
  if (l.shownName || r.shownName) t.names.set(i, [l.shownName ? lText : undefined, r.shownName ? rText : undefined]);
}

/** Warn once per capture that addresses are names (the capture was made without -n). */
export function noteNames(ctx: ParseContext, idx: number, seen: { names: boolean }, l: Endpoint, r: Endpoint): void {
  if (seen.names || !(l.named || r.named)) return;
  seen.names = true;
  ctx.warnings.add('W_NAMES', c('names'), {
    file: ctx.file,
    line: ctx.firstLine + idx,
  });
}

/** Count the states of a table into a fresh counts array. */
export function countsOf(t: SocketTable): StateCounts {
  return countStates(t, undefined);
}

export { AF_INET, AF_INET6 };
