/**
 * Questions asked of a history file, answered as typed `tcpstate.history/2` documents:
 * samples (raw, or in steps from the raw samples or the minute and hour rollups) with
 * every selected state's count, min/max/mean/last per step, groups per kind, gaps where
 * recording stopped; the counts at one moment.
 * @module
 */
import { newCounts, type StateCounts } from '../model/count.js';
import { TcpstateError } from '../model/errors.js';
import { stateName, type StateCode } from '../model/state.js';
import { type HistoryDoc, type HistorySample, SCHEMAS, type StateMap, type Tier } from '../model/documents.js';
import { messages } from '../i18n/history.js';
import { HOUR, MINUTE, STATE_COLUMNS, type GroupKind } from './schema.js';
import { OTHER } from './sample-row.js';
import type { Database } from './sqlite.js';
import { groupReader } from './group-read.js';
import { attachExtras, type CounterSelection } from './extras.js';

export interface HistoryQuery {
  /** ms since the epoch, inclusive. */
  since: number;
  until: number;
  /** Step, ms; undefined: every raw sample. */
  stepMs?: number;
  /** '' for the recorder's own namespace; undefined: the only one recorded. */
  netns?: string;
  /** States to report (default all). */
  states?: readonly StateCode[];
  by?: GroupKind;
  /** Counters to report (default: the key ones). */
  counters?: CounterSelection;
}

/**
 * How long without a sample counts as a gap (the recorder stopped), ms: a sample late or a tick
 * skipped because the machine was busy is not one.
 */
export function gapAfter(intervalMs: number): number {
  return Math.max(3 * intervalMs, intervalMs + 5000);
}

/** The namespaces the file holds samples or rollups for. */
export function namespaces(db: Database): string[] {
  const rows = db.prepare('SELECT DISTINCT netns FROM samples UNION SELECT DISTINCT netns FROM rollups').all();
  return rows.map((r) => r['netns'] as string).sort();
}

/** The namespace asked for, or the only one recorded. */
export function pickNetns(db: Database, asked: string | undefined, env?: Record<string, string | undefined>): string {
  const all = namespaces(db);
  if (asked !== undefined) {
    if (!all.includes(asked)) throw new TcpstateError('ERR_USAGE', messages(env).unknownNetns(asked, all), { field: '--netns' });
    return asked;
  }
  if (all.length > 1) throw new TcpstateError('ERR_USAGE', messages(env).pickNetns(all), { field: '--netns' });
  return all[0] ?? '';
}

/** Which rows answer a step: rollups when the step is a whole number of their buckets. */
export function tierFor(stepMs: number | undefined): Tier {
  if (stepMs === undefined) return 'raw';
  if (stepMs % HOUR === 0) return 'hour';
  if (stepMs % MINUTE === 0) return 'minute';
  return 'raw';
}

const colList = STATE_COLUMNS.map((s) => `"${s.col}"`).join(', ');

function countsOf(r: unknown[], from: number): StateCounts {
  const c = newCounts();
  STATE_COLUMNS.forEach((s, i) => {
    c[s.code] = r[from + i] as number;
  });
  return c;
}

function mapOf(c: ArrayLike<number>, states: readonly StateCode[], f: (v: number) => number = (v) => v): StateMap {
  const o: StateMap = {};
  for (const s of states) o[stateName(s)] = f(c[s]!);
  return o;
}

/** One step being filled from raw samples or rollup rows. */
interface Bucket {
  t: number;
  n: number;
  mn: Float64Array;
  mx: Float64Array;
  sum: Float64Array;
  last: Float64Array;
  lastId?: number;
}

/** A step's sample: the last counts, and min, max and mean over the bucket's samples. */
function bucketSample(b: Bucket, states: readonly StateCode[]): HistorySample {
  return {
    time: new Date(b.t).toISOString(),
    t: b.t,
    states: mapOf(b.last, states),
    n: b.n,
    min: mapOf(b.mn, states),
    max: mapOf(b.mx, states),
    mean: mapOf(b.sum, states, (v) => Math.round((v / b.n) * 100) / 100),
  };
}

