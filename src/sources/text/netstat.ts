/**
 * net-tools `netstat` output: `-n`, `-an`, `-ant`, `-antp`, `-anto`, `-e` and their
 * combinations, with or without the banner and header lines.
 *
 * Columns (net-tools 2.10, netstat.c `tcp_do_one`): Proto, Recv-Q, Send-Q, Local Address,
 * Foreign Address, State, then `User Inode` with -e, `PID/Program name` with -p, and
 * `Timer` with -o, in that order. The program name may hold spaces (`5140/sshd: root@pts`);
 * the timer is `kind (seconds/retransmits/probes)`. IPv6 sockets are `tcp6` lines. UDP, RAW
 * and UNIX lines, and the "Active UNIX domain sockets" part, hold no TCP socket and are
 * skipped. Without -a, netstat leaves out sockets whose remote port is 0 (listeners).
 * @module
 */
import { CHUNK_ROWS, F_HAS_QUEUES, F_HAS_TIMER, NO_UID, type Owner, SocketTable } from '../../model/table.js';
import {
  addRow,
  fail,
  fields,
  keepNames,
  type LineKind,
  type LineParser,
  needUint,
  newEndpoint,
  noteNames,
  ownerOf,
  type ParseContext,
  type ParsedCapture,
  parseColonEndpoint,
  parseRun,
  RowChunk,
  rowFamily,
  setOwners,
  stateWord,
  type StreamContext,
  type TextFormat,
  timerKind,
  uint,
} from './common.js';
import { dryContext, looksLikeRest, WrappedLines } from './wrapped.js';
import { addQueuedRow, type ByteEndpoint, type ByteRun, colonEndpointAt, lineRest, newByteEndpoint, queueAt, queuesAt, skipSpaces, StateBytes, type Tally, tokenEnd, v4TokenAt } from './fast.js';
import { CountKind, NativeTurns, textCounter, textRange, textRower, worthC } from './native-count.js';

/** Protocols netstat lists that are not TCP. */
const NOT_TCP = /^(udp6?|udpl6?|raw6?|unix|sctp6?|ipx|ax25|netrom|x25|rose|ash|econet|bluetooth|l2cap|rfcomm|sco)$/;
const LINUX_BANNER =
  /^Active (Internet connections \((servers and established|w\/o servers|only servers)\)|UNIX domain sockets|IPX sockets|AX\.25 sockets|NET\/ROM sockets|Bluetooth connections|X\.25 sockets)/;
