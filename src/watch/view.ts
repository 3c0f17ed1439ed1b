/**
 * The watch's view state, advanced by one sample per tick: counts by state, the change since
 * the last tick and since the baseline (the start, or the last reset), the rate per second,
 * a bounded history per state for trends, and the top groups in a stable order. Pure: the
 * same samples give the same view; no clock, no I/O.
 * @module
 */
import { newCounts, type StateCounts, total } from '../model/count.js';
import type { Warning } from '../model/errors.js';
import type { GroupRow } from '../render/count.js';

/** One tick's reading of the kernel, as the sampler worker sends it (./tick-worker.ts). */
export interface TickSample {
  /** Counts by state code (0..15) of the sockets selected. */
  counts: StateCounts;
  /** Wall clock when the read began, ms since the epoch. */
  takenAt: number;
  /** Monotonic ms (comparable across threads) when the read began. */
  atMs: number;
  /** Which source answered ("netlink", "proc") and how ("bpf tcp iterator"). */
  source: string;
  method?: string;
  /** How long the read took, ms. */
  scanMs: number;
  warnings: Warning[];
  notices: import('../model/warnings.js').Notice[];
  /** Top groups, when asked for (total first, the rest summed into "other (N)"). */
  groups?: GroupRow[];
}

/** A group as the view shows it: its counts, and how its total moved since the last tick. */
export interface ViewGroup extends GroupRow {
  delta: number | null;
}

export type GroupSort = 'total' | 'growth' | 'key';
export const GROUP_SORTS: readonly GroupSort[] = ['total', 'growth', 'key'];

export interface WatchView {
  /** Ticks taken (1 after the first sample). */
  tick: number;
  /** The last sample; undefined before the first. */
  last?: TickSample;
  counts: StateCounts;
  /** Change since the previous tick; undefined on the first tick. */
  delta?: StateCounts;
  /** delta per second of the time between the two reads. */
  rate?: StateCounts;
  /** Counts at the baseline (first tick, or the tick after a reset). */
  baseline?: StateCounts;
  /** Seconds between the last two reads. */
  elapsedS?: number;
  /** Counts of recent ticks, oldest first, at most `historyLength`. */
  history: StateCounts[];
  historyLength: number;
  /** Groups in display order (stable between ticks; see {@link orderGroups}). */
  groups: ViewGroup[];
  /** The group keys' order the view keeps until a re-sort is asked for. */
  order: string[];
  sort: GroupSort;
  /** Recent totals of each group shown, oldest first (trends), at most `historyLength`. */
  groupHistory: Map<string, number[]>;
  /** Set by a reset or a sort change: the next groups are sorted afresh. */
  resort: boolean;
}

export function newView(historyLength = 60): WatchView {
  return { tick: 0, counts: newCounts(), history: [], historyLength, groups: [], order: [], sort: 'total', groupHistory: new Map(), resort: true };
}

/** Advance the view by one sample. */
export function advance(v: WatchView, s: TickSample): void {
  const prev = v.last;
  const counts = Float64Array.from(s.counts);
  if (prev) {
    const dt = (s.atMs - prev.atMs) / 1000;
    const delta = newCounts();
    const rate = newCounts();
    for (let i = 0; i < 16; i++) {
      delta[i] = counts[i]! - v.counts[i]!;
      rate[i] = dt > 0 ? delta[i]! / dt : 0;
    }
    v.delta = delta;
    v.rate = rate;
    v.elapsedS = dt;
  }
  v.baseline ??= counts;
  v.history.push(counts);
  if (v.history.length > v.historyLength) v.history.splice(0, v.history.length - v.historyLength);
  const before = new Map(v.groups.map((g) => [g.key, g.total]));
  const groups: ViewGroup[] = (s.groups ?? []).map((g) => ({ ...g, delta: before.has(g.key) ? g.total - before.get(g.key)! : null }));
  v.groups = orderGroups(groups, v.resort ? [] : v.order, v.sort);
  v.order = v.groups.map((g) => g.key);
  const trends = new Map<string, number[]>();
  for (const g of v.groups) {
    const h = v.groupHistory.get(g.key) ?? [];
    h.push(g.total);
    if (h.length > v.historyLength) h.shift();
    trends.set(g.key, h);
  }
  v.groupHistory = trends;
  v.resort = false;
  v.counts = counts;
  v.last = s;
  v.tick++;
}

/** "r": deltas since now, trends from now. */
export function resetBaseline(v: WatchView): void {
  v.baseline = v.counts;
  v.history = v.tick > 0 ? [v.counts] : [];
  v.groupHistory = new Map(v.groups.map((g) => [g.key, [g.total]]));
  v.resort = true;
}

/** "s": the next sort order; groups are re-sorted at once. */
export function cycleSort(v: WatchView): void {
  v.sort = GROUP_SORTS[(GROUP_SORTS.indexOf(v.sort) + 1) % GROUP_SORTS.length]!;
  v.groups = orderGroups(v.groups, [], v.sort);
  v.order = v.groups.map((g) => g.key);
}

/** The "other (N)" row that sums the groups beyond the top (render/count's GroupCounter.top). */
function isOther(g: GroupRow): boolean {
  return g.key.startsWith('other (');
}

function compare(sort: GroupSort): (a: ViewGroup, b: ViewGroup) => number {
  const byKey = (a: ViewGroup, b: ViewGroup): number => a.key.localeCompare(b.key, 'en', { numeric: true });
  if (sort === 'key') return byKey;
  if (sort === 'growth') return (a, b) => (b.delta ?? 0) - (a.delta ?? 0) || b.total - a.total || byKey(a, b);
  return (a, b) => b.total - a.total || byKey(a, b);
}

/**
 * Groups in a stable order: the keys of `order` that are still present keep their places,
 * new keys follow sorted by `sort`, and "other" is last. With an empty `order`, a fresh sort.
 */
export function orderGroups(groups: readonly ViewGroup[], order: readonly string[], sort: GroupSort): ViewGroup[] {
  const other = groups.filter(isOther);
  const rest = groups.filter((g) => !isOther(g));
  const place = new Map(order.map((k, i) => [k, i]));
  const kept = rest.filter((g) => place.has(g.key)).sort((a, b) => place.get(a.key)! - place.get(b.key)!);
  const fresh = rest.filter((g) => !place.has(g.key)).sort(compare(sort));
  return [...kept, ...fresh, ...other];
}

/** Start the groups afresh (another grouping was chosen). */
export function clearGroups(v: WatchView): void {
  v.groups = [];
  v.order = [];
  v.groupHistory = new Map();
  v.resort = true;
}

/** Sum of every state in the view's counts. */
export function viewTotal(v: WatchView): number {
  return total(v.counts);
}
