/**
 * `tcpstate_port_sockets{port, side, state}`: `side="inbound"` counts the sockets of each
 * listening port (the listeners and the connections they accepted, by local port);
 * `side="outbound"` counts the other sockets by remote port (the service they talk to).
 * Cardinality is capped: the `--ports` list, else the top N ports of each side by sockets;
 * the rest are summed as `port="other"`, which is always present. Inside each kept port
 * every state is present (zeros included). No total label value: `sum()` over the metric
 * equals `sum(tcpstate_sockets)` (UNKNOWN aside).
 * @module
 */
import { KNOWN_CODES, LISTEN, stateLabel } from '../../model/state.js';
import type { SocketTable } from '../../model/table.js';
import { labels } from '../exposition.js';
import { type Collector, nsLabels, sampled } from './types.js';

export type Side = 'inbound' | 'outbound';

export interface PortRows {
  side: Side;
  /** A port number, or `other`. */
  port: string;
  counts: Float64Array;
}

/** Local ports with a listener. */
export function listeningPorts(t: SocketTable): Set<number> {
  const s = new Set<number>();
  for (let i = 0; i < t.length; i++) if (t.state[i] === LISTEN) s.add(t.lport[i]!);
  return s;
}

function capped(side: Side, by: Map<number, Float64Array>, keep: ReadonlySet<number> | undefined, top: number): PortRows[] {
  const totals = [...by].map(([port, c]) => ({ port, c, n: c.reduce((a, b) => a + b, 0) }));
  totals.sort((a, b) => b.n - a.n || a.port - b.port);
  const other = new Float64Array(16);
  const rows: PortRows[] = [];
  let kept = 0;
  for (const x of totals) {
    const ok = keep ? keep.has(x.port) : kept < top;
    if (ok) { rows.push({ side, port: String(x.port), counts: x.c }); kept++; } else for (let s = 0; s < 16; s++) other[s]! += x.c[s]!;
  }
  // Ports of the list with no socket still get their zero series.
  if (keep) for (const p of keep) if (!by.has(p)) rows.push({ side, port: String(p), counts: new Float64Array(16) });
  rows.sort((a, b) => Number(a.port) - Number(b.port));
  rows.push({ side, port: 'other', counts: other });
  return rows;
}

/** Per-port state counts of a table, capped. */
export function portRows(t: SocketTable, keep: ReadonlySet<number> | undefined, top: number): PortRows[] {
  const listening = listeningPorts(t);
  const inbound = new Map<number, Float64Array>();
  const outbound = new Map<number, Float64Array>();
  for (let i = 0; i < t.length; i++) {
    const lp = t.lport[i]!;
    const inb = listening.has(lp);
    const m = inb ? inbound : outbound;
    const port = inb ? lp : t.rport[i]!;
    let c = m.get(port);
    if (!c) { c = new Float64Array(16); m.set(port, c); }
    c[t.state[i]!]!++;
  }
  return [...capped('inbound', inbound, keep, top), ...capped('outbound', outbound, keep, top)];
}

export const ports: Collector = {
  name: 'ports',
  enabled: () => true,
  collect(ctx, out) {
    out.family('tcpstate_port_sockets', 'gauge', 'TCP sockets by port and state: inbound by listening port, outbound by remote port; ports beyond --ports or the top N summed as port="other".');
    for (const ns of sampled(ctx)) {
      for (const r of portRows(ns.sample.table, ctx.options.ports, ctx.options.top)) {
        for (const code of KNOWN_CODES) out.sample(labels(nsLabels(ns, { port: r.port, side: r.side, state: stateLabel(code) })), r.counts[code]!);
      }
    }
  },
};
