/**
 * Windows `netstat -ano` (and `-an`, `-a -n -o`, `-anob`) output.
 *
 * Columns (Microsoft's netstat documentation): Proto, Local Address, Foreign Address,
 * State, and PID with -o. Proto is upper-case `TCP`/`UDP`; IPv6 addresses are bracketed
 * (`[::]:135`); a listener's foreign address is `0.0.0.0:0`. States are Windows' spellings
 * (`LISTENING`, `SYN_RECEIVED`, `FIN_WAIT_2`, `TIME_WAIT`, `BOUND`, `DELETE_TCB`), resolved by
 * the state table; names in localized Windows (`ABHÖREN`) are kept as UNKNOWN with a
 * warning. With -b, the lines after a socket name its executable (`[svchost.exe]`) and
 * components; the executable becomes the owner's program.
 * @module
 */
import {
  addRow,
  keepNames,
  fail,
  fields,
  type LineKind,
  type LineParser,
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
} from './common.js';

const BANNER = /^Active Connections\s*$/;
const HEADER = /^Proto\s+Local Address\s+Foreign Address\s+State\b/;
const EXE = /^\[(.+)\]$/;
const NOT_OWNER = /^Can not obtain ownership information$/;

/** Classify one line of Windows netstat output. */
export function classifyWindows(line: string): LineKind {
  const t = line.trim();
  if (t === '') return 'blank';
  if (BANNER.test(t) || HEADER.test(t)) return 'header';
  const f = fields(t);
  if (f[0] === 'UDP') return f.length >= 3 && f[1]!.includes(':') ? 'skip' : 'other';
  if (f[0] === 'TCP') return f.length >= 3 && f[1]!.includes(':') && f[2]!.includes(':') ? 'data' : f.length < 3 ? 'data' : 'other';
  if (EXE.test(t) || NOT_OWNER.test(t)) return 'more';
  return 'other';
}

/** A line parser of Windows netstat output. */
export function openWindows(ctx: StreamContext): LineParser {
  const rows = new RowChunk(ctx);
  const l = newEndpoint();
  const r = newEndpoint();
  const seen = { names: false };
  let last = -1;
  let lastPid = 0;
  return {
    line(line, idx) {
      const kind = classifyWindows(line);
      if (kind === 'blank' || kind === 'header') return;
      if (kind === 'skip') {
        last = -1;
        return;
      }
      if (kind === 'more') {
        const exe = EXE.exec(line.trim());
        if (exe && last >= 0 && lastPid > 0) setOwners(rows.t, last, [{ pid: lastPid, program: exe[1]! }]);
        return;
      }
      if (kind !== 'data') {
        // -b prints component names on lines of their own after the socket line.
        if (last >= 0 && /^\s*\S+\s*$/.test(line)) return;
        ctx.other(idx, line);
        return;
      }
      const f = fields(line);
      if (f.length < 4) fail(ctx, idx, ['Proto', 'Local Address', 'Foreign Address', 'State'][f.length]!, 'line ends early');
      if (!parseColonEndpoint(f[1]!, l)) fail(ctx, idx, 'Local Address', `expected ADDRESS:PORT, found "${f[1]}"`);
      if (!parseColonEndpoint(f[2]!, r)) fail(ctx, idx, 'Foreign Address', `expected ADDRESS:PORT, found "${f[2]}"`);
      noteNames(ctx, idx, seen, l, r);
      const state = stateWord(ctx, idx, f[3]);
      const pid = f.length >= 5 ? needUint(ctx, idx, 'PID', f[4]) : 0;
      // The row before may still take its -b lines until this one: only now may a full chunk go.
      rows.next();
      const i = addRow(rows.t, rowFamily(0, l, r), state, l, r, 0);
      keepNames(rows.t, i, l, f[1]!, r, f[2]!);
      lastPid = pid;
      // PID 0 is the idle process: TIME_WAIT sockets belong to no one.
      if (pid > 0) setOwners(rows.t, i, [{ pid, program: '' }]);
      last = i;
    },
    end() {
      rows.flush();
      return {};
    },
  };
}

/** Parse Windows netstat output held in memory. Pure. */
export function parseWindows(lines: readonly string[], ctx: ParseContext): ParsedCapture[] {
  return parseRun(openWindows, lines, ctx);
}

export const windowsFormat: TextFormat = {
  name: 'windows',
  title: 'Windows netstat -ano',
  kind: 'sockets',
  command: /^(?:netstat|NETSTAT)(?:\.exe)?\s+(?:[-/][a-zA-Z]+\s*)*$/,
  classify: classifyWindows,
  open: openWindows,
  parse: parseWindows,
};