function bucket(t: number): Bucket {
  return { t, n: 0, mn: new Float64Array(16).fill(Infinity), mx: new Float64Array(16).fill(-Infinity), sum: new Float64Array(16), last: new Float64Array(16) };
}

function fold(b: Bucket, n: number, mn: ArrayLike<number>, mx: ArrayLike<number>, sum: ArrayLike<number>, last: ArrayLike<number>): void {
  b.n += n;
  for (const { code } of STATE_COLUMNS) {
    if (mn[code]! < b.mn[code]!) b.mn[code] = mn[code]!;
    if (mx[code]! > b.mx[code]!) b.mx[code] = mx[code]!;
    b.sum[code]! += sum[code]!;
    b.last[code] = last[code]!;
  }
}

/** The history between two moments, raw or in steps. */
export function queryHistory(db: Database, file: string, q: HistoryQuery, env?: Record<string, string | undefined>): HistoryDoc {
  const netns = pickNetns(db, q.netns, env);
  const states = q.states ?? STATE_COLUMNS.map((s) => s.code);
  const tier = tierFor(q.stepMs);
  const samples: HistorySample[] = [];
  const gaps: HistoryDoc['gaps'] = [];
  const iso = (t: number): string => new Date(t).toISOString();
  const ids: number[] = [];
  const names = states.map(stateName);
  const cols = states.map((code) => STATE_COLUMNS.findIndex((c) => c.code === code));
  // One object shape for every sample's states (a literal, not keys added one by one): a week
  // of raw samples is 60,000 of them.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const makeStates = new Function('r', `return {${names.map((n, j) => `${JSON.stringify(n)}: r[${3 + cols[j]!}]`).join(', ')}};`) as (r: unknown[]) => StateMap;
  if (tier === 'raw') {
    const stmt = db.prepare(`SELECT id, t, interval_ms, ${colList}, scan_ms FROM samples WHERE netns = ? AND t >= ? AND t <= ? ORDER BY t`).raw(true);
    let prev: { t: number; interval: number } | undefined;
    let b: Bucket | undefined;
    const flush = (): void => {
      if (!b || b.n === 0) return;
      samples.push(bucketSample(b, states));
      if (q.by) ids.push(b.lastId!);
    };
    for (const r of stmt.iterate(netns, q.since, q.until) as IterableIterator<unknown[]>) {
      const id = r[0] as number;
      const t = r[1] as number;
      const interval = r[2] as number;
      if (prev && t - prev.t > gapAfter(Math.max(interval, prev.interval))) gaps.push({ from: iso(prev.t), to: iso(t) });
      prev = { t, interval };
      if (q.stepMs === undefined) {
        // The hot path of a long raw range: straight from the row, no intermediate arrays.
        samples.push({ time: iso(t), t, interval: interval / 1000, sampleMs: r[3 + STATE_COLUMNS.length] as number, states: makeStates(r) });
        if (q.by) ids.push(id);
        continue;
      }
      const c = countsOf(r, 3);
      const bt = Math.floor(t / q.stepMs) * q.stepMs;
      if (!b || b.t !== bt) {
        flush();
        b = bucket(bt);
      }
      fold(b, 1, c, c, c, c);
      b.lastId = id;
    }
    flush();
  } else {
    const step = tier === 'hour' ? HOUR : MINUTE;
    const cols = STATE_COLUMNS.map((s) => `"mn_${s.col}", "mx_${s.col}", "sum_${s.col}", "last_${s.col}"`).join(', ');
    const stmt = db.prepare(`SELECT t, n, ${cols} FROM rollups WHERE step = ? AND netns = ? AND t >= ? AND t <= ? ORDER BY t`).raw(true);
    let b: Bucket | undefined;
    let prevT: number | undefined;
    const flush = (): void => {
      if (b && b.n > 0) samples.push(bucketSample(b, states));
    };
    const mn = new Float64Array(16),
      mx = new Float64Array(16),
      sum = new Float64Array(16),
      last = new Float64Array(16);
    for (const r of stmt.iterate(step, netns, Math.floor(q.since / q.stepMs!) * q.stepMs!, q.until) as IterableIterator<unknown[]>) {
      const t = r[0] as number;
      if (prevT !== undefined && t - prevT > step) gaps.push({ from: iso(prevT + step), to: iso(t) });
      prevT = t;
      STATE_COLUMNS.forEach((s, i) => {
        mn[s.code] = r[2 + 4 * i] as number;
        mx[s.code] = r[3 + 4 * i] as number;
        sum[s.code] = r[4 + 4 * i] as number;
        last[s.code] = r[5 + 4 * i] as number;
      });
      const bt = Math.floor(t / q.stepMs!) * q.stepMs!;
      if (!b || b.t !== bt) {
        flush();
        b = bucket(bt);
      }
      fold(b, r[1] as number, mn, mx, sum, last);
    }
    flush();
    if (q.by) {
      // Groups live in raw samples only: the last raw sample of each step, where kept.
      const lastIn = db.prepare('SELECT id FROM samples WHERE netns = ? AND t >= ? AND t < ? ORDER BY t DESC LIMIT 1');
      for (const s of samples) ids.push(Number(lastIn.get(netns, s.t, s.t + q.stepMs!)?.['id'] ?? -1));
    }
  }
  if (q.by) attachGroups(groupReader(db, file, env), q.by, samples, ids, states);
  const doc: HistoryDoc = {
    schema: SCHEMAS.history,
    file,
    netns: netns === '' ? null : netns,
    since: iso(q.since),
    until: iso(q.until),
    step: q.stepMs === undefined ? null : q.stepMs / 1000,
    tier,
    shown: states.map(stateName),
    ...(q.by ? { by: q.by } : {}),
    samples,
    gaps,
  };
  attachExtras(db, doc, netns, q.since, q.until, q.counters ?? 'key');
  return doc;
}

