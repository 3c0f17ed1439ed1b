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
import { ProcNetParser } from '../proc-net.js';
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
  let udp = false;
  let run: { start: number; family: number; text: string[] } | undefined;
  const flush = () => {
    if (!run) return;
    const r = run;
    run = undefined;
    const parser = new ProcNetParser({ name: ctx.file, family: r.family, proto: PROTO_TCP }, (chunk) => {
      for (let j = 0; j < chunk.length; j++) t.copyRow(chunk, j);
    });
    const fileLine = (n: number | undefined) => (n === undefined ? undefined : ctx.firstLine + r.start + n - 1);
    try {
      parser.feed(encoder.encode(r.text.join('\n') + '\n'));
      parser.end();
    } catch (e) {
      if (e instanceof TcpstateError) throw new TcpstateError(e.code, e.message, { ...e.where, file: ctx.file, line: fileLine(e.where.line) });
      throw e;
    }
    for (const w of parser.warnings) ctx.warnings.add(w.code, w.message, { ...w.where, file: ctx.file, line: fileLine(w.where.line) });
  };
  for (let idx = 0; idx < lines.length; idx++) {
    const line = lines[idx]!;
    const kind = classifyProc(line);
    if (kind === 'blank') { flush(); continue; }
    if (kind === 'header') { flush(); udp = /\bdrops\s*$/.test(line); continue; }
    if (kind !== 'data') { flush(); other.push(idx); continue; }
    if (udp) continue;
    const m = DATA.exec(line);
    const family = m && m[1]!.length === 32 ? AF_INET6 : AF_INET;
    if (run && run.family !== family) flush();
    if (!run) run = { start: idx, family, text: [] };
    run.text.push(line);
  }
  flush();
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
