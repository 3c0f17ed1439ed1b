/**
 * Process attribution: the owner sources (src/sources/owners.ts: the BPF iterator and the
 * /proc/PID/fd pass, whose native threaded scan shares a big process out in chunks, one-thread
 * scan, JS worker path and plain JS pass) give exactly the same inode → (pid, fd) for a zoo
 * process holding thousands of sockets, started or walked, and ss -tanpe (its own /proc walk)
 * names the same pid, program and fd for every one of its sockets. A pid that is gone is
 * skipped; without root, one notice says that other users' processes are hidden.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Owner } from '../src/model/table.js';
import { DEFAULT_CONFIG } from '../src/sources/config.js';
import { loadNative } from '../src/sources/native.js';
import { bpfTriples, ownerSource } from '../src/sources/owners.js';
import { mergeTriples, nativeTriples, scanShare, startProcessScan } from '../src/sources/process-scan.js';
import { kernelOrSkip, Netns, runCli } from './lib/netns.js';

/** `inode:pid/program/fd` of every socket fd of `pid`, sorted. */
function held(owners: Iterable<[number, Owner[]]>, pid: number): string[] {
  const out: string[] = [];
  for (const [ino, os] of owners) for (const o of os) if (o.pid === pid) out.push(`${ino}:${o.pid}/${o.program}/${o.fd}`);
  return out.sort();
}

