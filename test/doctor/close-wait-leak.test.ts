/**
 * close-wait-leak, reproduced: a server that never closes the sockets it accepted, while
 * a client keeps connecting and half-closing. The doctor must name the server's PID and
 * port, see the growth between its samples, and set the exit status by severity.
 * Oracle: ss -tnp inside the namespace.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { doctorIn, findingsOf, runTcpstate, startLoad } from '../lib/doctor.js';
import { kernelOrSkip, Netns } from '../lib/netns.js';

test('close-wait-leak names the leaking process and port, growth, exit status', async (t) => {
  if (!kernelOrSkip(t)) return;
  const ns = Netns.create('cw');
  try {
    ns.run('ip', ['addr', 'add', '10.77.0.2/32', 'dev', 'lo']);
    const server = await startLoad(ns, 'server', ['--host', '10.77.0.2', '--port', '7002', '--mode', 'leak']);
    // 20 connections at 5/s; the doctor starts after 10, so the count grows while it samples.
    const client = await startLoad(ns, 'client', ['--host', '10.77.0.2', '--port', '7002', '--count', '20', '--rate', '5', '--close', 'end', '--ready-after', '10']);
    const r = await doctorIn(ns, ['--interval', '1.5']);
    await client.line('finished');
    const ss = ns.run('ss', ['-Htnp', 'state', 'close-wait']).trim().split('\n').filter(Boolean);
    assert.equal(ss.length, 20, ss.join('\n'));
    for (const l of ss) {
      assert.match(l, /10\.77\.0\.2:7002\s/);
      assert.match(l, new RegExp(`pid=${server.pid},`));
    }

    const [f, ...more] = findingsOf(r.json, 'close-wait-leak');
    assert.ok(f, r.stdout);
    assert.equal(more.length, 0);
    assert.deepEqual(f.subject.pids, [server.pid]);
    assert.deepEqual(f.subject.programs, ['node']);
    assert.equal(f.subject.localPort, 7002);
    const count = f.metrics['count'] as number;
    const before = f.metrics['before'] as number;
    assert.ok(count >= 10 && count <= 20, `count ${count}`);
    assert.ok(before >= 10 && before < count, `before ${before}, count ${count}: growth seen`);
    assert.equal(f.metrics['growth'], count - before);
    assert.equal(f.metrics['stayed'], before, 'every socket of the first sample is still there');
    assert.equal(f.socketCount, count);
    assert.ok(f.sockets.every((s) => s.state === 'CLOSE_WAIT' && s.local === '10.77.0.2:7002' && s.owners.includes(`${server.pid}/node`)));
    // Growing at ≥ 60/min: critical, and the exit status says so.
    assert.equal(f.severity, 'critical');
    assert.equal(r.json.worst, 'critical');
    assert.equal(r.code, 2);
    assert.deepEqual(r.json.findings.map((x) => x.id), ['close-wait-leak'], 'nothing else is wrong here');

    // Once it stops growing, one sample: 20 < 100 is a warning, exit 1; the text names pid and port.
    const text = await runTcpstate(['doctor', '--netns', ns.name, '--interval', '0'], false);
    assert.equal(text.code, 1, text.stdout + text.stderr);
    assert.match(text.stdout, new RegExp(`WARNING  close-wait-leak\\n  node \\(pid ${server.pid}\\) holds 20 sockets in CLOSE_WAIT on port 7002\\n`));
  } finally {
    ns.destroy();
  }
});
