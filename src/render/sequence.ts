/**
 * Sequence figures (the article's missing figures 2 and 3: the handshake with the four-way
 * close, and the simultaneous close) drawn from a simulated run: two timelines, time going
 * down, each segment a slanted arrow from its sending step to its arrival, each end's state
 * written beside its timeline whenever it changes.
 * @module
 */
import { eventInfo } from '../fsm/events.js';
import { describeState } from '../fsm/machine.js';
import type { Segment, Side, World } from '../fsm/simulate.js';
import { CLOSE, fsmName } from '../model/state.js';
import { esc } from './diagram-svg.js';
import { segmentLabel } from './timeline.js';

const W = 980;
const XA = 250;
const XB = 730;
const TOP = 110;
const ROW = 48;

interface Placed { seg: Segment; y0: number; y1?: number; lost: boolean }

/**
 * The drawing row of each step (1-based). Two independent steps at different ends share a
 * row — two user calls, or two arrivals whose segments crossed — so simultaneous events look
 * simultaneous; a step that answers the step before it never shares its row.
 */
export function sequenceRows(world: World): number[] {
  const out: number[] = [];
  let row = 0;
  world.steps.forEach((s, i) => {
    const p = i > 0 ? world.steps[i - 1]! : undefined;
    const pairs = p !== undefined && p.side !== s.side && p.what === s.what && s.what !== 'lost'
      && (s.received === undefined || !p.sent.includes(s.received)) && out[i - 1] !== out[i - 2];
    if (!pairs) row++;
    out.push(row);
  });
  return out;
}

