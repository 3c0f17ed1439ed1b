/**
 * `tcpstate_process_sockets{program, state}` (opt-in, `--by-process`): sockets by the
 * program owning them (a socket shared by several processes counts once, for the first),
 * the top N programs and `program="other"`; sockets no process holds (TIME_WAIT, orphans,
 * request sockets) under `program=""`. Every state present inside each kept program.
 * @module
 */
import { KNOWN_CODES, stateLabel } from '../../model/state.js';
import type { SocketTable } from '../../model/table.js';
import { labels } from '../exposition.js';
import { type Collector, nsLabels, sampled } from './types.js';

export function programRows(t: SocketTable, top: number): { program: string; counts: Float64Array }[] {
  const by = new Map<string, Float64Array>();
  for (let i = 0; i < t.length; i++) {
    const o = t.ownersOf(i);
    const p = o.length ? o[0]!.program : '';
    let c = by.get(p);
    if (!c) { c = new Float64Array(16); by.set(p, c); }
    c[t.state[i]!]!++;
  }
  const rows = [...by].map(([program, counts]) => ({ program, counts, n: counts.reduce((a, b) => a + b, 0) }));
  rows.sort((a, b) => b.n - a.n || (a.program < b.program ? -1 : 1));
  const other = new Float64Array(16);
  const kept = rows.filter((r) => r.program === '').map(({ program, counts }) => ({ program, counts }));
  let n = 0;
  for (const r of rows) {
    if (r.program === '') continue;
    if (n++ < top) kept.push({ program: r.program, counts: r.counts });
    else for (let s = 0; s < 16; s++) other[s]! += r.counts[s]!;
  }
  kept.push({ program: 'other', counts: other });
  return kept;
}

export const processes: Collector = {
  name: 'processes',
  enabled: (o) => o.byProcess,
  collect(ctx, out) {
    out.family('tcpstate_process_sockets', 'gauge', 'TCP sockets by owning program and state (--by-process): the top N programs, the rest as program="other", unowned sockets as program="".');
    for (const ns of sampled(ctx)) {
      for (const r of programRows(ns.sample.table, ctx.options.top)) {
        for (const code of KNOWN_CODES) out.sample(labels(nsLabels(ns, { program: r.program, state: stateLabel(code) })), r.counts[code]!);
      }
    }
  },
};
