/**
 * Listeners' accept queues and backlogs per port: `tcpstate_listen_queue` (connections
 * completed and waiting for accept(), Recv-Q of the LISTEN sockets) and
 * `tcpstate_listen_backlog` (the listen() backlog, Send-Q; only from a source that shows
 * it, netlink), each summed over the port's listening sockets (v4 and v6, each address).
 * @module
 */
import { BACKLOG_SOURCES } from '../../doctor/collect.js';
import { labels } from '../exposition.js';
import { type Collector, nsLabels, sampled } from './types.js';

export const listeners: Collector = {
  name: 'listeners',
  enabled: () => true,
  collect(ctx, out) {
    const ns = sampled(ctx);
    const rows = ns.map((n) => ({ n, rows: n.sample.metrics.listeners }));
    out.family('tcpstate_listen_queue', 'gauge', "Connections waiting in listening sockets' accept queues, by local port (Recv-Q of LISTEN sockets).");
    for (const { n, rows: rs } of rows) for (const r of rs) out.sample(labels(nsLabels(n, { port: r.port })), r.queue);
    out.family('tcpstate_listen_backlog', 'gauge', 'Accept queue limits (the listen() backlog, capped by somaxconn) of listening sockets, by local port; only where the source shows it (netlink).');
    for (const { n, rows: rs } of rows) {
      if (!BACKLOG_SOURCES.has(n.sample.source)) continue;
      for (const r of rs) out.sample(labels(nsLabels(n, { port: r.port })), r.backlog);
    }
  },
};
