/**
 * The state-transition figure as Graphviz DOT, Mermaid and plain text, from figure.ts (the
 * SVG is diagram-svg.ts). Counts, when given, go on the nodes.
 * @module
 */
import { type Lang, pick } from '../i18n/catalogue.js';
import { caption, CATALOGUE as DIAGRAM } from '../i18n/diagram.js';
import { edgeLabels, type FigEdge, figureEdges, GROUPS, type NodeId, NODES, usualPath } from '../fsm/figure.js';
import { stateName } from '../model/state.js';
import { shade } from './diagram-svg.js';
import { thousands } from './text.js';
import { widthTable } from './wrap.js';

export interface FigureOptions {
  counts?: ArrayLike<number>;
  countsFrom?: string;
  /** The language of titles, legends and captions (English when not given). */
  lang?: Lang;
}

function countOf(id: NodeId, opts: FigureOptions): number | undefined {
  const n = NODES.find((x) => x.id === id)!;
  return opts.counts && !n.repeat ? (opts.counts[n.code] ?? 0) : undefined;
}

function maxCount(opts: FigureOptions): number {
  return opts.counts ? Math.max(0, ...NODES.map((n) => opts.counts![n.code] ?? 0)) : 0;
}

const dq = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

const DOT_EDGE: Readonly<Record<string, string>> = {
  client: 'color="#1f4e9c", penwidth=3',
  server: 'color="#b33c12", penwidth=3, style=dashed',
  other: 'color="#444444"',
  linux: 'color="#2a7f3a", style=dotted',
  rfc: 'color="#8a8a8a", style=dotted',
};

function edgeKind(e: FigEdge): string {
  return e.only === 'rfc' ? 'rfc' : e.cls;
}

/** The sockets counted on the figure's states, as its caption gives the number. */
function countsTotal(opts: FigureOptions): string {
  return thousands(NODES.filter((n) => !n.repeat).reduce((a, n) => a + (opts.counts?.[n.code] ?? 0), 0));
}

/** Graphviz DOT. */
export function renderStatesDot(opts: FigureOptions = {}): string {
  const max = maxCount(opts);
  const m = pick(DIAGRAM, opts.lang ?? 'en');
  const lines = [
    'digraph tcp_states {',
    `  graph [label=${dq(`${m.title}${opts.counts ? m.withCounts(countsTotal(opts), opts.countsFrom ?? '') : ''}`)}, labelloc=t, fontname="Helvetica", nodesep=0.6, ranksep=0.55];`,
    '  node [shape=box, style="rounded,filled", fillcolor="#f4f6f8", fontname="Helvetica-Bold", fontsize=13];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  const inGroup = new Set<NodeId>(['FIN_WAIT1', 'CLOSING', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE_WAIT', 'LAST_ACK']);
  const nodeLine = (id: NodeId) => {
    const n = NODES.find((x) => x.id === id)!;
    const c = countOf(id, opts);
    const label = c === undefined ? stateName(n.code) : `${stateName(n.code)}\n${c}`;
    const fill = c === undefined ? '' : `, fillcolor=${dq(shade(c, max))}`;
    return `${id} [label=${dq(label)}${fill}${n.repeat ? ', style="rounded,dashed,filled"' : ''}];`;
  };
  for (const n of NODES) if (!inGroup.has(n.id)) lines.push(`  ${nodeLine(n.id)}`);
  lines.push(`  subgraph cluster_active { label=${dq(caption(m, GROUPS[0]!.name))}; style=dashed; color="#888888";`);
  for (const id of ['FIN_WAIT1', 'CLOSING', 'FIN_WAIT2', 'TIME_WAIT'] as NodeId[]) lines.push(`    ${nodeLine(id)}`);
  lines.push('  }');
  lines.push(`  subgraph cluster_passive { label=${dq(caption(m, GROUPS[1]!.name))}; style=dashed; color="#888888";`);
  for (const id of ['CLOSE_WAIT', 'LAST_ACK'] as NodeId[]) lines.push(`    ${nodeLine(id)}`);
  lines.push('  }');
  lines.push('  { rank=same; SYN_RECV; SYN_SENT; }');
  for (const e of figureEdges()) {
    lines.push(`  ${e.from} -> ${e.to} [label=${dq(edgeLabels(e).join('\n'))}, ${DOT_EDGE[edgeKind(e)]}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Mermaid stateDiagram-v2 (edge styles are not expressible there; the path is in the label). */
export function renderStatesMermaid(opts: FigureOptions = {}): string {
  const max = maxCount(opts);
  const lines = ['stateDiagram-v2'];
  for (const n of NODES) {
    const c = countOf(n.id, opts);
    lines.push(`  state "${stateName(n.code)}${c === undefined ? '' : ` (${c})`}" as ${n.id}`);
  }
  lines.push('  [*] --> CLOSE');
  const m = pick(DIAGRAM, opts.lang ?? 'en');
  const tag: Readonly<Record<string, string>> = { client: ` ${m.tags.client}`, server: ` ${m.tags.server}`, rfc: ` ${m.tags.rfc}`, linux: ` ${m.tags.linux}`, other: '' };
  for (const e of figureEdges()) {
    // Mermaid ends a label at a colon and cannot break lines inside one: join the rows.
    lines.push(`  ${e.from} --> ${e.to}: ${edgeLabels(e).join(' | ').replace(/:/g, ' ')}${tag[edgeKind(e)]}`);
  }
  lines.push('  CLOSE_END --> [*]');
  if (opts.counts) {
    NODES.forEach((n, i) => {
      const c = countOf(n.id, opts);
      if (c === undefined) return;
      lines.push(`  classDef c${i} fill:${shade(c, max)}`);
      lines.push(`  class ${n.id} c${i}`);
    });
  }
  return lines.join('\n') + '\n';
}

/** Plain text for a terminal: the two usual paths, then every state's edges out. */
export function renderStatesText(opts: FigureOptions = {}): string {
  const name = (id: NodeId) => stateName(NODES.find((n) => n.id === id)!.code);
  const withCount = (id: NodeId) => {
    const c = countOf(id, opts);
    return c === undefined ? name(id) : `${name(id)} (${c})`;
  };
  const m = pick(DIAGRAM, opts.lang ?? 'en');
  let out = m.title;
  out += opts.counts ? `${m.withCounts(countsTotal(opts), opts.countsFrom ?? '')}\n\n` : '\n\n';
  out += `${m.clientPath(usualPath('client').map(name).join(' -> '))}\n`;
  out += `${m.serverPath(usualPath('server').map(name).join(' -> '))}\n\n`;
  const edges = figureEdges();
  const kind: Readonly<Record<string, string>> = { ...m.kinds, other: '' };
  const rows: string[][] = [];
  for (const n of NODES) {
    if (n.repeat) continue;
    let first = true;
    for (const e of edges.filter((x) => x.from === n.id)) {
      edgeLabels(e).forEach((l, i) => {
        rows.push([first ? withCount(n.id) : '', i === 0 ? `-> ${name(e.to)}` : '', l, i === 0 ? kind[edgeKind(e)]! : '']);
        first = false;
      });
    }
  }
  out += widthTable(rows);
  return out;
}
