/**
 * The full-screen frame, a pure function of the view, the interaction state and the screen
 * size: exactly `rows` lines, each `cols` display columns wide (so that a line that did not
 * change is the same string, and only changed lines are rewritten). Colour codes only when
 * asked for; they are added around cells already laid out, so they never change widths.
 * @module
 */
import { total } from '../model/count.js';
import { PRINT_ORDER, stateName } from '../model/state.js';
import { displayWidth } from '../render/wrap.js';
import type { DoctorLine, ScreenUi } from './keys.js';
import { clock, shortLabel } from './lines.js';
import type { WatchMessages } from '../i18n/watch.js';
import type { WatchView } from './view.js';

export interface FrameOptions {
  cols: number;
  rows: number;
  color: boolean;
}

const BARS = '▁▂▃▄▅▆▇█';

/** Values as a sparkline of `width` cells at most (the most recent values), scaled min..max. */
export function sparkline(values: readonly number[], width: number): string {
  const v = values.slice(Math.max(0, values.length - width));
  if (v.length === 0) return '';
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return v.map((x) => BARS[hi === lo ? 0 : Math.round(((x - lo) / (hi - lo)) * (BARS.length - 1))]!).join('');
}

/** `s` cut or padded to exactly `width` display columns. */
export function fit(s: string, width: number): string {
  let w = 0;
  let out = '';
  for (const ch of s) {
    const cw = displayWidth(ch);
    if (w + cw > width) break;
    out += ch;
    w += cw;
  }
  return out + ' '.repeat(width - w);
}

function right(s: string, width: number): string {
  const d = displayWidth(s);
  return d >= width ? fit(s, width) : ' '.repeat(width - d) + s;
}

function signed(n: number | undefined): string {
  if (n === undefined) return '';
  return n > 0 ? `+${n}` : String(n);
}

function rateText(r: number | undefined): string {
  if (r === undefined) return '';
  if (r === 0) return '0';
  return Math.abs(r) >= 100 ? String(Math.round(r)) : r.toFixed(1);
}

const SGR = { bold: '1', reverse: '7', red: '31', green: '32', yellow: '33', dim: '2' } as const;

