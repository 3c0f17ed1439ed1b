/**
 * `tcpstate ls` output: netstat's columns (Proto, Recv-Q, Send-Q, Local Address,
 * Foreign Address, State, then PID/Program name with -p, User/Inode with -e, Timer with
 * -o), addresses as ss prints them; plus CSV and JSON renderings of the same rows.
 * @module
 */
import { AF_INET, formatEndpoint } from '../model/address.js';
import { stateName } from '../model/state.js';
import { F_DUALSTACK, F_HAS_QUEUES, F_HAS_TIMER, NO_TIME, NO_UID, PROTO_UDP, type SocketTable, TIMER_NAMES } from '../model/table.js';
import { infoCell, memoryCell } from './tcp-info.js';
import { type Column, csvField } from './text.js';

export interface LsColumns {
  processes?: boolean;
  timers?: boolean;
  extended?: boolean;
  /** ss -i: TCP internals (netlink only). */
  info?: boolean;
  /** ss -m: socket memory (netlink only). */
  memory?: boolean;
  header?: boolean;
}

function protoName(t: SocketTable, i: number): string {
  const base = t.proto[i] === PROTO_UDP ? 'udp' : 'tcp';
  return t.family[i] === AF_INET ? base : `${base}6`;
}

/** netstat -o's timer cell: `timewait (59.93/0/0)`; `-` when the source has no timers. */
export function timerCell(t: SocketTable, i: number): string {
  if ((t.flags[i]! & F_HAS_TIMER) === 0) return '-';
  const ms = t.timerMs[i]!;
  const secs = ms === NO_TIME ? '?' : (t.timer[i] === 0 ? 0 : ms / 1000).toFixed(2);
  return `${TIMER_NAMES[t.timer[i]!] ?? 'unknown'} (${secs}/${t.retrans[i]}/${t.probes[i]})`;
}

export function localCell(t: SocketTable, i: number): string {
  return formatEndpoint(t.family[i]!, t.laddr, i * 16, t.lport[i]!, (t.flags[i]! & F_DUALSTACK) !== 0);
}

