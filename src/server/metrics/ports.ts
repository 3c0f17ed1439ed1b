/**
 * `tcpstate_port_sockets{port, side, state}`: `side="inbound"` counts the sockets of each
 * listening port (the listeners and the connections they accepted, by local port);
 * `side="outbound"` counts the other sockets by remote port (the service they talk to).
 * Cardinality is capped: the `--ports` list, else the top N ports of each side by sockets;
 * the rest are summed as `port="other"`, which is always present. Inside each kept port
 * every state is present (zeros included). No total label value: `sum()` over the metric
 * equals `sum(tcpstate_sockets)` (UNKNOWN aside). Counted in src/engine/aggregates.ts.
 * @module
 */
import { KNOWN_CODES, stateLabel } from '../../model/state.js';
import { labels } from '../exposition.js';
import { type Collector, nsLabels, sampled } from './types.js';

export const ports: Collector = {
  name: 'ports',
  enabled: () => true,
  collect(ctx, out) {
    out.family('tcpstate_port_sockets', 'gauge', 'TCP sockets by port and state: inbound by listening port, outbound by remote port; ports beyond --ports or the top N summed as port="other".');
    for (const ns of sampled(ctx)) {
      for (const r of ns.sample.metrics.ports) {
        for (const code of KNOWN_CODES) out.sample(labels(nsLabels(ns, { port: r.port, side: r.side, state: stateLabel(code) })), r.counts[code]!);
      }
    }
  },
};
