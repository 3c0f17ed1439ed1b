/**
 * The state-transition figure (RFC 9293 Figure 5, laid out as in Stevens' TCP/IP Illustrated
 * Fig. 18.12) as data: the rows of rfc9293.ts marked `fig`, grouped into edges, plus
 * hand-tuned coordinates. CLOSE (the RFC's CLOSED) is drawn twice, as the RFC does: the start at the top and the
 * end at the bottom. Every renderer (SVG, DOT, Mermaid, text) reads this.
 * @module
 */
import { CLOSE, CLOSE_WAIT, CLOSING, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, LAST_ACK, LISTEN, SYN_RECV, SYN_SENT, TIME_WAIT, type StateCode } from '../model/state.js';
import { stateName } from '../model/state.js';
import { type PathClass, type Row, ROWS, rowLabel } from './rfc9293.js';

export type NodeId = 'CLOSE' | 'LISTEN' | 'SYN_RECV' | 'SYN_SENT' | 'ESTABLISHED' | 'FIN_WAIT1' | 'FIN_WAIT2' | 'CLOSING' | 'TIME_WAIT' | 'CLOSE_WAIT' | 'LAST_ACK' | 'CLOSE_END';

export interface FigNode {
  readonly id: NodeId;
  readonly code: StateCode;
  /** Centre. */
  readonly x: number;
  readonly y: number;
  /** A second drawing of a state (CLOSE at the bottom). */
  readonly repeat?: boolean;
  /** Stevens' caption beside the node: text, and its baseline position and anchor. */
  readonly caption?: readonly [string, number, number, 'start' | 'middle' | 'end'];
}

export interface FigEdge {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly rows: readonly Row[];
  readonly cls: PathClass;
  /** The rows hold only under one profile (RFC-only edge). */
  readonly only?: 'rfc' | 'linux';
  /** Polyline from the source's border to the target's border. */
  readonly path: readonly (readonly [number, number])[];
  /** Where the first label line's baseline sits, and how it is anchored. */
  readonly label: readonly [number, number, 'start' | 'middle' | 'end'];
  /** Caption in italics (Stevens' "simultaneous open"). */
  readonly caption?: readonly [number, number, string];
}

export const NODE_W = 170;
export const NODE_H = 46;
export const FIG_W = 1240;
export const FIG_H = 1120;

export const NODES: readonly FigNode[] = [
  { id: 'CLOSE', code: CLOSE, x: 620, y: 110, caption: ['starting point', 527, 104, 'end'] },
  { id: 'LISTEN', code: LISTEN, x: 620, y: 260, caption: ['passive open', 527, 234, 'end'] },
  { id: 'SYN_RECV', code: SYN_RECV, x: 260, y: 410 },
  { id: 'SYN_SENT', code: SYN_SENT, x: 980, y: 410, caption: ['active open', 887, 381, 'end'] },
  { id: 'ESTABLISHED', code: ESTABLISHED, x: 620, y: 560, caption: ['data transfer state', 620, 600, 'middle'] },
  { id: 'FIN_WAIT1', code: FIN_WAIT1, x: 210, y: 730 },
  { id: 'CLOSING', code: CLOSING, x: 530, y: 730 },
  { id: 'FIN_WAIT2', code: FIN_WAIT2, x: 210, y: 900 },
  { id: 'TIME_WAIT', code: TIME_WAIT, x: 530, y: 900 },
  { id: 'CLOSE_WAIT', code: CLOSE_WAIT, x: 980, y: 730 },
  { id: 'LAST_ACK', code: LAST_ACK, x: 980, y: 900 },
  { id: 'CLOSE_END', code: CLOSE, x: 780, y: 1030, repeat: true },
];

/** The dashed boxes: Stevens' "active close" and "passive close". */
export const GROUPS: readonly { readonly name: string; readonly x: number; readonly y: number; readonly w: number; readonly h: number }[] = [
  { name: 'active close', x: 100, y: 672, w: 540, h: 262 },
  { name: 'passive close', x: 870, y: 672, w: 240, h: 262 },
];

type Geometry = Pick<FigEdge, 'path' | 'label' | 'caption'>;

