/**
 * Listeners' accept queues and backlogs per port: `tcpstate_listen_queue` (connections
 * completed and waiting for accept(), Recv-Q of the LISTEN sockets) and
 * `tcpstate_listen_backlog` (the listen() backlog, Send-Q; only from a source that shows
 * it, netlink), each summed over the port's listening sockets (v4 and v6, each address).
 * @module
 */
import { BACKLOG_SOURCES } from '../../doctor/collect.js';
import { LISTEN } from '../../model/state.js';
import type { SocketTable } from '../../model/table.js';
import { labels } from '../exposition.js';
import { type Collector, nsLabels, sampled } from './types.js';

/** More listening ports than this are summed as port="other". */
export const MAX_LISTEN_PORTS = 200;

export function listenerRows(t: SocketTable): { port: string; queue: number; backlog: number }[] {
  const by = new Map<number, { queue: number; backlog: number }>();
  for (let i = 0; i < t.length; i++) {
    if (t.state[i] !== LISTEN) continue;
    const p = t.lport[i]!;
    const r = by.get(p) ?? { queue: 0, backlog: 0 };
    r.queue += t.recvQ[i]!;
    r.backlog += t.sendQ[i]!;
    by.set(p, r);
  }
  const rows = [...by].sort((a, b) => a[0] - b[0]).map(([p, r]) => ({ port: String(p), ...r }));
  if (rows.length <= MAX_LISTEN_PORTS) return rows;
  rows.sort((a, b) => b.queue - a.queue || Number(a.port) - Number(b.port));
  const head = rows.slice(0, MAX_LISTEN_PORTS);
  const other = { port: 'other', queue: 0, backlog: 0 };
  for (const r of rows.slice(MAX_LISTEN_PORTS)) { other.queue += r.queue; other.backlog += r.backlog; }
  return [...head, other];
}

export const listeners: Collector = {
  name: 'listeners',
  enabled: () => true,
  collect(ctx, out) {
    const ns = sampled(ctx);
    const rows = ns.map((n) => ({ n, rows: listenerRows(n.sample.table) }));
    out.family('tcpstate_listen_queue', 'gauge', 'Connections waiting in listening sockets\' accept queues, by local port (Recv-Q of LISTEN sockets).');
    for (const { n, rows: rs } of rows) for (const r of rs) out.sample(labels(nsLabels(n, { port: r.port })), r.queue);
    out.family('tcpstate_listen_backlog', 'gauge', 'Accept queue limits (the listen() backlog, capped by somaxconn) of listening sockets, by local port; only where the source shows it (netlink).');
    for (const { n, rows: rs } of rows) {
      if (!BACKLOG_SOURCES.has(n.sample.source)) continue;
      for (const r of rs) out.sample(labels(nsLabels(n, { port: r.port })), r.backlog);
    }
  },
};
