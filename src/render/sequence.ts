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
import { CLOSE, stateName } from '../model/state.js';
import { esc } from './diagram-svg.js';
import { segmentLabel } from './timeline.js';

const W = 980;
const XA = 250;
const XB = 730;
const TOP = 110;
/** Row heights tried in turn: the first where every segment label has a place no arrow crosses. */
const ROWS = [48, 56, 64, 72, 80, 96];

interface Placed {
  seg: Segment;
  y0: number;
  y1?: number;
  lost: boolean;
}

/** A segment's arrow as drawn. */
export interface Line {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A segment label's box in its own (rotated) frame: font 12.5px, at most 7.6px a character, plus the white halo. */
export const LABEL_CHAR_W = 7.6;
export const LABEL_ASCENT = 12;
export const LABEL_DESCENT = 5;

/** Where a label may go, in order: the fraction of its arrow from the sender, and its baseline's offset (below +, above -). */
const PLACES: readonly (readonly [number, number])[] = [
  [0.27, 15],
  [0.27, -7],
  [0.34, 15],
  [0.34, -7],
  [0.2, 15],
  [0.2, -7],
  [0.42, 15],
  [0.42, -7],
];

/**
 * Whether line `l` passes through the box of a label of `chars` characters centred at `mx`
 * whose baseline is `dy` below (`my`) in a frame rotated by `deg` about (mx, my). Exported
 * for the figure's geometry test.
 */
export function crossesLabel(l: Line, chars: number, mx: number, my: number, deg: number, dy: number): boolean {
  const t = (deg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const to = (x: number, y: number): [number, number] => [(x - mx) * c + (y - my) * s, -(x - mx) * s + (y - my) * c];
  const [u0, v0] = to(l.x0, l.y0);
  const [u1, v1] = to(l.x1, l.y1);
  const half = (chars * LABEL_CHAR_W) / 2 + 3;
  // Liang–Barsky: clip the segment to the box; anything left means it crosses.
  let lo = 0;
  let hi = 1;
  const du = u1 - u0;
  const dv = v1 - v0;
  for (const [p, q] of [
    [-du, u0 + half],
    [du, half - u0],
    [-dv, v0 - (dy - LABEL_ASCENT)],
    [dv, dy + LABEL_DESCENT - v0],
  ] as const) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const r = q / p;
    if (p < 0) {
      if (r > hi) return false;
      if (r > lo) lo = r;
    } else {
      if (r < lo) return false;
      if (r < hi) hi = r;
    }
  }
  return lo <= hi;
}

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
    const pairs = p !== undefined && p.side !== s.side && p.what === s.what && s.what !== 'lost' && (s.received === undefined || !p.sent.includes(s.received)) && out[i - 1] !== out[i - 2];
    if (!pairs) row++;
    out.push(row);
  });
  return out;
}

/** SVG of a run. */
export function renderSequenceSvg(world: World, title: string): string {
  let svg = '';
  for (const row of ROWS) {
    const r = drawSequence(world, title, row);
    svg = r.svg;
    if (r.clear) break;
  }
  return svg;
}