const HEADER = /^Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address\s+State\b/;
const UNIX_HEADER = /^Proto\s+RefCnt\s+Flags\s+Type\s+State\s+I-Node/;
const NOTICE = /^(\((Not all processes|No info could be read|Only processes owned by you)|netstat: )/;
const TIMER = /^\((\d+(?:\.\d+)?)\/(\d+)\/(\d+)\)$/;
const WS = /\s+/;

/** The line-level rules shared by net-tools and BusyBox netstat. */
export interface NetstatFlavor {
  /** Does `proto` (first column) of a TCP line name the family? (net-tools: tcp/tcp6.) */
  readonly protoFamily: boolean;
}

/** Classify one line of netstat output. */
export function classifyNetstat(line: string, flavor: NetstatFlavor): LineKind {
  const t = line.trim();
  if (t === '') return 'blank';
  return classifyFields(t, fields(t), flavor);
}

function classifyFields(t: string, f: string[], flavor: NetstatFlavor): LineKind {
  const p = f[0]!;
  if (p !== 'tcp' && p !== 'tcp6') {
    if (LINUX_BANNER.test(t) || HEADER.test(t)) return 'header';
    if (UNIX_HEADER.test(t) || NOTICE.test(t)) return 'skip';
    if (NOT_TCP.test(p) && f.length >= 4) return 'skip';
    // The rest of a socket line a terminal wrapped (joined by the parser).
    return looksLikeRest(f) ? 'more' : 'other';
  }
  if (p === 'tcp6' && !flavor.protoFamily) return 'other';
  if (f.length < 4 || uint(f[1]) === undefined) return 'other';
  const local = f[3]!;
  const colon = local.indexOf(':');
  if (colon < 0) return 'other';
  // net-tools prints IPv6 sockets as tcp6; a tcp line with an IPv6 local address is BusyBox's.
  if (flavor.protoFamily && p === 'tcp' && local.indexOf(':', colon + 1) >= 0) return 'other';
  return 'data';
}

interface Columns {
  user: boolean;
  program: boolean;
  timer: boolean;
  known: boolean;
}

/** A line parser of netstat output (one capture). */
export function openNetstat(ctx: StreamContext, flavor: NetstatFlavor): LineParser {
  const rows = new RowChunk(ctx);
  const cols: Columns = { user: false, program: false, timer: false, known: false };
  const l = newEndpoint();
  const r = newEndpoint();
  const seen = { names: false };
  let inInternet = true;
  /** The header line, while the next line may be its rest. */
  let header: string | undefined;
  // A socket line wrapped by a terminal: each socket line waits for the next (wrapped.ts).
  const dry = dryContext(ctx);
  const scratch = new SocketTable(1);
  const dl = newEndpoint();
  const dr = newEndpoint();
  const wrap = new WrappedLines(
    ctx,
    (text) => {
      const t = text.trim();
      const f = t.split(WS);
      if (classifyFields(t, f, flavor) !== 'data') return false;
      dry.warned = false;
      scratch.length = 0;
      try {
        rowOf(scratch, f, 0, dry, flavor, cols, dl, dr, { names: true });
      } catch {
        return false;
      }
      return !dry.warned;
    },
    (text, idx) => {
      rows.next();
      rowOf(rows.t, text.trim().split(WS), idx, ctx, flavor, cols, l, r, seen);
    },
  );
  return {
    line(line, idx) {
      const trimmed = line.trim();
      if (trimmed === '') {
        wrap.release();
        return;
      }
      if (trimmed.startsWith('Active ')) {
        wrap.release();
        inInternet = /^Active Internet/.test(trimmed);
        if (LINUX_BANNER.test(trimmed)) return;
      }
      if (trimmed.startsWith('Proto') && HEADER.test(trimmed)) {
        wrap.release();
        headerColumns(cols, trimmed);
        header = line.replace(/[\r\n]+$/, '');
        inInternet = true;
        return;
      }
      const f = trimmed.split(WS);
      const kind = classifyFields(trimmed, f, flavor);
      // The header wrapped too: its rest names the columns after State.
      const head = header;
      header = undefined;
      if (head !== undefined && kind === 'other' && wrappedHeader(cols, head, line)) return;
      if (kind === 'skip' || kind === 'header') {
        wrap.release();
        return;
      }
      if (!inInternet) return; // the UNIX part: paths and flags, no TCP
      if (kind !== 'data') {
        if (!wrap.join(line, idx)) ctx.other(idx, line);
        return;
      }
      wrap.hold(line, idx);
    },
    bytesFresh: () => inInternet && !cols.user && !cols.program && !cols.timer,
    bytes(run) {
      // Lines with -e, -p or -o columns, and the UNIX part, are read as text; -p's counted in C.
      if (cols.program && !cols.user && !cols.timer) return inInternet && programCount(run);
      if (!inInternet || cols.user || cols.program || cols.timer) return false;
      const tally = ctx.tally;
      const buf = run.buf;
      // A line held may go on in the run's first line unless that is data: the text path reads it.
      if (!dataLineAt(buf, run.pos, run.end, flavor)) return false;
      wrap.release();
      if (tally && flavor.protoFamily) {
        netstatCount(run, tally, flavor, rows, ctx.native === true);
        return true;
      }
      const end = run.end;
      const native = !tally && ctx.native && flavor.protoFamily && worthC(end - run.pos) ? textRower(CountKind.Netstat, stateLookup) : undefined;
      const turns = new NativeTurns();
      for (let p = run.pos; p < end; ) {
        // Rows held (not sent) grow the table: read here.
        const room = rows.hold ? 0 : CHUNK_ROWS - rows.t.length;
        if (native && turns.now() && room > 0) {
          const n = native(buf, p, end, rows.t, room, AT);
          if (n > 0) {
            rows.t.length += n;
            run.lines += n;
            p = AT[0]! | 0; // a position in the piece: a small integer, as V8 keeps it
            run.pos = p;
            if (p >= end) break;
          }
          turns.took(n, room);
        }
        const q = netstatBytes(buf, p, run.end, flavor, rows, tally);
        if (q < 0) break;
        p = q;
        run.pos = p;
        run.lines++;
      }
      return true;
    },
    end() {
      wrap.release();
      rows.flush();
      return {};
    },
  };

  /**
   * A `netstat -p` run counted in C from its first line (a header named PID/Program name and no
   * User or Timer column; net-tools): the lines it takes, up to the first other, which the
   * text path reads. False, taking nothing, when rows are wanted, without C, or when the run's
   * first line is not data.
   */
  function programCount(run: ByteRun): boolean {
    const tally = ctx.tally;
    const buf = run.buf;
    if (!tally || !cols.known || !flavor.protoFamily || !ctx.native || !worthC(run.end - run.pos)) return false;
    if (!dataLineAt(buf, run.pos, run.end, flavor)) return false;
    const count = textCounter(CountKind.NetstatProgram, stateLookup);
    if (!count) return false;
    // The line held for a wrapped rest is whole: the run's first line is data.
    wrap.release();
    AT[1] = 0;
    const n = count(buf, run.pos, run.end, tally.counts, AT);
    tally.families |= AT[1]!;
    run.lines += n;
    run.pos = AT[0]! | 0;
    return true;
  }
}

/** The columns after State that a header names. */
function headerColumns(cols: Columns, header: string): void {
  cols.known = true;
  cols.user = /\bUser\s+Inode\b/.test(header);
  cols.program = /PID\/Program name/.test(header);
  cols.timer = /\bTimer\b/.test(header);
}

/** `rest` is the rest of a wrapped header when, joined as cut or across a lost blank, it names more columns. */
function wrappedHeader(cols: Columns, head: string, rest: string): boolean {
  const b = rest.replace(/[\r\n]+$/, '');
  const n = (c: Columns) => Number(c.user) + Number(c.program) + Number(c.timer);
  const before = n(cols);
  for (const joined of [head + b, `${head} ${b}`]) {
    const c: Columns = { user: false, program: false, timer: false, known: true };
    headerColumns(c, joined);
    if (n(c) > before && HEADER.test(joined.trim()) && /^(?:\s*(?:PID\/Program name|User|Inode|Timer|[A-Za-z/]+))+\s*$/.test(b)) {
      Object.assign(cols, c);
      return true;
    }
  }
  return false;
}

const QUEUES = new Float64Array(2);
const LOCAL = newByteEndpoint();
const REMOTE = newByteEndpoint();
const NETSTAT_STATES = new StateBytes(false);
const stateLookup = (buf: Uint8Array, s: number, e: number) => NETSTAT_STATES.lookup(buf, s, e);
const AT = new Float64Array(2);

/**
 * One netstat socket line at byte level, from p: `tcp[6] RECVQ SENDQ LOCAL FOREIGN STATE`
 * with numeric addresses and nothing after the state, ended by LF (or CRLF) before `end`.
 * Adds its row (or, with a tally, only counts it) and returns where the next line starts;
 * -1 (nothing added) for any line the string parser must read.
 */
function netstatBytes(buf: Uint8Array, p: number, end: number, flavor: NetstatFlavor, rows: RowChunk, tally: Tally | undefined): number {
  if (buf[p] !== 116 || buf[p + 1] !== 99 || buf[p + 2] !== 112) return -1;
  let q = p + 3;
  let said = 0;
  if (buf[q] === 54) {
    if (!flavor.protoFamily) return -1;
    said = 6;
    q++;
  } else if (flavor.protoFamily) said = 4;
  if (buf[q] !== 32) return -1;
  q = skipSpaces(buf, q, end);
  let t = queuesAt(buf, q, end, QUEUES);
  if (t < 0) return -1;
  q = skipSpaces(buf, t, end);
  t = tokenEnd(buf, q, end);
  // net-tools: IPv4 on tcp lines; IPv6 (or IPv4-mapped peers shown as IPv4) on tcp6 lines.
  if (t <= q || !colonEndpointAt(buf, q, t, LOCAL, said !== 4, false)) return -1;
  q = skipSpaces(buf, t, end);
  t = tokenEnd(buf, q, end);
  if (t <= q || !colonEndpointAt(buf, q, t, REMOTE, said !== 4, false)) return -1;
  q = skipSpaces(buf, t, end);
  t = tokenEnd(buf, q, end);
  if (t <= q) return -1;
  const state = NETSTAT_STATES.lookup(buf, q, t);
  if (state < 0) return -1;
  const next = lineRest(buf, t, end);
  if (next < 0) return -1;
  // Read here only when the next line is data: any other may be the rest of this one (a
  // terminal wrapped it, or it reads as more columns), which the text path joins.
  if (!dataLineAt(buf, next, end, flavor)) return -1;
  // As rowFamily: what the protocol column says, else IPv6 when either address is.
  const family = said !== 0 ? said : LOCAL.family === 6 || REMOTE.family === 6 ? 6 : 4;
  if (tally) {
    tally.counts[state]!++;
    tally.families |= family === 4 ? 1 : 2;
    return next;
  }
  rows.next();
  addQueuedRow(rows.t, family, state, LOCAL, REMOTE, QUEUES[0]!, QUEUES[1]!);
  return next;
}

/**
 * Does a line classifyFields calls `data` begin at p? Checked strictly (false for some data
 * lines, never true for another). The text path joins a line that is not data to the socket
 * line before it when the two read as one (a wrapped line; a headerless capture's `tcp 0` as
 * User and Inode), so the byte level reads a socket line only when the next is data.
 */
function dataLineAt(buf: Uint8Array, p: number, end: number, flavor: NetstatFlavor): boolean {
  if (p + 4 >= end || buf[p] !== 116 || buf[p + 1] !== 99 || buf[p + 2] !== 112) return false;
  let q = p + 3;
  const six = buf[q] === 54;
  if (six) {
    if (!flavor.protoFamily) return false;
    q++;
  }
  if (buf[q] !== 32) return false;
  while (q < end && buf[q] === 32) q++;
  // Recv-Q: a number below 2^32.
  const d = q;
  let v = 0;
  while (q < end && buf[q]! >= 48 && buf[q]! <= 57) v = v * 10 + buf[q++]! - 48;
  if (q === d || q - d > 10 || v > 0xffffffff || buf[q] !== 32) return false;
  while (q < end && buf[q] === 32) q++;
  // Send-Q: any word.
  const s = q;
  while (q < end && buf[q]! > 32 && buf[q]! < 127) q++;
  if (q === s || buf[q] !== 32) return false;
  while (q < end && buf[q] === 32) q++;
  // Local Address: a word with a colon (one only on a net-tools tcp line).
  const a = q;
  let colons = 0;
  for (; q < end && buf[q]! > 32 && buf[q]! < 127; q++) if (buf[q] === 58) colons++;
  if (q === a || colons === 0 || (flavor.protoFamily && !six && colons > 1)) return false;
  return buf[q] === 32 || buf[q] === 10 || buf[q] === 13;
}

/** A `tcp6` line's `addr:port` token at q, as colonEndpointAt reads it: where it ends, or -1. */
function v6TokenAt(buf: Uint8Array, q: number, end: number, ep: ByteEndpoint): number {
  const t = tokenEnd(buf, q, end);
  return t > q && colonEndpointAt(buf, q, t, ep, true, false) ? t : -1;
}

/**
 * The count's hot path (net-tools, counts only): the run's lines from `run.pos` counted as
 * netstatBytes counts them, `tcp` lines with IPv4 addresses read in one pass here and any
 * other line handed to netstatBytes, until the first line it does not take; in C first
 * (native-count.ts) when `inC` and the run is long enough.
 */
function netstatCount(run: ByteRun, tally: Tally, flavor: NetstatFlavor, rows: RowChunk, inC: boolean): void {
  const buf = run.buf;
  const end = run.end;
  const counts = tally.counts;
  let p = run.pos;
  let lines = 0;
  const native = inC && worthC(end - p) ? textCounter(CountKind.Netstat, stateLookup) : undefined;
  const turns = new NativeTurns();
  while (p < end) {
    if (native && turns.now()) {
      AT[1] = 0;
      const n = native(buf, p, end, counts, AT);
      if (n > 0) {
        lines += n;
        tally.families |= AT[1]!;
        p = AT[0]! | 0; // a position in the piece: a small integer, as V8 keeps it
        if (p >= end) break;
      }
      turns.took(n);
    }
    let next = -1;
    // `tcp ` (IPv4 addresses) or `tcp6 ` (IPv6, or IPv4 for a mapped peer).
    const six = buf[p + 3] === 54;
    let q = six ? p + 4 : p + 3;
    if (buf[p] === 116 && buf[p + 1] === 99 && buf[p + 2] === 112 && buf[q] === 32) {
      while (buf[q] === 32) q++;
      q = queueAt(buf, q);
      if (q >= 0) {
        while (buf[q] === 32) q++;
        q = queueAt(buf, q);
      }
      if (q >= 0) {
        while (buf[q] === 32) q++;
        q = six ? v6TokenAt(buf, q, end, LOCAL) : v4TokenAt(buf, q);
      }
      if (q >= 0 && buf[q] === 32) {
        while (buf[q] === 32) q++;
        q = six ? v6TokenAt(buf, q, end, REMOTE) : v4TokenAt(buf, q);
      }
      if (q >= 0 && buf[q] === 32) {
        while (buf[q] === 32) q++;
        const t = tokenEnd(buf, q, end);
        const state = t > q ? NETSTAT_STATES.lookup(buf, q, t) : -1;
        if (state >= 0) {
          next = lineRest(buf, t, end);
          if (next >= 0 && dataLineAt(buf, next, end, flavor)) {
            counts[state]!++;
            tally.families |= six ? 2 : 1;
          } else next = -1;
        }
      }
    }
    if (next < 0) {
      next = netstatBytes(buf, p, end, flavor, rows, tally);
      if (next < 0) break;
    }
    p = next;
    lines++;
  }
  run.pos = p;
  run.lines += lines;
}

/** Parse netstat lines held in memory into a table (one capture). */
export function parseNetstatLines(lines: readonly string[], ctx: ParseContext, flavor: NetstatFlavor): ParsedCapture {
  return parseRun((c) => openNetstat(c, flavor), lines, ctx)[0]!;
}

const FIELD_NAMES = ['Proto', 'Recv-Q', 'Send-Q', 'Local Address', 'Foreign Address', 'State'];

function rowOf(
  t: SocketTable,
  f: string[],
  idx: number,
  ctx: ParseContext,
  flavor: NetstatFlavor,
  cols: Columns,
  l: ReturnType<typeof newEndpoint>,
  r: ReturnType<typeof newEndpoint>,
  seen: { names: boolean },
): void {
  if (f.length < 6) fail(ctx, idx, FIELD_NAMES[f.length] ?? 'State', 'line ends early');
  const recvQ = needUint(ctx, idx, 'Recv-Q', f[1]);
  const sendQ = needUint(ctx, idx, 'Send-Q', f[2]);
  if (!parseColonEndpoint(f[3]!, l)) fail(ctx, idx, 'Local Address', `expected ADDRESS:PORT, found "${f[3]}"`);
  if (!parseColonEndpoint(f[4]!, r)) fail(ctx, idx, 'Foreign Address', `expected ADDRESS:PORT, found "${f[4]}"`);
  noteNames(ctx, idx, seen, l, r);
  const state = stateWord(ctx, idx, f[5]);
  // The columns after State: f[lo..hi).
  let lo = 6;
  let hi = f.length;

  let flags = F_HAS_QUEUES;
  let timer: { kind: number; ms: number; retrans: number; probes: number } | undefined;
  const last = hi > lo ? f[hi - 1] : undefined;
  const tm = last === undefined ? null : TIMER.exec(last);
  if (tm && hi - lo >= 2) {
    timer = { kind: timerKind(f[hi - 2]!), ms: Math.round(Number(tm[1]) * 1000), retrans: Number(tm[2]), probes: Number(tm[3]) };
    hi -= 2;
    flags |= F_HAS_TIMER;
  } else if (cols.timer) {
    fail(ctx, idx, 'Timer', last === undefined ? 'line ends early' : `expected "kind (seconds/retransmits/probes)", found "${last}"`);
  }

  let uid = NO_UID;
  let inode = 0;
  // -e adds "User Inode": a user (name or uid) and a number. Without a header, tell it from
  // -p's "PID/Program" by the slash.
  const hasUser = cols.known ? cols.user : hi - lo >= 2 && !f[lo]!.includes('/') && f[lo] !== '-' && uint(f[lo + 1]) !== undefined;
  if (hasUser) {
    if (hi - lo < 2) fail(ctx, idx, hi === lo ? 'User' : 'Inode', 'line ends early');
    const u = f[lo]!;
    uid = uint(u) ?? (u === 'root' ? 0 : NO_UID);
    inode = needUint(ctx, idx, 'Inode', f[lo + 1]);
    lo += 2;
  }
  let owners: Owner[] = [];
  if (hi > lo) {
    const prog = f.slice(lo, hi).join(' ');
    const m = /^(\d+)\/(.*)$/.exec(prog);
    if (m) owners = ownerOf(Number(m[1]), m[2]!);
    else if (prog !== '-') fail(ctx, idx, 'PID/Program name', `expected PID/NAME or "-", found "${prog}"`);
  } else if (cols.program) {
    fail(ctx, idx, 'PID/Program name', 'line ends early');
  }

  const said = flavor.protoFamily ? (f[0] === 'tcp6' ? 6 : 4) : 0;
  const i = addRow(t, rowFamily(said, l, r), state, l, r, flags);
  keepNames(t, i, l, f[3]!, r, f[4]!);
  t.recvQ[i] = recvQ;
  t.sendQ[i] = sendQ;
  t.uid[i] = uid;
  t.inode[i] = inode;
  if (timer) {
    t.timer[i] = timer.kind;
    t.timerMs[i] = timer.ms;
    t.retrans[i] = timer.retrans;
    t.probes[i] = timer.probes;
  }
  setOwners(t, i, owners);
}

const NET_TOOLS: NetstatFlavor = { protoFamily: true };

/** Parse net-tools netstat output. Pure. */
export function parseNetstat(lines: readonly string[], ctx: ParseContext): ParsedCapture[] {
  return [parseNetstatLines(lines, ctx, NET_TOOLS)];
}

export const netstatFormat: TextFormat = {
  name: 'netstat',
  title: 'net-tools netstat (-n, -an, -antp, -anto, -e)',
  kind: 'sockets',
  command: /^(?:sudo\s+)?(?:\S*\/)?netstat\b(?![^|]*\|\s*(?:awk|sort|uniq))/,
  classify: (line) => classifyNetstat(line, NET_TOOLS),
  open: (ctx) => openNetstat(ctx, NET_TOOLS),
  parse: parseNetstat,
  countNative: (fd, from) => textRange(CountKind.Netstat, fd, from, stateLookup),
};
