/**
 * `tcpstate_sockets{state, family}`: every state (node_exporter's label values), zeros
 * included, per address family. UNKNOWN appears only when a socket is in it.
 * @module
 */
import { AF_INET } from '../../model/address.js';
import { KNOWN_CODES, stateLabel, UNKNOWN } from '../../model/state.js';
import { labels } from '../exposition.js';
import { type Collector, nsLabels, sampled } from './types.js';

export const sockets: Collector = {
  name: 'sockets',
  enabled: () => true,
  collect(ctx, out) {
    out.family('tcpstate_sockets', 'gauge', 'TCP sockets by state and address family, every state present (0 when none), as ss -tan counts them.');
    for (const ns of sampled(ctx)) {
      const t = ns.sample.table;
      const v4 = new Float64Array(16);
      const v6 = new Float64Array(16);
      for (let i = 0; i < t.length; i++) (t.family[i] === AF_INET ? v4 : v6)[t.state[i]!]!++;
      for (const code of [...KNOWN_CODES, UNKNOWN]) {
        if (code === UNKNOWN && v4[code] === 0 && v6[code] === 0) continue;
        out.sample(labels(nsLabels(ns, { state: stateLabel(code), family: 'ipv4' })), v4[code]!);
        out.sample(labels(nsLabels(ns, { state: stateLabel(code), family: 'ipv6' })), v6[code]!);
      }
    }
  },
};
