/**
 * `--replay` reads one whole snapshot or says why not: a recording cut short (at a message
 * boundary or inside a message), two recordings joined together, a directory. Built from
 * the real recordings in test/fixtures/netlink (cut and joined here) and from fresh ones
 * made by `--record` in a namespace of this test's own; ss reading the same files
 * (TCPDIAG_FILE) is the oracle for what a cut recording is.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { isTcpstateError, type Warning } from '../src/model/errors.js';
import { ALL_MASK } from '../src/model/state.js';
import { PROTO_TCP, PROTO_UDP, SocketTable } from '../src/model/table.js';
import { decodeSockDiag, NLMSG_DONE } from '../src/sources/netlink-decode.js';
import { replaySource } from '../src/sources/netlink-replay.js';
import { scanOptions } from '../src/snapshot.js';
import { DEFAULT_CONFIG } from '../src/sources/config.js';
import { ADDON, addonOrSkip, kernelUnavailable, Netns, REPO, runCli } from './lib/netns.js';

const FIX = join(REPO, 'test', 'fixtures', 'netlink');
const read = (f: string) => new Uint8Array(readFileSync(join(FIX, f)));
/** What each recording holds: zoo-tcp-udp.nl TCP and UDP, the others TCP. */
const FIXTURES: [string, boolean][] = [
  ['zoo-ss-D.nl', false],
  ['zoo-tcp-info.nl', false],
  ['zoo-tcp-udp.nl', true],
];

