/**
 * `history` text beside the state counts (pure): the kernel counters that moved and the state
 * transitions (total, rate over the time they were measured, a sparkline per sample or step,
 * blank where not known), doctor's findings over the range.
 * @module
 */
import { renderTable } from '../render/text.js';
import type { HistoryDoc, HistorySample } from '../model/documents.js';
import type { messages } from '../i18n/history.js';
import { localTime, sparkline } from './render.js';

type M = ReturnType<typeof messages>;

/** A table of series: per name, the total, the rate over the seconds measured, the highest step rate, a sparkline. */
function seriesTable(
  doc: HistoryDoc,
  m: M,
  header: string,
  values: (s: HistorySample) => Record<string, number> | undefined,
  seconds: (s: HistorySample) => number | undefined,
  names: readonly string[],
): string {
  const rows: string[][] = [];
  for (const name of names) {
    let total = 0,
      secs = 0,
      peak = 0;
    const line: (number | undefined)[] = [];
    for (const s of doc.samples) {
      const v = values(s);
      if (!v) {
        line.push(undefined);
        continue;
      }
      const n = v[name] ?? 0;
      const sec = seconds(s) ?? 0;
      total += n;
      secs += sec;
      if (sec > 0) peak = Math.max(peak, n / sec);
      line.push(n);
    }
    if (total === 0) continue;
    rows.push([name, String(total), secs > 0 ? (total / secs).toFixed(2) : '', peak.toFixed(2), sparkline(line)]);
  }
  rows.sort((a, b) => Number(b[1]) - Number(a[1]) || a[0]!.localeCompare(b[0]!));
  const c = m.cols;
  return renderTable([{ header }, { header: c.total, right: true }, { header: c.perSecond, right: true }, { header: c.maxPerSecond, right: true }, { header: c.trend }], rows);
}

/** The counters section: those that moved, or why there is nothing to show. */
export function renderCountersText(doc: HistoryDoc, m: M): string {
  if (!doc.counters) return '';
  if (!doc.samples.some((s) => s.counters)) return m.noCounters() + '\n';
  const moved = doc.counters.filter((n) => doc.samples.some((s) => (s.counters?.[n] ?? 0) > 0));
  if (moved.length === 0) return m.countersStill(doc.counters.length) + '\n';
  return seriesTable(
    doc,
    m,
    m.cols.counter,
    (s) => s.counters,
    (s) => s.counterSeconds,
    moved,
  );
}

/** The transitions section: per FROM->TO pair, or why they were not counted. */
export function renderTransitionsText(doc: HistoryDoc, m: M): string {
  const counted = doc.samples.filter((s) => s.transitions);
  const u = doc.transitionsUncounted;
  const why = u ? m.transitionsUncounted(u.samples, u.of, u.ours ? m[u.ours] : u.note) : doc.transitionsUnavailable;
  let out = why ? m.transitionsMissing(why) + '\n' : '';
  if (counted.length === 0) return out;
  const pairs = new Set<string>();
  for (const s of counted) for (const k of Object.keys(s.transitions!)) pairs.add(k);
  if (pairs.size === 0) return out + m.noTransitions0(counted.length) + '\n';
  out += seriesTable(
    doc,
    m,
    m.cols.transition,
    (s) => s.transitions,
    (s) => s.transitionSeconds,
    [...pairs],
  );
  return out;
}

/** The transitions as a time table: a row per sample or step, a column per pair. */
export function renderTransitionsTable(doc: HistoryDoc, m: M): string {
  const pairs = new Map<string, number>();
  for (const s of doc.samples) for (const [k, v] of Object.entries(s.transitions ?? {})) pairs.set(k, (pairs.get(k) ?? 0) + v);
  if (pairs.size === 0) return '';
  const cols = [...pairs].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const rows = doc.samples.map((s) => [
    localTime(s.t),
    s.transitionSeconds === undefined ? '' : s.transitionSeconds.toFixed(1),
    ...cols.map((c) => (s.transitions ? String(s.transitions[c] ?? 0) : '-')),
  ]);
  return renderTable([{ header: m.cols.time }, { header: m.cols.seconds, right: true }, ...cols.map((c) => ({ header: c, right: true }))], rows);
}

/** The findings section: each finding's first and last sample, or that doctor did not run. */
export function renderFindingsText(doc: HistoryDoc, m: M): string {
  if (doc.findingsChecked === undefined) return '';
  if (doc.findingsChecked === 0) return m.noFindingsRecorded() + '\n';
  if (!doc.findings?.length) return m.findingsNone(doc.findingsChecked) + '\n';
  return renderTable(
    [{ header: m.cols.first }, { header: m.cols.lastSeen }, { header: m.cols.samples, right: true }, { header: m.cols.severity }, { header: m.cols.rule }, { header: m.cols.finding }],
    doc.findings.map((f) => [localTime(Date.parse(f.first)), localTime(Date.parse(f.last)), `${f.samples}/${doc.findingsChecked}`, f.severity, f.rule, f.title]),
  );
}
