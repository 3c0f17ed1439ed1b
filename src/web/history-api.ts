/**
 * `/api/v1/history` for the dashboard's charts: the history store's samples over the last
 * hour (raw), day (1-minute steps) or week (1-hour steps) as columns (`t` and one array per
 * state, the shape uPlot draws), the kernel counters' increases on the same time axis, and
 * with `by` the largest groups' totals per step (the top tables' sparklines). Document
 * `tcpstate.web-history/1`; an empty file or a namespace not recorded yet is an empty answer.
 * @module
 */
import { namespaces, queryHistory } from '../history/query.js';
import { GROUP_KINDS, type GroupKind, HOUR, MINUTE } from '../history/schema.js';
import type { Database } from '../history/sqlite.js';
import { SCHEMAS, type WebHistory } from '../model/documents.js';

export const RANGES = {
  '1h': { ms: HOUR, stepMs: undefined },
  '1d': { ms: 24 * HOUR, stepMs: MINUTE },
  '1w': { ms: 7 * 24 * HOUR, stepMs: HOUR },
} as const;
export type RangeName = keyof typeof RANGES;

/** The counters drawn under the states: listen queue overflows and drops, SYN cookies, retransmissions. */
export const CHART_COUNTERS = ['TcpExt.ListenOverflows', 'TcpExt.ListenDrops', 'TcpExt.SyncookiesSent', 'TcpExt.SyncookiesRecv', 'TcpExt.SyncookiesFailed', 'Tcp.RetransSegs'] as const;

export function isRange(v: string): v is RangeName {
  return Object.hasOwn(RANGES, v);
}

export function isGroupKind(v: string): v is GroupKind {
  return (GROUP_KINDS as readonly string[]).includes(v);
}

/** The document for `range` ending at `now` (ms). */
export function webHistory(db: Database, file: string, o: { range: RangeName; netns: string; now: number; by?: GroupKind; top?: number }): WebHistory {
  // Groups are for sparklines: a minute's step is enough, and far cheaper than every raw sample's groups.
  const r = { ms: RANGES[o.range].ms, stepMs: RANGES[o.range].stepMs ?? (o.by ? MINUTE : undefined) };
  const empty: WebHistory = {
    schema: SCHEMAS.webHistory,
    range: o.range,
    netns: o.netns || null,
    step: r.stepMs === undefined ? null : r.stepMs / 1000,
    t: [],
    states: {},
    counters: {},
    gaps: [],
  };
  if (!namespaces(db).includes(o.netns)) return empty;
  const since = o.now - r.ms;
  const doc = queryHistory(db, file, { since, until: o.now, ...(r.stepMs === undefined ? {} : { stepMs: r.stepMs }), netns: o.netns, ...(o.by ? { by: o.by } : {}) });
  const out: WebHistory = { ...empty, gaps: doc.gaps };
  out.t = doc.samples.map((s) => s.t / 1000);
  for (const name of doc.shown) out.states[name] = doc.samples.map((s) => s.states[name] ?? 0);
  // Counters: increases summed into the sample (raw) or the step they fall in.
  const index = new Map<number, number>(doc.samples.map((s, i) => [s.t, i]));
  const rows = db
    .prepare(`SELECT s.t AS t, n.name AS name, c.delta AS delta FROM counters c JOIN samples s ON s.id = c.sample JOIN counter_names n ON n.id = c.name
    WHERE s.netns = ? AND s.t >= ? AND s.t <= ? AND n.name IN (${CHART_COUNTERS.map(() => '?').join(', ')})`)
    .all(o.netns, since, o.now, ...CHART_COUNTERS);
  for (const c of CHART_COUNTERS) out.counters[c] = new Array<number>(out.t.length).fill(0);
  for (const row of rows) {
    const t = row['t'] as number;
    const i = index.get(r.stepMs === undefined ? t : Math.floor(t / r.stepMs) * r.stepMs);
    if (i !== undefined) out.counters[row['name'] as string]![i]! += row['delta'] as number;
  }
  if (o.by) {
    const last = doc.samples.at(-1)?.groups ?? [];
    const keys = last
      .filter((g) => g.folded === undefined)
      .slice(0, o.top ?? 10)
      .map((g) => g.key);
    out.groups = { by: o.by, keys: keys.map((key) => ({ key, totals: doc.samples.map((s) => s.groups?.find((g) => g.key === key)?.total ?? null) })) };
  }
  return out;
}
