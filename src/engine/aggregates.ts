/**
 * What /metrics needs from a socket table, computed where the table is read (the sampler's
 * worker), so only these small aggregates cross to the serving thread: sockets by state and
 * family; per-port state counts, capped (inbound by listening local port, outbound by remote
 * port, the rest as "other"); listen queues and backlogs per port; per-program state counts.
 * @module
 */
import { AF_INET } from '../model/address.js';
import { addCounts, newCounts } from '../model/count.js';
import { LISTEN } from '../model/state.js';
import type { SocketTable } from '../model/table.js';
import type { PortColumns } from '../sources/bpf-tcp-states.js';

/** Which aggregates to compute. */
export interface AggregateOptions {
  /** `--ports`: the only ports given their own rows; undefined: the top N. */
  ports?: number[];
  top: number;
  byProcess: boolean;
}

export interface ListenerRow {
  port: string;
  queue: number;
  backlog: number;
}

export interface Aggregates {
  /** Rows in the table. */
  sockets: number;
  /** Counts by state code, per family. */
  v4: number[];
  v6: number[];
  ports: PortRows[];
  listeners: ListenerRow[];
  programs?: { program: string; counts: number[] }[];
}

export type Side = 'inbound' | 'outbound';

export interface PortRows {
  side: Side;
  /** A port number, or `other`. */
  port: string;
  counts: Float64Array;
}

/** Local ports with a listener. */
export function listeningPorts(t: PortColumns): Set<number> {
  const s = new Set<number>();
  for (let i = 0; i < t.length; i++) if (t.state[i] === LISTEN) s.add(t.lport[i]!);
  return s;
}

function capped(side: Side, by: Map<number, Float64Array>, keep: ReadonlySet<number> | undefined, top: number): PortRows[] {
  const totals = [...by].map(([port, c]) => ({ port, c, n: c.reduce((a, b) => a + b, 0) }));
  totals.sort((a, b) => b.n - a.n || a.port - b.port);
  const other = newCounts();
  const rows: PortRows[] = [];
  let kept = 0;
  for (const x of totals) {
    const ok = keep ? keep.has(x.port) : kept < top;
    if (ok) {
      rows.push({ side, port: String(x.port), counts: x.c });
      kept++;
    } else addCounts(other, x.c);
  }
  // Ports of the list with no socket still get their zero series.
  if (keep) for (const p of keep) if (!by.has(p)) rows.push({ side, port: String(p), counts: newCounts() });
  rows.sort((a, b) => Number(a.port) - Number(b.port));
  rows.push({ side, port: 'other', counts: other });
  return rows;
}

/** Per-port state counts of a table, capped. */
export function portRows(t: PortColumns, keep: ReadonlySet<number> | undefined, top: number): PortRows[] {
  const listening = listeningPorts(t);
  const inbound = new Map<number, Float64Array>();
  const outbound = new Map<number, Float64Array>();
  for (let i = 0; i < t.length; i++) {
    const lp = t.lport[i]!;
    const inb = listening.has(lp);
    const m = inb ? inbound : outbound;
    const port = inb ? lp : t.rport[i]!;
    let c = m.get(port);
    if (!c) {
      c = newCounts();
      m.set(port, c);
    }
    c[t.state[i]!]!++;
  }
  return [...capped('inbound', inbound, keep, top), ...capped('outbound', outbound, keep, top)];
}

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
  for (const r of rows.slice(MAX_LISTEN_PORTS)) {
    other.queue += r.queue;
    other.backlog += r.backlog;
  }
  return [...head, other];
}

export function programRows(t: SocketTable, top: number): { program: string; counts: Float64Array }[] {
  const by = new Map<string, Float64Array>();
  for (let i = 0; i < t.length; i++) {
    const o = t.ownersOf(i);
    const p = o.length ? o[0]!.program : '';
    let c = by.get(p);
    if (!c) {
      c = newCounts();
      by.set(p, c);
    }
    c[t.state[i]!]!++;
  }
  const rows = [...by].map(([program, counts]) => ({ program, counts, n: counts.reduce((a, b) => a + b, 0) }));
  rows.sort((a, b) => b.n - a.n || (a.program < b.program ? -1 : 1));
  const other = newCounts();
  const kept = rows.filter((r) => r.program === '').map(({ program, counts }) => ({ program, counts }));
  let n = 0;
  for (const r of rows) {
    if (r.program === '') continue;
    if (n++ < top) kept.push({ program: r.program, counts: r.counts });
    else addCounts(other, r.counts);
  }
  kept.push({ program: 'other', counts: other });
  return kept;
}

/**
 * Every aggregate /metrics writes: from one table, or from a walk's state and port columns
 * with the listeners' rows read apart (`listeners`; the table's own when undefined).
 * Per-program counts need the table's owners.
 */
export function aggregate(t: PortColumns | SocketTable, o: AggregateOptions, listeners?: ListenerRow[]): Aggregates {
  const table = 'ownersOf' in t ? t : undefined;
  if (!listeners && !table) throw new Error('aggregate: listeners needed without a table');
  if (o.byProcess && !table) throw new Error('aggregate: per-program counts need a table');
  const v4 = new Array<number>(16).fill(0);
  const v6 = new Array<number>(16).fill(0);
  for (let i = 0; i < t.length; i++) (t.family[i] === AF_INET ? v4 : v6)[t.state[i]!]!++;
  return {
    sockets: t.length,
    v4,
    v6,
    ports: portRows(t, o.ports ? new Set(o.ports) : undefined, o.top),
    listeners: listeners ?? listenerRows(table!),
    ...(o.byProcess ? { programs: programRows(table!, o.top).map((r) => ({ program: r.program, counts: [...r.counts] })) } : {}),
  };
}
