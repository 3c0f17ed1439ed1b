/**
 * `tcpstate ls` output: netstat's columns (Proto, Recv-Q, Send-Q, Local Address,
 * Foreign Address, State, then PID/Program name with -p, User/Inode with -e, Timer with
 * -o), addresses as ss prints them; plus CSV and JSON renderings of the same rows.
 * @module
 */
import { AF_INET, formatEndpoint } from '../model/address.js';
import { stateName } from '../model/state.js';
import { F_DUALSTACK, F_HAS_QUEUES, F_HAS_TIMER, NO_TIME, NO_UID, PROTO_UDP, type SocketTable, TIMER_NAMES } from '../model/table.js';
import { type Column, csvField, renderTable } from './text.js';

export interface LsColumns {
  processes?: boolean;
  timers?: boolean;
  extended?: boolean;
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
  const o = t.ownersOf(i);
  return o.length === 0 ? '-' : o.map((x) => (x.program === '' ? String(x.pid) : `${x.pid}/${x.program}`)).join(',');
}

/** The rows of a table as netstat-style text. */
export function renderLs(t: SocketTable, c: LsColumns = {}): string {
  const cols: Column[] = [
    { header: 'Proto', min: 5 },
    { header: 'Recv-Q', right: true },
    { header: 'Send-Q', right: true },
    { header: 'Local Address', min: 23 },
    { header: 'Foreign Address', min: 23 },
    { header: 'State', min: 11 },
  ];
  if (c.extended) cols.push({ header: 'User', min: 6 }, { header: 'Inode', min: 8 });
  if (c.processes) cols.push({ header: 'PID/Program name', min: 20 });
  if (c.timers) cols.push({ header: 'Timer' });
  const rows: string[][] = [];
  for (let i = 0; i < t.length; i++) {
    const hasQ = (t.flags[i]! & F_HAS_QUEUES) !== 0;
    const r = [
      protoName(t, i),
      hasQ ? String(t.recvQ[i]) : '-',
      hasQ ? String(t.sendQ[i]) : '-',
      localCell(t, i),
      remoteCell(t, i),
      t.proto[i] === PROTO_UDP && t.state[i] === 7 ? '' : stateName(t.state[i]!),
    ];
    if (c.extended) r.push(t.uid[i] === NO_UID ? '-' : String(t.uid[i]), String(t.inode[i]));
    if (c.processes) r.push(ownerCell(t, i));
    if (c.timers) r.push(timerCell(t, i));
    rows.push(r);
  }
  return renderTable(cols, rows, c.header !== false);
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
