/**
 * UDP in a namespace: `ls -u` hides unconnected sockets as `netstat -nu` does, `-lu` lists
 * only them as `netstat -nlu` does, `-ua` both; JSON and CSV call them UNCONN as ss does.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { kernelOrSkip, kernelUnavailable, Netns } from '../lib/netns.js';
import { runMain } from '../lib/cli.js';

/** `proto local remote` of each udp line of a netstat-style listing. */
function udpLines(text: string): string[] {
  // tcpstate writes IPv6 endpoints in brackets ([::1]:53), netstat without (::1:53).
  return text
    .split('\n')
    .filter((l) => l.startsWith('udp'))
    .map((l) =>
      l
        .trim()
        .split(/\s+/)
        .slice(0, 5)
        .filter((_, k) => k !== 1 && k !== 2)
        .join(' ')
        .replace(/[[\]]/g, ''),
    )
    .sort();
}

describe('UDP sockets listed as netstat lists them', () => {
  let ns: Netns | undefined;
  let holder: ChildProcess | undefined;
  const base = 30000 + (process.pid % 20000);

  before(async () => {
    if (kernelUnavailable()) return;
    ns = Netns.create('udp');
    // Two unconnected sockets (IPv4, IPv6) and a connected pair; held until the test ends.
    holder = ns.spawn(process.execPath, [
      '-e',
      `
      const d = require('node:dgram');
      const a = d.createSocket('udp4'); const b = d.createSocket('udp4'); const c = d.createSocket('udp6');
      a.bind(${base}, '127.0.0.1', () => b.bind(${base + 1}, '127.0.0.1', () => b.connect(${base}, '127.0.0.1', () =>
        c.bind(${base + 2}, '::1', () => console.log('ready')))));
      process.stdin.resume();`,
    ]);
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error('UDP holder not ready')), 10_000);
      holder!.stdout!.once('data', () => {
        clearTimeout(timer);
        res();
      });
    });
  });
  after(() => ns?.destroy());

  test('ls -u, -lu, -ua: the sockets of netstat -nu, -nlu, -nua', async (t) => {
    if (!kernelOrSkip(t, ['netstat'])) return;
    for (const [ours, theirs] of [
      [['-u'], '-nu'],
      [['-lu'], '-nlu'],
      [['-ua'], '-nua'],
    ] as const) {
      const r = await runMain(['ls', ...ours, '--netns', ns!.name]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(udpLines(r.stdout), udpLines(ns!.run('netstat', [theirs])), ours.join(' '));
    }
    const plain = await runMain(['ls', '-u', '--netns', ns!.name]);
    assert.deepEqual(udpLines(plain.stdout), [`udp 127.0.0.1:${base + 1} 127.0.0.1:${base}`]);
  });

  test('--json and --csv: unconnected is UNCONN, as ss -uan says, never CLOSE', async (t) => {
    if (!kernelOrSkip(t, ['ss'])) return;
    const r = await runMain(['ls', '-ua', '--json', '--netns', ns!.name]);
    const j = JSON.parse(r.stdout) as { sockets: { proto: string; state: string; local: { port: number } }[] };
    const ours = j.sockets.map((s) => `${s.local.port} ${s.state}`).sort();
    const ss = ns!
      .run('ss', ['-uanH'])
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .map((f) => `${f[3]!.split(':').pop()} ${f[0] === 'ESTAB' ? 'ESTABLISHED' : f[0]}`)
      .sort();
    assert.deepEqual(ours, ss);
    assert.ok(ours.includes(`${base} UNCONN`));
    const csv = await runMain(['ls', '-ua', '--csv', '--netns', ns!.name]);
    assert.match(csv.stdout, new RegExp(`^udp,4,UNCONN,127\\.0\\.0\\.1,${base},`, 'm'));
    assert.doesNotMatch(csv.stdout, /,CLOSE,/);
  });
});
