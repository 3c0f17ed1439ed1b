/**
 * The fleet table's hosts from Prometheus: per-host state sums of `tcpstate_sockets` (every
 * namespace and family of a host's agents summed), whether each agent's last scrape worked,
 * and the change over a range. The queries are built here; the client sends them.
 * @module
 */
import { newCounts, type StateCounts } from '../model/count.js';
import { TcpstateError, type Warning } from '../model/errors.js';
import type { FleetHost } from '../model/fleet.js';
import { parseState } from '../model/state.js';
import { Warnings, type WarningSink } from '../model/warnings.js';
import { say as c } from '../i18n/captures.js';
import type { PrometheusClient, VectorSample } from './prometheus.js';

export interface FleetQuery {
  /** The label naming a host (`instance` by default). */
  hostLabel: string;
  /** A label naming the host's role group, if any. */
  groupLabel?: string;
  /** The moment, Unix seconds (now when undefined). */
  at?: number;
  /** With it: the change over this many seconds before `at`, instead of the counts. */
  since?: number;
  /** How far back an agent that stopped answering is still listed (seconds). */
  lookback: number;
  /** Read the recording rule `host:tcpstate_sockets:sum` (contrib/prometheus) instead of summing every series. */
  recorded?: boolean;
}

/** The recording rule of contrib/prometheus/tcpstate.rules.yml that holds the fleet table; it keeps `host`, `role`, `state`. */
export const RECORDED = 'host:tcpstate_sockets:sum';

const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Whether `name` is a Prometheus label name. */
export function isLabelName(name: string): boolean {
  return LABEL.test(name) && !name.startsWith('__');
}

/** `by (...)` labels of the host table. */
function byLabels(q: FleetQuery): string {
  return q.groupLabel === undefined ? q.hostLabel : `${q.hostLabel}, ${q.groupLabel}`;
}

/** PromQL: the host × state sums. */
export function statesQuery(q: FleetQuery): string {
  return `sum by (${byLabels(q)}, state) (${q.recorded ? RECORDED : 'tcpstate_sockets'})`;
}

/**
 * PromQL: per host, 1 when every tcpstate agent target of it was scraped, 0 when one was
 * not. Targets are the (job, instance) pairs that exported tcpstate_build_info within the
 * lookback, so other exporters on the host (node_exporter) do not count, and an agent that
 * stopped stays listed, as down, for the lookback.
 */
export function upQuery(q: FleetQuery): string {
  return `min by (${byLabels(q)}) (up and on (job, instance) group by (job, instance) (last_over_time(tcpstate_build_info[${Math.max(1, Math.round(q.lookback))}s])))`;
}

interface HostRow {
  host: string;
  group: string | undefined;
  counts: StateCounts;
  seen: boolean;
}

/** Sum a states vector into rows by host; states the state table does not know are warned of. */
function rowsOf(v: readonly VectorSample[], q: FleetQuery, warnings: WarningSink): Map<string, HostRow> {
  const m = new Map<string, HostRow>();
  for (const s of v) {
    const host = s.metric[q.hostLabel] ?? '';
    const code = parseState(s.metric['state'] ?? '');
    if (code === undefined) {
      warnings.add('W_STATE', c('seriesNotState', s.metric['state'] ?? ''), { field: 'state' });
      continue;
    }
    const r = m.get(host) ?? { host, group: q.groupLabel === undefined ? undefined : (s.metric[q.groupLabel] ?? ''), counts: newCounts(), seen: true };
    r.counts[code]! += s.value;
    m.set(host, r);
  }
  return m;
}

/** Natural order of host names: web2 before web10. */
export function hostOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The fleet's hosts as Prometheus has them at `q.at` (or their change over `q.since`). */
export async function queryFleet(
  c: PrometheusClient,
  q: FleetQuery,
  why: { down: string; noCounts: string; noRecorded: string; noHosts: string; absent: (t: string) => string },
): Promise<{ hosts: FleetHost[]; warnings: Warning[]; at: number }> {
  const at = q.at ?? Date.now() / 1000;
  const warnings = new Warnings();
  const [states, up, before] = await Promise.all([c.query(statesQuery(q), at), c.query(upQuery(q), at), q.since === undefined ? undefined : c.query(statesQuery(q), at - q.since)]);
  if (q.recorded && states.length === 0 && up.length > 0) throw new TcpstateError('ERR_EMPTY', why.noRecorded, { field: '--recorded' });
  // A label no series has would make one row of everything, named "(no L)".
  if (states.length > 0 && !states.some((x) => (x.metric[q.hostLabel] ?? '') !== '')) throw new TcpstateError('ERR_EMPTY', why.noHosts, { field: '--host-label' });
  const now = rowsOf(states, q, warnings);
  const then = before && rowsOf(before, q, warnings);
  const hosts = new Map<string, FleetHost>();
  const add = (host: string, group: string | undefined, counts: StateCounts, error?: string) => {
    hosts.set(host, {
      host: host === '' ? `(no ${q.hostLabel})` : host,
      format: 'prometheus',
      file: c.shown,
      line: 0,
      counts,
      ...(group !== undefined ? { group } : {}),
      ...(error !== undefined ? { error } : {}),
    });
  };
  for (const r of now.values()) {
    if (!then) {
      add(r.host, r.group, r.counts);
      continue;
    }
    const b = then.get(r.host);
    if (!b) {
      add(r.host, r.group, newCounts(), why.absent(new Date((at - q.since!) * 1000).toISOString()));
      continue;
    }
    const d = newCounts();
    for (let s = 0; s < 16; s++) d[s] = r.counts[s]! - b.counts[s]!;
    add(r.host, r.group, d);
  }
  for (const u of up) {
    const host = u.metric[q.hostLabel] ?? '';
    const group = q.groupLabel === undefined ? undefined : (u.metric[q.groupLabel] ?? '');
    // An agent down now: no counts, whatever was read of the host's other agents.
    if (u.value === 0) add(host, group, newCounts(), why.down);
    else if (!now.has(host)) add(host, group, newCounts(), why.noCounts);
  }
  const out = [...hosts.values()].sort((a, b) => hostOrder(a.group ?? '', b.group ?? '') || hostOrder(a.host, b.host));
  return { hosts: out, warnings: warnings.list(), at };
}