const dir = mkdtempSync(join(tmpdir(), 'tcpstate-replay-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let seq = 0;
function file(bytes: Uint8Array): string {
  const p = join(dir, `r${++seq}.nl`);
  writeFileSync(p, bytes);
  return p;
}

/** Message starts and ends of a stream, and which messages are NLMSG_DONE. */
function messages(b: Uint8Array): { start: number; end: number; done: boolean }[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = [];
  for (let p = 0; p + 16 <= b.length; ) {
    const len = v.getUint32(p, true);
    const end = p + ((len + 3) & ~3);
    out.push({ start: p, end, done: v.getUint16(p + 4, true) === NLMSG_DONE });
    p = end;
  }
  return out;
}

/** Replay a file as the CLI does, every state, the given protocols. */
function replay(path: string, udp: boolean): { rows: SocketTable; warnings: Warning[] } {
  const rows = new SocketTable();
  const r = replaySource.scan(scanOptions({ replay: path, tcp: true, udp, states: ALL_MASK, config: DEFAULT_CONFIG }), (c) => {
    for (let i = 0; i < c.length; i++) rows.copyRow(c, i);
  });
  return { rows, warnings: r.warnings };
}

function hasSs(): boolean {
  try {
    execFileSync('ss', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** What `TCPDIAG_FILE=FILE ss -tan` says on stderr. */
function ssReads(path: string): string {
  return spawnSync('ss', ['-tanH'], { env: { ...process.env, TCPDIAG_FILE: path }, encoding: 'utf8' }).stderr;
}

for (const [f, udp] of FIXTURES) {
  test(`${f}: replayed whole, every socket once and no warning about what it covers`, () => {
    const all = decodeSockDiag(read(f), () => {}).stats.sockets;
    const r = replay(join(FIX, f), udp);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.rows.length, all);
    assert.ok(all > 20);
  });

  test(`${f}: cut at any message boundary, it is an error (inside a dump) or says what it lacks (between dumps), never a smaller answer`, (t) => {
    const b = read(f);
    const msgs = messages(b);
    const firstDone = msgs.find((m) => m.done)!.end;
    const ss = hasSs();
    if (!ss && process.env['TCPSTATE_REQUIRE_KERNEL'] === '1') throw new Error('ss is not installed');
    let errors = 0;
    let warned = 0;
    for (const m of msgs.slice(0, -1)) {
      const cut = file(b.subarray(0, m.end));
      if (m.done) {
        // A whole dump and nothing of the next: what the missing dumps covered is said.
        const r = replay(cut, udp);
        assert.ok(
          r.warnings.some((w) => w.code === 'W_NOT_RECORDED' && w.where.file === cut),
          `cut after the NLMSG_DONE ending at ${m.end}: ${JSON.stringify(r.warnings)}`,
        );
        warned++;
        continue;
      }
      assert.throws(
        () => replay(cut, udp),
        (e: unknown) => isTcpstateError(e) && e.code === 'ERR_PARSE' && e.where.file === cut && e.where.offset === m.end && /unexpected end of file.*no NLMSG_DONE/.test(e.message),
        `cut at ${m.end}`,
      );
      errors++;
      // ss reads a recording up to its first NLMSG_DONE: before it, a cut is its Unexpected EOF.
      if (ss && m.end < firstDone) assert.match(ssReads(cut), /Unexpected EOF/, `ss on the cut at ${m.end}`);
    }
    assert.ok(errors > 20 && warned >= 1, `${errors} cuts inside dumps, ${warned} between dumps`);
    if (!ss) t.diagnostic('ss is not installed: not compared');
  });

  test(`${f}: cut inside a message, the error names the file and the message's byte offset`, () => {
    const b = read(f);
    for (const m of messages(b)) {
      for (const k of [1, 8, 15, 16, 20, m.end - m.start - 4]) {
        if (k <= 0 || m.start + k >= m.end) continue;
        const cut = file(b.subarray(0, m.start + k));
        assert.throws(
          () => replay(cut, udp),
          (e: unknown) => isTcpstateError(e) && e.code === 'ERR_PARSE' && e.where.file === cut && e.where.offset === m.start,
          `cut at ${m.start}+${k}`,
        );
      }
    }
  });
}

test('two recordings joined together: an error at the byte where the second snapshot begins, not every socket counted twice', () => {
  const cases: [string, string][] = [
    ['zoo-tcp-udp.nl', 'zoo-tcp-udp.nl'],
    ['zoo-ss-D.nl', 'zoo-ss-D.nl'],
    ['zoo-tcp-info.nl', 'zoo-ss-D.nl'],
    ['zoo-ss-D.nl', 'zoo-tcp-info.nl'],
  ];
  for (const [a, b] of cases) {
    const first = read(a);
    const joined = file(Buffer.concat([first, read(b)]));
    assert.throws(
      () => replay(joined, true),
      (e: unknown) => isTcpstateError(e) && e.code === 'ERR_PARSE' && e.where.file === joined && e.where.offset === first.length && /second dump of TCP IPv4/.test(e.message),
      `${a} + ${b}`,
    );
    const r = runCli(['count', '--replay', joined]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '', 'no answer is printed');
    assert.match(r.stderr, new RegExp(`^tcpstate: ${joined}: byte ${first.length}: a second dump`));
  }
});

test("dumps of different protocols are one snapshot: ss -D's TCP then another recording's UDP dumps read once each", () => {
  const tu = read('zoo-tcp-udp.nl');
  const udpFrom = messages(tu).filter((m) => m.done)[1]!.end; // after the TCP IPv6 dump
  const ssD = read('zoo-ss-D.nl');
  const r = replay(file(Buffer.concat([ssD, tu.subarray(udpFrom)])), true);
  assert.deepEqual(r.warnings, []);
  let tcp = 0;
  let udp = 0;
  for (let i = 0; i < r.rows.length; i++) {
    if (r.rows.proto[i] === PROTO_TCP) tcp++;
    else if (r.rows.proto[i] === PROTO_UDP) udp++;
  }
  assert.equal(tcp, decodeSockDiag(ssD, () => {}).stats.sockets);
  assert.equal(udp, decodeSockDiag(tu.subarray(udpFrom), () => {}).stats.sockets);
  assert.ok(udp > 0);
});

test('asking for what a recording never dumped says so (UDP from ss -D, IPv6 from a cut before it)', () => {
  const r = runCli(['count', '-tu', '--json', '--replay', join(FIX, 'zoo-ss-D.nl')]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { warnings: Warning[] };
  assert.deepEqual(
    doc.warnings.map((w) => w.code),
    ['W_NOT_RECORDED'],
  );
  assert.match(doc.warnings[0]!.message, /no dump of UDP sockets/);
  assert.match(r.stderr, /tcpstate: warning: .*zoo-ss-D\.nl: the recording holds no dump of UDP sockets/);
  // Not asked, not said.
  assert.equal(runCli(['count', '-4', '--replay', file(read('zoo-ss-D.nl').subarray(0, messages(read('zoo-ss-D.nl')).find((m) => m.done)!.end))]).stderr, '');
});

test('a directory, or a length no sock_diag message has, is a clear error naming the path', () => {
  const d = join(dir, 'a-directory');
  mkdirSync(d);
  const r = runCli(['count', '--replay', d]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), `tcpstate: ${d}: field --replay: cannot read ${d}: it is a directory`);
  // A header claiming 4 GiB: refused at once, not waited for and buffered.
  const b = read('zoo-ss-D.nl').slice();
  new DataView(b.buffer).setUint32(124, 0xfffffff0, true);
  const big = file(b);
  assert.throws(
    () => replay(big, false),
    (e: unknown) => isTcpstateError(e) && e.code === 'ERR_PARSE' && e.where.offset === 124 && e.where.field === 'nlmsg_len' && /larger than any sock_diag message/.test(e.message),
  );
});

// Fresh recordings by this build's --record: one walk for TCP (or a dump per family), a
// dump per family for UDP. They replay as the live table, and joined they are refused.

let ns: Netns | undefined;
before(async () => {
  if (kernelUnavailable() || !existsSync(ADDON)) return;
  ns = Netns.create('replay');
  await ns.zoo(['--only', 'listen,est,cw,tw,udp', '--repeat', '4', '--ttl', '120']);
});
after(() => ns?.destroy());

const guard = (t: TestContext): boolean => addonOrSkip(t, ['ss']);

type CountDoc = { total: number; counts: Record<string, number>; warnings: Warning[] };

test('fresh recordings (one walk, and per family; TCP and UDP) replay as the recorded count, and joined are refused', (t) => {
  if (!guard(t)) return;
  const made: string[] = [];
  for (const env of [{}, { TCPSTATE_NETLINK_PER_FAMILY: '1' }] as Record<string, string>[]) {
    const rec = join(dir, `fresh${made.length}.nl`);
    const live = runCli(['count', '-tu', '--json', '--netns', ns!.name, '--record', rec], { env });
    assert.equal(live.code, 0, live.stderr);
    const back = runCli(['count', '-tu', '--json', '--replay', rec]);
    assert.equal(back.code, 0, back.stderr);
    const a = JSON.parse(live.stdout) as CountDoc;
    const b = JSON.parse(back.stdout) as CountDoc;
    assert.deepEqual(b.counts, a.counts);
    assert.deepEqual(b.warnings, []);
    assert.ok(a.total >= 20, `the zoo is there (${a.total})`);
    // ss reads the first dump: TCP, both families in one walk, as many as the replay's TCP.
    if (Object.keys(env).length === 0) {
      const ss = spawnSync('ss', ['-tanH'], { env: { ...process.env, TCPDIAG_FILE: rec }, encoding: 'utf8' });
      const tcp = JSON.parse(runCli(['count', '--json', '--replay', rec]).stdout) as CountDoc;
      assert.equal(ss.stdout.trim().split('\n').length, tcp.total);
    }
    // Cut after each dump but the last: the rest is said to be missing.
    const bytes = new Uint8Array(readFileSync(rec));
    const dones = messages(bytes).filter((m) => m.done);
    assert.ok(dones.length >= 3, `${dones.length} dumps`);
    for (const d of dones.slice(0, -1)) {
      const r = runCli(['count', '-tu', '--json', '--replay', file(bytes.subarray(0, d.end))]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(
        (JSON.parse(r.stdout) as CountDoc).warnings.some((w) => w.code === 'W_NOT_RECORDED'),
        `cut at ${d.end}`,
      );
    }
    made.push(rec);
  }
  const one = readFileSync(made[0]!);
  const joined = file(Buffer.concat([one, readFileSync(made[1]!)]));
  const r = runCli(['count', '-tu', '--replay', joined]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^tcpstate: ${joined}: byte ${one.length}: a second dump of TCP IPv4`));
});

test('a --record that fails (a full disk) leaves no file behind, and an older recording untouched', (t) => {
  if (!guard(t)) return;
  const mnt = join(dir, 'small');
  mkdirSync(mnt);
  // Two pages: one for the older recording, one for the new one, which needs more.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8k', 'tcpstate-test', mnt]);
  try {
    const rec = join(mnt, 'box.nl');
    const fresh = runCli(['ls', '-tanim', '--netns', ns!.name, '--record', join(mnt, 'new.nl')]);
    assert.equal(fresh.code, 1, fresh.stderr);
    assert.equal(fresh.stdout, '');
    assert.match(fresh.stderr, new RegExp(`^tcpstate: ${mnt}/new\\.nl: field --record: cannot write ${mnt}/new\\.nl: ENOSPC`));
    assert.deepEqual(readdirSync(mnt), [], 'nothing is left behind');
    writeFileSync(rec, 'older recording');
    const again = runCli(['ls', '-tanim', '--netns', ns!.name, '--record', rec]);
    assert.equal(again.code, 1, again.stderr);
    assert.deepEqual(readdirSync(mnt), ['box.nl']);
    assert.equal(readFileSync(rec, 'utf8'), 'older recording');
    // With room, the recording is made and reads back whole.
    rmSync(rec);
    const ok = runCli(['count', '--netns', ns!.name, '--record', rec]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(readdirSync(mnt), ['box.nl']);
    assert.equal(runCli(['count', '--replay', rec]).code, 0);
  } finally {
    execFileSync('umount', [mnt]);
  }
});
