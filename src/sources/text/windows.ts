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
import { SocketTable } from '../../model/table.js';
import {
  addRow, countsOf, fail, fields, type LineKind, needUint, newEndpoint, noteNames, type ParseContext,
  type ParsedCapture, parseColonEndpoint, rowFamily, setOwners, stateWord, type TextFormat,
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
  if (f[0] === 'TCP') return f.length >= 3 && f[1]!.includes(':') && f[2]!.includes(':') ? 'data' : (f.length < 3 ? 'data' : 'other');
  if (EXE.test(t) || NOT_OWNER.test(t)) return 'more';
  return 'other';
}

/** Parse Windows netstat output. Pure. */
export function parseWindows(lines: readonly string[], ctx: ParseContext): ParsedCapture[] {
  const t = new SocketTable(Math.max(16, lines.length));
  const other: number[] = [];
  const l = newEndpoint();
  const r = newEndpoint();
  const seen = { names: false };
  let last = -1;
  let lastPid = 0;
  for (let idx = 0; idx < lines.length; idx++) {
    const line = lines[idx]!;
    const kind = classifyWindows(line);
    if (kind === 'blank' || kind === 'header') continue;
    if (kind === 'skip') { last = -1; continue; }
    if (kind === 'more') {
      const exe = EXE.exec(line.trim());
      if (exe && last >= 0 && lastPid > 0) setOwners(t, last, [{ pid: lastPid, program: exe[1]! }]);
      continue;
    }
    if (kind !== 'data') {
      // -b prints component names on lines of their own after the socket line.
      if (last >= 0 && /^\s*\S+\s*$/.test(line)) continue;
      other.push(idx);
      continue;
    }
    const f = fields(line);
    if (f.length < 4) fail(ctx, idx, ['Proto', 'Local Address', 'Foreign Address', 'State'][f.length]!, 'line ends early');
    if (!parseColonEndpoint(f[1]!, l)) fail(ctx, idx, 'Local Address', `expected ADDRESS:PORT, found "${f[1]}"`);
    if (!parseColonEndpoint(f[2]!, r)) fail(ctx, idx, 'Foreign Address', `expected ADDRESS:PORT, found "${f[2]}"`);
    noteNames(ctx, idx, seen, l, r);
    const state = stateWord(ctx, idx, f[3]);
    const i = addRow(t, rowFamily(0, l, r), state, l, r, 0);
    lastPid = 0;
    if (f.length >= 5) {
      lastPid = needUint(ctx, idx, 'PID', f[4]);
      // PID 0 is the idle process: TIME_WAIT sockets belong to no one.
      if (lastPid > 0) setOwners(t, i, [{ pid: lastPid, program: '' }]);
    }
    last = i;
  }
  return [{ table: t, counts: countsOf(t), otherLines: other }];
}

export const windowsFormat: TextFormat = {
  name: 'windows',
  title: 'Windows netstat -ano',
  kind: 'sockets',
  command: /^(?:netstat|NETSTAT)(?:\.exe)?\s+(?:[-/][a-zA-Z]+\s*)*$/,
  classify: classifyWindows,
  parse: parseWindows,
};
