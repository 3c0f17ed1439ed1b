/**
 * A sample of the engine's sampler turned into what one history row holds (pure): the
 * counts by state, the top groups per kind with the rest folded into "other", the kernel
 * TCP counters' deltas from the previous sample, doctor's findings.
 * @module
 */
import type { Sample } from '../engine/sampler.js';
import { countStates, GroupCounter, type StateCounts } from '../model/count.js';
import { say } from '../i18n/history.js';
import { TcpstateError } from '../model/errors.js';
import { LISTEN } from '../model/state.js';
import type { SocketTable } from '../model/table.js';
import type { Counters } from '../sources/counters.js';
import { GROUP_KINDS, type GroupKind } from './schema.js';

/** The key of the row that sums the groups beyond the top N. */
export const OTHER = 'other';

export interface GroupRowData {
  kind: GroupKind;
  key: string;
  /** How many groups this row sums (the "other" row); 0 for a group of its own. */
  folded: number;
  counts: StateCounts;
}

export interface SampleRow {
  /** ms since the epoch. */
  t: number;
  intervalMs: number;
  /** '' for the recorder's own namespace. */
  netns: string;
  source: string;
  scanMs: number;
  counts: StateCounts;
  groups: GroupRowData[];
  /** `Section.Name` → increase since the previous sample (non-zero only). */
  counterDeltas: Map<string, number>;
  /** The previous sample's `t`, which {@link counterDeltas} run from; undefined: no deltas known (a first sample, or no counters read). */
  countersFrom?: number;
  findings: { rule: string; severity: string; title: string }[];
  /** Whether doctor ran on the sample (so no {@link findings} means none found). */
  findingsChecked?: boolean;
  /** State changes counted in the kernel over a window; undefined: not counted. */
  transitions?: TransitionWindow;
}

/** Changes per state pair counted between two moments (ms since the epoch). */
export interface TransitionWindow {
  from: number;
  to: number;
  /** (from state × 16 + to state) → count, non-zero only, state codes as src/model/state.ts's. */
  pairs: Map<number, number>;
}

/** Counters that are levels or settings, not event counts: no delta is kept. */
const NOT_COUNTS = new Set(['Tcp.RtoAlgorithm', 'Tcp.RtoMin', 'Tcp.RtoMax', 'Tcp.MaxConn', 'Tcp.CurrEstab']);

/** The kernel's TCP counters (snmp `Tcp`, netstat `TcpExt`) as `Section.Name` → value. */
export function tcpCounters(c: Counters | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!c) return out;
  for (const [table, section] of [
    [c.snmp, 'Tcp'],
    [c.netstat, 'TcpExt'],
  ] as const) {
    const s = table?.[section];
    if (!s) continue;
    for (const [k, v] of Object.entries(s)) {
      const name = `${section}.${k}`;
      if (!NOT_COUNTS.has(name)) out.set(name, v);
    }
  }
  return out;
}

/** Increases from `prev` to `cur`; a counter that went down (reset) or is new is left out. */
export function counterDeltas(prev: Map<string, number> | undefined, cur: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  if (!prev) return out;
  for (const [k, v] of cur) {
    const p = prev.get(k);
    if (p !== undefined && v > p) out.set(k, v - p);
  }
  return out;
}

/**
 * Groups per kind: `lport` counts inbound sockets (listeners and sockets on a port something
 * listens on) by local port, `rport` the others (outbound) by remote port, so the two kinds
 * together hold every socket once; `raddr` and `process` count every socket.
 */
export function groupRows(t: SocketTable, top: number, kinds: readonly GroupKind[] = GROUP_KINDS): GroupRowData[] {
  const listening = new Set<number>();
  for (let i = 0; i < t.length; i++) if (t.state[i] === LISTEN) listening.add(t.lport[i]!);
  const inbound = (x: SocketTable, i: number): boolean => x.state[i] === LISTEN || listening.has(x.lport[i]!);
  const out: GroupRowData[] = [];
  for (const kind of kinds) {
    const g = new GroupCounter({ by: kind });
    g.add(t, kind === 'lport' ? inbound : kind === 'rport' ? (x, i) => !inbound(x, i) : undefined);
    const rows = g.top(top);
    const folded = g.groups.size - top;
    for (const [i, r] of rows.entries()) out.push(folded > 0 && i === top ? { kind, key: OTHER, folded, counts: r.counts } : { kind, key: r.key, folded: 0, counts: r.counts });
  }
  return out;
}

/** What a history row holds of a sample's rows: counts by state and the top groups per kind. */
export interface SampleSummary {
  top: number;
  kinds: GroupKind[];
  counts: StateCounts;
  groups: GroupRowData[];
}

/**
 * A table's {@link SampleSummary}. Without an owner scan (`processesKnown` false) every socket
 * would show as owned by nobody: no process groups then.
 */
export function summarize(t: SocketTable, processesKnown: boolean, top: number, kinds: readonly GroupKind[] = GROUP_KINDS): SampleSummary {
  const k = kinds.filter((x) => x !== 'process' || processesKnown);
  return { top, kinds: [...kinds], counts: countStates(t, undefined), groups: groupRows(t, top, k) };
}

/**
 * One sample as a history row: from its rows, or from the summary the sampler's worker
 * computed (`SampleWant.summary`) with the same `top` and kinds. `prevCounters` is the previous sample's {@link tcpCounters} of
 * the same namespace, taken at `prevT`.
 */
export function sampleRow(s: Sample, o: { intervalMs: number; top: number; prevCounters?: Map<string, number>; prevT?: number; kinds?: readonly GroupKind[] }): SampleRow {
  const kinds = o.kinds ?? GROUP_KINDS;
  const same = (x: SampleSummary | undefined): x is SampleSummary => x !== undefined && x.top === o.top && x.kinds.join() === kinds.join();
  // A sample taken for aggregates only has no rows: recording it as zeros would be a lie.
  if (!s.table && !same(s.summary)) throw new TcpstateError('ERR_USAGE', say('noRows', o.top, kinds.join(',')));
  const { counts, groups } = s.table ? summarize(s.table, s.processes !== undefined, o.top, kinds) : s.summary!;
  return {
    t: s.takenAt,
    intervalMs: o.intervalMs,
    netns: s.netns ?? '',
    source: s.source,
    scanMs: s.totalMs,
    counts,
    groups,
    counterDeltas: counterDeltas(o.prevCounters, tcpCounters(s.counters)),
    ...(o.prevCounters && o.prevT !== undefined && s.counters ? { countersFrom: o.prevT } : {}),
    findings: (s.report?.findings ?? []).map((f) => ({ rule: f.id, severity: f.severity, title: f.title })),
    findingsChecked: s.report !== undefined,
  };
}