function attachGroups(read: ReturnType<typeof groupReader>, kind: GroupKind, samples: HistorySample[], ids: number[], states: readonly StateCode[]): void {
  samples.forEach((s, i) => {
    const id = ids[i]!;
    s.groups =
      id < 0
        ? []
        : read(id, kind)
            .map((g) => {
              let total = 0;
              for (const { code } of STATE_COLUMNS) total += g.counts[code]!;
              return { key: g.key, ...(g.folded ? { folded: g.folded } : {}), states: mapOf(g.counts, states), total };
            })
            .sort(
              (a, b) =>
                Number(a.key === OTHER && a.folded !== undefined) - Number(b.key === OTHER && b.folded !== undefined) || b.total - a.total || a.key.localeCompare(b.key, 'en', { numeric: true }),
            );
  });
}

/** The sample at `at` (the last one at or before it, within two intervals), with its groups of `by`. */
export function queryAt(
  db: Database,
  at: number,
  netnsAsked: string | undefined,
  by: GroupKind | undefined,
  env?: Record<string, string | undefined>,
  file = 'the history file',
): { t: number; netns: string; counts: StateCounts; groups?: { key: string; counts: StateCounts; total: number }[] } {
  const netns = pickNetns(db, netnsAsked, env);
  const r = db.prepare(`SELECT id, t, interval_ms, ${colList} FROM samples WHERE netns = ? AND t <= ? ORDER BY t DESC LIMIT 1`).raw(true).get(netns, at) as unknown as unknown[] | undefined;
  if (!r || (r[1] as number) < at - 2 * (r[2] as number) - 1000) throw new TcpstateError('ERR_EMPTY', messages(env).noSampleAt(new Date(at).toISOString()), { field: '--at' });
  const out: ReturnType<typeof queryAt> = { t: r[1] as number, netns, counts: countsOf(r, 3) };
  if (by) {
    out.groups = groupReader(
      db,
      file,
      env,
    )(r[0] as number, by)
      .map((g) => {
        let total = 0;
        for (const { code } of STATE_COLUMNS) total += g.counts[code]!;
        return { key: g.folded ? `other (${g.folded})` : g.key, counts: g.counts, total };
      })
      .sort((a, b) => Number(a.key.startsWith('other (')) - Number(b.key.startsWith('other (')) || b.total - a.total || a.key.localeCompare(b.key, 'en', { numeric: true }));
  }
  return out;
}
