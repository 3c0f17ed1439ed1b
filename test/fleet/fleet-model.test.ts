/**
 * The pure parts of fleet: durations and moments, label names, groups named by a label
 * beside --group globs, hosts that are down in the table, CSV and JSON, the PromQL built,
 * and the metric-name scan the contrib tests rely on.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messages } from '../../src/i18n/fleet.js';
import { parseDuration, parseMoment } from '../../src/fleet/options.js';
import { isLabelName, queryFleet, statesQuery, upQuery } from '../../src/fleet/query.js';
import type { PrometheusClient } from '../../src/fleet/prometheus.js';
import { newCounts } from '../../src/model/count.js';
import { buildFleet, type FleetHost, parseGroupSpec } from '../../src/model/fleet.js';
import { ESTABLISHED, LISTEN } from '../../src/model/state.js';
import { fleetCsv, fleetJson, renderFleet } from '../../src/render/fleet.js';
import { metricNames } from './metrics.js';

const msg = messages({});

test('durations and moments', () => {
  assert.equal(parseDuration('15m'), 900);
  assert.equal(parseDuration('1h30m'), 5400);
  assert.equal(parseDuration('250ms'), 0.25);
  for (const bad of ['', '15', 'm', '1.5h', '-1h', '0s', '1 h']) assert.equal(parseDuration(bad), undefined, bad);
  assert.equal(parseMoment('1700000000', 0, msg), 1700000000);
  assert.equal(parseMoment('1h', 10_000, msg), 6400);
  assert.equal(parseMoment('2026-12-05T04:00:00Z', 0, msg), Date.UTC(2026, 11, 5, 4) / 1000);
  assert.throws(() => parseMoment('yesterday', 0, msg), /bad --at "yesterday"/);
  assert.throws(() => parseMoment('2026-12-05', 0, msg), /bad --at/);
});

test('label names and the PromQL built from them', () => {
  for (const ok of ['host', 'role', '_x', 'a1']) assert.ok(isLabelName(ok), ok);
  for (const bad of ['1a', 'ro-le', '', '__name__', 'a b']) assert.ok(!isLabelName(bad), bad);
  const q = { hostLabel: 'host', groupLabel: 'role', lookback: 3600 };
  assert.equal(statesQuery(q), 'sum by (host, role, state) (tcpstate_sockets)');
  assert.equal(statesQuery({ ...q, recorded: true }), 'sum by (host, role, state) (host:tcpstate_sockets:sum)');
  assert.equal(upQuery({ hostLabel: 'instance', lookback: 600 }), 'min by (instance) (up and on (job, instance) group by (job, instance) (last_over_time(tcpstate_build_info[600s])))');
});

function host(name: string, est: number, extra: Partial<FleetHost> = {}): FleetHost {
  const counts = newCounts();
  counts[ESTABLISHED] = est;
  counts[LISTEN] = 1;
  return { host: name, format: 'prometheus', file: 'http://p', line: 0, counts, ...extra };
}

test('groups from a label join after --group globs; a host that is down shows no numbers and is counted', () => {
  const hosts = [host('lvs1', 5, { group: 'lvs' }), host('web1', 7, { group: 'web' }), host('web2', 0, { group: 'web', error: 'down: its last scrape failed (up 0)' }), host('x1', 1)];
  const f = buildFleet(hosts, [parseGroupSpec('front=lvs*')]);
  assert.deepEqual(
    f.groups.map((g) => [g.name, g.hosts.map((h) => h.host)]),
    [
      ['front', ['lvs1']],
      ['web', ['web1', 'web2']],
      [undefined, ['x1']],
    ],
  );
  assert.equal(f.down, 1);
  assert.equal(f.counts[ESTABLISHED], 13);
  const txt = renderFleet(f, true);
  assert.match(txt, /^web\s+web2\s+(-\s+){12}down: its last scrape failed \(up 0\)$/m);
  assert.match(txt, /^web\s+subtotal \(2, 1 down\)\s+7\s/m);
  assert.match(txt, /^\s+TOTAL \(4 hosts, 1 down\)\s+13\s/m);
  assert.match(txt, /^\(none\)\s+x1\s/m);
  const csv = fleetCsv(f, true).split('\n');
  assert.equal(csv[0], 'GROUP,HOST,ESTABLISHED,SYN_SENT,SYN_RECV,FIN_WAIT1,FIN_WAIT2,TIME_WAIT,CLOSE,CLOSE_WAIT,LAST_ACK,LISTEN,CLOSING,TOTAL,FORMAT');
  assert.equal(csv[4], 'web,web2,-,-,-,-,-,-,-,-,-,-,-,-,down: its last scrape failed (up 0)');
  const j = fleetJson(f, []);
  assert.equal(j.hosts[2]!.states, undefined);
  assert.equal(j.hosts[2]!.error, 'down: its last scrape failed (up 0)');
  assert.equal(j.total.down, 1);
  const none = fleetJson(buildFleet([host('a', 1)], []), []) as { total: Record<string, unknown> };
  assert.ok(!('down' in none.total), 'no down field when every host answered (count --hosts of captures unchanged)');
});

test('metric names in PromQL: labels, functions and keywords are not metrics', () => {
  assert.deepEqual(metricNames('sum by (host, role, state) (tcpstate_sockets{role=~"$role", state="close_wait"})'), ['tcpstate_sockets']);
  assert.deepEqual(metricNames('sum by (host) (rate(tcpstate_tcp_active_opens_total{x="y"}[5m])) > 0 and on (host) up == 0'), ['tcpstate_tcp_active_opens_total', 'up']);
  assert.deepEqual(metricNames('host:tcpstate_sockets:sum{state="listen"}'), ['host:tcpstate_sockets:sum']);
  assert.deepEqual(metricNames('max by (host) (tcpstate_listen_queue) / on (host) tcpstate_listen_backlog'), ['tcpstate_listen_queue', 'tcpstate_listen_backlog']);
});

test('messages in Chinese when TCPSTATE_LANG or LANG says zh', () => {
  assert.match(messages({ TCPSTATE_LANG: 'zh' }).unreachable('http://p', 'x'), /无法连接/);
  assert.match(messages({ LANG: 'zh_CN.UTF-8' }).timeout(5), /毫秒/);
  assert.match(messages({ LANG: 'en_US.UTF-8', TCPSTATE_LANG: 'en' }).timeout(5), /no answer in 5 ms/);
  const en = messages({});
  const zh = messages({ TCPSTATE_LANG: 'zh' });
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort(), 'every message in both languages');
});

test('series with a state that is not a TCP state: the first ten named, the rest counted, never one warning each', async () => {
  const bad = Array.from({ length: 5000 }, (_, i) => ({ metric: { instance: `h${i % 3}`, state: `bogus${i}` }, value: 1 }));
  const good = [{ metric: { instance: 'h0', state: 'established' }, value: 7 }];
  // Prometheus's answer as its HTTP API gives it; only the vector matters here.
  const client = { query: async (expr: string) => (expr.startsWith('min by') ? [{ metric: { instance: 'h0' }, value: 1 }] : [...bad, ...good]) } as unknown as PrometheusClient;
  const why = { down: 'down', noCounts: 'no counts', noRecorded: 'no recorded', noHosts: 'no hosts', absent: (t: string) => t };
  const r = await queryFleet(client, { hostLabel: 'instance', lookback: 300 }, why);
  assert.equal(r.warnings.length, 11);
  assert.equal(r.warnings.filter((w) => w.code === 'W_STATE' && w.more === undefined).length, 10);
  assert.equal(r.warnings.at(-1)!.more, 4990);
  assert.equal(r.hosts.find((h) => h.host === 'h0')?.counts[ESTABLISHED], 7);
});
