/**
 * `tcpstate diff` on captures: two tools' views of one moment agree socket for socket; an
 * edited capture shows exactly its edits; summaries compare per state only.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AF_INET, AF_INET6, parseV6 } from '../../src/model/address.js';
import { diffTables } from '../../src/model/diff.js';
import { ESTABLISHED, LISTEN, TIME_WAIT } from '../../src/model/state.js';
import { PROTO_TCP, SocketTable } from '../../src/model/table.js';
import { runMain } from '../lib/cli.js';
import { assertGolden } from '../lib/golden.js';
import { REPO } from '../lib/netns.js';
import type { DiffDocument } from '../../src/model/documents.js';

const TEXT = join(REPO, 'test', 'fixtures', 'text');
const tmp = mkdtempSync(join(tmpdir(), 'tcpstate-diff-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('tcpstate diff on captures', () => {
  test('netstat, ss, busybox and /proc views of one moment: no socket differs', async () => {
    for (const other of ['ss-tanpoieO.txt', 'busybox-an.txt', 'proc-tcp.txt', 'live.json']) {
      const r = await runMain(['diff', '--json', join(TEXT, 'netstat-an.txt'), join(TEXT, other)]);
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as DiffDocument;
      assert.deepEqual(j.sockets, { changed: [], appeared: [], disappeared: [] }, other);
      assert.ok(Object.values(j.states.change).every((n) => n === 0));
    }
  });

  test('an edited capture: one socket changed, one gone, one new (golden)', async () => {
    const lines = readFileSync(join(TEXT, 'netstat-an.txt'), 'utf8').split('\n');
    const est = lines.findIndex((l) => /ESTABLISHED/.test(l) && l.startsWith('tcp '));
    const cw = lines.findIndex((l) => /CLOSE_WAIT/.test(l));
    lines[est] = lines[est]!.replace('ESTABLISHED', 'TIME_WAIT  ');
    lines.splice(cw, 1);
    lines.splice(3, 0, 'tcp        0      0 10.1.2.3:443            10.9.8.7:55000          SYN_RECV   ');
    const file = join(tmp, 'after.txt');
    writeFileSync(file, lines.join('\n'));
    const r = await runMain(['diff', join(TEXT, 'netstat-an.txt'), file]);
    assert.equal(r.code, 1, r.stderr);
    assertGolden('diff/edited.txt', r.stdout.replace(tmp, 'TMP').replace(TEXT, 'FIXTURES'));
    assert.match(r.stdout, /1 changed state, 1 appeared, 1 disappeared/);
    const j = await runMain(['diff', '--json', join(TEXT, 'netstat-an.txt'), file, 'state', 'syn-recv']);
    assert.deepEqual((JSON.parse(j.stdout) as { sockets: { appeared: unknown[] } }).sockets.appeared, [{ proto: 'tcp', local: '10.1.2.3:443', remote: '10.9.8.7:55000', after: 'SYN_RECV' }]);
  });

  test('an awk summary against a listing: per state only, LISTEN left out of both sides with a note', async () => {
    const r = await runMain(['diff', join(TEXT, 'netstat-n-awk.txt'), join(TEXT, 'ss-tan.txt')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /per-socket changes need full listings on both sides/);
    assert.match(r.stdout, /^LISTEN +0 +0 +0$/m);
    assert.match(r.stdout, /^TOTAL +(\d+) +\1 +0$/m);
    assert.match(r.stderr, /LISTEN left out of both sides: an awk summary of netstat -n has no listening sockets/);
  });

  test('exit status as diff(1): 0 same, 1 different, 2 usage; a missing AFTER is an error unless --live', async () => {
    const a = join(TEXT, 'netstat-an.txt');
    assert.equal((await runMain(['diff', a, a])).code, 0);
    assert.equal((await runMain(['diff', a, join(TEXT, 'ss-tanpoieO.txt')])).code, 0);
    const lines = readFileSync(a, 'utf8').replace(/ESTABLISHED/, 'TIME_WAIT  ');
    const edited = join(tmp, 'one-change.txt');
    writeFileSync(edited, lines);
    const d = await runMain(['diff', '--json', a, edited]);
    assert.equal(d.code, 1, d.stderr);
    const missing = await runMain(['diff', a]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /needs a second side: AFTER, or --live/);
    const empty = await runMain(['diff', a, '-']);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /nothing came on stdin/);
  });

  test('--top N lists at most N sockets of each kind; the summary counts them all', async () => {
    const lines = readFileSync(join(TEXT, 'netstat-an.txt'), 'utf8').split('\n');
    const kept = lines.filter((l) => !(l.startsWith('tcp') && /ESTABLISHED/.test(l)));
    const gone = lines.length - kept.length;
    assert.ok(gone >= 3, 'the fixture has established sockets');
    const file = join(tmp, 'no-established.txt');
    writeFileSync(file, kept.join('\n'));
    const r = await runMain(['diff', '--top', '2', join(TEXT, 'netstat-an.txt'), file]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, new RegExp(`0 changed state, 0 appeared, ${gone} disappeared`));
    assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('- ')).length, 2);
    assert.match(r.stdout, new RegExp(`\\(--top 2: ${gone - 2} more not listed\\)`));
    const j = JSON.parse((await runMain(['diff', '--json', '--top', '2', join(TEXT, 'netstat-an.txt'), file])).stdout) as { sockets: { disappeared: unknown[] }; unlisted: number };
    assert.deepEqual([j.sockets.disappeared.length, j.unlisted], [2, gone - 2]);
  });

  test('a file of several hosts needs --host', async () => {
    const seed = join(REPO, 'test', 'fixtures', 'seed', 'section1.txt');
    const bad = await runMain(['diff', seed, seed]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /holds 7 snapshots \(LVS-1-1, lvs_nginx, web1, web2, old_web, K32_50718, web_slave\); diff compares one with one: name it with --host/);
    const ok = await runMain(['diff', '--host', 'web1', seed, seed]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^TOTAL +1527 +1527 +0$/m);
  });
});

describe('socket diff model', () => {
  function table(rows: [number, string, number, string, number, number][]): SocketTable {
    const t = new SocketTable();
    for (const [fam, la, lp, ra, rp, st] of rows) {
      const i = t.add();
      t.proto[i] = PROTO_TCP;
      t.family[i] = fam;
      t.state[i] = st;
      t.lport[i] = lp;
      t.rport[i] = rp;
      const put = (a: string, out: Uint8Array) => {
        if (fam === AF_INET)
          a.split('.').forEach((x, k) => {
            out[i * 16 + k] = Number(x);
          });
        else parseV6(a, out, i * 16);
      };
      put(la, t.laddr);
      put(ra, t.raddr);
    }
    return t;
  }

  test('same-key sockets (SO_REUSEPORT listeners) are matched as a multiset', () => {
    const a = table([
      [AF_INET, '0.0.0.0', 80, '0.0.0.0', 0, LISTEN],
      [AF_INET, '0.0.0.0', 80, '0.0.0.0', 0, LISTEN],
    ]);
    const b = table([[AF_INET, '0.0.0.0', 80, '0.0.0.0', 0, LISTEN]]);
    assert.deepEqual(
      diffTables(a, b).map((c) => c.kind),
      ['disappeared'],
    );
    assert.deepEqual(
      diffTables(b, a).map((c) => c.kind),
      ['appeared'],
    );
    assert.deepEqual(diffTables(a, a), []);
  });

  test('an IPv4-mapped IPv6 socket is the IPv4 socket it maps', () => {
    const a = table([[AF_INET6, '::ffff:10.0.0.1', 443, '::ffff:10.0.0.2', 5000, ESTABLISHED]]);
    const b = table([[AF_INET, '10.0.0.1', 443, '10.0.0.2', 5000, TIME_WAIT]]);
    assert.deepEqual(
      diffTables(a, b).map((c) => `${c.kind} ${c.local} ${c.remote} ${c.before}->${c.after}`),
      [`changed 10.0.0.1:443 10.0.0.2:5000 ${ESTABLISHED}->${TIME_WAIT}`],
    );
  });
});
