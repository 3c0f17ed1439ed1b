/**
 * Property and fuzz tests of the captured-text readers: no byte sequence makes a parser or
 * the detector crash (it returns captures or throws a TcpstateError); real captures damaged
 * at random do the same, and what they return is consistent; and tcpstate's own listing of
 * any table reads back as that table.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { AF_INET, AF_INET6 } from '../../src/model/address.js';
import { TcpstateError } from '../../src/model/errors.js';
import { KNOWN_CODES } from '../../src/model/state.js';
import { F_HAS_QUEUES, PROTO_TCP, SocketTable } from '../../src/model/table.js';
import { renderLs } from '../../src/render/ls.js';
import { detectFormat } from '../../src/sources/text/detect.js';
import { parseCapture, type ReadResult } from '../../src/sources/text/read.js';
import { FORMAT_NAMES } from '../../src/sources/text/registry.js';
import { REPO } from '../lib/netns.js';

const RUNS = Number(process.env['TCPSTATE_FUZZ_RUNS'] ?? 200);
const TEXT = join(REPO, 'test', 'fixtures', 'text');
const FIXTURES = ['netstat-antpe.txt', 'netstat-anto.txt', 'ss-tanie.txt', 'ss-tanpoieO.txt', 'ss-an.txt', 'busybox-an.txt', 'proc-tcp.txt', 'netstat-n-awk.txt', 'live.json']
  .map((f) => readFileSync(join(TEXT, f), 'utf8'))
  .concat(readFileSync(join(REPO, 'test', 'fixtures', 'seed', 'section1.txt'), 'utf8'))
  .concat(['freebsd-netstat-an.txt', 'windows-netstat-ano.txt'].map((f) => readFileSync(join(REPO, 'test', 'fixtures', 'vendor', f), 'utf8')));

/** Parse, and accept only a result or a TcpstateError. */
function safely(bytes: Uint8Array, format?: string): ReadResult | undefined {
  try {
    return parseCapture(bytes, 'fuzz.txt', { format });
  } catch (e) {
    if (e instanceof TcpstateError) {
      assert.ok(e.exitCode === 1 || e.exitCode === 2);
      assert.ok(e.message.length > 0 && !e.message.includes('undefined'), e.message);
      return undefined;
    }
    throw e;
  }
}

/** What a returned result must satisfy. */
function consistent(r: ReadResult): void {
  for (const c of r.captures) {
    assert.ok(c.host.length > 0);
    for (let s = 0; s < 16; s++) assert.ok(Number.isInteger(c.counts[s]) && c.counts[s]! >= 0);
    if (!c.table) continue;
    let n = 0;
    for (let s = 0; s < 16; s++) n += c.counts[s]!;
    assert.equal(n, c.table.length, "counts are the table's");
    for (let i = 0; i < c.table.length; i++) {
      assert.ok(c.table.state[i]! <= 11, 'a canonical state code');
      assert.ok(c.table.family[i] === AF_INET || c.table.family[i] === AF_INET6);
      c.table.record(i);
    }
  }
}

const variants = [undefined, ...FORMAT_NAMES];

test('random bytes: every reader returns captures or a typed error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom(...variants), (bytes, format) => {
      const r = safely(bytes, format);
      if (r) consistent(r);
    }),
    { numRuns: RUNS * 3 },
  );
});

/** Pieces that make damaged lines look almost right. */
const PIECES = [
  'tcp',
  'tcp6',
  'ESTAB',
  'TIME_WAIT',
  'LISTEN',
  'UNKNOWN_X',
  ':',
  '.',
  '[',
  ']',
  '*',
  '%lo',
  '::1',
  '127.0.0.1:',
  '0A',
  '01',
  ' ',
  '\t',
  '\u00a0',
  '\r',
  '\n',
  '0',
  '65536',
  '99999999999',
  '(',
  ')',
  'users:((',
  'timer:(on,',
  'ino:',
  '==> h <==\n',
  '[root@h ~]# ',
  '{',
  '"schema":"tcpstate.ls/1"',
  '\ufffd',
];

const damage = fc.array(
  fc.record({
    kind: fc.constantFrom('cut', 'insert', 'delete', 'dupline', 'truncate'),
    at: fc.nat(),
    len: fc.nat({ max: 40 }),
    piece: fc.constantFrom(...PIECES),
  }),
  { minLength: 1, maxLength: 6 },
);

function applyDamage(text: string, edits: { kind: string; at: number; len: number; piece: string }[]): string {
  let t = text;
  for (const e of edits) {
    const at = t.length === 0 ? 0 : e.at % t.length;
    if (e.kind === 'cut') t = t.slice(0, at) + t.slice(at + e.len);
    else if (e.kind === 'insert') t = t.slice(0, at) + e.piece + t.slice(at);
    else if (e.kind === 'delete') t = t.slice(0, at) + t.slice(at + 1);
    else if (e.kind === 'truncate') t = t.slice(0, at);
    else {
      const lines = t.split('\n');
      const k = e.at % Math.max(1, lines.length);
      lines.splice(k, 0, lines[k] ?? '');
      t = lines.join('\n');
    }
  }
  return t;
}

test('real captures damaged at random: captures or a typed error, never a crash', () => {
  fc.assert(
    fc.property(fc.constantFrom(...FIXTURES.keys()), damage, fc.constantFrom(...variants), (k, edits, format) => {
      const text = applyDamage(FIXTURES[k]!, edits);
      const r = safely(Buffer.from(text, 'utf8'), format);
      if (r) consistent(r);
    }),
    { numRuns: RUNS * 5 },
  );
});

test('detection never throws on arbitrary lines', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ maxLength: 120 }), { maxLength: 80 }), fc.option(fc.string({ maxLength: 60 }), { nil: undefined }), (lines, command) => {
      const f = detectFormat(lines, command);
      assert.ok(f === undefined || FORMAT_NAMES.includes(f));
    }),
    { numRuns: RUNS * 2 },
  );
});

const rowArb = fc.record({
  v6: fc.boolean(),
  laddr: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  raddr: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  lport: fc.integer({ min: 0, max: 65535 }),
  rport: fc.integer({ min: 0, max: 65535 }),
  state: fc.constantFrom(...KNOWN_CODES),
  recvQ: fc.nat(),
  sendQ: fc.nat(),
});

test('tcpstate ls output of any table reads back as that table', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { minLength: 1, maxLength: 30 }), (rows) => {
      const t = new SocketTable(rows.length);
      for (const r of rows) {
        const i = t.add();
        t.proto[i] = PROTO_TCP;
        t.family[i] = r.v6 ? AF_INET6 : AF_INET;
        t.state[i] = r.state;
        t.flags[i] = F_HAS_QUEUES;
        t.laddr.set(r.v6 ? r.laddr : r.laddr.subarray(0, 4), i * 16);
        t.raddr.set(r.v6 ? r.raddr : r.raddr.subarray(0, 4), i * 16);
        t.lport[i] = r.lport;
        t.rport[i] = r.rport;
        t.recvQ[i] = r.recvQ;
        t.sendQ[i] = r.sendQ;
      }
      const text = renderLs(t);
      const back = parseCapture(Buffer.from(text), 'ls.txt').captures[0]!.table!;
      const recs = (x: SocketTable) =>
        [...Array(x.length).keys()].map((i) => {
          const r = x.record(i);
          return `${r.state} ${r.family} ${r.local.address}:${r.local.port} ${r.remote.address}:${r.remote.port} ${r.recvQ}/${r.sendQ}`;
        });
      assert.deepEqual(recs(back), recs(t));
    }),
    { numRuns: RUNS },
  );
});
