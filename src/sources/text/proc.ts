/**
 * `cat /proc/net/tcp /proc/net/tcp6` text, read with the live source's own byte-level
 * parser (`sources/proc-net.ts`), so a capture and the live table agree by construction.
 *
 * The two files may be concatenated (each with its `sl local_address ...` header) or
 * pasted alone; each line's address width tells its family (8 hex digits: IPv4, 32: IPv6).
 * A `/proc/net/udp` part (its header ends in `ref pointer drops`) is skipped.
 * @module
 */
import { AF_INET, AF_INET6 } from '../../model/address.js';
import { TcpstateError, type WarningSink } from '../../model/errors.js';
import { PROTO_TCP, SocketTable } from '../../model/table.js';
import { CHUNK_ROWS, ProcNetParser } from '../proc-net.js';
import { NativeTurns, procCounter, worthC } from './native-count.js';
import { type LineKind, type LineParser, type ParseContext, type ParsedCapture, parseRun, type StreamContext, type TextFormat } from './common.js';

const HEADER = /^\s*sl\s+local_address\s+rem(?:ote)?_address\s+st\b/;
const DATA = /^\s*\d+:\s+([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):[0-9A-Fa-f]{4}\s/;
const DATA_START = /^\s*\d+:\s+[0-9A-Fa-f]{8}/;

/** Classify one line of /proc/net/tcp text. */
export function classifyProc(line: string): LineKind {
  if (line.trim() === '') return 'blank';
  if (HEADER.test(line)) return 'header';
  if (DATA.test(line) || DATA_START.test(line)) return 'data';
  return 'other';
}

const encoder = new TextEncoder();
/** Lines fed to the byte parser at a time. */
const BATCH = 4096;

interface Family {
  p: ProcNetParser;
  /** Lines fed so far, and the file line of each line of the batch being fed. */
  fed: number;
  at: number[];
}

/**
 * A line parser of /proc/net/tcp and tcp6 text. One byte parser per family, sharing one
 * chunk (so rows keep the order of the capture); lines of one family in a row are fed in
 * batches, and each parser's errors and warnings are given the file line of the line.
 */
export function openProc(ctx: StreamContext): LineParser {
  const chunk = new SocketTable(CHUNK_ROWS);
  const sink = (c: SocketTable) => {
    ctx.rows(c);
    c.owners = new Map();
    c.rowOwners.clear();
    c.ext.clear();
  };
  const families = new Map<number, Family>();
  const familyOf = (family: number) => {
    let e = families.get(family);
    if (!e) {
      const f: Family = { p: undefined!, fed: 0, at: [] };
      // Each warning is given its file line as it is made (the lines of the batch being fed).
      const warnings: WarningSink = {
        add: (code, message, where) => ctx.warnings.add(code, message, { ...where, file: ctx.file, line: lineOf(f, where.line) }),
        count: (code) => ctx.warnings.count(code),
      };
      f.p = new ProcNetParser({ name: ctx.file, family, proto: PROTO_TCP }, sink, chunk, warnings);
      families.set(family, (e = f));
    }
    return e;
  };
  const lineOf = (e: Family, n: number | undefined) => (n === undefined ? undefined : e.at[n - 1 - (e.fed - e.at.length)]);
  const run = (e: Family, f: () => void) => {
    try {
      f();
    } catch (err) {
      if (err instanceof TcpstateError) throw new TcpstateError(err.code, err.said ?? err.message, { ...err.where, file: ctx.file, line: lineOf(e, err.where.line) });
      throw err;
    }
  };
  let pending: string[] = [];
  let pendingOf: Family | undefined;
  const flush = () => {
    const e = pendingOf;
    if (!e || pending.length === 0) return;
    const text = pending.join('\n') + '\n';
    pending = [];
    run(e, () => e.p.feed(encoder.encode(text)));
    e.at.length = 0;
  };
  let udp = false;
  return {
    line(line, idx) {
      const kind = classifyProc(line);
      if (kind === 'blank') return;
      if (kind === 'header') {
        udp = /\bdrops\s*$/.test(line);
        return;
      }
      if (kind !== 'data') {
        ctx.other(idx, line);
        return;
      }
      if (udp) return;
      const m = DATA.exec(line);
      const e = familyOf(m && m[1]!.length === 32 ? AF_INET6 : AF_INET);
      if (e !== pendingOf || pending.length >= BATCH) {
        flush();
        pendingOf = e;
      }
      e.fed++;
      e.at.push(ctx.firstLine + idx);
      pending.push(line);
    },
    bytes(r, idx) {
      if (udp) return false;
      flush();
      const buf = r.buf;
      let from = -1;
      let fam: Family | undefined;
      const feed = (to: number) => {
        const e = fam!;
        run(e, () => e.p.feed(buf, from, to));
        e.at.length = 0;
      };
      let p = r.pos;
      const end = r.end;
      const tally = ctx.tally;
      const native = tally && ctx.native && worthC(end - p) ? procCounter() : undefined;
      const turns = new NativeTurns();
      while (p < end) {
        if (native && turns.now()) {
          // Lines counted in C are not fed to the parser: what it was given so far goes first.
          if (from >= 0) feed(p);
          from = -1;
          fam = undefined;
          AT.fill(0);
          const n = native(buf, p, end, tally!.counts, AT);
          if (n > 0) {
            tally!.families |= AT[1]!;
            // Each family's parser numbers these lines as if it had read them (its errors say where).
            for (const [k, family] of [AF_INET, AF_INET6].entries()) {
              const lines = AT[2 + k]!;
              if (lines === 0) continue;
              const e = familyOf(family);
              e.p.skipped(lines, AT[4 + k]!);
              e.fed += lines;
            }
            r.lines += n;
            p = AT[0]! | 0; // a position in the piece: a small integer, as V8 keeps it
            if (p >= end) break;
          }
          turns.took(n);
        }
        const q = procBytes(buf, p, r.end);
        if (q < 0) break;
        const e = familyOf(q & 1 ? AF_INET6 : AF_INET);
        const next = q >> 1;
        if (e !== fam) {
          if (from >= 0) feed(p);
          fam = e;
          from = p;
        }
        e.fed++;
        e.at.push(ctx.firstLine + idx + r.lines);
        r.lines++;
        p = next;
      }
      if (from >= 0) feed(p);
      r.pos = p;
      return true;
    },
    end() {
      flush();
      for (const e of families.values()) run(e, () => e.p.end());
      return {};
    },
  };
}

/** Where the C loop stopped, the families it saw, IPv4 and IPv6 lines counted and their bytes. */
const AT = new Float64Array(6);

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/**
 * A /proc/net/tcp data line at p, as DATA matches it, of printable ASCII only and ended by LF
 * (no CR) before `end`: (where the next line starts) × 2, plus 1 for an IPv6 line; -1 for
 * any other line (the string path reads it).
 */
function procBytes(buf: Uint8Array, p: number, end: number): number {
  let q = p;
  while (q < end && buf[q] === 32) q++;
  const d = q;
  while (q < end && buf[q]! >= 48 && buf[q]! <= 57) q++;
  if (q === d || buf[q] !== 58) return -1;
  q++;
  const sp = q;
  while (q < end && buf[q] === 32) q++;
  if (q === sp) return -1;
  const h = q;
  while (q < end && isHex(buf[q]!)) q++;
  const width = q - h;
  if ((width !== 8 && width !== 32) || buf[q] !== 58) return -1;
  q++;
  for (let k = 0; k < 4; k++, q++) if (q >= end || !isHex(buf[q]!)) return -1;
  if (buf[q] !== 32) return -1;
  for (; q < end; q++) {
    const c = buf[q]!;
    if (c === 10) return (q + 1) * 2 + (width === 32 ? 1 : 0);
    if (c < 32 || c > 126) return -1;
  }
  return -1;
}

/** Parse /proc/net/tcp and tcp6 text held in memory. Pure. */
export function parseProcText(lines: readonly string[], ctx: ParseContext): ParsedCapture[] {
  return parseRun(openProc, lines, ctx);
}

export const procFormat: TextFormat = {
  name: 'proc',
  title: '/proc/net/tcp and tcp6 (cat /proc/net/tcp*)',
  kind: 'sockets',
  command: /^(?:sudo\s+)?(?:cat|head|tail|more|less)\b[^|]*\bnet\/tcp/,
  classify: classifyProc,
  open: openProc,
  parse: parseProcText,
};
