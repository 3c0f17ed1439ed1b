/**
 * accept-queue, reproduced: a listener with backlog 4 whose process never accepts (its
 * event loop is blocked) and a steady stream of connects. The doctor must name the
 * listener's PID and port, its queue (as ss shows it), and ListenOverflows rising. With
 * the backlog a netlink source would supply (taken here from ss -ltn), the rule must use it.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { collectInputs } from '../../src/doctor/collect.js';
import { acceptQueue } from '../../src/doctor/rules/accept-queue.js';
import { defaultThresholds } from '../../src/doctor/thresholds.js';
import { LISTEN } from '../../src/model/state.js';
import { doctorIn, findingsOf, startLoad } from '../lib/doctor.js';
import { DEFAULT_CONFIG } from '../../src/sources/config.js';
import { kernelOrSkip, Netns } from '../lib/netns.js';

test('accept-queue: a listener that never accepts overflows', async (t) => {
  if (!kernelOrSkip(t)) return;
  const ns = Netns.create('aq');
  try {
    ns.run('ip', ['addr', 'add', '10.77.0.3/32', 'dev', 'lo']);
    const server = await startLoad(ns, 'server', ['--host', '10.77.0.3', '--port', '7003', '--mode', 'block', '--backlog', '4']);
    await startLoad(ns, 'client', ['--host', '10.77.0.3', '--port', '7003', '--count', '2000', '--rate', '20', '--ready-after', '10']);
    // procfs first: the backlog is unknown there and must be inferred.
    const r = await doctorIn(ns, ['--source', 'proc']);
    const ss = ns.run('ss', ['-Hltn', 'sport = :7003']).trim().split(/\s+/);
    const [recvQ, sendQ] = [Number(ss[1]), Number(ss[2])];
    assert.equal(sendQ, 4, `ss shows the backlog: ${ss.join(' ')}`);
    assert.equal(recvQ, 5, 'the kernel admits backlog + 1');

    const [f, ...more] = findingsOf(r.json, 'accept-queue');
    assert.ok(f, r.stdout);
    assert.equal(more.length, 0);
    assert.deepEqual(f.subject.pids, [server.pid]);
    assert.equal(f.subject.localPort, 7003);
    assert.equal(f.subject.local, '10.77.0.3:7003');
    assert.equal(f.metrics['queue'], recvQ);
    assert.equal(f.metrics['queueBefore'], recvQ);
    assert.equal(f.metrics['backlog'], null, '/proc does not show the backlog');
    assert.equal(f.metrics['inferredBacklog'], sendQ, 'inferred from a stuck queue and overflows');
    assert.equal(f.metrics['somaxconn'], 4096);
    assert.ok((f.metrics['listenOverflowsPerSec'] as number) >= 10, `ListenOverflows ${f.metrics['listenOverflowsPerSec']}/s`);
    assert.equal(f.severity, 'critical');
    assert.equal(r.code, 2);
    assert.ok(r.json.checks.find((c) => c.id === 'accept-queue')!.notes.some((n) => n.startsWith('backlog unknown')));

    // The netlink source shows the backlog itself (Send-Q of LISTEN), when the addon is built.
    const nl = await doctorIn(ns, ['--source', 'netlink']);
    if (nl.json.source === 'netlink') {
      const [g] = findingsOf(nl.json, 'accept-queue');
      assert.ok(g, nl.stdout);
      assert.equal(g.metrics['backlog'], 4, 'netlink shows the backlog');
      assert.equal(g.severity, 'critical');
    }

    // The same inputs, as a netlink source would give them: Send-Q of LISTEN = backlog.
    const { inputs } = await collectInputs({ netns: ns.name, intervalMs: 1000, config: DEFAULT_CONFIG });
    const why = inputs.sysctlsUnavailable;
    assert.ok((typeof why === 'string' ? why : why?.text)?.includes(ns.name), "sysctls are not the namespace's when read from outside");
    const tb = inputs.now.table;
    let row = -1;
    for (let i = 0; i < tb.length; i++) if (tb.state[i] === LISTEN && tb.lport[i] === 7003) row = i;
    assert.ok(row >= 0);
    assert.equal(tb.recvQ[row], recvQ);
    tb.sendQ[row] = sendQ;
    const got = acceptQueue.run({ ...inputs, listenBacklogKnown: true }, defaultThresholds(acceptQueue.thresholds));
    assert.equal(got.length, 1);
    assert.equal(got[0]!.metrics['backlog'], 4);
    assert.equal(got[0]!.severity, 'critical', 'queue above backlog: full');
    assert.match(got[0]!.title, /5 connections waiting in the accept queue of 4/);
  } finally {
    ns.destroy();
  }
});
