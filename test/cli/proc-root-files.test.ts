/**
 * A captured /proc tree with files missing, empty or not what the kernel writes: the real
 * trees of test/fixtures/proc-zoo and proc-doctor copied to a temp dir and altered. Every
 * command that reads a proc root says what it could not read (a typed warning on stderr
 * and in the JSON), and no file makes it read without bound: each run has a time limit,
 * so a reader that never stops fails instead of hanging the suite.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Warning } from '../../src/model/errors.js';
import { ProcNetParser } from '../../src/sources/proc-net.js';
import { AF_INET } from '../../src/model/address.js';
import { PROTO_TCP } from '../../src/model/table.js';
import { isTcpstateError } from '../../src/model/errors.js';
import { CLI, REPO } from '../lib/netns.js';

const ZOO = join(REPO, 'test', 'fixtures', 'proc-zoo');
const DOCTOR = join(REPO, 'test', 'fixtures', 'proc-doctor', 'root');
const tmp = mkdtempSync(join(tmpdir(), 'tcpstate-procfiles-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A copy of a fixture tree, altered by `change`. */
function tree(from: string, change: (root: string) => void): string {
  const root = join(tmp, `t${++n}`);
  cpSync(from, root, { recursive: true, verbatimSymlinks: true });
  change(root);
  return root;
}

/**
 * The built CLI with a time limit (killed when it passes) and 4 GB of address space (a
 * reader without bound dies there, on a machine others share, instead of taking it all).
 */
function run(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): { code: number | null; stdout: string; stderr: string; timedOut: boolean } {
  const r = spawnSync('sh', ['-c', 'ulimit -v 4000000 && exec "$@"', 'sh', process.execPath, CLI, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 1 << 28,
    env: { ...process.env, TCPSTATE_NO_BPF: '1', ...env },
  });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut: r.error !== undefined || r.signal !== null };
}

const total = (stdout: string) => (JSON.parse(stdout) as { total: number }).total;
const rowsIn = (file: string) =>
  readFileSync(file, 'latin1')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '').length;

for (const [how, change, code] of [
  ['absent (IPv6 disabled, or not captured)', (r: string) => rmSync(join(r, 'net', 'tcp6')), 'W_FILE_ABSENT'],
  ['empty (zero bytes, not even the header)', (r: string) => writeFileSync(join(r, 'net', 'tcp6'), ''), 'W_FILE_EMPTY'],
] as const) {
  test(`net/tcp6 ${how}: ls, count, doctor, explain and diagram --counts say so, on stderr and in JSON`, () => {
    const root = tree(ZOO, change);
    const tcp6 = join(root, 'net', 'tcp6');
    const said = new RegExp(`^tcpstate: warning: ${tcp6}: the file is (absent|empty).*no IPv6 TCP sockets were read`, 'm');
    const json = (out: string): Warning[] => (JSON.parse(out) as { warnings: Warning[] }).warnings;
    const expect = (ws: Warning[], what: string) =>
      assert.ok(
        ws.some((w) => w.code === code && w.where.file === tcp6),
        `${what}: ${JSON.stringify(ws)}`,
      );

    const count = run(['count', '--json', '--proc-root', root]);
    assert.equal(count.code, 0, count.stderr);
    assert.match(count.stderr, said);
    expect(json(count.stdout), 'count --json');
    // The answer is the IPv4 file's, and says it is only that.
    assert.equal(total(count.stdout), rowsIn(join(ZOO, 'net', 'tcp')));
    assert.ok(rowsIn(join(ZOO, 'net', 'tcp6')) > 0, 'the fixture has IPv6 sockets to lose');

    const ls = run(['ls', '-a', '--json', '--proc-root', root]);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stderr, said);
    expect(json(ls.stdout), 'ls --json');

    const text = run(['count', '--proc-root', root]);
    assert.match(text.stderr, said);

    for (const args of [
      ['explain', '--proc-root', root],
      ['explain', 'time-wait', '--proc-root', root],
      ['diagram', '--counts', '--proc-root', root],
    ]) {
      const r = run(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, said, args.join(' '));
    }

    const droot = tree(DOCTOR, change);
    const dtcp6 = join(droot, 'net', 'tcp6');
    const doc = run(['doctor', '--json', '--proc-root', droot]);
    assert.ok(doc.code !== null && doc.code <= 3, doc.stderr);
    assert.ok(
      json(doc.stdout).some((w) => w.code === code && w.where.file === dtcp6),
      doc.stdout.slice(-2000),
    );
    assert.match(run(['doctor', '--proc-root', droot]).stderr, new RegExp(`^tcpstate: warning: ${dtcp6}: the file is`, 'm'));
  });
}

