/**
 * Real connections captured by tcpdump inside a test namespace (test/lib/tcp-scenarios.ts
 * drives them), then replayed by `tcpstate pcap`. Oracles: `ss -tan` for each endpoint's final
 * state when the capture ended, `tshark -z conv,tcp` for packets and bytes each way, and the
 * conn_state written for each scenario.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { kernelOrSkip, Netns, REPO, runCli } from '../lib/netns.js';
import { compareWithTshark, type JsonConnection, matchesSs, ssEnd, ssStates, tsharkConversations } from '../lib/oracles.js';
import type { Expectation } from '../lib/tcp-scenarios.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function lines(child: ChildProcess, onLine: (l: string) => boolean, what: string, ms = 30_000): Promise<string> {
  return new Promise((res, rej) => {
    let buf = '';
    const timer = setTimeout(() => rej(new Error(`${what}: nothing after ${ms} ms (${buf.slice(-500)})`)), ms);
    const on = (d: Buffer) => {
      buf += d.toString();
      for (const l of buf.split('\n')) {
        if (onLine(l)) {
          clearTimeout(timer);
          child.stdout?.off('data', on);
          child.stderr?.off('data', on);
          res(l);
          return;
        }
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`${what}: exited with ${code}: ${buf.slice(-500)}`));
    });
  });
}

test("every endpoint of every scenario ends as ss shows it; counts equal tshark's; conn_state as expected", async (t) => {
  if (!kernelOrSkip(t, ['tcpdump', 'tshark', 'nft', 'ss'])) return;
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-pcap-'));
  dirs.push(dir);
  const file = join(dir, 'scenarios.pcap');
  const ns = Netns.create('pcap');
  let tcpdump: ChildProcess | undefined;
  try {
    const helper = ns.spawn(process.execPath, [join(REPO, 'dist', 'test', 'lib', 'tcp-scenarios.js'), '--ttl', '60']);
    const pre = await lines(helper, (l) => l.startsWith('{"phase"'), 'scenario helper');
    assert.match(pre, /"pre"/, pre);

    tcpdump = spawn('ip', ['netns', 'exec', ns.name, 'tcpdump', '-i', 'lo', '-U', '--immediate-mode', '-B', '16384', '-w', file, 'tcp'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let tcpdumpSays = '';
    tcpdump.stderr!.on('data', (d: Buffer) => {
      tcpdumpSays += d.toString();
    });
    await lines(tcpdump, (l) => l.includes('listening on'), 'tcpdump');

    helper.stdin!.write('go\n');
    const done = await lines(helper, (l) => l.startsWith('{"phase"') && !l.includes('"pre"'), 'scenarios', 40_000);
    const msg = JSON.parse(done) as { phase: string; expect: Expectation[]; error?: string };
    assert.equal(msg.phase, 'done', msg.error);

    // The end of the capture: what the kernel shows, then stop tcpdump (it flushes on SIGINT).
    const ss = ssStates(ns.run('ss', ['-tanH']));
    const exited = new Promise((res) => tcpdump!.once('exit', res));
    tcpdump.kill('SIGINT');
    await exited;
    tcpdump = undefined;
    // A capture that lost packets cannot be compared with the kernel's view: say so plainly.
    const dropped = /(\d+) packets? dropped by kernel/.exec(tcpdumpSays);
    assert.equal(dropped?.[1], '0', `tcpdump lost packets: ${tcpdumpSays}`);

    const r = runCli(['pcap', file, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { connections: JsonConnection[]; warnings: unknown[] };
    const conns = doc.connections;
    assert.ok(conns.length >= 15, `only ${conns.length} connections`);

    // 1. Final states against ss.
    // On a reused 4-tuple ss shows the last incarnation; the earlier ones are gone.
    const wrong: string[] = [];
    const latest = new Map<string, number>();
    for (const c of conns) {
      const key = [ssEnd(c.orig.address, c.orig.port, c.family), ssEnd(c.resp.address, c.resp.port, c.family)].sort().join(' ');
      latest.set(key, Math.max(latest.get(key) ?? 0, c.firstFrame));
    }
    for (const c of conns) {
      const o = ssEnd(c.orig.address, c.orig.port, c.family);
      const p = ssEnd(c.resp.address, c.resp.port, c.family);
      const current = latest.get([o, p].sort().join(' ')) === c.firstFrame;
      const so = current ? ss.get(`${o} ${p}`) : undefined;
      const sp = current ? ss.get(`${p} ${o}`) : undefined;
      if (!matchesSs(c.orig.state, so, c.orig.packets)) wrong.push(`${o} (orig of :${c.resp.port} ${c.connState} ${c.history}): ours ${c.orig.state}, ss ${so ?? 'absent'}`);
      if (!matchesSs(c.resp.state, sp, c.resp.packets)) wrong.push(`${p} (resp, ${c.connState} ${c.history}): ours ${c.resp.state}, ss ${sp ?? 'absent'}`);
    }
    assert.deepEqual(wrong, [], wrong.join('\n'));

    // 2. Packets and bytes each way against tshark.
    const rows = tsharkConversations(file);
    const used = new Set<(typeof rows)[number]>();
    const diffs = conns.map((c) => compareWithTshark(c, rows, used)).filter((x): x is string => x !== undefined);
    assert.deepEqual(diffs, [], diffs.join('\n'));
    assert.equal(rows.length, conns.length, 'as many conversations as tshark');

    // 3. conn_state per scenario.
    for (const e of msg.expect) {
      const mine = conns
        .filter((c) => c.resp.port === e.port && c.family === e.family)
        .sort((a, b) => a.firstFrame - b.firstFrame)
        .map((c) => c.connState);
      const got = e.scenario === 'no-accept' ? [...mine].sort() : mine;
      const want = e.scenario === 'no-accept' ? [...e.connStates].sort() : e.connStates;
      assert.deepEqual(got, want, `${e.scenario} (port ${e.port}, IPv${e.family})`);
    }
    // The mid-stream pick-up is marked as a guess and still oriented client → server.
    const mid = conns.find((c) => c.resp.port === 7209)!;
    assert.equal(mid.originGuessed, true);
    assert.ok(!mid.history.includes('S'), mid.history);
    // The retransmissions that undo an inference are there.
    const lastAck = conns.find((c) => c.resp.port === 7211)!;
    assert.equal(lastAck.resp.state, 'LAST_ACK');
    assert.ok(lastAck.anomalies.includes('FIN_retransmitted'), lastAck.anomalies.join(','));
    const synRecv = conns.find((c) => c.resp.port === 7212)!;
    assert.equal(synRecv.resp.state, 'SYN_RECV');

    // The same capture through stdin gives the same document.
    const viaStdin = runCli(['pcap', '-', '--json'], { input: execFileSync('cat', [file]) });
    assert.equal(viaStdin.code, 0, viaStdin.stderr);
    assert.deepEqual(JSON.parse(viaStdin.stdout).connections, conns);
  } finally {
    if (tcpdump?.pid) {
      try {
        process.kill(tcpdump.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    ns.destroy();
  }
});
