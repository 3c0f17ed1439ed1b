/**
 * `history` output (pure): a summary per state with a sparkline, then a time table; a
 * per-group summary with `--by`; CSV. JSON is the {@link HistoryDoc} itself.
 * @module
 */
import { csvField, renderTable, type Column } from '../render/text.js';
import type { HistoryDoc } from '../model/documents.js';
import type { messages } from '../i18n/history.js';
import { formatDuration } from './time.js';
import { renderCountersText, renderFindingsText, renderTransitionsTable, renderTransitionsText } from './render-extras.js';

const BARS = '▁▂▃▄▅▆▇█';

/** One character per value scaled from 0 to `max` (the series' own largest when omitted); a blank where there is no value. */
export function sparkline(values: readonly (number | undefined)[], max?: number): string {
  const top = max ?? Math.max(0, ...values.filter((v): v is number => v !== undefined));
  return values.map((v) => (v === undefined ? ' ' : top <= 0 ? BARS[0]! : BARS[Math.min(7, Math.round((v / top) * 7))]!)).join('');
}

/** `2026-12-05 10:00:05`, local time. */
export function localTime(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Values with blanks where a step was due but nothing was recorded. */
function withHoles<T>(doc: HistoryDoc, value: (i: number) => T): (T | undefined)[] {
  const out: (T | undefined)[] = [];
  const step = doc.step === null ? undefined : doc.step * 1000;
  doc.samples.forEach((s, i) => {
    if (i > 0 && step !== undefined) for (let t = doc.samples[i - 1]!.t + step; t < s.t; t += step) out.push(undefined);
    else if (i > 0 && doc.gaps.some((g) => Date.parse(g.to) === s.t)) out.push(undefined);
    out.push(value(i));
  });
  return out;
}

export function renderHistoryText(doc: HistoryDoc, m: ReturnType<typeof messages>): string {
  const n = doc.samples.length;
  const first = doc.samples[0]!;
  const last = doc.samples[n - 1]!;
  let out =
    m.header({ db: doc.file, from: localTime(first.t), to: localTime(last.t), n, step: doc.step === null ? '' : formatDuration(doc.step * 1000), tier: doc.tier, netns: doc.netns ?? '' }) + '\n';
  if (doc.by) return out + renderGroupsText(doc, m);
  const used = doc.shown.filter((s) => doc.samples.some((x) => (x.max ?? x.states)[s]! > 0));
  const unused = doc.shown.filter((s) => !used.includes(s));
  const peak = (i: number, s: string): number => (doc.samples[i]!.max ?? doc.samples[i]!.states)[s]!;
  const rows = used.map((s) => {
    const vals = doc.samples.map((x) => x.states[s]!);
    return [
      s,
      String(Math.min(...doc.samples.map((x) => (x.min ?? x.states)[s]!))),
      String(Math.max(...doc.samples.map((_, i) => peak(i, s)))),
      String(vals[n - 1]),
      sparkline(withHoles(doc, (i) => peak(i, s))),
    ];
  });
  const c = m.cols;
  out += '\n' + renderTable([{ header: c.state }, { header: c.min, right: true }, { header: c.max, right: true }, { header: c.last, right: true }, { header: c.trend }], rows);
  if (unused.length) out += `${m.zeroThroughout(unused.join(', '))}\n`;
  if (doc.gaps.length) out += m.gaps(doc.gaps.length) + '\n';
  if (used.length) {
    const cols: Column[] = [{ header: c.time }, ...used.map((s) => ({ header: s, right: true }))];
    out +=
      '\n' +
      renderTable(
        cols,
        doc.samples.map((x) => [localTime(x.t), ...used.map((s) => String(x.states[s]))]),
      );
  }
  for (const section of [renderCountersText(doc, m), renderTransitionsText(doc, m), renderFindingsText(doc, m)]) if (section) out += '\n' + section;
  return out;
}

/** `--transitions`: the transitions' summary and their time table. */
export function renderTransitionsView(doc: HistoryDoc, m: ReturnType<typeof messages>): string {
  const first = doc.samples[0]!;
  const last = doc.samples[doc.samples.length - 1]!;
  let out =
    m.header({
      db: doc.file,
      from: localTime(first.t),
      to: localTime(last.t),
      n: doc.samples.length,
      step: doc.step === null ? '' : formatDuration(doc.step * 1000),
      tier: doc.tier,
      netns: doc.netns ?? '',
    }) + '\n\n';
  out += renderTransitionsText(doc, m);
  const table = renderTransitionsTable(doc, m);
  return table ? `${out}\n${table}` : out;
}

function renderGroupsText(doc: HistoryDoc, m: ReturnType<typeof messages>): string {
  const keys = new Map<string, number>();
  for (const s of doc.samples) for (const g of s.groups ?? []) keys.set(g.key, Math.max(keys.get(g.key) ?? 0, g.total));
  if (keys.size === 0) return m.noGroups(doc.by!) + '\n';
  const order = [...keys].sort((a, b) => Number(a[0] === 'other') - Number(b[0] === 'other') || b[1] - a[1] || a[0].localeCompare(b[0], 'en', { numeric: true }));
  const rows = order.map(([key]) => {
    const totals = doc.samples.map((s) => (s.groups?.length ? (s.groups.find((g) => g.key === key)?.total ?? 0) : undefined));
    const known = totals.filter((v): v is number => v !== undefined);
    return [key, String(Math.min(...known)), String(Math.max(...known)), String(known[known.length - 1] ?? ''), sparkline(withHoles(doc, (i) => totals[i]))];
  });
  const c = m.cols;
  return '\n' + renderTable([{ header: doc.by!.toUpperCase() }, { header: c.min, right: true }, { header: c.max, right: true }, { header: c.last, right: true }, { header: c.trend }], rows);
}

/** CSV: a row per sample (or step: the last sample's counts), or per sample and group with `--by`. */
export function renderHistoryCsv(doc: HistoryDoc): string {
  const lines: string[] = [];
  if (doc.by) {
    lines.push(['time', doc.by, ...doc.shown, 'total'].join(','));
    for (const s of doc.samples) for (const g of s.groups ?? []) lines.push([s.time, csvField(g.key), ...doc.shown.map((x) => String(g.states[x])), String(g.total)].join(','));
  } else {
    lines.push(['time', ...doc.shown].join(','));
    for (const s of doc.samples) lines.push([s.time, ...doc.shown.map((x) => String(s.states[x]))].join(','));
  }
  return lines.join('\n') + '\n';
}