test('udp6 absent: said when UDP is asked for, not otherwise', () => {
  const root = tree(ZOO, (r) => rmSync(join(r, 'net', 'udp6')));
  const u = run(['count', '-u', '--json', '--proc-root', root]);
  assert.equal(u.code, 0, u.stderr);
  assert.deepEqual(
    (JSON.parse(u.stdout) as { warnings: Warning[] }).warnings.map((w) => [w.code, w.where.file]),
    [['W_FILE_ABSENT', join(root, 'net', 'udp6')]],
  );
  assert.match(u.stderr, /no IPv6 UDP sockets were read/);
  const t = run(['count', '--json', '--proc-root', root]);
  assert.equal(t.stderr, '');
  assert.deepEqual((JSON.parse(t.stdout) as { warnings: Warning[] }).warnings, []);
});

test('a whole tree says nothing: no warning about files that are there', () => {
  const r = run(['count', '-tu', '--json', '--proc-root', ZOO]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
});

// Files that are /dev/zero: no line end, no end. Each is refused at a bounded size, with
// the file and byte offset, instead of being read into memory until the machine gives out.

for (const rel of ['net/tcp', 'net/tcp6', 'net/udp', 'net/udp6']) {
  test(`${rel} as /dev/zero: an error naming the file and byte offset, in bounded time and memory`, () => {
    const root = tree(ZOO, (r) => {
      rmSync(join(r, rel));
      symlinkSync('/dev/zero', join(r, rel));
    });
    const r = run(['count', '-tu', '--proc-root', root]);
    assert.equal(r.timedOut, false, 'it ends');
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^tcpstate: ${join(root, rel)}: byte 0: line 1 is longer than \\d+ bytes \\(no /proc/net line is\\): not read further\n$`));
  });
}

test('a line too long inside one read, or spanning reads, is refused at its own offset', () => {
  const file = { name: 'cap/net/tcp', family: AF_INET, proto: PROTO_TCP };
  const head = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  // Far longer than any limit a /proc/net line could need.
  const long = `${head}${'x'.repeat(1 << 20)}\n`;
  const bytes = new TextEncoder().encode(long);
  for (const step of [bytes.length, 65536, 4096, 1000]) {
    const p = new ProcNetParser(file, () => {});
    assert.throws(
      () => {
        for (let i = 0; i < bytes.length; i += step) p.feed(bytes, i, Math.min(bytes.length, i + step));
        p.end();
      },
      (e: unknown) => isTcpstateError(e) && e.code === 'ERR_PARSE' && e.where.offset === head.length && /line 2 is longer/.test(e.message),
      `feeds of ${step}`,
    );
  }
});

for (const rel of ['net/netstat', 'net/snmp', 'net/sockstat', 'net/sockstat6', 'sys/net/ipv4/tcp_fin_timeout', 'sys/net/ipv4/ip_local_port_range']) {
  test(`doctor with ${rel} as /dev/zero: an error naming the file and byte offset, in bounded time`, () => {
    const root = tree(DOCTOR, (r) => {
      rmSync(join(r, rel));
      symlinkSync('/dev/zero', join(r, rel));
    });
    const r = run(['doctor', '--proc-root', root]);
    assert.equal(r.timedOut, false, 'it ends');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`^tcpstate: ${join(root, rel)}: byte \\d+: longer than \\d+ bytes, which no (counter file|sysctl value) is`, 'm'));
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  });
}

// comm: the kernel keeps 15 bytes of a process name (TASK_COMM_LEN 16, with the NUL).

const OWNER = '23448'; // in proc-doctor: holds the 12 CLOSE_WAIT sockets doctor reports

test("a 1 MB PID/comm: cut to 15 bytes as the kernel cuts names, with a warning; doctor's JSON stays small", () => {
  const name = 'n'.repeat(1 << 20);
  const root = tree(DOCTOR, (r) => writeFileSync(join(r, OWNER, 'comm'), `${name}\n`));
  const comm = join(root, OWNER, 'comm');
  const r = run(['doctor', '--json', '--proc-root', root]);
  assert.equal(r.timedOut, false);
  assert.ok(r.stdout.length < 200_000, `${r.stdout.length} bytes of JSON`);
  const doc = JSON.parse(r.stdout) as { warnings: Warning[] };
  assert.ok(r.stdout.includes(`"${OWNER}/${'n'.repeat(15)}"`), 'the name, cut to 15 bytes, is shown');
  assert.ok(!r.stdout.includes('n'.repeat(16)), 'nothing longer');
  assert.deepEqual(
    doc.warnings.filter((w) => w.code === 'W_LONG_COMM').map((w) => w.where.file),
    [comm],
  );
  assert.match(r.stderr, new RegExp(`^tcpstate: warning: ${comm}: process name of more than 64 bytes, where the kernel keeps at most 15`, 'm'));
  // Every reader of owners cuts it the same way.
  const ls = run(['ls', '-p', '--proc-root', root]);
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, new RegExp(`${OWNER}/${'n'.repeat(15)}(\\s|$)`, 'm'));
  assert.match(ls.stderr, /W_LONG_COMM|process name of more than 64 bytes/);
  const by = run(['count', '--by', 'process', '--proc-root', root]);
  assert.equal(by.code, 0, by.stderr);
  assert.ok(!by.stdout.includes('n'.repeat(16)));
  assert.match(by.stderr, /process name of more than 64 bytes/);
});

test('PID/comm as /dev/zero ends, in bounded time, with the same warning, on the native scan and the JS one; a 16-byte name too', () => {
  const root = tree(DOCTOR, (r) => {
    rmSync(join(r, OWNER, 'comm'));
    symlinkSync('/dev/zero', join(r, OWNER, 'comm'));
  });
  for (const env of [{}, { TCPSTATE_NO_NATIVE: '1' }] as Record<string, string>[]) {
    const r = run(['ls', '-p', '--json', '--proc-root', root], env);
    assert.equal(r.timedOut, false, 'it ends');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { warnings: Warning[] }).warnings.map((w) => [w.code, w.where.file]),
      [['W_LONG_COMM', join(root, OWNER, 'comm')]],
      JSON.stringify(env),
    );
  }
  const sixteen = tree(DOCTOR, (r2) => writeFileSync(join(r2, OWNER, 'comm'), 'abcdefghijklmnop\n'));
  const s = run(['ls', '-p', '--proc-root', sixteen]);
  assert.match(s.stdout, new RegExp(`${OWNER}/abcdefghijklmno(\\s|$)`, 'm'));
  assert.match(s.stderr, /process name of 16 bytes, where the kernel keeps at most 15/);
  // Real names (every comm of the fixture) draw no warning.
  for (const pid of readdirSync(DOCTOR).filter((p) => /^\d+$/.test(p))) assert.ok(readFileSync(join(DOCTOR, pid, 'comm'), 'latin1').length <= 16);
  assert.equal(run(['ls', '-p', '--proc-root', DOCTOR]).stderr, '');
});

test('many altered names: the first three are named, the rest counted', () => {
  const owners = readdirSync(DOCTOR).filter((p) => /^\d+$/.test(p) && existsSync(join(DOCTOR, p, 'fd')) && readdirSync(join(DOCTOR, p, 'fd')).length > 0);
  assert.ok(owners.length >= 5, `${owners.length} processes with sockets`);
  const root = tree(DOCTOR, (r) => {
    for (const p of owners) writeFileSync(join(r, p, 'comm'), `${'q'.repeat(40)}\n`);
  });
  const r = run(['ls', '-p', '--json', '--proc-root', root]);
  assert.equal(r.code, 0, r.stderr);
  const ws = (JSON.parse(r.stdout) as { warnings: Warning[] }).warnings;
  assert.equal(ws.length, 4);
  assert.ok(ws.slice(0, 3).every((w) => w.code === 'W_LONG_COMM' && /process name of 40 bytes/.test(w.message) && w.where.file !== undefined));
  assert.equal(ws[3]!.message, `and ${owners.length - 3} more like this (${owners.length} W_LONG_COMM in all)`);
  assert.equal(ws[3]!.more, owners.length - 3);
});
