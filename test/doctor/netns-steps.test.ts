/**
 * Next steps in a namespace (issue 15 §4): doctor's and explain's commands carry
 * `--netns NS` for tcpstate, `-N NS` for ss, and `ip netns exec NS` for the tools that read
 * the namespace's network; CLOSE_WAIT's age is the one netlink's tcp_info gives.
 * Pure rewriting first, then doctor and explain in a real namespace (ss as the oracle).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { stepInNetns, stepsInNetns } from '../../src/doctor/netns-steps.js';
import { cli } from '../fsm/cli.js';
import { doctorIn, findingsOf, startLoad } from '../lib/doctor.js';
import { addonOrSkip, kernelOrSkip, Netns } from '../lib/netns.js';

test('a step rewritten for a namespace: tcpstate, ss, tools that read the network; host tools kept', () => {
  const cases: [string, string][] = [
    ['$ tcpstate ls -p state close-wait sport = :80', '$ tcpstate ls --netns web1 -p state close-wait sport = :80'],
    ["$ ss -ltn 'sport = :80'   # Recv-Q = queue, Send-Q = backlog", "$ ss -N web1 -ltn 'sport = :80'   # Recv-Q = queue, Send-Q = backlog"],
    ['$ nstat -az TcpExtListenOverflows', '$ ip netns exec web1 nstat -az TcpExtListenOverflows'],
    ['$ sysctl -w net.core.somaxconn=4096   # the cap; restart the listener', '$ ip netns exec web1 sysctl -w net.core.somaxconn=4096   # the cap; restart the listener'],
    ['$ ping -c3 10.0.0.1; tracepath 10.0.0.1   # reachability', '$ ip netns exec web1 ping -c3 10.0.0.1; ip netns exec web1 tracepath 10.0.0.1   # reachability'],
    ['$ nstat -az TcpExtTCPAbortOnMemory; cat /proc/net/sockstat', '$ ip netns exec web1 nstat -az TcpExtTCPAbortOnMemory; ip netns exec web1 cat /proc/net/sockstat'],
    ['$ watch -n1 "ss -ltn"   # catch the listener', '$ watch -n1 "ss -N web1 -ltn"   # catch the listener'],
    ["$ tcpdump -ni any -c 50 'tcp port 80'", "$ ip netns exec web1 tcpdump -ni any -c 50 'tcp port 80'"],
    // Processes and the kernel log are the host's: ip netns exec changes only the network.
    [
      "$ ls -l /proc/42/fd | grep -c socket   # descriptors held; compare with: grep 'open files' /proc/42/limits",
      "$ ls -l /proc/42/fd | grep -c socket   # descriptors held; compare with: grep 'open files' /proc/42/limits",
    ],
    ['$ top -H -p 42', '$ top -H -p 42'],
    // Only the initial namespace has these.
    ['$ sysctl net.ipv4.tcp_max_orphans net.ipv4.tcp_mem   # on the host', '$ sysctl net.ipv4.tcp_max_orphans net.ipv4.tcp_mem   # on the host'],
    ["$ dmesg | grep -i 'SYN flooding'", "$ dmesg | grep -i 'SYN flooding'"],
    // Advice text: only an ss option list changes.
    ["Relief, not a fix: ss -K state close-wait '( sport = :80 )' closes them now", "Relief, not a fix: ss -N web1 -K state close-wait '( sport = :80 )' closes them now"],
    ['In the code: close the socket when a read returns 0 (EOF)', 'In the code: close the socket when a read returns 0 (EOF)'],
  ];
  for (const [from, to] of cases) assert.equal(stepInNetns(from, 'web1'), to, from);
  assert.deepEqual(stepsInNetns(['$ ss -tn'], undefined), ['$ ss -tn']);
});

test('doctor --netns: next steps carry the namespace; CLOSE_WAIT age from netlink', async (t) => {
  if (!kernelOrSkip(t) || !addonOrSkip(t)) return;
  const ns = Netns.create('zhcw');
  try {
    ns.run('ip', ['addr', 'add', '10.78.0.2/32', 'dev', 'lo']);
    await startLoad(ns, 'server', ['--host', '10.78.0.2', '--port', '7012', '--mode', 'leak']);
    await startLoad(ns, 'client', ['--host', '10.78.0.2', '--port', '7012', '--count', '3', '--close', 'end']);
    const ss = (): string[] => ns.run('ss', ['-Htn', 'state', 'close-wait']).trim().split('\n').filter(Boolean);
    for (let k = 0; k < 50 && ss().length < 3; k++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(ss().length, 3, 'three CLOSE_WAIT sockets (ss)');
    const heldMs = 1500;
    await new Promise((r) => setTimeout(r, heldMs));
    const cfg = join(mkdtempSync(join(tmpdir(), 'tcpstate-zhcw-')), 'cw.json');
    writeFileSync(cfg, JSON.stringify({ 'close-wait-leak': { warnCount: 1 } }));
    for (const source of ['netlink', 'proc']) {
      const r = await doctorIn(ns, ['--interval', '0', '--source', source, '--config', cfg, '--only', 'close-wait-leak']);
      const [f] = findingsOf(r.json, 'close-wait-leak');
      assert.ok(f, r.stdout + r.stderr);
      assert.equal(f.metrics['count'], 3);
      const age = f.evidence.find((e) => e.label === 'age')!.value;
      if (source === 'netlink') {
        const oldest = f.metrics['oldestMs'] as number;
        assert.ok(typeof oldest === 'number' && oldest >= heldMs && oldest < 60_000, `oldestMs ${oldest}`);
        assert.match(age, /^oldest \d/);
      } else {
        assert.equal(f.metrics['oldestMs'], null);
        assert.match(age, /\/proc shows no age/);
      }
      const steps = (f as unknown as { nextSteps: string[] }).nextSteps;
      assert.ok(steps.includes(`$ tcpstate ls --netns ${ns.name} -p state close-wait sport = :7012`), steps.join('\n'));
      assert.ok(
        steps.some((s) => s.includes(`ss -N ${ns.name} -K state close-wait`)),
        steps.join('\n'),
      );
      assert.ok(!steps.some((s) => /\$ (tcpstate \w+|ss) (?!--netns|-N)/.test(s)), steps.join('\n'));
    }
    // The command it suggests runs and lists the same sockets ss does.
    const ls = await cli(['ls', '--netns', ns.name, '-H', 'state', 'close-wait', 'sport', '=', ':7012']);
    assert.equal(ls.stdout.trim().split('\n').filter(Boolean).length, ss().length, ls.stdout + ls.stderr);
  } finally {
    ns.destroy();
  }
});

test('explain STATE --netns: its commands carry the namespace, in both languages', async (t) => {
  if (!kernelOrSkip(t)) return;
  const ns = Netns.create('zhex');
  try {
    for (const lang of ['en', 'zh']) {
      const r = await cli(['explain', 'close-wait', '--netns', ns.name, '--lang', lang]);
      assert.equal(r.code, 0, r.stderr);
      const cmds = r.stdout.split('\n').filter((l) => l.startsWith('  $ '));
      assert.ok(cmds.length >= 3, r.stdout);
      for (const c of cmds) {
        if (/^ {2}\$ (tcpstate|ss|nstat|sysctl) /.test(c)) assert.match(c, new RegExp(`^ {2}\\$ (tcpstate \\w+ --netns ${ns.name} |ss -N ${ns.name} )`), c);
        else assert.match(c, new RegExp(`^ {2}\\$ (ip netns exec ${ns.name} |ls /proc/|grep )`), c);
      }
      assert.ok(
        cmds.some((c) => c.includes(`--netns ${ns.name}`)),
        r.stdout,
      );
      // Where it counted, in the user's language.
      assert.match(r.stdout, new RegExp(lang === 'zh' ? `网络命名空间 ${ns.name}，` : `netns ${ns.name}, `), 'counts from the namespace');
    }
    const plain = await cli(['explain', 'close-wait', '--no-count']);
    assert.ok(!plain.stdout.includes('--netns'), plain.stdout);
  } finally {
    ns.destroy();
  }
});
