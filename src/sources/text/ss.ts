/**
 * iproute2 `ss` output: `-tan`, `-tanp`, `-tanpo`, `-tanie` (with its tab-indented
 * continuation lines), `-m`, `-H` (no header), `-O` (one line per socket), and `-an` with its
 * Netid column (rows of other protocols are skipped with their continuation lines).
 *
 * Columns (iproute2 6.1 misc/ss.c): [Netid] State Recv-Q Send-Q Local:Port Peer:Port, then
 * the socket's extras, in any order: `users:(("name",pid=N,fd=M),...)`, `timer:(kind,time,
 * retrans)`, `uid:N ino:N sk:X cgroup:... v6only:N <->`, and with -i/-m the TCP info
 * (`rtt:a/b rto:N cwnd:N ... retrans:a/b`, `skmem:(r..,rb..,...)`), on the same line with
 * -O, else on the next line(s).
 *
 * Addresses: `[v6]:port` and `*` for a dual-stack IPv6 wildcard (iproute2 ≥ 4.18); older ss
 * printed `:::22` and `*` for the IPv4 wildcard. The style is told from the capture itself.
 * @module
 */
import { AF_INET } from '../../model/address.js';
import { CHUNK_ROWS, type TcpExtInfo, F_DUALSTACK, F_HAS_QUEUES, F_HAS_TIMER, NO_TIME, type Owner, type SocketTable } from '../../model/table.js';
import {
  addRow,
  fail,
  fields,
  keepNames,
  isStateWord,
  type LineKind,
  type LineParser,
  type RunEnd,
  needUint,
  newEndpoint,
  noteNames,
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
import { MAX_LINE } from './decode.js';
import { addQueuedRow, type ByteEndpoint, type ByteRun, colonEndpointAt, lineRest, newByteEndpoint, queuesAt, skipSpaces, StateBytes, tokenEnd, v4TokenAt } from './fast.js';
import { CountKind, NativeTurns, textCounter, textRange, textRower, worthC } from './native-count.js';

/** Netid column values (ss.c `sock_names`, and older spellings). */
const NETID = /^(tcp|udp|raw|u_str|u_dgr|u_seq|u_sq|nl|p_raw|p_dgr|v_str|v_dgr|v_seq|xdp|sctp|dccp|mptcp|tipc|icmp6?|ping6?|unix|\?\?\?)$/;
const HEADER = /^(Netid\s+)?State\s+Recv-Q\s+Send-Q\s+Local\s+Address:Port\s+Peer\s+Address:Port/;
/** The header's start, when a narrow terminal or a mail wrapped it (the rest on the next line). */
const HEADER_START = /^(Netid\s+)?State\s+Recv-Q\s+Send-Q\s+Local\s+Address:Port\s*$/;
const HEADER_REST = /^\s*Peer\s+Address:Port(\s+Process)?\s*$/;
/** Words that start a continuation line of extras when its indentation was lost. */
const MORE =
  /^(?:[a-z_]+:\S|<->|-->|<--|---|ts$|sack$|ecn(?:seen)?$|fastopen$|app_limited$|cubic$|bbr2?$|reno$|dctcp$|vegas$|htcp$|westwood$|bic$|illinois$|hybla$|scalable$|yeah$|lp$|nv$|cdg$|highspeed$|veno$)/;

function endpointish(t: string | undefined): boolean {
  return t !== undefined && (t.includes(':') || t === '*');
}

/** Classify one line of ss output. */
export function classifySs(line: string): LineKind {
  const t = line.trim();
  if (t === '') return 'blank';
  if (HEADER.test(t) || HEADER_START.test(t)) return 'header';
  const f = fields(t);
  let k = 0;
  let netid: string | undefined;
  if (NETID.test(f[0]!) && f.length >= 5) {
    netid = f[0];
    k = 1;
  }
  const st = f[k];
  const shaped = st !== undefined && /^[A-Z][A-Z0-9_-]*$/.test(st) && uint(f[k + 1]) !== undefined && uint(f[k + 2]) !== undefined && f.length >= k + 5;
  if (shaped) {
    if (netid !== undefined && netid !== 'tcp') return 'skip';
    if (endpointish(f[k + 3]) && endpointish(f[k + 4])) return 'data';
  }
  if (
    st !== undefined &&
    /^[A-Z][A-Z0-9_-]*$/.test(st) &&
    uint(f[k + 1]) !== undefined &&
    uint(f[k + 2]) !== undefined &&
    (f.length === k + 4 || (f.length === k + 5 && !endpointish(f[k + 4]))) &&
    endpointish(f[k + 3])
  ) {
    // A socket line wrapped before or inside its peer (the parser joins the next line to it).
    return netid !== undefined && netid !== 'tcp' ? 'skip' : 'data';
  }
  if (/^\s/.test(line) || MORE.test(f[0]!)) return 'more';
  return 'other';
}

/** `59sec`, `672ms`, `1min27sec`, `1.234ms` (ss prints 1 s 234 ms so), `` → milliseconds. */
export function parseSsTime(text: string): number | undefined {
  if (text === '') return 0;
  const m = /^(?:(\d+)min)?(?:(\d+)(?:sec|\.(?=\d{1,3}ms)))?(?:(\d{1,3})ms)?$/.exec(text);
  if (!m || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) return undefined;
  return Number(m[1] ?? 0) * 60000 + Number(m[2] ?? 0) * 1000 + Number(m[3] ?? 0);
}

const USER = /\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=(\d+)\)/g;
const TIMER_TEXT = /\btimer:\(([a-z]+),([^,)]*),(\d+)\)/;
const SKMEM = /\bskmem:\(/;

/** Index of the `))` that closes `users:((` (followed by white space or the end), or -1. */
function usersEnd(text: string, from: number): number {
  for (let j = text.indexOf('))', from); j >= 0; j = text.indexOf('))', j + 1)) {
    const c = text.charCodeAt(j + 2);
    if (j + 2 === text.length || c === 32 || c === 9) return j;
  }
  return -1;
}

function clipped(text: string, from: number): string {
  const t = text.slice(from, from + 40);
  return text.length > from + 40 ? `${t}…` : t;
}

/**
 * Read the extras of one socket (its tail and continuation lines) into row i; returns its
 * owners. A `users:((` or `timer:(` that is cut short is an ERR_PARSE on the socket's line
 * (idx), not a socket without owners or timer.
 */
function extras(ctx: ParseContext, idx: number, t: SocketTable, i: number, text: string): Owner[] {
  const owners: Owner[] = [];
  const u = text.indexOf('users:((');
  if (u >= 0) {
    const end = usersEnd(text, u + 8);
    if (end < 0) fail(ctx, idx, 'users', `expected users:(("NAME",pid=N,fd=N),...), found "${clipped(text, u)}"`);
    for (const m of `(${text.slice(u + 8, end)})`.matchAll(USER)) owners.push({ pid: Number(m[2]), program: m[1]!.replace(/\\(.)/g, '$1'), fd: Number(m[3]) });
  }
  const timer = TIMER_TEXT.exec(text);
  if (timer) {
    t.flags[i]! |= F_HAS_TIMER;
    t.timer[i] = timerKind(timer[1]!);
    t.timerMs[i] = parseSsTime(timer[2]!) ?? NO_TIME;
    t.retrans[i] = Number(timer[3]);
  } else {
    const at = text.indexOf('timer:(');
    if (at >= 0) fail(ctx, idx, 'timer', `expected timer:(KIND,TIME,RETRANSMITS), found "${clipped(text, at)}"`);
  }
  const uid = /\buid:(\d+)/.exec(text);
  const ino = /\bino:(\d+)/.exec(text);
  if (ino) t.inode[i] = Number(ino[1]) >>> 0;
  // ss -e prints uid: only when it is not 0 (ss.c: `if (s->uid)`), ino: always.
  if (uid) t.uid[i] = Number(uid[1]);
  else if (ino) t.uid[i] = 0;
  const info: TcpExtInfo = {};
  let any = false;
  const num = (re: RegExp, key: keyof TcpExtInfo, scale = 1) => {
    const m = re.exec(text);
    if (m) {
      (info as Record<string, number>)[key as string] = Math.round(Number(m[1]) * scale);
      any = true;
    }
  };
  const rtt = /\brtt:(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)/.exec(text);
  if (rtt) {
    info.rttUs = Math.round(Number(rtt[1]) * 1000);
    info.rttVarUs = Math.round(Number(rtt[2]) * 1000);
    any = true;
  }
  num(/\brto:(\d+(?:\.\d+)?)/, 'rtoUs', 1000);
  num(/\bcwnd:(\d+)/, 'cwnd');
  num(/\bssthresh:(\d+)/, 'ssthresh');
  num(/\bmss:(\d+)/, 'mss');
  num(/\bbytes_acked:(\d+)/, 'bytesAcked');
  num(/\bbytes_received:(\d+)/, 'bytesReceived');
  num(/\bdelivery_rate (\d+)bps/, 'deliveryRate');
  const retrans = /\bretrans:(\d+)\/(\d+)/.exec(text);
  if (retrans) {
    info.retransmits = Number(retrans[1]);
    info.totalRetrans = Number(retrans[2]);
    any = true;
  }
  const sk = SKMEM.exec(text);
  if (sk) {
    const from = sk.index + 7;
    const close = text.indexOf(')', from);
    if (close < 0) fail(ctx, idx, 'skmem', `expected skmem:(r...,rb...,...), found "${clipped(text, sk.index)}"`);
    const v = text
      .slice(from, close)
      .split(',')
      .map((x) => Number(x.replace(/^[a-z]+/, '')));
    if (v.every((x) => Number.isFinite(x))) {
      info.skmem = v;
      any = true;
    }
  }
  if (any) t.ext.set(i, info);
  return owners;
}

/**
 * Sockets whose family waits for the capture to show its address style are held, not sent,
 * up to this many rows; then the style is decided on what was seen.
 */
export const HOLD_ROWS = 65536;

/**
 * A line parser of ss output.
 *
 * Two things are known only from the whole capture. Whether `*` is IPv4 (old ss) or
 * dual-stack IPv6: old ss printed IPv6 unbracketed (`:::22`), so a capture with `:::` and no
 * `]:` is old-style. Sockets bound to `*` are held until a `]:` settles it, or the end, or
 * {@link HOLD_ROWS} rows (then decided on what was seen; a capture that says otherwise later
 * is an ERR_FORMAT, not a wrong family). And whether -o was given: ss prints timer:(...)
 * only for sockets whose timer runs, so once one shows a timer the rest are "off" — a
 * fix-up of the rows kept, as it touches no column that selects or counts.
 */
export function openSs(ctx: StreamContext): LineParser {
  const rows = new RowChunk(ctx);
  const l = newEndpoint();
  const r = newEndpoint();
  const seen = { names: false };
  let cur = -1; // row of rows.t the next continuation belongs to; -2: a skipped (non-TCP) socket
  let curIdx = 0;
  let tail = '';
  let timers = false;
  let bracketed = false;
  let colons = false;
  /** `open` until settled: `new` once a `]:` is seen; `old-held`/`new-held` when decided at HOLD_ROWS. */
  let style: 'open' | 'new' | 'old-held' | 'new-held' = 'open';
  let decidedRows = 0;
  /** Held rows bound to `*`: row * 2, plus 1 when the peer's family is unknown too. */
  let waiting: number[] = [];

  const styleError = (idx: number): never =>
    fail(
      ctx,
      idx,
      'Local Address:Port',
      `this ss output shows IPv6 addresses both as ":::22" (ss before iproute2 4.18) and as "[::]:22", after more than ${HOLD_ROWS} sockets bound to "*" whose family depended on it; split the capture`,
    );
  const asOld = () => {
    for (const w of waiting) {
      const i = w >> 1;
      rows.t.flags[i]! &= ~F_DUALSTACK;
      if (w & 1) rows.t.family[i] = AF_INET;
    }
    waiting = [];
  };
  /** The current socket's extras are all read. */
  const finish = () => {
    if (cur >= 0 && tail !== '') {
      setOwners(rows.t, cur, extras(ctx, curIdx, rows.t, cur, tail));
      if ((rows.t.flags[cur]! & F_HAS_TIMER) !== 0) timers = true;
    }
    tail = '';
  };

  /** A socket line cut before its peer by wrapping, waiting for the rest on the next line. */
  let pending: { line: string; idx: number } | undefined;
  /** The cut line's error, as when it is not wrapped but cut. */
  const cut = (p: { line: string; idx: number }): never => {
    const f = fields(p.line);
    const k = NETID.test(f[0]!) ? 1 : 0;
    return fail(ctx, p.idx, 'Peer Address:Port', f.length - k < 5 ? 'line ends early' : `expected ADDRESS:PORT, found "${f[k + 4]}"`);
  };
  const parser: LineParser = {
    line(line, idx) {
      if (pending) {
        const p = pending;
        pending = undefined;
        // Wrapped at a column (the cut inside a word) or at a space.
        const joined = [p.line + line, `${p.line.trimEnd()} ${line.trimStart()}`].find((j) => classifySs(j) === 'data' && fields(j).length >= (NETID.test(fields(j)[0]!) ? 6 : 5));
        if (joined === undefined) cut(p);
        one(joined!, p.idx);
        return;
      }
      one(line, idx);
    },
    bytesFresh: () => !rows.hold && tail === '' && pending === undefined,
    bytesState: () => (bracketed ? 'bracketed' : ''),
    setBytesState(state) {
      if (state === 'bracketed') bracketed = true;
    },
    bytes(run, idx) {
      if (pending) return false;
      return bytes(run, idx);
    },
    end() {
      if (pending) cut(pending);
      return endRun();
    },
  };
  return parser;

  function one(line: string, idx: number): void {
    if (!bracketed && line.includes(']:')) {
      bracketed = true;
      if (style === 'old-held' && decidedRows > 0) styleError(idx);
      style = 'new';
      waiting = [];
      rows.hold = false;
    }
    if (!colons && line.includes(':::') && /\s:::/.test(line)) colons = true;
    const kind = classifySs(line);
    if (kind === 'blank') return;
    if (kind === 'more') {
      if (cur === -1 && HEADER_REST.test(line)) return;
      if (cur >= 0) {
        tail = `${tail} ${line.trim()}`;
        if (tail.length > MAX_LINE) fail(ctx, idx, 'continuation', `the continuation lines of the socket on line ${ctx.firstLine + curIdx} run over ${MAX_LINE} characters`);
      } else if (cur === -1) ctx.other(idx, line);
      return;
    }
    finish();
    if (kind === 'header') {
      cur = -1;
      return;
    }
    if (kind === 'skip') {
      cur = -2;
      return;
    }
    if (kind !== 'data') {
      // A truncated socket line (state and queues, no addresses) is an error, not prose.
      const f = fields(line);
      const k = NETID.test(f[0]!) ? 1 : 0;
      if (isStateWord(f[k]) && uint(f[k + 1]) !== undefined) {
        const names = ['State', 'Recv-Q', 'Send-Q', 'Local Address:Port', 'Peer Address:Port'];
        const at = Math.min(f.length - k, 4);
        fail(ctx, idx, names[at]!, f.length - k < 5 ? 'line ends early' : `expected ADDRESS:PORT, found "${f[k + at]}"`);
      }
      ctx.other(idx, line);
      cur = -1;
      return;
    }
    const f = fields(line);
    const k = NETID.test(f[0]!) ? 1 : 0;
    if (f.length < k + 5 || !endpointish(f[k + 4])) {
      pending = { line, idx };
      cur = -1;
      return;
    }
    const state = stateWord(ctx, idx, f[k]);
    const recvQ = needUint(ctx, idx, 'Recv-Q', f[k + 1]);
    const sendQ = needUint(ctx, idx, 'Send-Q', f[k + 2]);
    if (!parseColonEndpoint(f[k + 3]!, l)) fail(ctx, idx, 'Local Address:Port', `expected ADDRESS:PORT, found "${f[k + 3]}"`);
    if (!parseColonEndpoint(f[k + 4]!, r)) fail(ctx, idx, 'Peer Address:Port', `expected ADDRESS:PORT, found "${f[k + 4]}"`);
    noteNames(ctx, idx, seen, l, r);
    if (rows.hold && rows.t.length >= HOLD_ROWS) {
      style = colons ? 'old-held' : 'new-held';
      decidedRows = waiting.length;
      if (style === 'old-held') asOld();
      waiting = [];
      rows.hold = false;
    }
    rows.next();
    // Until settled, a socket bound to "*" is read new-style (as when nothing tells) and held.
    const oldStyle = style === 'old-held';
    let flags = F_HAS_QUEUES;
    let said: 0 | 4 | 6 = 0;
    if (l.any && r.any) said = oldStyle ? 4 : 6;
    else if (l.any) said = r.family === 0 ? (oldStyle ? 4 : 6) : (r.family as 4 | 6);
    if (l.any && said === 6 && !oldStyle) flags |= F_DUALSTACK;
    const i = addRow(rows.t, rowFamily(said, l, r), state, l, r, flags);
    keepNames(rows.t, i, l, f[k + 3]!, r, f[k + 4]!);
    rows.t.recvQ[i] = recvQ;
    rows.t.sendQ[i] = sendQ;
    if (l.any) {
      if (style === 'open') {
        waiting.push(i * 2 + (r.family === 0 ? 1 : 0));
        rows.hold = true;
      } else if (style !== 'new') decidedRows++;
    }
    tail = f.length > k + 5 ? f.slice(k + 5).join(' ') : '';
    cur = i;
    curIdx = idx;
  }

  function bytes(run: ByteRun, idx: number): boolean {
    // Sockets bound to "*" are held until the address style is known: lines read as text.
    if (rows.hold) return false;
    const tally = ctx.tally;
    const buf = run.buf;
    const end = run.end;
    const kind = bracketed ? CountKind.SsBracketed : CountKind.Ss;
    const inC = ctx.native && worthC(end - run.pos);
    const native = tally && inC ? textCounter(kind, stateLookup) : undefined;
    // Rows: C reads `*:PORT *:*` as one() does once the style is settled new (bracketed alone is a split worker's count).
    const rower = !tally && inC && (!bracketed || style === 'new') ? textRower(kind, stateLookup) : undefined;
    const turns = new NativeTurns();
    for (let p = run.pos; p < end; ) {
      // Rows in C, each followed by a socket line (so by no continuation of it): the last is
      // the current socket, as if read here.
      const room = CHUNK_ROWS - rows.t.length;
      if (rower && turns.now() && room > 0) {
        const n = rower(buf, p, end, rows.t, room, AT);
        if (n > 0) {
          // The socket before's extras end here, as when the next socket line is read below.
          finish();
          rows.t.length += n;
          run.lines += n;
          cur = rows.t.length - 1;
          curIdx = idx + run.lines - 1;
          tail = '';
          p = AT[0]! | 0; // a position in the piece: a small integer, as V8 keeps it
          run.pos = p;
          if (p >= end) break;
        }
        turns.took(n, room);
      }
      // Once a line was counted here (no socket's extras pending), C counts on from the next.
      if (native && turns.now() && cur === -2) {
        AT[1] = 0;
        const n = native(buf, p, end, tally!.counts, AT);
        if (n > 0) {
          tally!.families |= AT[1]!;
          run.lines += n;
          p = AT[0]! | 0; // a position in the piece: a small integer, as V8 keeps it
          run.pos = p;
          if (p >= end) break;
        }
        turns.took(n);
      }
      const q = ssBytes(buf, p, run.end, bracketed, tally !== undefined);
      if (q < 0) break;
      const family = SS_FAMILY;
      if (tally) {
        // Only counted, so only when the next line cannot be this socket's continuation
        // (it starts with a state word): a continuation's extras may be an error.
        if (q >= run.end || buf[q]! < 65 || buf[q]! > 90) break;
        finish();
        tally.counts[SS_STATE]!++;
        tally.families |= family === 4 ? 1 : 2;
        cur = -2;
      } else {
        finish();
        rows.next();
        cur = addQueuedRow(rows.t, family, SS_STATE, LOCAL, REMOTE, SS_QUEUES[0]!, SS_QUEUES[1]!);
        curIdx = idx + run.lines;
      }
      tail = '';
      p = q;
      run.pos = p;
      run.lines++;
    }
    return true;
  }

  function endRun(): RunEnd {
    finish();
    const old = !bracketed && colons;
    if (style === 'open' && old) asOld();
    if (style === 'new-held' && old && decidedRows > 0) styleError(curIdx);
    rows.hold = false;
    rows.flush();
    // With -o, ss prints timer:(...) only for sockets whose timer runs: the rest are "off".
    const fixup = timers
      ? (t: SocketTable) => {
          for (let i = 0; i < t.length; i++)
            if ((t.flags[i]! & F_HAS_TIMER) === 0) {
              t.flags[i]! |= F_HAS_TIMER;
              t.timerMs[i] = 0;
            }
        }
      : undefined;
    return { fixup };
  }
}

const LOCAL = newByteEndpoint();
const REMOTE = newByteEndpoint();
const SS_STATES = new StateBytes(true);
const stateLookup = (buf: Uint8Array, s: number, e: number) => SS_STATES.lookup(buf, s, e);
const AT = new Float64Array(2);
/** The last line read by ssBytes: its state, queues and family. */
let SS_STATE = 0;
let SS_FAMILY = 4;
const SS_QUEUES = new Float64Array(2);

/** An endpoint token at q, as colonEndpointAt reads ss's: where it ends, or -1. `count`: IPv4 read without its bytes. */
function ssEndpointAt(buf: Uint8Array, q: number, end: number, ep: ByteEndpoint, bracketed: boolean, count: boolean): number {
  if (count) {
    const t = v4TokenAt(buf, q);
    if (t >= 0) {
      ep.family = 4;
      return t;
    }
  }
  const t = tokenEnd(buf, q, end);
  return t > q && colonEndpointAt(buf, q, t, ep, false, bracketed) ? t : -1;
}

/** A port after `*:` at q (1 to 5 digits up to 65535, or `*`) ending at a space, LF or CR: where it ends, or -1. */
function wildcardAt(buf: Uint8Array, q: number): number {
  if (buf[q] === 42) q++;
  else {
    const d = q;
    let v = 0;
    let c: number;
    while ((c = buf[q]!) >= 48 && c <= 57) {
      v = v * 10 + c - 48;
      q++;
    }
    if (q === d || q - d > 5 || v > 65535) return -1;
  }
  const c = buf[q];
  return c === 32 || c === 10 || c === 13 ? q : -1;
}

/**
 * One ss socket line at byte level, from p: `STATE RECVQ SENDQ LOCAL PEER` with numeric
 * addresses (`[v6]:port` once the capture showed brackets) and nothing after, ended by LF
 * (or CRLF) before `end`. Sets LOCAL, REMOTE (only their families when `count`), SS_STATE,
 * SS_FAMILY and SS_QUEUES and returns where the next line starts; -1 for any line the string
 * parser must read.
 */
function ssBytes(buf: Uint8Array, p: number, end: number, bracketed: boolean, count: boolean): number {
  const c0 = buf[p]!;
  if (c0 < 65 || c0 > 90) return -1;
  let t = tokenEnd(buf, p, end);
  if (t <= p || buf[t] !== 32) return -1;
  const state = SS_STATES.lookup(buf, p, t);
  if (state < 0) return -1;
  let q = skipSpaces(buf, t, end);
  t = queuesAt(buf, q, end, SS_QUEUES);
  if (t < 0) return -1;
  q = skipSpaces(buf, t, end);
  // Counted once `[v6]:port` settled the style: a listener on `*:PORT` to `*:*` is dual-stack IPv6.
  if (count && bracketed && buf[q] === 42 && buf[q + 1] === 58) {
    t = wildcardAt(buf, q + 2);
    if (t < 0 || buf[t] !== 32) return -1;
    q = skipSpaces(buf, t, end);
    if (buf[q] !== 42 || buf[q + 1] !== 58 || buf[q + 2] !== 42) return -1;
    const next = lineRest(buf, q + 3, end);
    if (next < 0) return -1;
    SS_STATE = state;
    SS_FAMILY = 6;
    return next;
  }
  t = ssEndpointAt(buf, q, end, LOCAL, bracketed, count);
  if (t < 0) return -1;
  q = skipSpaces(buf, t, end);
  t = ssEndpointAt(buf, q, end, REMOTE, bracketed, count);
  if (t < 0) return -1;
  const next = lineRest(buf, t, end);
  if (next < 0) return -1;
  SS_STATE = state;
  SS_FAMILY = LOCAL.family === 6 || REMOTE.family === 6 ? 6 : 4;
  return next;
}

/** Parse ss output held in memory. Pure. */
export function parseSs(lines: readonly string[], ctx: ParseContext): ParsedCapture[] {
  return parseRun(openSs, lines, ctx);
}

export const ssFormat: TextFormat = {
  name: 'ss',
  title: 'iproute2 ss (-tan, -tanp, -tanpo, -tanie, -H, -O, -an)',
  kind: 'sockets',
  command: /^(?:sudo\s+)?(?:\S*\/)?ss\b(?![^|]*\|\s*(?:awk|sort|uniq))/,
  classify: classifySs,
  open: openSs,
  parse: parseSs,
  countNative: (fd, from, state) => textRange(state === 'bracketed' ? CountKind.SsBracketed : CountKind.Ss, fd, from, stateLookup),
};
