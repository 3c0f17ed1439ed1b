/**
 * Captures made inside this test, with the real tools, of a namespace holding sockets in 10
 * TCP states (the zoo, with a dual-stack listener, IPv4-mapped peers and UDP): each format
 * read back gives the per-state counts of the live `tcpstate count --netns` of the same
 * namespace, and each numeric listing the live table socket for socket (with owners and
 * inodes where the tool shows them). Then `tcpstate diff` between a capture and the live
 * table, after a connection is opened and half-closed, names exactly those sockets.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SocketRecord } from '../../src/model/table.js';
import { CAPTURES, recordKey, ZOO_ARGS } from '../lib/captures.js';
import { runMain } from '../lib/cli.js';
import { kernelOrSkip, kernelUnavailable, Netns } from '../lib/netns.js';

const TOOLS = ['netstat', 'ss', 'busybox', 'nft'];
const LIVE = CAPTURES.filter((c) => !c.fixtureOnly);

describe('captured text against the live table of the same namespace', () => {
  let ns: Netns | undefined;
  let zooPid = 0;
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-cap-'));

  before(async () => {
    if (kernelUnavailable()) return;
    ns = Netns.create('cap');
    // The zoo outlives the slowest run (it is killed in after()).
    zooPid = (await ns.zoo([...ZOO_ARGS, '--ttl', '900'])).pid;
  });
  after(() => {
    ns?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function liveTable(): Promise<SocketRecord[]> {
    const r = await runMain(['ls', '-a', '--json', '--netns', ns!.name]);
    if (r.code !== 0) throw new Error(r.stderr);
    return (JSON.parse(r.stdout) as { sockets: SocketRecord[] }).sockets;
  }

  /**
   * One capture with the live count and table around it: the table read before and after
   * must agree (TIME_WAIT and request sockets expire after a minute; on a busy machine a
   * capture may straddle that), else the capture is taken again.
   */
  async function captureStable(spec: (typeof CAPTURES)[number]) {
    const filter = spec.shows === 'connected' ? ['dport', '!=', ':0'] : [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const a = await liveTable();
      const count = await runMain(['count', '--json', '--netns', ns!.name, ...filter]);
      const text = ns!.run(spec.argv[0]!, spec.argv.slice(1));
      const b = await liveTable();
      if (a.map(recordKey).sort().join() === b.map(recordKey).sort().join()) {
        return { text, live: b, states: (JSON.parse(count.stdout) as { states: Record<string, number> }).states };
      }
    }
    throw new Error(`the table kept changing while ${spec.argv.join(' ')} ran`);
  }

  test('the namespace holds sockets in at least 8 TCP states', async (t) => {
    if (!kernelOrSkip(t, TOOLS)) return;
    assert.ok(new Set((await liveTable()).map((r) => r.state)).size >= 8);
  });

  for (const spec of LIVE) {
    test(`${spec.argv.join(' ')}: counts equal the live count; listing equals the live table`, async (t) => {
      if (!kernelOrSkip(t, TOOLS)) return;
      const taken = await captureStable(spec);
      const file = join(dir, `${spec.name}.txt`);
      writeFileSync(file, taken.text);
      const cap = await runMain(['count', '--json', file]);
      assert.equal(cap.code, 0, cap.stderr);
      assert.deepEqual(JSON.parse(cap.stdout).states, taken.states);
      if (spec.summary || !spec.numeric) return;
      const ls = await runMain(['ls', '-a', '-p', '--json', file]);
      assert.equal(ls.code, 0, ls.stderr);
      const got = (JSON.parse(ls.stdout) as { sockets: SocketRecord[] }).sockets;
      const want = taken.live.filter((r) => spec.shows === 'all' || r.remote.port !== 0);
      assert.deepEqual(got.map(recordKey).sort(), want.map(recordKey).sort());
      if (spec.owners) {
        // Every socket a file descriptor holds is the zoo's; TIME_WAIT and request sockets are no one's.
        const ownersGot = got.map((r) => `${recordKey(r)} ${r.owners.map((x) => x.pid).join(',')}`).sort();
        const ownersWant = want.map((r) => `${recordKey(r)} ${r.inode !== 0 ? zooPid : ''}`).sort();
        assert.deepEqual(ownersGot, ownersWant);
      }
      if (spec.inodes) {
        const i = (r: SocketRecord) => `${recordKey(r)} ${r.inode}`;
        assert.deepEqual(got.map(i).sort(), want.map(i).sort());
      }
    });
  }
});

