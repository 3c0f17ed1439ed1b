/**
 * close-wait-leak, reproduced: a server that never closes the sockets it accepted, while
 * a client keeps connecting and half-closing, then pauses. The doctor must name the server's PID and
 * port, see the growth between its samples, and set the exit status by severity.
 * Oracle: ss -tnp inside the namespace.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { doctorIn, findingsOf, runTcpstate, startLoad } from '../lib/doctor.js';
import { kernelOrSkip, Netns } from '../lib/netns.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('close-wait-leak names the leaking process and port, growth, exit status', async (t) => {
  if (!kernelOrSkip(t)) return;
  const ns = Netns.create('cw');
  try {
    ns.run('ip', ['addr', 'add', '10.77.0.2/32', 'dev', 'lo']);
    const server = await startLoad(ns, 'server', ['--host', '10.77.0.2', '--port', '7002', '--mode', 'leak']);
    // The client keeps connecting (5/s) while the doctor samples, so the count grows.
    const client = await startLoad(ns, 'client', ['--host', '10.77.0.2', '--port', '7002', '--count', '500', '--rate', '5', '--close', 'end', '--ready-after', '10']);
    const r = await doctorIn(ns, ['--interval', '1.5']);
    const ssNow = (): string[] => ns.run('ss', ['-Htnp', 'state', 'close-wait']).trim().split('\n').filter(Boolean);
    const ss = ssNow();
    for (const l of ss) {
      assert.match(l, /10\.77\.0\.2:7002\s/);
      // Accepted ones are the server's; the newest may still wait in the accept queue (no owner).
      if (l.includes('users:')) assert.match(l, new RegExp(`pid=${server.pid},`));
    }

    const [f, ...more] = findingsOf(r.json, 'close-wait-leak');
    assert.ok(f, r.stdout);
    assert.equal(more.length, 0);
    assert.deepEqual(f.subject.pids, [server.pid]);
    assert.deepEqual(f.subject.programs, ['node']);
    assert.equal(f.subject.localPort, 7002);
    const count = f.metrics['count'] as number;
    const before = f.metrics['before'] as number;
    assert.ok(count >= 10 && count <= ss.length, `count ${count}, ss ${ss.length} later`);
    assert.ok(before >= 10 && before < count, `before ${before}, count ${count}: growth seen`);
    assert.equal(f.metrics['growth'], count - before);
    assert.equal(f.metrics['stayed'], before, 'every socket of the first sample is still there');
    assert.equal(f.socketCount, count);
    assert.ok(f.sockets.every((s) => s.state === 'CLOSE_WAIT' && s.local === '10.77.0.2:7002' && s.owners.includes(`${server.pid}/node`)));
    // Growing at ≥ 60/min: critical, and the exit status says so.
    assert.equal(f.severity, 'critical');
    assert.equal(r.json.worst, 'critical');
    assert.equal(r.code, 2);
    assert.deepEqual(
      r.json.findings.map((x) => x.id),
      ['close-wait-leak'],
      'nothing else is wrong here',
    );

    // Once it stops growing, one sample: below 100 a warning (exit 1), else critical (exit 2);
    // the text names pid, count and port.
    client.send('pause');
    await client.line('paused');
    let n = ssNow().length;
    for (let k = 0, m = -1; k < 20 && m !== n; k++) {
      m = n;
      await sleep(200);
      n = ssNow().length;
    }
    const text = await runTcpstate(['doctor', '--netns', ns.name, '--interval', '0'], false);
    const [sev, code] = n >= 100 ? ['CRITICAL', 2] : ['WARNING', 1];
    assert.equal(text.code, code, text.stdout + text.stderr);
    assert.match(text.stdout, new RegExp(`${sev}  close-wait-leak\\n  node \\(pid ${server.pid}\\) holds ${n} sockets in CLOSE_WAIT on port 7002\\n`));
  } finally {
    ns.destroy();
  }
});
