/**
 * Process attribution on two threads gives exactly what a one-thread pass over
 * /proc/PID/fd gives, for the sockets of a zoo; without root, one notice says that other
 * users' processes are hidden.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Owner } from '../src/model/table.js';
import { startProcessScan } from '../src/sources/process-scan.js';
import { scanProcesses } from '../src/sources/processes.js';
import { kernelOrSkip, Netns, runCli } from './lib/netns.js';

test('two-thread scan equals the one-thread scan on the zoo\'s sockets', async (t) => {
  if (!kernelOrSkip(t, ['nft'])) return;
  const ns = Netns.create('pscan');
  try {
    const zoo = await ns.zoo(['--only', 'listen,est,cw', '--repeat', '3']);
    const par = await startProcessScan('/proc').done();
    const one = scanProcesses('/proc');
    const mine = (m: Iterable<[number, Owner[]]>) => [...m].filter(([, o]) => o.some((x) => x.pid === zoo.pid)).map(([ino, o]) => `${ino}:${o.map((x) => `${x.pid}/${x.program}/${x.fd}`).join(',')}`).sort();
    const a = mine(par.owners.entries());
    assert.ok(a.length >= 2 + 3 * 2 * 4, `the zoo holds its sockets (${a.length})`);
    assert.deepEqual(a, mine(one.owners as Map<number, Owner[]>));
    assert.ok(par.scanned > 10);
    const single = await startProcessScan('/proc', { threads: 1 }).done();
    assert.deepEqual(mine(single.owners.entries()), a);
    // The JS fallback (no addon) scans the same.
    const { scanShare, mergeTriples } = await import('../src/sources/process-scan.js');
    const { listPids } = await import('../src/sources/processes.js');
    const fs = await import('node:fs');
    const js = mergeTriples([scanShare('/proc', Int32Array.from(listPids('/proc')), new Int32Array(2), (p) => fs.readdirSync(p), (p) => fs.readlinkSync(p))]);
    assert.deepEqual(mine(js.owners.entries()), a);
  } finally {
    ns.destroy();
  }
});

test('without root: one notice that other users\' processes are hidden', (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root to run a command as another user'); return; }
  const r = runCli(['ls', '-tanp', '--source', 'proc'], { uid: 65534, gid: 65534 });
  assert.equal(r.code, 0, r.stderr);
  const notices = r.stderr.split('\n').filter((l) => /hidden/.test(l));
  assert.equal(notices.length, 1, r.stderr);
  assert.match(notices[0]!, /^tcpstate: \d+ processes of other users are hidden \(run as root to see every owner\)$/);
});