describe('tcpstate diff against the live table', () => {
  let ns: Netns | undefined;
  let client: ChildProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-diff-'));

  before(async () => {
    if (kernelUnavailable()) return;
    ns = Netns.create('diff');
    await ns.zoo(['--only', 'listen,est,tw', '--ttl', '900']);
  });
  after(() => {
    if (client?.pid !== undefined && client.exitCode === null) {
      try {
        process.kill(client.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    ns?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The live table, waited on until `ready` holds (bounded). */
  async function liveUntil(ready: (s: SocketRecord[]) => boolean): Promise<SocketRecord[]> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const r = await runMain(['ls', '-a', '--json', '--netns', ns!.name]);
      const s = (JSON.parse(r.stdout) as { sockets: SocketRecord[] }).sockets;
      if (ready(s) || Date.now() > deadline) return s;
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  test('a new connection appears; its half-close shows as two changed states', async (t) => {
    if (!kernelOrSkip(t, ['ss', 'nft'])) return;
    const beforeFile = join(dir, 'before.txt');
    writeFileSync(beforeFile, ns!.run('ss', ['-tan']));

    const script =
      "const c=require('net').connect({port:7001,host:'127.0.0.1',allowHalfOpen:true},()=>console.log(c.localPort));c.on('error',()=>{});process.stdin.on('data',()=>{c.end();console.log('ended')});setTimeout(()=>process.exit(0),60000);";
    client = ns!.spawn(process.execPath, ['-e', script]);
    const port = await new Promise<number>((res, rej) => {
      client!.stdout!.once('data', (d: Buffer) => res(Number(String(d).trim())));
      client!.once('exit', () => rej(new Error('client exited')));
    });
    const mine = (s: SocketRecord) => s.local.port === port || s.remote.port === port;
    await liveUntil((s) => s.filter(mine).length === 2);

    const d1 = await runMain(['diff', '--json', beforeFile, '--live', '--netns', ns!.name]);
    assert.equal(d1.code, 1, d1.stderr);
    const j1 = JSON.parse(d1.stdout) as { sockets: { appeared: { local: string; remote: string; after: string }[]; disappeared: unknown[]; changed: unknown[] } };
    assert.deepEqual(
      j1.sockets.appeared.map((s) => `${s.local} ${s.remote} ${s.after}`).sort(),
      [`127.0.0.1:${port} 127.0.0.1:7001 ESTABLISHED`, `127.0.0.1:7001 127.0.0.1:${port} ESTABLISHED`].sort(),
    );
    assert.deepEqual([j1.sockets.disappeared, j1.sockets.changed], [[], []]);

    const midFile = join(dir, 'mid.txt');
    writeFileSync(midFile, ns!.run('ss', ['-tan']));
    client.stdin!.write('end\n');
    await liveUntil((s) => s.some((r) => r.local.port === port && r.state === 'FIN_WAIT2'));

    const d2 = await runMain(['diff', '--json', midFile, '--live', '--netns', ns!.name]);
    const j2 = JSON.parse(d2.stdout) as {
      sockets: { changed: { local: string; before: string; after: string }[]; appeared: unknown[]; disappeared: unknown[] };
      states: { change: Record<string, number> };
    };
    assert.deepEqual(j2.sockets.changed.map((s) => `${s.local} ${s.before}->${s.after}`).sort(), [`127.0.0.1:${port} ESTABLISHED->FIN_WAIT2`, `127.0.0.1:7001 ESTABLISHED->CLOSE_WAIT`].sort());
    assert.deepEqual([j2.sockets.appeared, j2.sockets.disappeared], [[], []]);
    const change = Object.fromEntries(Object.entries(j2.states.change).filter(([, n]) => n !== 0));
    assert.deepEqual(change, { ESTABLISHED: -2, FIN_WAIT2: 1, CLOSE_WAIT: 1 });

    // Two files give what file-and-live gave; a missing AFTER is an error unless --live says so.
    const files = await runMain(['diff', beforeFile, midFile]);
    assert.match(files.stdout, /0 changed state, 2 appeared, 0 disappeared/);
    assert.equal(files.code, 1);
    const dash = await runMain(['diff', midFile, '-', '--netns', ns!.name]);
    assert.equal(dash.code, 2);
    assert.match(dash.stderr, /nothing came on stdin.*--live/);
    const none = await runMain(['diff', midFile, '--netns', ns!.name]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /needs a second side/);
    const same = await runMain(['diff', midFile, midFile]);
    assert.deepEqual([same.code, same.stderr], [0, '']);
  });
});
