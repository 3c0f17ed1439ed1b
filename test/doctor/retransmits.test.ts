/**
 * retransmits, reproduced: five connections to a peer address, then nftables drops every
 * packet to it and the clients send data. The doctor must group the retransmitting
 * sockets under that peer with the client's PID. Oracle: ss -tno (timer:(on,…,N)).
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { doctorIn, findingsOf, startLoad } from '../lib/doctor.js';
import { kernelOrSkip, Netns } from '../lib/netns.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('retransmits: sockets whose data the peer never acknowledges, by peer', async (t) => {
  if (!kernelOrSkip(t, ['nft'])) return;
  const ns = Netns.create('rtx');
  try {
    ns.run('ip', ['addr', 'add', '10.77.0.7/32', 'dev', 'lo']);
    await startLoad(ns, 'server', ['--host', '10.77.0.7', '--port', '7007', '--mode', 'leak']);
    const client = await startLoad(ns, 'client', ['--host', '10.77.0.7', '--port', '7007', '--count', '5']);
    ns.run('nft', ['-f', '-'], 'add table inet t\nadd chain inet t in { type filter hook input priority 0; }\nadd rule inet t in ip daddr 10.77.0.7 tcp dport 7007 drop\n');
    client.send('send 1000');
    // RTO 200 ms, doubling: 3 retransmissions by 1.4 s. Wait until ss shows them (bounded).
    // A timer that is due prints with an empty duration, timer:(on,,3), on a busy machine.
    const ssRetrans = (): number[] =>
      ns
        .run('ss', ['-Htno', 'dst', '10.77.0.7', 'and', 'dport', '=', ':7007'])
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => Number(/timer:\(on,[^,]*,(\d+)\)/.exec(l)?.[1] ?? -1));
    for (let k = 0; k < 50 && !(ssRetrans().length === 5 && ssRetrans().every((n) => n >= 3)); k++) await sleep(200);
    const first = ssRetrans();
    assert.ok(first.length === 5 && first.every((n) => n >= 3), `ss: ${first}`);
    const r = await doctorIn(ns);
    const after = ssRetrans();

    const [f, ...more] = findingsOf(r.json, 'retransmits');
    assert.ok(f, r.stdout);
    assert.equal(more.length, 0);
    assert.equal(f.subject.peer, '10.77.0.7');
    assert.deepEqual(f.subject.pids, [client.pid]);
    assert.equal(f.metrics['sockets'], 5);
    const max = f.metrics['maxRetransmits'] as number;
    assert.ok(max >= Math.max(...first) && max <= Math.max(...after), `ss before ${first}, after ${after}, doctor ${max}`);
    // Backed off to seconds between tries, a 1 s window may hold none: the rate is known, maybe 0.
    assert.equal(typeof f.metrics['retransSegsPerSec'], 'number');
    assert.ok(f.sockets.every((s) => s.state === 'ESTABLISHED' && s.remote === '10.77.0.7:7007' && /^on \(/.test(s.timer ?? '')));
    assert.equal(f.severity, 'warning');
    assert.equal(r.code, 1);
  } finally {
    ns.destroy();
  }
});
