/**
 * fin-wait2-orphans, reproduced: a client closes 120 connections fully while the server
 * never closes its ends, leaving orphaned FIN_WAIT2 (timewait sockets in substate
 * FIN_WAIT2) on the client side. The doctor must count them toward the peer, tell
 * orphaned from held, and name the local process holding the other ends.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { doctorIn, findingsOf, startLoad } from '../lib/doctor.js';
import { kernelOrSkip, Netns } from '../lib/netns.js';

test('fin-wait2-orphans: orphaned FIN_WAIT2 toward a peer that never closes', async (t) => {
  if (!kernelOrSkip(t)) return;
  const ns = Netns.create('fw2');
  try {
    ns.run('ip', ['addr', 'add', '10.77.0.6/32', 'dev', 'lo']);
    const server = await startLoad(ns, 'server', ['--host', '10.77.0.6', '--port', '7006', '--mode', 'leak']);
    await startLoad(ns, 'client', ['--host', '10.77.0.6', '--port', '7006', '--count', '120', '--close', 'destroy']);
    const r = await doctorIn(ns);
    const ss = ns.run('ss', ['-Htn', 'state', 'fin-wait-2', 'dst', '10.77.0.6:7006']).trim().split('\n').filter(Boolean);
    assert.equal(ss.length, 120);

    const [f] = findingsOf(r.json, 'fin-wait2-orphans');
    assert.ok(f, r.stdout);
    assert.equal(f.subject.peer, '10.77.0.6:7006');
    assert.equal(f.metrics['count'], 120);
    assert.equal(f.metrics['orphaned'], 120);
    assert.equal(f.metrics['held'], 0);
    assert.equal(f.metrics['peerCloseWait'], 120);
    assert.equal(f.metrics['finTimeout'], 60);
    assert.match(f.title, new RegExp(`the peer is local: node \\(pid ${server.pid}\\) has not closed its ends`));
    assert.ok(f.sockets.every((s) => s.state === 'FIN_WAIT2' && s.owners.length === 0 && s.remote === '10.77.0.6:7006'));
    assert.equal(f.severity, 'warning');
    // tcp_max_orphans lives only in the initial namespace: said, not guessed.
    const check = r.json.checks.find((c) => c.id === 'fin-wait2-orphans')!;
    assert.equal(check.status, 'partial');
    assert.ok(check.notes.some((n) => n.includes('tcp_max_orphans unknown')));
    // The other ends: 120 CLOSE_WAIT on the server, critical; the exit status follows the worst.
    const [cw] = findingsOf(r.json, 'close-wait-leak');
    assert.deepEqual(cw?.subject.pids, [server.pid]);
    assert.equal(cw?.severity, 'critical');
    assert.equal(r.json.findings[0]!.id, 'close-wait-leak', 'worst first');
    assert.equal(r.code, 2);
  } finally {
    ns.destroy();
  }
});