test('a process with thousands of sockets: native threads, one thread, JS and ss agree fd by fd', async (t) => {
  if (!kernelOrSkip(t, ['nft', 'ss'])) return;
  const ns = Netns.create('pscan');
  try {
    // 1600 ESTABLISHED pairs and 800 CLOSE_WAIT/FIN_WAIT2 pairs, both ends in the zoo: more
    // than 1024 fds, so its directory is shared out between threads in chunks.
    const zoo = await ns.zoo(['--only', 'listen,est,cw', '--repeat', '400']);
    const fds = fs.readdirSync(`/proc/${zoo.pid}/fd`).length;
    assert.ok(fds > 3 * 1024, `the zoo holds ${fds} fds`);

    // The oracle: ss's own walk of /proc, inside the namespace (only the zoo's sockets there).
    const ss: string[] = [];
    for (const line of ns.run('ss', ['-Htanpe']).split('\n')) {
      const ino = /\bino:(\d+)/.exec(line)?.[1];
      for (const m of line.matchAll(/\("([^"]*)",pid=(\d+),fd=(\d+)\)/g)) if (Number(m[2]) === zoo.pid) ss.push(`${ino}:${m[2]}/${m[1]}/${m[3]}`);
    }
    ss.sort();
    assert.equal(ss.length, 2 + 4 * 400 * 2, 'ss sees every zoo socket with its owner');

    const addon = loadNative(DEFAULT_CONFIG).addon;
    const live = { procRoot: '/proc', origin: 'live' as const, config: DEFAULT_CONFIG };
    const all = await ownerSource(live).start().done();
    const ref = held(all.owners.entries(), zoo.pid);
    // ss -t lists TCP sockets only; the zoo also holds Unix sockets (stdio, libuv).
    const tcp = new Set(ss.map((x) => x.slice(0, x.indexOf(':'))));
    assert.deepEqual(
      ref.filter((x) => tcp.has(x.slice(0, x.indexOf(':')))),
      ss,
      'the default scan of every pid',
    );
    assert.ok(all.scanned > 3);

    const pids = [process.pid, zoo.pid];
    /** A walk's triples as an index (program names read as a started pass reads them). */
    const walked = (o: Parameters<typeof ownerSource>[0]) => mergeTriples([nativeTriples('/proc', { triples: ownerSource(o).walk(), hidden: 0, scanned: 0 })]).owners.entries();
    const variants: [string, () => Promise<Iterable<[number, Owner[]]>>][] = [
      ['threads: 1', async () => (await startProcessScan('/proc', { pids, threads: 1, ...(addon ? { addon } : {}) })).done().then((r) => r.owners.entries())],
      ['threads: 4', async () => (await startProcessScan('/proc', { pids, threads: 4, ...(addon ? { addon } : {}) })).done().then((r) => r.owners.entries())],
      ['JS worker path', async () => (await startProcessScan('/proc', { pids })).done().then((r) => r.owners.entries())],
      [
        'owner source proc (TCPSTATE_NO_BPF=1), started',
        async () =>
          (
            await ownerSource({ ...live, config: { ...DEFAULT_CONFIG, noBpf: true } })
              .start()
              .done()
          ).owners.entries(),
      ],
      ['owner source proc (TCPSTATE_NO_BPF=1), walked', async () => walked({ ...live, config: { ...DEFAULT_CONFIG, noBpf: true } })],
      ['owner source proc without the addon, walked', async () => walked({ ...live, native: false })],
      ['owner source of a live scan, walked', async () => walked(live)],
      [
        'scanShare',
        async () =>
          mergeTriples([
            scanShare(
              '/proc',
              Int32Array.from(pids),
              new Int32Array(2),
              (p) => fs.readdirSync(p),
              (p) => fs.readlinkSync(p),
            ),
          ]).owners.entries(),
      ],
    ];
    for (const [name, run] of variants) assert.deepEqual(held(await run(), zoo.pid), ref, name);

    if (!addon) {
      t.diagnostic('native addon not loaded: scanStart/scanFinish cases not run');
      return;
    }
    // The BPF iterator (native/bpf_owners.c) against the /proc/PID/fd scan of every pid.
    const every = await startProcessScan('/proc', { addon }).done();
    assert.deepEqual(held(every.owners.entries(), zoo.pid), ref, '/proc/PID/fd of every pid');
    let why = '';
    try {
      addon.bpfOwners();
    } catch (e) {
      why = (e as Error).message;
    }
    if (why) {
      // Where the kernel has BTF and this is root in the initial pid namespace, it must run.
      const expected = fs.existsSync('/sys/kernel/btf/vmlinux') && process.getuid?.() === 0 && fs.readlinkSync('/proc/self/ns/pid') === 'pid:[4026531836]';
      if (expected && process.env['TCPSTATE_REQUIRE_KERNEL'] === '1') assert.fail(`the BPF iterator did not run: ${why}`);
      t.diagnostic(`BPF iterator not compared: ${why}`);
    } else {
      const bpf = mergeTriples([nativeTriples('/proc', { triples: bpfTriples(addon)!, hidden: 0, scanned: 0 })]);
      assert.deepEqual(held(bpf.owners.entries(), zoo.pid), ref, 'the BPF iterator');
    }
    // Once per handle.
    const h = addon.scanStart(Int32Array.from(pids), '/proc', 2);
    assert.equal(addon.scanFinish(h).triples.length % 3, 0);
    assert.throws(() => addon.scanFinish(h), { code: 'ERR_SCAN_FINISHED', message: /already finished/ });
    assert.throws(() => addon.scanFinish({} as never), TypeError);
    // Scans never finished are cancelled and joined by their finalizer when collected.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    for (let i = 0; i < 4; i++) addon.scanStart(Int32Array.from(pids), '/proc', 3);
    gc();
    await new Promise((r) => setImmediate(r));
    gc();
    const again = await startProcessScan('/proc', { pids, threads: 3, addon }).done();
    assert.deepEqual(held(again.owners.entries(), zoo.pid), ref, 'a scan after cancelled ones');
  } finally {
    ns.destroy();
  }
});

test('a pid that is gone is skipped, not an error', async () => {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  const gone = child.pid!;
  await new Promise((r) => child.once('exit', r)); // exited and reaped: /proc/PID is gone
  const addon = loadNative(DEFAULT_CONFIG).addon;
  for (const opts of [{ threads: 2, addon }, { threads: 1, addon }, {}]) {
    const r = await startProcessScan('/proc', { pids: [gone, process.pid], ...opts }).done();
    assert.equal(r.scanned, 1, JSON.stringify(opts));
    assert.equal(r.hidden, 0);
    for (const [, os] of r.owners.entries()) for (const o of os) assert.notEqual(o.pid, gone);
  }
});

test("without root: one notice that other users' processes are hidden", (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root to run a command as another user');
    return;
  }
  const r = runCli(['ls', '-tanp', '--source', 'proc'], { uid: 65534, gid: 65534 });
  assert.equal(r.code, 0, r.stderr);
  const notices = r.stderr.split('\n').filter((l) => /hidden/.test(l));
  assert.equal(notices.length, 1, r.stderr);
  assert.match(notices[0]!, /^tcpstate: \d+ processes of other users are hidden \(run as root to see every owner\)$/);
});