export function remoteCell(t: SocketTable, i: number): string {
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

/** Bytes per write: output leaves in blocks, so memory stays bounded at any table size. */
const BLOCK_BYTES = 256 * 1024;

/**
 * Write the rows as netstat-style text through `write`, in blocks. Two passes over the
 * columns: widths first (cell text is made and dropped), then the lines; no per-row cell
 * arrays are kept, so 400k sockets print in bounded memory.
 */
export function writeLs(t: SocketTable, c: LsColumns, write: (text: string) => void): void {
  planLs(t, c).write(write);
}

/** A listing prepared up to the owner column; {@link LsPlan.write} finishes it. */
export interface LsPlan {
  write(out: (text: string) => void): void;
}

/**
 * Prepare a listing before the owners are known: the widths of every other column, so
 * that this pass overlaps the process scan. (Keeping the text of each row for later costs
 * more in garbage collection than making it again.) Owners are read only by
 * {@link LsPlan.write}.
 */
export function planLs(t: SocketTable, c: LsColumns): LsPlan {
  const cols: Column[] = [
    { header: 'Proto', min: 5 },
    { header: 'Recv-Q', right: true },
    { header: 'Send-Q', right: true },
    { header: 'Local Address', min: 23 },
    { header: 'Foreign Address', min: 23 },
    { header: 'State', min: 11 },
  ];
  const cells: ((i: number) => string)[] = [
    (i) => protoName(t, i),
    (i) => ((t.flags[i]! & F_HAS_QUEUES) !== 0 ? String(t.recvQ[i]) : '-'),
    (i) => ((t.flags[i]! & F_HAS_QUEUES) !== 0 ? String(t.sendQ[i]) : '-'),
    (i) => localCell(t, i),
    (i) => remoteCell(t, i),
    (i) => (t.proto[i] === PROTO_UDP && t.state[i] === 7 ? '' : stateName(t.state[i]!)),
  ];
  if (c.extended) {
    cols.push({ header: 'User', min: 6 }, { header: 'Inode', min: 8 });
    cells.push((i) => (t.uid[i] === NO_UID ? '-' : String(t.uid[i])), (i) => String(t.inode[i]));
  }
  let owner = -1;
  if (c.processes) { owner = cols.length; cols.push({ header: 'PID/Program name', min: 20 }); cells.push((i) => ownerCell(t, i)); }
  if (c.timers) { cols.push({ header: 'Timer' }); cells.push((i) => timerCell(t, i)); }
  if (c.memory) { cols.push({ header: 'Memory' }); cells.push((i) => memoryCell(t.ext.get(i))); }
  if (c.info) { cols.push({ header: 'Info' }); cells.push((i) => infoCell(t.ext.get(i))); }
  const header = c.header !== false;
  const last = cols.length - 1;
  const w = cols.map((col) => Math.max(col.min ?? 0, header ? col.header.length : 0));
  // The last column is not padded, so its width is not needed; the owner column waits.
  for (let j = 0; j < last; j++) {
    if (j === owner) continue;
    const f = cells[j]!;
    let m = w[j]!;
    for (let i = 0; i < t.length; i++) { const n = f(i).length; if (n > m) m = n; }
    w[j] = m;
  }
  // With PID/Program last (ls -p without -o/-i/-m), every row's text left of it has one
  // length: lay it out now, as bytes, while the worker scans; write() adds the owners.
  let arena: Buffer | undefined;
  let rowLen = 0;
  if (owner === last && t.length > 0) {
    for (let j = 0; j < owner; j++) rowLen += w[j]! + 1;
    arena = Buffer.allocUnsafe(t.length * rowLen);
    for (let i = 0; i < t.length; i++) {
      let p = i * rowLen;
      for (let j = 0; j < owner; j++) {
        const v = cells[j]!(i);
        const gap = w[j]! - v.length;
        if (cols[j]!.right && gap > 0) { arena.fill(32, p, p + gap); p += gap; }
        p += arena.write(v, p, 'latin1');
        if (!cols[j]!.right && gap > 0) { arena.fill(32, p, p + gap); p += gap; }
        arena[p++] = 32;
      }
    }
  }
  return {
    write(out) {
      if (owner >= 0 && owner < last) {
        let m = w[owner]!;
        for (let i = 0; i < t.length; i++) { const n = ownerCell(t, i).length; if (n > m) m = n; }
        w[owner] = m;
      }
      // Lines are laid out as bytes in one reused block (cell text is Latin-1: numbers,
      // addresses, and comm read as latin1), so no padded copies or joined strings are made.
      const block = Buffer.allocUnsafe(BLOCK_BYTES);
      let pos = 0;
      const flush = () => { if (pos > 0) { out(block.toString('latin1', 0, pos)); pos = 0; } };
      const emit = (cell: (j: number) => string): void => {
        const start = pos;
        for (let j = 0; j <= last; j++) {
          const v = cell(j);
          const col = cols[j]!;
          const gap = j === last && !col.right ? 0 : Math.max(0, w[j]! - v.length);
          if (pos + v.length + gap + 2 > block.length) {
            // A very long cell (an -i line): hand over what is there and continue.
            const done = block.toString('latin1', 0, pos);
            pos = 0;
            out(done);
          }
          if (j > 0) block[pos++] = 32;
          if (col.right && gap) { block.fill(32, pos, pos + gap); pos += gap; }
          pos += block.write(v, pos, 'latin1');
          if (!col.right && gap) { block.fill(32, pos, pos + gap); pos += gap; }
        }
        while (pos > start && block[pos - 1] === 32) pos--;
        block[pos++] = 10;
        if (pos > block.length - 4096) flush();
      };
      if (header) emit((j) => cols[j]!.header);
      if (arena) {
        for (let i = 0; i < t.length; i++) {
          const label = ownerCell(t, i);
          if (pos + rowLen + label.length + 1 > block.length) flush();
          pos += arena.copy(block, pos, i * rowLen, (i + 1) * rowLen);
          pos += block.write(label, pos, 'latin1');
          block[pos++] = 10;
        }
      } else {
        for (let i = 0; i < t.length; i++) emit((j) => cells[j]!(i));
      }
      flush();
    },
  };
}

export const CSV_HEADER = [
  'proto', 'family', 'state', 'local_address', 'local_port', 'remote_address', 'remote_port',
  'recv_q', 'send_q', 'timer', 'timer_ms', 'retransmits', 'probes', 'uid', 'inode', 'pids', 'programs',
];

/** The rows as CSV (header included), one socket per line. */
export function renderCsv(t: SocketTable, header = true): string {
  const out: string[] = header ? [CSV_HEADER.join(',')] : [];
  for (let i = 0; i < t.length; i++) {
    const r = t.record(i);
    out.push([
      r.proto, r.family, r.state, r.local.address, r.local.port, r.remote.address, r.remote.port,
      r.recvQ, r.sendQ, r.timer?.kind ?? '', r.timer?.expiresMs ?? '', r.timer?.retransmits ?? '', r.timer?.probes ?? '',
      r.uid, r.inode, r.owners.map((o) => o.pid).join(' '), r.owners.map((o) => o.program).join(' '),
    ].map(csvField).join(','));
  }
  return out.join('\n') + '\n';
}

/** JSON document of `ls --json` (schema: docs/json.md). */
export function lsJson(t: SocketTable, meta: { source: string; host?: string; warnings?: unknown[] }): object {
  const sockets = [];
  for (let i = 0; i < t.length; i++) sockets.push(t.record(i));
  return { schema: 'tcpstate.ls/1', source: meta.source, ...(meta.host ? { host: meta.host } : {}), sockets, warnings: meta.warnings ?? [] };
}
