/**
 * `simulate` output: a two-column timeline in the style of RFC 9293's figures. Each line
 * shows both ends' states after the step; the wire column shows a segment leaving (`-->` at
 * the sender, `...` while in flight), arriving (`...` then `-->` at the receiver) or lost (`--x`).
 * @module
 */
import { type Lang, pick } from '../i18n/catalogue.js';
import { CATALOGUE as SIMULATE } from '../i18n/simulate.js';
import { eventInfo, SEGMENT_LABEL } from '../fsm/events.js';
import { CLOSED_STATE, describeState } from '../fsm/machine.js';
import type { Row } from '../fsm/rfc9293.js';
import type { Segment, Side, World } from '../fsm/simulate.js';
import { renderTable } from './text.js';

/** `SYN seq=100`, `SYN,ACK seq=300 ack=101`, `data seq=101 ack=301 len=100`. */
export function segmentLabel(s: Segment): string {
  const ctl = s.kind === 'rst' && s.ack !== undefined ? 'RST,ACK' : SEGMENT_LABEL[s.kind];
  let t = `${ctl} seq=${s.seq}`;
  if (s.ack !== undefined) t += ` ack=${s.ack}`;
  if (s.len) t += ` len=${s.len}`;
  return t;
}

type Motion = 'sent' | 'arrived' | 'lost';

function wireCell(seg: Segment, motion: Motion, width: number): string {
  const label = segmentLabel(seg).padEnd(width);
  const rightwards = seg.from === 'A';
  if (motion === 'sent') return rightwards ? `--> ${label} ...` : `... ${label} <--`;
  if (motion === 'arrived') return rightwards ? `... ${label} -->` : `<-- ${label} ...`;
  return rightwards ? `... ${label} --x` : `x-- ${label} ...`;
}

function rowIds(rows: readonly Row[]): string {
  return rows.map((r) => r.id).join('+');
}

export interface TimelineOptions {
  /** Column headings for the two ends. */
  left?: string;
  right?: string;
  /** The language of the headings (English when not given). */
  lang?: Lang;
}

/** The timeline table. */
export function renderTimeline(world: World, opts: TimelineOptions = {}): string {
  const width = Math.max(
    0,
    ...world.steps
      .flatMap((s) => [s.received, ...s.sent])
      .filter((x): x is Segment => !!x)
      .map((x) => segmentLabel(x).length),
  );
  const start = describeState(CLOSED_STATE);
  const lines: string[][] = [['', start, '', '', '', start, '']];
  let lastN = 0;
  for (const s of world.steps) {
    const n = s.n === lastN ? '' : String(s.n);
    lastN = s.n;
    const what = s.what === 'lost' ? 'lost' : s.events.map((e) => eventInfo(e).label).join(' + ');
    const a = describeState(s.a);
    const b = describeState(s.b);
    const ev = (side: Side) => (s.side === side ? what : '');
    const first = s.what === 'event' ? (s.sent[0] ? wireCell(s.sent[0], 'sent', width) : '') : wireCell(s.received!, s.what === 'lost' ? 'lost' : 'arrived', width);
    lines.push([n, a, ev('A'), first, ev('B'), b, rowIds(s.rows)]);
    const rest = s.what === 'event' ? s.sent.slice(1) : s.sent;
    for (const seg of rest) lines.push(['', a, '', wireCell(seg, 'sent', width), '', b, '']);
  }
  const m = pick(SIMULATE, opts.lang ?? 'en');
  return renderTable(
    [{ header: '#', right: true }, { header: opts.left ?? m.client }, { header: m.event }, { header: m.wire }, { header: m.event }, { header: opts.right ?? m.server }, { header: m.row }],
    lines,
  );
}

/** The rows a run used, once each, with their section, action and Linux note. */
export function renderRowsUsed(world: World): string {
  const seen = new Map<string, Row>();
  for (const s of world.steps) for (const r of s.rows) seen.set(r.id, r);
  const out: string[] = [];
  for (const r of seen.values()) {
    out.push(`  ${r.id.padEnd(5)} §${r.rfc}: ${r.action}${r.linux ? `\n        Linux: ${r.linux}` : ''}`);
  }
  return out.join('\n') + '\n';
}

/** "End: client CLOSE, server LISTEN; nothing in flight." */
export function renderEnd(world: World, lang: Lang = 'en'): string {
  const m = pick(SIMULATE, lang);
  const flight = world.inFlight('A').length + world.inFlight('B').length;
  const f = flight === 0 ? m.nothingInFlight : m.inFlight(flight);
  return `${m.end(describeState(world.state('A')), describeState(world.state('B')), f)}\n`;
}

/** Wrap prose at `width` columns with an indent. */
export function wrap(text: string, width = 96, indent = ''): string {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (line && (indent + line + ' ' + w).length > width) {
      out.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(indent + line);
  return out.join('\n') + '\n';
}
