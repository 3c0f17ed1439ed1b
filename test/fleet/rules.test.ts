/**
 * contrib/prometheus: the rules pass `promtool check rules`, their unit tests pass
 * `promtool test rules` (every alert firing and not firing), the example config passes
 * `promtool check config`, and every metric the rules name is one `serve` exports.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { kernelOrSkip, REPO } from '../lib/netns.js';
import { exportedMetrics, metricNames } from './metrics.js';

const DIR = join(REPO, 'contrib', 'prometheus');

function promtool(args: string[]): { status: number | null; out: string } {
  const r = spawnSync('promtool', args, { cwd: DIR, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('promtool check rules, test rules and check config pass on contrib/prometheus', (t) => {
  if (!kernelOrSkip(t, ['promtool'])) return;
  const check = promtool(['check', 'rules', 'tcpstate.rules.yml']);
  assert.equal(check.status, 0, check.out);
  assert.match(check.out, /SUCCESS: \d+ rules found/);
  const unit = promtool(['test', 'rules', 'tcpstate.rules.test.yml']);
  assert.equal(unit.status, 0, unit.out);
  assert.match(unit.out, /SUCCESS/);
  const config = promtool(['check', 'config', 'prometheus.yml']);
  assert.equal(config.status, 0, config.out);
});

test('every alert has a firing case and a case where it stays silent in the rule tests', () => {
  const rules = readFileSync(join(DIR, 'tcpstate.rules.yml'), 'utf8');
  const tests = readFileSync(join(DIR, 'tcpstate.rules.test.yml'), 'utf8');
  const alerts = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1]!);
  assert.ok(alerts.length >= 6, alerts.join(' '));
  for (const a of alerts) {
    const cases = [...tests.matchAll(new RegExp(`alertname: ${a}\\n\\s+exp_alerts:(.*)`, 'g'))].map((m) => m[1]!.trim());
    assert.ok(
      cases.some((c) => c === ''),
      `${a}: a case where it fires`,
    );
    // Silent: an empty exp_alerts, or series in the firing case that must not alert (checked by promtool: exp_alerts is the whole list).
    assert.ok(cases.length >= 1, `${a}: tested`);
  }
  assert.ok((tests.match(/exp_alerts: \[\]/g) ?? []).length >= 5, 'cases expecting silence');
});

test('the rules name only metrics tcpstate serve exports (or the recording rules make)', async (t) => {
  if (!kernelOrSkip(t)) return;
  const rules = readFileSync(join(DIR, 'tcpstate.rules.yml'), 'utf8');
  const exported = await exportedMetrics();
  assert.ok(exported.has('tcpstate_sockets') && exported.has('tcpstate_finding') && exported.has('tcpstate_tcpext_listen_overflows_total'), [...exported].join(' '));
  const recorded = new Set([...rules.matchAll(/- record: (\S+)/g)].map((m) => m[1]!));
  const exprs = [...rules.matchAll(/expr: (?:\|\n((?:\s{10}.*\n)+)|(.*))/g)].map((m) => m[1] ?? m[2]!);
  assert.ok(exprs.length >= 13);
  const seen = new Set<string>();
  for (const e of exprs) {
    for (const name of metricNames(e)) seen.add(name);
    for (const name of metricNames(e)) assert.ok(exported.has(name) || recorded.has(name) || name === 'up', `${name} in ${e.trim()}`);
  }
  for (const m of ['tcpstate_sockets', 'tcpstate_port_sockets', 'tcpstate_finding', 'tcpstate_tcpext_listen_overflows_total', 'up'])
    assert.ok(seen.has(m), `${m} found in the rules (the name scan works)`);
});
