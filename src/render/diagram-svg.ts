/**
 * The state-transition figure as SVG: Stevens' layout, the client's usual path thick solid,
 * the server's thick dashed, other transitions thin, Linux-only dotted green, RFC-only dotted
 * grey; every edge labelled `rcv X / snd Y`. With counts, each node carries its count and is
 * shaded by amount (log scale), the article's figure with this machine's numbers on it.
 * @module
 */
import { type Lang, pick } from '../i18n/catalogue.js';
import { caption, CATALOGUE as DIAGRAM } from '../i18n/diagram.js';
import { edgeLabels, type FigEdge, type FigNode, figureEdges, FIG_H, FIG_W, GROUPS, NODE_H, NODE_W, NODES } from '../fsm/figure.js';
import { stateName } from '../model/state.js';
import type { PathClass } from '../fsm/rfc9293.js';
import { thousands } from './text.js';

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface EdgeStyle {
  color: string;
  width: number;
  dash?: string;
}

const STYLE: Readonly<Record<PathClass | 'rfc', EdgeStyle>> = {
  client: { color: '#1f4e9c', width: 3.2 },
  server: { color: '#b33c12', width: 3.2, dash: '11 6' },
  other: { color: '#444444', width: 1.4 },
  linux: { color: '#2a7f3a', width: 1.8, dash: '2 4' },
  rfc: { color: '#8a8a8a', width: 1.4, dash: '2 4' },
};

function styleOf(e: FigEdge): [keyof typeof STYLE, EdgeStyle] {
  const k = e.only === 'rfc' ? 'rfc' : e.cls;
  return [k, STYLE[k]];
}

/** Shade for a count: white at 0 to a strong orange at the maximum, on a log scale. */
export function shade(n: number, max: number): string {
  if (n <= 0 || max <= 0) return '#ffffff';
  const t = Math.log1p(n) / Math.log1p(max);
  const mix = (a: number, b: number) => Math.round(a + (b - a) * (0.15 + 0.85 * t));
  return `#${[mix(0xff, 0xf0), mix(0xff, 0x8c), mix(0xff, 0x3c)].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export interface SvgOptions {
  /** Counts by state code. */
  counts?: ArrayLike<number>;
  /** Where the counts come from, for the caption. */
  countsFrom?: string;
  title?: string;
  /** The language of the title, legend and captions (English when not given). */
  lang?: Lang;
  /**
   * Extra attributes of each node's `<g>` (the dashboard: netstat spelling in `data-state`,
   * focus, labels); they replace the defaults of the same name, and undefined removes one.
   */
  nodeAttrs?: (n: FigNode, count: number | undefined) => Readonly<Record<string, string | undefined>>;
  /** Draw the count shading's key in the legend (default: when counts are given). */
  shadingKey?: boolean;
}

function node(n: FigNode, opts: SvgOptions, max: number): string {
  const x = n.x - NODE_W / 2;
  const y = n.y - NODE_H / 2;
  const count = opts.counts && !n.repeat ? (opts.counts[n.code] ?? 0) : undefined;
  const fill = count === undefined ? '#f4f6f8' : shade(count, max);
  const name = stateName(n.code);
  const attrs: Record<string, string | undefined> = {
    class: 'node',
    id: `node-${n.id}`,
    'data-state': name,
    ...(count !== undefined ? { 'data-count': String(count) } : {}),
    ...opts.nodeAttrs?.(n, count),
  };
  let s = `<g${Object.entries(attrs)
    .map(([k, v]) => (v === undefined ? '' : ` ${k}="${esc(v)}"`))
    .join('')}>`;
  s += `<title>${esc(name)}${count !== undefined ? `: ${count}` : ''}${n.repeat ? ' (drawn again: the end of the closing paths)' : ''}</title>`;
  s += `<rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" rx="9" fill="${fill}" stroke="#222" stroke-width="${n.repeat ? 1.2 : 1.8}"${n.repeat ? ' stroke-dasharray="5 3"' : ''}/>`;
  if (count === undefined) {
    s += `<text x="${n.x}" y="${n.y + 6}" class="state">${esc(name)}</text>`;
  } else {
    s += `<text x="${n.x}" y="${n.y - 2}" class="state">${esc(name)}</text>`;
    s += `<text x="${n.x}" y="${n.y + 16}" class="count">${thousands(count)}</text>`;
  }
  s += '</g>';
  if (n.caption) s += `<text x="${n.caption[1]}" y="${n.caption[2]}" class="caption" text-anchor="${n.caption[3]}">${esc(caption(pick(DIAGRAM, opts.lang ?? 'en'), n.caption[0]))}</text>`;
  return s;
}

