/**
 * Warnings capped per code: the collector itself, and each source fed a flood of bad rows
 * (a /proc/net file, a sock_diag dump, a text capture, a packet capture, a BPF walk's
 * tally) keeps the same few warnings however large the flood, and counts the rest exactly.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AF_INET } from '../../src/model/address.js';
import { UNKNOWN } from '../../src/model/state.js';
import { capWarnings, PER_CODE, type Warning, WARNING_CODES, Warnings } from '../../src/model/warnings.js';
import { finishCounts, newTally } from '../../src/sources/bpf-tcp-states.js';
import { countSockDiag, decodeSockDiag } from '../../src/sources/netlink-decode.js';
import { parseProcNet } from '../../src/sources/proc-net.js';
import { parseCapture } from '../../src/sources/text/read.js';
import { Undecoded } from '../../src/pcap/undecoded.js';
import { FRAGMENT } from '../../src/pcap/decode.js';
import type { RawPacket } from '../../src/pcap/container.js';
import { REPO, runCli } from '../lib/netns.js';

/** The total a list stands for: kept warnings count one each, a summary its `more`. */
function represented(ws: readonly Warning[], code: string): number {
  return ws.filter((w) => w.code === code).reduce((n, w) => n + (w.more ?? 1), 0);
}

/** Each flood size gives a list of the same length, and the count is exact. */
function assertCapped(sizes: number[], run: (n: number) => readonly Warning[], code: string): void {
  const lengths = sizes.map((n) => {
    const ws = run(n);
    assert.equal(represented(ws, code), n, `${n} bad rows: every one counted`);
    assert.equal(ws.filter((w) => w.more === undefined).length, Math.min(n, PER_CODE), `${n}: the first ${PER_CODE} kept`);
    return ws.length;
  });
  assert.ok(
    lengths.every((l) => l === PER_CODE + 1),
    `one list length whatever the flood: ${lengths.join(', ')}`,
  );
}

test('the collector keeps the first of each code with locations and counts the rest', () => {
  const w = new Warnings();
  for (let i = 1; i <= 41_213; i++) w.add('W_UNKNOWN_STATE', `row ${i}`, { file: 'f', line: i });
  w.add('W_NAMES', 'one', { file: 'g' });
  const list = w.list();
  assert.equal(list.length, PER_CODE + 2);
  assert.deepEqual(
    list.slice(0, PER_CODE).map((x) => x.where.line),
    Array.from({ length: PER_CODE }, (_, i) => i + 1),
  );
  const sum = list.find((x) => x.more !== undefined)!;
  assert.equal(sum.more, 41_203);
  assert.equal(sum.message, 'and 41,203 more like this (41,213 W_UNKNOWN_STATE in all)');
  assert.deepEqual(sum.where, { file: 'f', line: PER_CODE + 1 }, 'the summary points at the first one not kept');
  assert.equal(w.count('W_UNKNOWN_STATE'), 41_213);
  assert.equal(w.total, 41_214);
  // Capped lists merged (two files, two sources) keep their counts.
  const merged = capWarnings([...list, ...list]);
  assert.equal(represented(merged, 'W_UNKNOWN_STATE'), 2 * 41_213);
  assert.equal(represented(merged, 'W_NAMES'), 2);
  assert.equal(merged.length, PER_CODE + 1 + 2);
  // A smaller cap (process scans keep 3).
  assert.deepEqual(
    capWarnings(list, 3).map((x) => x.more),
    [undefined, undefined, undefined, undefined, 41_210],
  );
});

test('every code is W_ named and documented once', () => {
  for (const [code, meaning] of Object.entries(WARNING_CODES)) {
    assert.match(code, /^W_[A-Z0-9_]+$/);
    assert.ok(meaning.length > 10, code);
  }
  const docs = readFileSync(join(REPO, 'docs', 'json.md'), 'utf8');
  for (const code of Object.keys(WARNING_CODES)) assert.ok(docs.includes(`\`${code}\``), `docs/json.md lists ${code}`);
  assert.ok(!/\bPCAP_(TRUNCATED|LINK_TYPE|HEADER_CUT|MALFORMED|FRAGMENT)\b/.test(docs.replace(/W_PCAP_/g, '')));
});

const HEADER4 = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
function procLines(n: number, bad: (i: number) => boolean): string {
  let s = HEADER4;
  for (let i = 0; i < n; i++) {
    s += `${String(i).padStart(4)}: 0100007F:${(i % 65536).toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 ${bad(i) ? 'EE' : '0A'} 00000000:00000000 00:00000000 00000000     0        0 ${i + 1} 1 0000000000000000 20 4 30 10 -1\n`;
  }
  return s;
}

