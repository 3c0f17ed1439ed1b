/**
 * `ls`'s fixed columns laid out in C (native/ls_layout.c, src/render/ls-native.ts) against the
 * JavaScript layout, the reference: random tables of every kind of row (IPv4, IPv6 with zero
 * runs, IPv4-mapped, a dual-stack listener's any-address, port 0, rows without queues, UDP's
 * unconnected CLOSE, unknown state codes, unknown users, large numbers), whole listings with
 * and without -e and -H, and listings written in widths counted before, where rows wider than
 * their columns push the rest of their line right.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AF_INET, AF_INET6 } from '../../src/model/address.js';
import { CLOSE, ESTABLISHED } from '../../src/model/state.js';
import { F_DUALSTACK, F_HAS_QUEUES, NO_UID, PROTO_TCP, PROTO_UDP, SocketTable } from '../../src/model/table.js';
import { type LsColumns, LsStream, LsWidths, renderLs } from '../../src/render/ls.js';
import { nativeLs } from '../../src/render/ls-native.js';
import { loadNative } from '../../src/sources/native.js';

const ADDON = loadNative({ noNative: false }).addon?.lsLines !== undefined;

const byte = fc.integer({ min: 0, max: 255 });
const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
const v6 = fc.oneof(
  fc.array(group, { minLength: 8, maxLength: 8 }).map((g) => g.flatMap((x) => [x >> 8, x & 255])),
  fc.array(byte, { minLength: 4, maxLength: 4 }).map((a) => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...a]),
  fc.constant(new Array<number>(16).fill(0)),
);
const v4 = fc.oneof(fc.array(byte, { minLength: 4, maxLength: 4 }), fc.constant([0, 0, 0, 0]));
const port = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 65535 }));
const big = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 0xffffffff }));

const row = fc.record({
  udp: fc.boolean(),
  six: fc.boolean(),
  l4: v4,
  r4: v4,
  l6: v6,
  r6: v6,
  lport: port,
  rport: port,
  state: fc.oneof(fc.constant(CLOSE), fc.constant(ESTABLISHED), byte),
  dual: fc.boolean(),
  queues: fc.boolean(),
  recvQ: big,
  sendQ: big,
  uid: fc.oneof(fc.constant(NO_UID), big),
  inode: big,
});
type Row = typeof row extends fc.Arbitrary<infer R> ? R : never;

function table(rows: readonly Row[]): SocketTable {
  const t = new SocketTable(Math.max(1, rows.length));
  for (const r of rows) {
    const i = t.add();
    t.proto[i] = r.udp ? PROTO_UDP : PROTO_TCP;
    t.family[i] = r.six ? AF_INET6 : AF_INET;
    t.laddr.set(r.six ? r.l6 : r.l4, i * 16);
    t.raddr.set(r.six ? r.r6 : r.r4, i * 16);
    t.lport[i] = r.lport;
    t.rport[i] = r.rport;
    t.state[i] = r.state;
    t.flags[i] = (r.dual ? F_DUALSTACK : 0) | (r.queues ? F_HAS_QUEUES : 0);
    t.recvQ[i] = r.recvQ;
    t.sendQ[i] = r.sendQ;
    t.uid[i] = r.uid;
    t.inode[i] = r.inode;
  }
  return t;
}

/** A listing written as LsStream writes it: widths from `measured`'s rows, then every row of `t` in chunks of `chunk`. */
async function streamed(measured: SocketTable, t: SocketTable, c: LsColumns, chunk: number): Promise<string> {
  const w = new LsWidths(c);
  w.add(measured);
  const parts: Buffer[] = [];
  const s = new LsStream(w, (b) => {
    parts.push(Buffer.from(b));
  });
  for (let from = 0; from < t.length; from += chunk) {
    const part = new SocketTable(chunk);
    for (let i = from; i < Math.min(t.length, from + chunk); i++) part.copyRow(t, i);
    s.write(part);
    await s.settled();
  }
  await s.end();
  return Buffer.concat(parts).toString('latin1');
}

const columns = fc.record({ extended: fc.boolean(), header: fc.boolean(), processes: fc.boolean(), timers: fc.boolean() });

test('whole listings: C writes what JavaScript writes', () => {
  const before = nativeLs.rows;
  fc.assert(
    fc.property(fc.array(row, { maxLength: 60 }), columns, (rows, c) => {
      const t = table(rows);
      assert.equal(renderLs(t, { ...c, native: true }), renderLs(t, { ...c, native: false }));
    }),
    { numRuns: 400 },
  );
  if (ADDON) assert.ok(nativeLs.rows - before > 200, `C laid out ${nativeLs.rows - before} rows`);
});

test('listings in widths counted before: rows wider than their columns push their line right, in C as in JavaScript', async () => {
  const before = nativeLs.rows;
  await fc.assert(
    fc.asyncProperty(fc.array(row, { maxLength: 40 }), fc.array(row, { maxLength: 40 }), columns, fc.integer({ min: 1, max: 9 }), async (a, b, c, chunk) => {
      const measured = table(a);
      const all = table([...a, ...b]);
      assert.equal(await streamed(measured, all, { ...c, native: true }, chunk), await streamed(measured, all, { ...c, native: false }, chunk));
    }),
    { numRuns: 300 },
  );
  if (ADDON) assert.ok(nativeLs.rows - before > 200, `C laid out ${nativeLs.rows - before} rows`);
});

test('a table with names is laid out by JavaScript, the same text either way', () => {
  const t = table([]);
  for (let k = 0; k < 3; k++) {
    const i = t.add();
    t.proto[i] = PROTO_TCP;
    t.family[i] = AF_INET;
    t.laddr.set([10, 0, 0, k], i * 16);
    t.lport[i] = 80 + k;
    t.state[i] = ESTABLISHED;
    t.flags[i] = F_HAS_QUEUES;
  }
  t.names.set(1, ['web1.lan.http', 'ec2-52-1-2-3.https']);
  const native = renderLs(t, { native: true });
  assert.equal(native, renderLs(t, { native: false }));
  assert.match(native, /web1\.lan\.http +ec2-52-1-2-3\.https +ESTABLISHED/);
});
