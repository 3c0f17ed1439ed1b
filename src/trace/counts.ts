/**
 * `trace --count`: changes per (old, new) state pair, counted in the kernel, as rows with
 * rates, and their text and `tcpstate.trace-count/1` JSON. Pure over the kernel's counts.
 * @module
 */
import { canonicalCode, stateName, UNKNOWN, type StateCode } from '../model/state.js';
import { type Lang, pick } from '../i18n/catalogue.js';
import { CATALOGUE as TRACE } from '../i18n/trace.js';
import { say as ks } from '../i18n/kernel.js';
import { warning } from '../model/warnings.js';
import { padCols } from './render.js';
import { SCHEMAS, type TraceCountDocument } from '../model/documents.js';

export interface CountRow {
  from: StateCode;
  to: StateCode;
  count: number;
  perSecond: number;
}

/**
 * Rows of the kernel's counts (index old × 16 + new, kernel state codes) over `seconds`,
 * most frequent first; `keep` says which pairs to show (a state filter).
 */
export function countRows(raw: Float64Array, seconds: number, keep: (from: StateCode, to: StateCode) => boolean = () => true): CountRow[] {
  const by = new Map<number, CountRow>();
  for (let k = 0; k < raw.length; k++) {
    const n = raw[k]!;
    if (n === 0) continue;
    // the kernel's TCP_NEW_SYN_RECV is SYN_RECV, as everywhere else
    const from = canonicalCode(k >> 4);
    const to = canonicalCode(k & 15);
    if (!keep(from, to)) continue;
    const key = (from << 4) | to;
    const r = by.get(key) ?? { from, to, count: 0, perSecond: 0 };
    r.count += n;
    by.set(key, r);
  }
  const rows = [...by.values()];
  for (const r of rows) r.perSecond = seconds > 0 ? r.count / seconds : 0;
  rows.sort((a, b) => b.count - a.count || a.from - b.from || a.to - b.to);
  return rows;
}

/** Rows as a table: FROM, TO, COUNT, PER_S. */
export function countText(rows: CountRow[], seconds: number, lang: Lang = 'en'): string {
  const m = pick(TRACE, lang);
  const [from, to, count, perSecond] = m.countColumns;
  const lines = [`${padCols(from!, 12)} ${padCols(to!, 12)} ${padCols(count!, 10, true)} ${padCols(perSecond!, 10, true)}`];
  for (const r of rows) lines.push(`${stateName(r.from).padEnd(12)} ${stateName(r.to).padEnd(12)} ${String(r.count).padStart(10)} ${r.perSecond.toFixed(1).padStart(10)}`);
  lines.push(m.countSeconds(seconds.toFixed(1)));
  return lines.join('\n') + '\n';
}

/** The `tcpstate.trace-count/1` document. */
export function countJson(rows: CountRow[], seconds: number, time: Date): TraceCountDocument {
  return {
    schema: SCHEMAS.traceCount,
    time: time.toISOString(),
    seconds: Math.round(seconds * 1000) / 1000,
    transitions: rows.map((r) => ({ from: stateName(r.from), to: stateName(r.to), count: r.count, perSecond: Math.round(r.perSecond * 1000) / 1000 })),
    ...(rows.some((r) => r.from === UNKNOWN || r.to === UNKNOWN) ? { warnings: [warning('W_UNKNOWN_STATE', ks('traceUnknownState'), {})] } : {}),
  };
}
