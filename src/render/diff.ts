/**
 * `tcpstate diff` output: a state table (before, after, change; every state listed), then
 * the sockets that changed state, appeared and disappeared, one per line, marked `~ + -`.
 * @module
 */
import { type Lang, pick, type Said, say } from '../i18n/catalogue.js';
import { CATALOGUE as TABLES } from '../i18n/tables.js';
import { type StateCounts, total } from '../model/count.js';
import type { SocketChange, StateChange } from '../model/diff.js';
import { stateName } from '../model/state.js';
import { renderTable } from './text.js';

export interface DiffSide {
  /** What was read: file and host, or "live" (catalogue data: said in the user's language, in English in JSON). */
  label: string | Said;
  format: string;
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/** The diff as text. `sockets` is undefined when a side has counts only. */
/** At most `top` sockets of each kind (changed, appeared, disappeared), in order. */
export function topSockets(sockets: readonly SocketChange[], top: number | undefined): SocketChange[] {
  if (top === undefined) return [...sockets];
  const seen = { changed: 0, appeared: 0, disappeared: 0 };
  return sockets.filter((s) => ++seen[s.kind] <= top);
}

/**
 * The diff as text. `sockets` is undefined when a side has counts only; `top` lists at most
 * that many sockets of each kind (the summary line still counts them all).
 */
export function renderDiff(
  states: readonly StateChange[],
  before: StateCounts,
  after: StateCounts,
  sockets: readonly SocketChange[] | undefined,
  sides: [DiffSide, DiffSide],
  top?: number,
  lang: Lang = 'en',
): string {
  const m = pick(TABLES, lang);
  const rows = states.map((c) => [stateName(c.state), String(c.before), String(c.after), signed(c.after - c.before)]);
  const tb = total(before);
  const ta = total(after);
  rows.push([m.total, String(tb), String(ta), signed(ta - tb)]);
  let out = `${m.sides(say(sides[0].label, lang), sides[0].format, say(sides[1].label, lang), sides[1].format)}\n\n`;
  out += renderTable([{ header: m.state }, { header: m.before, right: true }, { header: m.after, right: true }, { header: m.change, right: true }], rows);
  if (!sockets) {
    out += `\n${m.noSockets}\n`;
    return out;
  }
  const n = (k: SocketChange['kind']) => sockets.filter((s) => s.kind === k).length;
  out += `\n${m.changes(n('changed'), n('appeared'), n('disappeared'))}\n`;
  if (sockets.length === 0) return out;
  const shown = topSockets(sockets, top);
  const lines = shown.map((s) => [
    s.kind === 'changed' ? '~' : s.kind === 'appeared' ? '+' : '-',
    s.proto,
    s.local,
    s.remote,
    s.kind === 'changed' ? `${stateName(s.before!)} -> ${stateName(s.after!)}` : stateName((s.after ?? s.before)!),
  ]);
  out += renderTable([{ header: '' }, { header: 'Proto' }, { header: 'Local Address' }, { header: 'Foreign Address' }, { header: 'State' }], lines);
  if (shown.length < sockets.length) out += `(--top ${top}: ${sockets.length - shown.length} more not listed)\n`;
  return out;
}
