/**
 * The watch's non-terminal outputs: one text line per tick like `vmstat 1` (time, every
 * state's count, the total; a header now and then), or one `tcpstate.watch/1` JSON object
 * per tick whose `states` are shaped as `tcpstate.count/1`'s (src/render/count.ts).
 * @module
 */
import { total } from '../model/count.js';
import { CLOSE, CLOSE_WAIT, CLOSING, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, LAST_ACK, LISTEN, PRINT_ORDER, type StateCode, SYN_RECV, SYN_SENT, TIME_WAIT, UNKNOWN } from '../model/state.js';
import { countsObject } from '../render/count.js';
import { SCHEMAS, type WatchDocument } from '../model/documents.js';
import { displayWidth, padDisplay } from '../render/wrap.js';
import type { WatchMessages } from '../i18n/watch.js';
import type { WatchView } from './view.js';

/** Short column labels by state code, so a line fits 80 columns (ss's spellings, cut). */
const SHORT: Record<number, string> = {
  [ESTABLISHED]: 'estab',
  [SYN_SENT]: 'syn-s',
  [SYN_RECV]: 'syn-r',
  [FIN_WAIT1]: 'fin-w1',
  [FIN_WAIT2]: 'fin-w2',
  [TIME_WAIT]: 'time-w',
  [CLOSE]: 'close',
  [CLOSE_WAIT]: 'clo-w',
  [LAST_ACK]: 'last-a',
  [LISTEN]: 'listen',
  [CLOSING]: 'closng',
  [UNKNOWN]: 'unkn',
};

/** A state's short label (columns of the line mode and of narrow screens). */
export function shortLabel(code: StateCode): string {
  return SHORT[code] ?? String(code);
}

const WIDTH = 6;

/** Time of day of `ms` as HH:MM:SS (local time), with milliseconds when `fraction`. */
export function clock(ms: number, fraction: boolean): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${fraction ? `.${p(d.getMilliseconds(), 3)}` : ''}`;
}

/** The header line: time, every state's short label, the total. */
export function renderHeader(m: WatchMessages, fraction: boolean): string {
  const cols = PRINT_ORDER.map((c) => shortLabel(c).padStart(WIDTH));
  return `${padDisplay(m.time, fraction ? 12 : 8)} ${cols.join(' ')} ${' '.repeat(Math.max(0, 7 - displayWidth(m.lineTotal)))}${m.lineTotal}\n`;
}

/** One tick as a line under {@link renderHeader}. */
export function renderLine(v: WatchView, fraction: boolean): string {
  const cols = PRINT_ORDER.map((c) => String(v.counts[c]).padStart(WIDTH));
  return `${clock(v.last!.takenAt, fraction)} ${cols.join(' ')} ${String(total(v.counts)).padStart(7)}\n`;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * The `tcpstate.watch/1` object of the view's last tick. `deltas` and `rates` (per second)
 * are against the previous tick, null on the first; `since` against the first tick.
 */
export function watchJson(v: WatchView, meta: { intervalS: number; netns?: string; filter?: string; by?: string; skipped: number }): WatchDocument {
  const s = v.last!;
  const rates = v.rate ? Object.fromEntries(Object.entries(countsObject(v.rate)).map(([k, r]) => [k, round(r)])) : null;
  return {
    schema: SCHEMAS.watch,
    tick: v.tick,
    time: new Date(s.takenAt).toISOString(),
    intervalS: meta.intervalS,
    ...(meta.netns === undefined ? {} : { netns: meta.netns }),
    ...(meta.filter ? { filter: meta.filter } : {}),
    source: s.source,
    ...(s.method === undefined ? {} : { method: s.method }),
    sampleMs: round(s.scanMs),
    states: countsObject(v.counts),
    total: total(v.counts),
    deltas: v.delta ? countsObject(v.delta) : null,
    rates,
    elapsedS: v.elapsedS === undefined ? null : round(v.elapsedS),
    since: countsObject(v.counts.map((n, i) => n - v.baseline![i]!)),
    ...(meta.by ? { by: meta.by, groups: v.groups.map((g) => ({ key: g.key, states: countsObject(g.counts), total: g.total, delta: g.delta })) } : {}),
    skippedTicks: meta.skipped,
    warnings: s.warnings,
  };
}
