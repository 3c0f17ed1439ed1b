/**
 * `tcpstate_process_sockets{program, state}` (opt-in, `--by-process`): sockets by the
 * program owning them (a socket shared by several processes counts once, for the first),
 * the top N programs and `program="other"`; sockets no process holds (TIME_WAIT, orphans,
 * request sockets) under `program=""`. Every state present inside each kept program.
 * @module
 */
import { KNOWN_CODES, stateLabel } from '../../model/state.js';
import { labels } from '../exposition.js';
import { type Collector, nsLabels, sampled } from './types.js';

export const processes: Collector = {
  name: 'processes',
  enabled: (o) => o.byProcess,
  collect(ctx, out) {
    out.family('tcpstate_process_sockets', 'gauge', 'TCP sockets by owning program and state (--by-process): the top N programs, the rest as program="other", unowned sockets as program="".');
    for (const ns of sampled(ctx)) {
      for (const r of ns.sample.metrics.programs ?? []) {
        for (const code of KNOWN_CODES) out.sample(labels(nsLabels(ns, { program: r.program, state: stateLabel(code) })), r.counts[code]!);
      }
    }
  },
};
