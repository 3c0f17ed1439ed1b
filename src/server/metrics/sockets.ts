/**
 * `tcpstate_sockets{state, family}`: every state (node_exporter's label values), zeros
 * included, per address family. UNKNOWN appears only when a socket is in it.
 * @module
 */
import { KNOWN_CODES, stateLabel, UNKNOWN } from '../../model/state.js';
import { labels } from '../exposition.js';
import { type Collector, nsLabels, sampled } from './types.js';

export const sockets: Collector = {
  name: 'sockets',
  enabled: () => true,
  collect(ctx, out) {
    out.family('tcpstate_sockets', 'gauge', 'TCP sockets by state and address family, every state present (0 when none), as ss -tan counts them.');
    for (const ns of sampled(ctx)) {
      const { v4, v6 } = ns.sample.metrics;
      for (const code of [...KNOWN_CODES, UNKNOWN]) {
        if (code === UNKNOWN && v4[code] === 0 && v6[code] === 0) continue;
        out.sample(labels(nsLabels(ns, { state: stateLabel(code), family: 'ipv4' })), v4[code]!);
        out.sample(labels(nsLabels(ns, { state: stateLabel(code), family: 'ipv6' })), v6[code]!);
      }
    }
  },
};
