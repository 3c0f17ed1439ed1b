/**
 * contrib/grafana/tcpstate.json: valid JSON a Grafana can import (a datasource variable,
 * host and role variables, panels on the 24-column grid with unique ids, every query on
 * the chosen data source), and every PromQL expression names only metrics `tcpstate serve`
 * exports. (Each expression is also run on a real Prometheus in fleet-prometheus.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kernelOrSkip } from '../lib/netns.js';
import { dashboard, expressions } from './dashboard.js';
import { exportedMetrics, metricNames } from './metrics.js';

test('the dashboard parses and has the shape Grafana imports: variables, grid, ids, data source', () => {
  const d = dashboard();
  assert.equal(d.uid, 'tcpstate-fleet');
  assert.ok(d.title.length > 0);
  const vars = Object.fromEntries(d.templating.list.map((v) => [v.name, v]));
  assert.equal(vars['datasource']?.type, 'datasource');
  assert.equal(vars['role']?.type, 'query');
  assert.equal(vars['host']?.type, 'query');
  assert.equal(vars['host']?.allValue, '.*');
  const ids = new Set<number>();
  const titles = d.panels.map((p) => p.title).join('\n');
  for (const p of d.panels) {
    assert.ok(!ids.has(p.id), `panel id ${p.id} once`);
    ids.add(p.id);
    assert.ok(p.gridPos.x >= 0 && p.gridPos.w > 0 && p.gridPos.x + p.gridPos.w <= 24 && p.gridPos.h > 0, `${p.title}: on the grid`);
    if (p.type === 'row') continue;
    assert.equal(p.datasource?.uid, '${datasource}', `${p.title}: the chosen data source`);
    assert.ok((p.targets ?? []).length > 0, `${p.title}: queries`);
    for (const t of p.targets!) {
      assert.equal(t.datasource?.uid, '${datasource}');
      assert.match(t.expr, /host=~"\$host"/, `${p.title} ${t.refId}: follows the host variable`);
      assert.match(t.expr, /role=~"\$role"/, `${p.title} ${t.refId}: follows the role variable`);
    }
  }
  for (const want of [/Persistent states/, /Transient states/, /by port/, /Kernel counters|overflows/i, /findings/i, /Hosts × states/]) assert.match(titles, want);
});

test('every PromQL expression of the dashboard names metrics tcpstate serve exports', async (t) => {
  if (!kernelOrSkip(t)) return;
  const exported = await exportedMetrics();
  const used = new Set<string>();
  for (const { where, expr } of expressions()) {
    const names = metricNames(expr);
    assert.ok(names.length > 0, `${where}: names a metric`);
    for (const n of names) {
      used.add(n);
      assert.ok(exported.has(n) || n === 'up', `${where}: ${n} is not exported by serve`);
    }
  }
  for (const m of ['tcpstate_sockets', 'tcpstate_port_sockets', 'tcpstate_finding', 'tcpstate_listen_queue', 'tcpstate_tcpext_listen_overflows_total']) assert.ok(used.has(m), m);
});