/** Hand-tuned routes, by `FROM>TO`. */
const GEOMETRY: Readonly<Record<string, Geometry>> = {
  'CLOSE>LISTEN': {
    path: [
      [600, 133],
      [600, 237],
    ],
    label: [592, 190, 'end'],
  },
  'LISTEN>CLOSE': {
    path: [
      [640, 237],
      [640, 133],
    ],
    label: [648, 190, 'start'],
  },
  'CLOSE>SYN_SENT': {
    path: [
      [705, 120],
      [1000, 120],
      [1000, 387],
    ],
    label: [850, 140, 'middle'],
  },
  'SYN_SENT>CLOSE': {
    path: [
      [1065, 410],
      [1150, 410],
      [1150, 92],
      [705, 92],
    ],
    label: [925, 66, 'middle'],
  },
  'LISTEN>SYN_SENT': {
    path: [
      [705, 260],
      [940, 260],
      [940, 387],
    ],
    label: [822, 252, 'middle'],
  },
  'LISTEN>SYN_RECV': {
    path: [
      [560, 283],
      [345, 398],
    ],
    label: [470, 356, 'start'],
  },
  'SYN_RECV>LISTEN': {
    path: [
      [240, 387],
      [240, 250],
      [535, 250],
    ],
    label: [232, 320, 'end'],
  },
  'SYN_SENT>SYN_RECV': {
    path: [
      [895, 420],
      [345, 420],
    ],
    label: [700, 412, 'middle'],
    caption: [700, 440, 'simultaneous open'],
  },
  'SYN_RECV>ESTABLISHED': {
    path: [
      [330, 433],
      [535, 550],
    ],
    label: [415, 510, 'end'],
  },
  'SYN_SENT>ESTABLISHED': {
    path: [
      [930, 433],
      [705, 550],
    ],
    label: [830, 510, 'start'],
  },
  'SYN_RECV>FIN_WAIT1': {
    path: [
      [200, 433],
      [200, 707],
    ],
    label: [192, 600, 'end'],
  },
  'ESTABLISHED>FIN_WAIT1': {
    path: [
      [535, 575],
      [275, 707],
    ],
    label: [398, 628, 'end'],
  },
  'ESTABLISHED>CLOSE_WAIT': {
    path: [
      [705, 575],
      [935, 707],
    ],
    label: [842, 628, 'start'],
  },
  'CLOSE_WAIT>LAST_ACK': {
    path: [
      [980, 753],
      [980, 877],
    ],
    label: [990, 820, 'start'],
  },
  'LAST_ACK>CLOSE_END': {
    path: [
      [950, 923],
      [850, 1007],
    ],
    label: [915, 980, 'start'],
  },
  'FIN_WAIT1>FIN_WAIT2': {
    path: [
      [180, 753],
      [180, 877],
    ],
    label: [172, 820, 'end'],
  },
  'FIN_WAIT1>CLOSING': {
    path: [
      [295, 722],
      [445, 722],
    ],
    label: [370, 712, 'middle'],
    caption: [370, 748, 'simultaneous close'],
  },
  'FIN_WAIT1>TIME_WAIT': {
    path: [
      [260, 753],
      [470, 877],
    ],
    label: [348, 842, 'end'],
  },
  'FIN_WAIT2>TIME_WAIT': {
    path: [
      [295, 900],
      [445, 900],
    ],
    label: [370, 890, 'middle'],
  },
  'CLOSING>TIME_WAIT': {
    path: [
      [530, 753],
      [530, 877],
    ],
    label: [540, 820, 'start'],
  },
  'TIME_WAIT>CLOSE_END': {
    path: [
      [570, 923],
      [695, 1015],
    ],
    label: [600, 985, 'end'],
  },
  'FIN_WAIT2>CLOSE_END': {
    path: [
      [210, 923],
      [210, 1045],
      [695, 1045],
    ],
    label: [440, 1037, 'middle'],
  },
};

const nodeOf = (code: StateCode, end: boolean): NodeId => {
  if (code === CLOSE) return end ? 'CLOSE_END' : 'CLOSE';
  return stateName(code) as NodeId;
};

const RANK: Readonly<Record<PathClass, number>> = { client: 3, server: 3, linux: 1, other: 0 };

/** The figure's edges: rows marked `fig`, grouped by (from, to). */
export function figureEdges(): FigEdge[] {
  const byKey = new Map<string, Row[]>();
  for (const r of ROWS) {
    if (!r.fig || r.to === 'same') continue;
    for (const f of r.from) {
      const from = nodeOf(f, false);
      // Edges into CLOSE from the closing states end at the bottom CLOSE.
      const to = nodeOf(r.to, f !== SYN_SENT && f !== LISTEN);
      const k = `${from}>${to}`;
      byKey.set(k, [...(byKey.get(k) ?? []), r]);
    }
  }
  const edges: FigEdge[] = [];
  for (const [k, rows] of byKey) {
    const g = GEOMETRY[k];
    if (!g) throw new Error(`figure: no geometry for edge ${k}`);
    const [from, to] = k.split('>') as [NodeId, NodeId];
    const cls = rows.map((r) => r.fig!).sort((a, b) => RANK[b] - RANK[a])[0]!;
    const only = rows.every((r) => r.only === 'rfc') ? 'rfc' : rows.every((r) => r.only === 'linux') ? 'linux' : undefined;
    edges.push({ from, to, rows, cls, only, ...g });
  }
  return edges;
}

/** An edge's label lines: one per row, RFC style, with the SYN_RECV origin where it matters. */
export function edgeLabels(e: FigEdge): string[] {
  return e.rows.map((r) => rowLabel(r) + (r.origin ? ` (${r.origin} only)` : ''));
}

export function nodeById(id: NodeId): FigNode {
  return NODES.find((n) => n.id === id)!;
}

/** The usual path of one side through the figure, by following its edges from CLOSE. */
export function usualPath(cls: 'client' | 'server'): NodeId[] {
  const edges = figureEdges().filter((e) => e.cls === cls);
  const out: NodeId[] = ['CLOSE'];
  for (let i = 0; i < edges.length; i++) {
    const next = edges.find((e) => e.from === out[out.length - 1]);
    if (!next) break;
    out.push(next.to);
  }
  return out;
}
