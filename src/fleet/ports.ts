/**
 * `fleet --by lport|rport --state S`: one state's sockets per host and port, from
 * `tcpstate_port_sockets` (inbound by listening port for lport, outbound by remote port for
 * rport), the largest ports as columns and the rest summed as `other`. The query, the
 * table and its document (`tcpstate.fleet-ports/1`).
 * @module
 */
import { type Lang, pick } from '../i18n/catalogue.js';
import { CATALOGUE as TABLES, type TablesMessages } from '../i18n/tables.js';
import type { Warning } from '../model/errors.js';
import { type FleetPortsDocument, SCHEMAS } from '../model/documents.js';
import { type StateCode, stateLabel, stateName } from '../model/state.js';
import { csvField, renderTable, type Column } from '../render/text.js';
import type { PrometheusClient } from './prometheus.js';
import { type FleetQuery, hostOrder, upQuery } from './query.js';

export type PortKey = 'lport' | 'rport';

export interface PortHost {
  host: string;
  group: string | undefined;
  /** Sockets per port (the agent's own `other` included). */
  ports: Map<string, number>;
  error?: string;
}

export interface PortFleet {
  by: PortKey;
  state: StateCode;
  hosts: PortHost[];
  /** The columns: the `top` ports with the most sockets over the fleet, then `other` when anything is left. */
  columns: string[];
}

/** PromQL: one state's sockets per host and port. */
export function portsQuery(q: FleetQuery, by: PortKey, state: StateCode): string {
  const labels = q.groupLabel === undefined ? q.hostLabel : `${q.hostLabel}, ${q.groupLabel}`;
  return `sum by (${labels}, port) (tcpstate_port_sockets{side="${by === 'lport' ? 'inbound' : 'outbound'}", state="${stateLabel(state)}"})`;
}

/** Read the per-port table (the change over `q.since` when given). */
export async function queryPorts(
  c: PrometheusClient,
  q: FleetQuery,
  by: PortKey,
  state: StateCode,
  top: number,
  why: { down: string; absent: (t: string) => string },
): Promise<{ fleet: PortFleet; warnings: Warning[]; at: number }> {
  const at = q.at ?? Date.now() / 1000;
  const [now, up, before] = await Promise.all([c.query(portsQuery(q, by, state), at), c.query(upQuery(q), at), q.since === undefined ? undefined : c.query(portsQuery(q, by, state), at - q.since)]);
  const hosts = new Map<string, PortHost>();
  const host = (m: Record<string, string>): PortHost => {
    const name = m[q.hostLabel] ?? '';
    let h = hosts.get(name);
    if (!h) {
      h = { host: name === '' ? `(no ${q.hostLabel})` : name, group: q.groupLabel === undefined ? undefined : (m[q.groupLabel] ?? ''), ports: new Map() };
      hosts.set(name, h);
    }
    return h;
  };
  for (const s of now) {
    const h = host(s.metric);
    const p = s.metric['port'] ?? '';
    h.ports.set(p, (h.ports.get(p) ?? 0) + s.value);
  }
  if (before) {
    const then = new Map<string, Map<string, number>>();
    for (const s of before) {
      const name = s.metric[q.hostLabel] ?? '';
      const m = then.get(name) ?? new Map<string, number>();
      m.set(s.metric['port'] ?? '', (m.get(s.metric['port'] ?? '') ?? 0) + s.value);
      then.set(name, m);
    }
    for (const [name, h] of hosts) {
      const b = then.get(name);
      if (!b) {
        h.error = why.absent(new Date((at - q.since!) * 1000).toISOString());
        continue;
      }
      for (const [p, v] of b) h.ports.set(p, (h.ports.get(p) ?? 0) - v);
    }
  }
  for (const u of up)
    if (u.value === 0) {
      const h = host(u.metric);
      h.ports.clear();
      h.error = why.down;
    }
  const sums = new Map<string, number>();
  for (const h of hosts.values()) for (const [p, v] of h.ports) if (p !== 'other') sums.set(p, (sums.get(p) ?? 0) + Math.abs(v));
  const ranked = [...sums].filter(([, v]) => v !== 0).sort((a, b) => b[1] - a[1] || Number(a[0]) - Number(b[0]));
  const columns = ranked
    .slice(0, top)
    .map(([p]) => p)
    .sort((a, b) => Number(a) - Number(b));
  const kept = new Set(columns);
  const rest = [...hosts.values()].some((h) => [...h.ports].some(([p, v]) => !kept.has(p) && v !== 0));
  if (rest) columns.push('other');
  const list = [...hosts.values()].sort((a, b) => hostOrder(a.group ?? '', b.group ?? '') || hostOrder(a.host, b.host));
  return { fleet: { by, state, hosts: list, columns }, warnings: [], at };
}