/** Render one frame. */
export function renderFrame(v: WatchView, ui: ScreenUi, m: WatchMessages, o: FrameOptions): string[] {
  const cols = Math.max(20, o.cols);
  const paint = (text: string, ...codes: (keyof typeof SGR)[]): string => (o.color && codes.length ? `\x1b[${codes.map((c) => SGR[c]).join(';')}m${text}\x1b[0m` : text);
  const lines: string[] = [];
  const last = v.last;

  // Title, then the status line (paused, an error, the filter being typed, or the filter in force).
  const stamp = last ? `${clock(last.takenAt, !Number.isInteger(ui.intervalS))}  #${v.tick}` : '';
  const title = m.title(ui.where, String(ui.intervalS));
  lines.push(paint(fit(title, cols - displayWidth(stamp) - 1) + ' ' + stamp, 'bold'));
  if (ui.editing !== undefined) lines.push(fit(m.filterPrompt + ui.editing + '█', cols));
  else if (ui.paused) lines.push(paint(fit(m.paused, cols), 'reverse'));
  else if (ui.error !== undefined) lines.push(paint(fit(ui.error, cols), 'red'));
  else {
    const how = last ? `${last.source}${last.method ? ` (${last.method})` : ''} ${last.scanMs.toFixed(1)} ms` : '';
    const left = ui.filter ? m.filter(ui.filter) : '';
    lines.push(fit(left, cols - displayWidth(how) - 1) + ' ' + how);
  }

  const body: string[] = [];
  if (ui.help) {
    body.push('');
    for (const h of m.helpLines) body.push(fit('  ' + h, cols));
  } else {
    // Every state: count, change this tick, change since the baseline, rate, trend.
    const W = { state: 12, count: 9, delta: 8, since: 9, rate: 8 };
    const fixed = W.state + W.count + W.delta + W.since + W.rate + 5;
    const trendW = Math.max(0, Math.min(v.historyLength, cols - fixed - 1));
    if (cols < fixed) return narrowFrame(v, ui, m, o, lines);
    const head =
      fit(m.colState, W.state) +
      right(m.colCount, W.count) +
      right(m.colDelta, W.delta) +
      right(m.colSince, W.since) +
      right(m.colRate, W.rate) +
      '     ' +
      fit(trendW > 0 ? m.colTrend : '', Math.max(0, cols - fixed));
    body.push(paint(fit(head, cols), 'bold'));
    for (const code of PRINT_ORDER) {
      const d = v.delta?.[code];
      const since = v.baseline ? v.counts[code]! - v.baseline[code]! : undefined;
      const trend = sparkline(
        v.history.map((h) => h[code]!),
        trendW,
      );
      const deltaCell = right(signed(d), W.delta);
      body.push(
        fit(stateName(code), W.state) +
          right(last ? String(v.counts[code]) : '', W.count) +
          (d && d > 0 ? paint(deltaCell, 'yellow', 'bold') : d && d < 0 ? paint(deltaCell, 'green') : deltaCell) +
          right(signed(since), W.since) +
          right(rateText(v.rate?.[code]), W.rate) +
          '     ' +
          fit(trend, Math.max(0, cols - fixed)),
      );
    }
    const dt = v.delta ? total(v.delta) : undefined;
    body.push(
      paint(
        fit(
          fit(m.total, W.state) + right(last ? String(total(v.counts)) : '', W.count) + right(signed(dt), W.delta) + right(v.baseline ? signed(total(v.counts) - total(v.baseline)) : '', W.since),
          cols,
        ),
        'bold',
      ),
    );
    body.push('');
    // The groups pane, when on: key, total, change, trend, the states present.
    if (ui.grouping === undefined) body.push(paint(fit(m.groupsOff, cols), 'dim'));
    else {
      body.push(paint(fit(`${m.groups(ui.grouping)} · ${m.sortBy(m.sorts[v.sort])}`, cols), 'bold'));
      const G = { key: Math.min(40, Math.max(16, Math.floor(cols / 4))), total: 8, delta: 7, trend: Math.min(20, Math.max(8, Math.floor(cols / 10))) };
      if (v.groups.length === 0 && last) body.push(fit('  ' + m.noGroups, cols));
      for (const g of v.groups) {
        const states = PRINT_ORDER.filter((c) => g.counts[c]! > 0)
          .map((c) => `${shortLabel(c)} ${g.counts[c]}`)
          .join('  ');
        const deltaCell = right(signed(g.delta ?? undefined), G.delta);
        body.push(
          fit(g.key, G.key) +
            right(String(g.total), G.total) +
            (g.delta && g.delta > 0 ? paint(deltaCell, 'yellow', 'bold') : deltaCell) +
            '  ' +
            fit(sparkline(v.groupHistory.get(g.key) ?? [], G.trend), G.trend) +
            '  ' +
            fit(states, Math.max(0, cols - G.key - G.total - G.delta - G.trend - 4)),
        );
      }
    }
  }
  // The doctor's line sits above the footer, where it is seen first when something is wrong.
  const doctor = ui.doctor === undefined ? undefined : doctorText(ui.doctor, m);
  const room = Math.max(0, o.rows - 3 - (doctor ? 1 : 0));
  // Body lines are laid out `cols` wide already (colour codes included); blank ones are filled.
  for (let i = 0; i < room; i++) lines.push(i < body.length && body[i] !== '' ? body[i]! : ' '.repeat(cols));
  if (doctor && o.rows > 3) {
    const d = ui.doctor!.worst;
    lines.push(paint(fit(doctor, cols), ...(d === 'critical' || d === 'error' ? (['red', 'bold'] as const) : d === 'warning' ? (['yellow'] as const) : [])));
  }
  lines.push(paint(fit(m.footer, cols), 'reverse'));
  return lines.slice(0, Math.max(1, o.rows));
}

function doctorText(d: DoctorLine, m: WatchMessages): string {
  if (d.worst === 'pending') return m.doctorWaiting;
  if (d.worst === 'ok') return m.doctorOk;
  if (d.worst === 'error') return m.doctorFailed(d.text);
  return m.doctorFinding(d.worst, d.text, d.more);
}

/** Below the table's width: state, count and change only, cut to the screen. */
function narrowFrame(v: WatchView, _ui: ScreenUi, m: WatchMessages, o: FrameOptions, top: string[]): string[] {
  const cols = Math.max(20, o.cols);
  const body = PRINT_ORDER.map((c) => fit(`${fit(shortLabel(c), 7)}${right(v.last ? String(v.counts[c]) : '', 7)} ${right(signed(v.delta?.[c]), 6)}`, cols));
  const lines = [...top];
  for (let i = 0; i < Math.max(0, o.rows - 3); i++) lines.push(body[i] ?? ' '.repeat(cols));
  lines.push(fit(m.footer, cols));
  return lines.slice(0, Math.max(1, o.rows));
}