function edge(e: FigEdge, lang: Lang): string {
  const [k, st] = styleOf(e);
  const d = e.path.map(([x, y], i) => `${i ? 'L' : 'M'}${x},${y}`).join(' ');
  const ids = e.rows.map((r) => `${r.id} §${r.rfc}`).join('; ');
  let s = `<g class="edge ${k}" data-from="${e.from}" data-to="${e.to}"><title>${esc(`${e.from} → ${e.to}: ${ids}`)}</title>`;
  s += `<path d="${d}" fill="none" stroke="${st.color}" stroke-width="${st.width}"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''} marker-end="url(#arrow-${k})"/>`;
  const [lx, ly, anchor] = e.label;
  edgeLabels(e).forEach((text, i) => {
    s += `<text x="${lx}" y="${ly + i * 16}" text-anchor="${anchor}" class="label">${esc(text)}</text>`;
  });
  if (e.caption) s += `<text x="${e.caption[0]}" y="${e.caption[1]}" text-anchor="middle" class="caption">${esc(caption(pick(DIAGRAM, lang), e.caption[2]))}</text>`;
  return s + '</g>';
}

function legend(opts: SvgOptions, max: number): string {
  const x = 24;
  let y = FIG_H - 118;
  const m = pick(DIAGRAM, opts.lang ?? 'en').legend;
  const items: [keyof typeof STYLE, string][] = [
    ['client', m.client],
    ['server', m.server],
    ['other', m.other],
    ['linux', m.linux],
    ['rfc', m.rfc],
  ];
  let s = '<g class="legend">';
  for (const [k, text] of items) {
    const st = STYLE[k];
    s += `<line x1="${x}" y1="${y}" x2="${x + 46}" y2="${y}" stroke="${st.color}" stroke-width="${st.width}"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`;
    s += `<text x="${x + 56}" y="${y + 4}" class="legend-text">${esc(text)}</text>`;
    y += 19;
  }
  if (opts.counts && opts.shadingKey !== false) {
    s += `<text x="${x}" y="${y + 8}" class="legend-text">${esc(m.shading)}</text>`;
    for (let i = 0; i <= 4; i++)
      s += `<rect x="${x + 212 + i * 18}" y="${y - 3}" width="16" height="14" fill="${shade(i === 0 ? 0 : Math.round(Math.expm1((i / 4) * Math.log1p(max))), max)}" stroke="#999"/>`;
    s += `<text x="${x + 308}" y="${y + 8}" class="legend-text">${thousands(max)}</text>`;
  }
  return s + '</g>';
}

function markers(): string {
  return Object.entries(STYLE)
    .map(
      ([k, st]) =>
        `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="${k === 'client' || k === 'server' ? 4.2 : 7}" markerHeight="${k === 'client' || k === 'server' ? 4.2 : 7}" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${st.color}"/></marker>`,
    )
    .join('');
}

/** The whole figure. */
export function renderStatesSvg(opts: SvgOptions = {}): string {
  const max = opts.counts ? Math.max(0, ...NODES.map((n) => opts.counts![n.code] ?? 0)) : 0;
  const m = pick(DIAGRAM, opts.lang ?? 'en');
  const title = opts.title ?? m.svgTitle;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${FIG_W}" height="${FIG_H}" viewBox="0 0 ${FIG_W} ${FIG_H}" font-family="DejaVu Sans, Liberation Sans, Arial, ${opts.lang === 'zh' ? 'Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, ' : ''}sans-serif">`,
  );
  parts.push(`<title>${esc(title)}</title>`);
  parts.push(`<defs>${markers()}<style>
.state{font-size:15px;font-weight:bold;text-anchor:middle;fill:#111}
.count{font-size:14px;text-anchor:middle;fill:#111}
.label{font-size:12.5px;fill:#111;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}
.caption{font-size:12.5px;font-style:italic;fill:#555;paint-order:stroke;stroke:#fff;stroke-width:4px}
.group{font-size:13px;font-style:italic;fill:#555}
.legend-text{font-size:12.5px;fill:#222}
.title{font-size:18px;font-weight:bold;fill:#111}
.subtitle{font-size:13px;fill:#444}
</style></defs>`);
  parts.push(`<rect width="${FIG_W}" height="${FIG_H}" fill="#ffffff"/>`);
  parts.push(`<text x="24" y="32" class="title">${esc(title)}</text>`);
  if (opts.counts) {
    const total = NODES.filter((n) => !n.repeat).reduce((a, n) => a + (opts.counts![n.code] ?? 0), 0);
    parts.push(`<text x="24" y="52" class="subtitle">${esc(m.countsSubtitle(thousands(total), opts.countsFrom ?? ''))}</text>`);
  }
  for (const g of GROUPS) {
    parts.push(`<rect x="${g.x}" y="${g.y}" width="${g.w}" height="${g.h}" rx="12" fill="none" stroke="#888" stroke-dasharray="7 5"/>`);
    parts.push(`<text x="${g.x + 10}" y="${g.y + 18}" class="group">${esc(caption(m, g.name))}</text>`);
  }
  const edges = figureEdges();
  // Thin edges first so the usual paths are drawn on top.
  for (const e of edges.filter((x) => x.cls !== 'client' && x.cls !== 'server')) parts.push(edge(e, opts.lang ?? 'en'));
  for (const e of edges.filter((x) => x.cls === 'client' || x.cls === 'server')) parts.push(edge(e, opts.lang ?? 'en'));
  for (const n of NODES) parts.push(node(n, opts, max));
  parts.push(legend(opts, max));
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