/** A host's cells in the table's columns (ports not shown summed into `other`) and its total. */
function cells(f: PortFleet, h: PortHost): { values: number[]; total: number } {
  const kept = new Set(f.columns);
  const values = f.columns.map((c) => (c === 'other' ? 0 : (h.ports.get(c) ?? 0)));
  let total = 0;
  for (const [p, v] of h.ports) {
    total += v;
    if (!kept.has(p) || p === 'other') values[f.columns.length - 1]! += v;
  }
  return { values, total };
}

function rowsOf(f: PortFleet, m: TablesMessages): { cols: Column[]; rows: string[][] } {
  const grouped = f.hosts.some((h) => h.group !== undefined && h.group !== '');
  const cols: Column[] = [
    ...(grouped ? [{ header: m.group }] : []),
    { header: m.host },
    ...f.columns.map((c) => ({ header: c, right: true })),
    { header: m.stateTotal(stateName(f.state)), right: true },
    { header: '' },
  ];
  const rows: string[][] = [];
  const sum = (hs: PortHost[]) => {
    const acc = f.columns.map(() => 0);
    let t = 0;
    for (const h of hs)
      if (h.error === undefined) {
        const c = cells(f, h);
        c.values.forEach((v, i) => {
          acc[i]! += v;
        });
        t += c.total;
      }
    return [...acc.map(String), String(t)];
  };
  const groups = [...new Set(f.hosts.map((h) => h.group ?? ''))];
  for (const g of groups) {
    const hs = f.hosts.filter((h) => (h.group ?? '') === g);
    for (const h of hs) {
      const c = cells(f, h);
      rows.push([...(grouped ? [g || m.ungrouped] : []), h.host, ...(h.error === undefined ? [...c.values.map(String), String(c.total)] : f.columns.map(() => '-').concat('-')), h.error ?? '']);
    }
    if (grouped) rows.push([g || m.ungrouped, m.subtotal(hs.length, 0), ...sum(hs), '']);
  }
  const down = f.hosts.filter((h) => h.error !== undefined).length;
  rows.push([...(grouped ? [''] : []), m.hostsTotal(f.hosts.length, down), ...sum(f.hosts), '']);
  return { cols, rows };
}

/** The per-port table as text, its words in `lang`: a title (`LISTEN by lport`), a column per port. */
export function renderPorts(f: PortFleet, lang: Lang = 'en'): string {
  const m = pick(TABLES, lang);
  const { cols, rows } = rowsOf(f, m);
  return `${m.stateBy(stateName(f.state), f.by)}\n${renderTable(cols, rows)}`;
}

/** The per-port table as CSV, in English (data). */
export function portsCsv(f: PortFleet): string {
  const { cols, rows } = rowsOf(f, TABLES.en);
  return [cols.map((c) => c.header), ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** The `tcpstate.fleet-ports/1` document: every port each host has (not only the columns). */
export function portsJson(f: PortFleet, warnings: readonly Warning[], source: object): FleetPortsDocument {
  return {
    schema: SCHEMAS.fleetPorts,
    by: f.by,
    state: stateName(f.state),
    columns: f.columns,
    hosts: f.hosts.map((h) => ({
      host: h.host,
      ...(h.group !== undefined && h.group !== '' ? { group: h.group } : {}),
      ...(h.error === undefined ? { ports: Object.fromEntries([...h.ports].sort((a, b) => Number(a[0]) - Number(b[0]))), total: cells(f, h).total } : { error: h.error }),
    })),
    source,
    warnings,
  };
}
