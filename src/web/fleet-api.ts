/**
 * `/api/v1/fleet` for the dashboard's fleet view (`serve --prometheus URL`): the fleet table
 * of `tcpstate fleet` (src/fleet/query.ts) as rows of counts by netstat name, with each host's
 * agent address (its scrape `instance`) so the page can link to that agent's own page.
 * Document `tcpstate.web-fleet/1`.
 * @module
 */
import type { PrometheusClient } from '../fleet/prometheus.js';
import { hostOrder, queryFleet } from '../fleet/query.js';
import type { FleetMessages } from '../i18n/fleet.js';
import { stateName } from '../model/state.js';
import { SCHEMAS, type WebFleet } from '../model/documents.js';
import { NODES } from '../fsm/figure.js';

export interface FleetView {
  hostLabel: string;
  groupLabel?: string;
}

const CODES = NODES.filter((n) => !n.repeat).map((n) => n.code);

/** The fleet table now, from Prometheus. */
export async function webFleet(c: PrometheusClient, v: FleetView, msg: FleetMessages): Promise<WebFleet> {
  const labels = v.groupLabel === undefined ? v.hostLabel : `${v.hostLabel}, ${v.groupLabel}`;
  const [r, agents] = await Promise.all([
    queryFleet(
      c,
      { hostLabel: v.hostLabel, ...(v.groupLabel === undefined ? {} : { groupLabel: v.groupLabel }), lookback: 300 },
      { down: msg.agentDown, noCounts: msg.noCounts, noRecorded: msg.noRecorded(c.shown), noHosts: msg.noHosts(c.shown, v.hostLabel), absent: msg.absentThen },
    ),
    c.query(`group by (${labels}, instance) (last_over_time(tcpstate_build_info[300s]))`),
  ]);
  const instances = new Map<string, string[]>();
  for (const a of agents) {
    const h = a.metric[v.hostLabel] ?? '';
    const i = a.metric['instance'];
    if (i !== undefined) instances.set(h, [...(instances.get(h) ?? []), i].sort(hostOrder));
  }
  const totals: Record<string, number> = Object.fromEntries(CODES.map((s) => [stateName(s), 0]));
  const hosts = r.hosts.map((h) => {
    const states: Record<string, number> = {};
    let total = 0;
    for (const s of CODES) {
      states[stateName(s)] = h.counts[s]!;
      total += h.counts[s]!;
      if (h.error === undefined) totals[stateName(s)]! += h.counts[s]!;
    }
    return { host: h.host, ...(h.group === undefined ? {} : { group: h.group }), states, total, ...(h.error === undefined ? {} : { error: h.error }), instances: instances.get(h.host) ?? [] };
  });
  return { schema: SCHEMAS.webFleet, prometheus: c.shown, at: new Date(r.at * 1000).toISOString(), states: CODES.map(stateName), hosts, totals };
}
