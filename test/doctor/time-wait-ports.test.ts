/**
 * time-wait-ports, reproduced: many short connections to one upstream with
 * ip_local_port_range narrowed to 301 ports inside the namespace and tcp_tw_reuse off.
 * The doctor must count the TIME_WAIT toward that upstream against the range, measure
 * the connection rate, and predict when connect() fails; the client then meets
 * EADDRNOTAVAIL about when predicted. With tcp_tw_reuse=1 it must say reuse applies.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { doctorIn, findingsOf, startLoad } from '../lib/doctor.js';
import { kernelOrSkip, Netns } from '../lib/netns.js';

test('time-wait-ports: TIME_WAIT toward one upstream against a narrowed port range', async (t) => {
  if (!kernelOrSkip(t)) return;
  const ns = Netns.create('tw');
  try {
    ns.run('ip', ['addr', 'add', '10.77.0.1/32', 'dev', 'lo']);
    ns.run('sysctl', ['-qw', 'net.ipv4.ip_local_port_range=40000 40300', 'net.ipv4.tcp_tw_reuse=0']);
    await startLoad(ns, 'server', ['--host', '10.77.0.1', '--port', '7001', '--mode', 'echo']);
    const client = await startLoad(ns, 'client', ['--host', '10.77.0.1', '--port', '7001', '--count', '400', '--rate', '20', '--close', 'end', '--ready-after', '20']);
    const r = await doctorIn(ns);
    const [f] = findingsOf(r.json, 'time-wait-ports');
    assert.ok(f, r.stdout);
    assert.equal(f.subject.peer, '10.77.0.1:7001');
    assert.equal(f.subject.local, '10.77.0.1');
    const m = f.metrics;
    assert.equal(m['rangeSize'], 301);
    assert.equal(m['twReuse'], 0);
    assert.equal(m['reuseApplies'], false);
    const tw = m['timeWait'] as number;
    assert.ok(tw >= 20 && tw <= 301, `TIME_WAIT ${tw}`);
    assert.equal(m['share'], Math.round(((m['inUse'] as number) / 301) * 1000) / 1000);
    const rate = m['ratePerSec'] as number;
    assert.ok(rate > 10 && rate < 30, `measured ${rate}/s against 20/s offered`);
    assert.ok((m['activeOpensPerSec'] as number) > 10, 'Tcp ActiveOpens agrees');
    assert.ok((m['firstClearsSec'] as number) > 0 && (m['firstClearsSec'] as number) <= (m['lastClearsSec'] as number) && (m['lastClearsSec'] as number) <= 60, 'TIME_WAIT lasts 60 s');
    const exhaust = m['exhaustionSec'] as number;
    assert.ok(exhaust > 0 && exhaust < 20, `exhaustion in ${exhaust} s`);
    assert.equal(f.severity, 'critical');
    assert.equal(r.code, 2);
    assert.ok(f.evidence.some((e) => e.label === 'TIME_WAIT clears in'));

    // The prediction against what the client met: its first EADDRNOTAVAIL.
    // From the last sample (the run goes on after it: owners, rules, output). Its rows were
    // read over sampleMs, so the prediction is a window.
    const sampledAt = Date.parse(r.json['takenAt'] as string);
    const span = r.json['sampleMs'] as number;
    assert.ok(sampledAt + span <= r.endedAt);
    const predicted = sampledAt + exhaust * 1000;
    await new Promise((res) => setTimeout(res, Math.max(0, predicted + span + 3000 - Date.now())));
    const done = await client.stop();
    const errors = done['errors'] as Record<string, number>;
    assert.ok((errors['EADDRNOTAVAIL'] ?? 0) > 0, JSON.stringify(done));
    const actual = done['firstErrorAt'] as number;
    const slack = Math.max(3000, exhaust * 400);
    assert.ok(
      actual >= predicted - slack && actual <= predicted + span + slack,
      `predicted exhaustion ${exhaust} s after the last sample (read over ${span} ms), met ${(actual - sampledAt) / 1000} s after it`,
    );

    // tcp_tw_reuse=1: connect() may take TIME_WAIT ports older than 1 s; the doctor says so.
    ns.run('sysctl', ['-qw', 'net.ipv4.tcp_tw_reuse=1']);
    const r2 = await doctorIn(ns, ['--interval', '0']);
    const [g] = findingsOf(r2.json, 'time-wait-ports');
    assert.ok(g, r2.stdout);
    assert.equal(g.metrics['reuseApplies'], true);
    assert.equal(g.severity, 'info');
    assert.ok((g.metrics['effectiveShare'] as number) < 0.5);
    assert.equal(r2.code, 0);
  } finally {
    ns.destroy();
  }
});
