/** contrib/grafana/tcpstate.json read for tests: its PromQL, with Grafana's variables filled in. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../lib/netns.js';

export const DASHBOARD = join(REPO, 'contrib', 'grafana', 'tcpstate.json');

export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string; datasource?: { uid: string } }[];
}

export function dashboard(): { uid: string; title: string; panels: Panel[]; templating: { list: { name: string; type: string; query: string | { query: string }; allValue?: string }[] } } {
  return JSON.parse(readFileSync(DASHBOARD, 'utf8'));
}

/** Every PromQL expression: panel targets and the variables' label_values() selectors. */
export function expressions(): { where: string; expr: string }[] {
  const d = dashboard();
  const out: { where: string; expr: string }[] = [];
  for (const p of d.panels) for (const t of p.targets ?? []) out.push({ where: `panel ${p.id} "${p.title}" ${t.refId}`, expr: t.expr });
  for (const v of d.templating.list) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : v.query.query;
    const m = /^label_values\((.*),\s*\w+\)$/.exec(q);
    if (!m) throw new Error(`variable ${v.name}: ${q} is not label_values(SELECTOR, LABEL)`);
    out.push({ where: `variable ${v.name}`, expr: m[1]! });
  }
  return out;
}

/** An expression as Grafana sends it with every host and role selected. */
export function filled(expr: string): string {
  return expr.replace(/\$__rate_interval/g, '1m').replace(/\$(host|role)\b/g, '.*');
}