test('/proc/net: a flood of unknown states is ten warnings and an exact count', () => {
  assertCapped(
    [11, 2_000, 200_000],
    (n) => {
      let rows = 0;
      const ws = parseProcNet(new TextEncoder().encode(procLines(n, () => true)), { name: 'net/tcp', family: AF_INET, proto: 6 }, (c) => {
        rows += c.length;
      });
      assert.equal(rows, n);
      return ws;
    },
    'W_UNKNOWN_STATE',
  );
});

test('a captured proc root: count --json carries the kept warnings and the count', () => {
  const root = mkdtempSync(join(tmpdir(), 'tcpstate-warn-'));
  try {
    mkdirSync(join(root, 'net'));
    const n = 30_001;
    writeFileSync(
      join(root, 'net', 'tcp'),
      procLines(n, (i) => i % 3 === 0),
    );
    writeFileSync(join(root, 'net', 'tcp6'), HEADER4);
    const r = runCli(['count', '--json', '--proc-root', root]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { states: Record<string, number>; warnings: Warning[] };
    const bad = Math.ceil(n / 3);
    assert.equal(doc.states['UNKNOWN'], bad);
    assert.equal(represented(doc.warnings, 'W_UNKNOWN_STATE'), bad);
    assert.equal(doc.warnings.length, PER_CODE + 1);
    assert.equal(doc.warnings[0]!.where.line, 2);
    assert.equal(doc.warnings[PER_CODE]!.where.line, 2 + 3 * PER_CODE);
    // stderr says the same, in as many lines.
    const said = r.stderr.split('\n').filter((l) => l.startsWith('tcpstate: warning:'));
    assert.equal(said.length, PER_CODE + 1);
    assert.match(said[PER_CODE]!, new RegExp(`and ${(bad - PER_CODE).toLocaleString('en-US')} more like this`));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** The first socket message of a real recording, its state byte set to `state`, `n` times. */
function dump(n: number, state: number): Uint8Array {
  const b = new Uint8Array(readFileSync(join(REPO, 'test', 'fixtures', 'netlink', 'zoo-ss-D.nl')));
  const len = (new DataView(b.buffer, b.byteOffset).getUint32(0, true) + 3) & ~3;
  const one = b.slice(0, len);
  one[16 + 1] = state;
  const out = new Uint8Array(len * n);
  for (let i = 0; i < n; i++) out.set(one, i * len);
  return out;
}

test('sock_diag: a flood of unknown states is ten warnings and an exact count, rows and counts', () => {
  assertCapped(
    [11, 2_000, 100_000],
    (n) => {
      let rows = 0;
      const r = decodeSockDiag(dump(n, 200), (c) => {
        rows += c.length;
      });
      assert.equal(rows, n);
      return r.warnings;
    },
    'W_UNKNOWN_STATE',
  );
  const counts = new Float64Array(256);
  const c = countSockDiag(dump(50_000, 200), counts);
  assert.equal(counts[UNKNOWN], 50_000);
  assert.equal(represented(c.warnings, 'W_UNKNOWN_STATE'), 50_000);
  assert.equal(c.warnings.length, PER_CODE + 1);
});

test('text captures: a flood of unknown state words is ten warnings and an exact count', () => {
  assertCapped(
    [11, 2_000, 100_000],
    (n) => {
      let s = 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\n';
      for (let i = 0; i < n; i++) s += `BOGUS 0 0 127.0.0.1:${1 + (i % 60000)} 127.0.0.1:2\n`;
      const r = parseCapture(new TextEncoder().encode(s), 'ss.txt', { tables: false });
      assert.equal(r.captures[0]!.counts[UNKNOWN], n);
      return r.warnings;
    },
    'W_UNKNOWN_STATE',
  );
});

test('pcap: frames left out are one warning per reason, counted in it', () => {
  const u = new Undecoded();
  const pkt = { frame: 0, fileOffset: 0, linkType: 1 } as RawPacket;
  for (let i = 1; i <= 100_000; i++) {
    pkt.frame = i;
    pkt.fileOffset = 24 + i * 100;
    u.add(FRAGMENT, pkt);
  }
  const ws = u.warnings('x.pcap');
  assert.equal(ws.length, 1);
  assert.equal(ws[0]!.code, 'W_PCAP_FRAGMENT');
  assert.match(ws[0]!.message, /^100000 IP fragments .* the first at frame 1:/);
  assert.equal(ws[0]!.where.offset, 124);
});

test('the BPF walk: unknown kernel states, one warning per code at most ten, sockets counted in them', () => {
  const t = newTally();
  for (let raw = 100; raw < 200; raw++) t.v4[raw] = raw;
  const counts = new Float64Array(256);
  const ws = finishCounts(t, { v4: true, v6: true, states: 1 << UNKNOWN }, counts);
  let sum = 0;
  for (let raw = 100; raw < 200; raw++) sum += raw;
  assert.equal(counts[UNKNOWN], sum);
  assert.equal(ws.length, PER_CODE + 1);
  assert.equal(represented(ws, 'W_UNKNOWN_STATE'), 100);
});