/** The figure with rows `ROW` apart, and whether every label found a free place. */
function drawSequence(world: World, title: string, ROW: number): { svg: string; clear: boolean } {
  let clear = true;
  const placed = new Map<Segment, Placed>();
  const stateMarks: { side: Side; y: number; text: string; event?: string }[] = [];
  let prevA = stateName(CLOSE);
  let prevB = stateName(CLOSE);
  const rows = sequenceRows(world);
  world.steps.forEach((s, i) => {
    const y = TOP + rows[i]! * ROW;
    if (s.received) {
      const p = placed.get(s.received);
      if (p) {
        p.y1 = y;
        p.lost = s.what === 'lost';
      }
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
  out.push(`<text x="${XA - 12}" y="${TOP + 4}" class="state" text-anchor="end">${stateName(CLOSE)}</text><text x="${XB + 12}" y="${TOP + 4}" class="state">${stateName(CLOSE)}</text>`);
  for (const m of stateMarks) {
    const [x, anchor] = m.side === 'A' ? [XA - 12, 'end'] : [XB + 12, 'start'];
    out.push(
      `<g class="mark" data-side="${m.side}" data-state="${esc(m.text)}"><circle cx="${m.side === 'A' ? XA : XB}" cy="${m.y}" r="3.5" fill="#222"/>` +
        `<text x="${x}" y="${m.y + 4}" class="state" text-anchor="${anchor}">${esc(m.text)}</text>` +
        (m.event ? `<text x="${x}" y="${m.y + 19}" class="event" text-anchor="${anchor}">${esc(m.event)}</text>` : '') +
        '</g>',
    );
  }
  const lines: Line[] = [];
  const labelLines: Line[] = [];
  const timelines: Line[] = [
    { x0: XA, y0: TOP - 14, x1: XA, y1: H - 20 },
    { x0: XB, y0: TOP - 14, x1: XB, y1: H - 20 },
  ];
  for (const p of placed.values()) {
    if (p.y1 === undefined) continue;
    const fromA = p.seg.from === 'A';
    const x0 = fromA ? XA : XB;
    const x1 = fromA ? XB : XA;
    lines.push({ x0, y0: p.y0, x1: p.lost ? x0 + (x1 - x0) * 0.55 : x1, y1: p.lost ? p.y0 + (p.y1 - p.y0) * 0.55 : p.y1 });
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
    const own = lines.find((l) => l.x0 === x0 && l.y0 === p.y0 && l.x1 === xe && l.y1 === ye);
    const others = [...lines.filter((l) => l !== own), ...timelines, ...labelLines];
    // Labels sit near the sender, so crossing segments keep theirs apart: below the arrow,
    // else above it, else a little further along, where no other arrow passes.
    const free = PLACES.find(([f, d]) => !others.some((l) => crossesLabel(l, label.length, x0 + (xe - x0) * f, p.y0 + (ye - p.y0) * f, flip, d)));
    if (!free) clear = false;
    const [t, dy] = free ?? PLACES[0]!;
    const mx = Math.round((x0 + (xe - x0) * t) * 100) / 100;
    const my = Math.round((p.y0 + (ye - p.y0) * t) * 100) / 100;
    // The label's middle line, a little longer than the text: later labels keep clear of it.
    const r = (flip * Math.PI) / 180;
    const half = (label.length * LABEL_CHAR_W) / 2 + 12;
    const [ox, oy] = [mx - (dy - 4) * Math.sin(r), my + (dy - 4) * Math.cos(r)];
    labelLines.push({ x0: ox - half * Math.cos(r), y0: oy - half * Math.sin(r), x1: ox + half * Math.cos(r), y1: oy + half * Math.sin(r) });
    out.push(
      `<g class="segment" data-from="${p.seg.from}"><line x1="${x0}" y1="${p.y0}" x2="${xe}" y2="${ye}" stroke="${p.lost ? '#b33c12' : '#1f4e9c'}" stroke-width="1.8"${p.lost ? '' : ' marker-end="url(#arrow)"'}/>` +
        `<text x="${mx}" y="${my + dy}" class="seg" text-anchor="middle" transform="rotate(${flip.toFixed(1)} ${mx} ${my})">${esc(label)}</text>` +
        (p.lost ? `<text x="${xe}" y="${ye + 5}" class="lost" text-anchor="middle">✕ lost</text>` : '') +
        '</g>',
    );
  }
  out.push('</svg>');
  return { svg: out.join('\n') + '\n', clear };
}

/** Mermaid sequenceDiagram of a run: messages at their arrival, state changes as notes. */
export function renderSequenceMermaid(world: World, title: string): string {
  const lines = ['sequenceDiagram', `  title ${title.replace(/[:;#]/g, ' ')}`, '  participant A as client (A)', '  participant B as server (B)', `  Note over A,B: both ${stateName(CLOSE)}`];
  let prevA = stateName(CLOSE);
  let prevB = stateName(CLOSE);
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