/** SVG of a run. */
export function renderSequenceSvg(world: World, title: string): string {
  const placed = new Map<Segment, Placed>();
  const stateMarks: { side: Side; y: number; text: string; event?: string }[] = [];
  let prevA = fsmName(CLOSE);
  let prevB = fsmName(CLOSE);
  const rows = sequenceRows(world);
  world.steps.forEach((s, i) => {
    const y = TOP + rows[i]! * ROW;
    if (s.received) {
      const p = placed.get(s.received);
      if (p) { p.y1 = y; p.lost = s.what === 'lost'; }
    }
    for (const seg of s.sent) placed.set(seg, { seg, y0: y, lost: false });
    const a = describeState(s.a);
    const b = describeState(s.b);
    const ev = s.what === 'event' ? s.events.map((e) => eventInfo(e).label).join(' + ') : undefined;
    if (a !== prevA || (ev && s.side === 'A')) stateMarks.push({ side: 'A', y, text: a, event: s.side === 'A' ? ev : undefined });
    if (b !== prevB || (ev && s.side === 'B')) stateMarks.push({ side: 'B', y, text: b, event: s.side === 'B' ? ev : undefined });
    prevA = a;
    prevB = b;
  });
  const H = TOP + ((rows[rows.length - 1] ?? 0) + 2) * ROW + 20;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif">`);
  out.push(`<title>${esc(title)}</title>`);
  out.push(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1f4e9c"/></marker><style>
.state{font-size:14px;font-weight:bold;fill:#111}
.event{font-size:12px;font-style:italic;fill:#555}
.seg{font-size:12.5px;fill:#1f4e9c;paint-order:stroke;stroke:#fff;stroke-width:4px}
.lost{font-size:12.5px;fill:#b33c12}
.head{font-size:16px;font-weight:bold;text-anchor:middle;fill:#111}
.title{font-size:17px;font-weight:bold;fill:#111}
</style></defs>`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="20" y="30" class="title">${esc(title)}</text>`);
  out.push(`<text x="${XA}" y="${TOP - 28}" class="head">client (A)</text><text x="${XB}" y="${TOP - 28}" class="head">server (B)</text>`);
  out.push(`<line x1="${XA}" y1="${TOP - 14}" x2="${XA}" y2="${H - 20}" stroke="#222" stroke-width="2"/>`);
  out.push(`<line x1="${XB}" y1="${TOP - 14}" x2="${XB}" y2="${H - 20}" stroke="#222" stroke-width="2"/>`);
  out.push(`<text x="${XA - 12}" y="${TOP + 4}" class="state" text-anchor="end">CLOSED</text><text x="${XB + 12}" y="${TOP + 4}" class="state">CLOSED</text>`);
  for (const m of stateMarks) {
    const [x, anchor] = m.side === 'A' ? [XA - 12, 'end'] : [XB + 12, 'start'];
    out.push(`<g class="mark" data-side="${m.side}" data-state="${esc(m.text)}"><circle cx="${m.side === 'A' ? XA : XB}" cy="${m.y}" r="3.5" fill="#222"/>`
      + `<text x="${x}" y="${m.y + 4}" class="state" text-anchor="${anchor}">${esc(m.text)}</text>`
      + (m.event ? `<text x="${x}" y="${m.y + 19}" class="event" text-anchor="${anchor}">${esc(m.event)}</text>` : '') + '</g>');
  }
  for (const p of placed.values()) {
    const fromA = p.seg.from === 'A';
    const x0 = fromA ? XA : XB;
    const x1 = fromA ? XB : XA;
    const label = segmentLabel(p.seg);
    if (p.y1 === undefined) {
      // Still in flight at the end: a short stub.
      out.push(`<line x1="${x0}" y1="${p.y0}" x2="${x0 + (x1 - x0) * 0.3}" y2="${p.y0 + 12}" stroke="#1f4e9c" stroke-width="1.6" stroke-dasharray="4 3"/>`);
      continue;
    }
    const xe = p.lost ? x0 + (x1 - x0) * 0.55 : x1;
    const ye = p.lost ? p.y0 + (p.y1 - p.y0) * 0.55 : p.y1;
    const angle = (Math.atan2(ye - p.y0, xe - x0) * 180) / Math.PI;
    const flip = fromA ? angle : angle + 180;
    // Labels sit a third of the way from the sender, so crossing segments keep theirs apart.
    const mx = x0 + (xe - x0) * 0.27;
    const my = p.y0 + (ye - p.y0) * 0.27;
    out.push(`<g class="segment" data-from="${p.seg.from}"><line x1="${x0}" y1="${p.y0}" x2="${xe}" y2="${ye}" stroke="${p.lost ? '#b33c12' : '#1f4e9c'}" stroke-width="1.8"${p.lost ? '' : ' marker-end="url(#arrow)"'}/>`
      + `<text x="${mx}" y="${my + 15}" class="seg" text-anchor="middle" transform="rotate(${flip.toFixed(1)} ${mx} ${my})">${esc(label)}</text>`
      + (p.lost ? `<text x="${xe}" y="${ye + 5}" class="lost" text-anchor="middle">✕ lost</text>` : '') + '</g>');
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Mermaid sequenceDiagram of a run: messages at their arrival, state changes as notes. */
export function renderSequenceMermaid(world: World, title: string): string {
  const lines = ['sequenceDiagram', `  title ${title.replace(/[:;#]/g, ' ')}`, '  participant A as client (A)', '  participant B as server (B)', '  Note over A,B: both CLOSED'];
  let prevA = fsmName(CLOSE);
  let prevB = fsmName(CLOSE);
  for (const s of world.steps) {
    if (s.what === 'event') {
      lines.push(`  Note ${s.side === 'A' ? 'left of A' : 'right of B'}: ${s.events.map((e) => eventInfo(e).label).join(' + ')}`);
    } else if (s.received) {
      const [f, t] = s.received.from === 'A' ? ['A', 'B'] : ['B', 'A'];
      lines.push(`  ${f}${s.what === 'lost' ? '-x' : '->>'}${t}: ${segmentLabel(s.received)}${s.what === 'lost' ? ' (lost)' : ''}`);
    }
    const a = describeState(s.a);
    const b = describeState(s.b);
    if (a !== prevA) lines.push(`  Note left of A: ${a}`);
    if (b !== prevB) lines.push(`  Note right of B: ${b}`);
    prevA = a;
    prevB = b;
  }
  return lines.join('\n') + '\n';
}
