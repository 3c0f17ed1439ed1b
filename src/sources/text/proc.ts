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
import { TcpstateError } from '../../model/errors.js';
import { PROTO_TCP, SocketTable } from '../../model/table.js';
import { CHUNK_ROWS, ProcNetParser } from '../proc-net.js';
import { countsOf, type LineKind, type ParseContext, type ParsedCapture, type TextFormat } from './common.js';

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

/** Parse /proc/net/tcp and tcp6 text. Pure. */
export function parseProcText(lines: readonly string[], ctx: ParseContext): ParsedCapture[] {
  const t = new SocketTable(Math.max(16, lines.length));
  const other: number[] = [];
  // One parser per family, sharing one chunk; each remembers the file line of every line it
  // was fed, so its errors and warnings name the line of the capture.
  const chunk = new SocketTable(CHUNK_ROWS);
  const sink = (c: SocketTable) => { for (let j = 0; j < c.length; j++) t.copyRow(c, j); };
  const parsers = new Map<number, { p: ProcNetParser; at: number[] }>();
  const parserOf = (family: number) => {
    let e = parsers.get(family);
    if (!e) {
      e = { p: new ProcNetParser({ name: ctx.file, family, proto: PROTO_TCP }, sink, chunk), at: [] };
      parsers.set(family, e);
    }
    return e;
  };
  const run = (e: { p: ProcNetParser; at: number[] }, f: () => void) => {
    try {
      f();
    } catch (err) {
      if (err instanceof TcpstateError) {
        const n = err.where.line;
        throw new TcpstateError(err.code, err.message, { ...err.where, file: ctx.file, line: n === undefined ? undefined : e.at[n - 1] });
      }
      throw err;
    }
  };
  // Lines of one family in a row are fed as one piece.
  let pending: string[] = [];
  let pendingOf: { p: ProcNetParser; at: number[] } | undefined;
  const flush = () => {
    const e = pendingOf;
    if (!e || pending.length === 0) return;
    const text = pending.join('\n') + '\n';
    pending = [];
    run(e, () => e.p.feed(encoder.encode(text)));
  };
  let udp = false;
  for (let idx = 0; idx < lines.length; idx++) {
    const line = lines[idx]!;
    const kind = classifyProc(line);
    if (kind === 'blank') continue;
    if (kind === 'header') { udp = /\bdrops\s*$/.test(line); continue; }
    if (kind !== 'data') { other.push(idx); continue; }
    if (udp) continue;
    const m = DATA.exec(line);
    const e = parserOf(m && m[1]!.length === 32 ? AF_INET6 : AF_INET);
    if (e !== pendingOf) { flush(); pendingOf = e; }
    e.at.push(ctx.firstLine + idx);
    pending.push(line);
  }
  flush();
  for (const e of parsers.values()) {
    run(e, () => e.p.end());
    for (const w of e.p.warnings) ctx.warnings.add(w.code, w.message, { ...w.where, file: ctx.file, line: w.where.line === undefined ? undefined : e.at[w.where.line - 1] });
  }
  return [{ table: t, counts: countsOf(t), otherLines: other }];
}

export const procFormat: TextFormat = {
  name: 'proc',
  title: '/proc/net/tcp and tcp6 (cat /proc/net/tcp*)',
  kind: 'sockets',
  command: /^(?:sudo\s+)?(?:cat|head|tail|more|less)\b[^|]*\bnet\/tcp/,
  classify: classifyProc,
  parse: parseProcText,
};
