/**
 * Runs of a chunk's rows appended whole (capture.ts `appendRows`, ls of a capture) gives the table
 * that appending it row by row (`copyRow`) gives: every column, owners by inode and by row,
 * extended info and names, onto an empty table and onto one that must grow.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SocketTable } from '../../src/model/table.js';
import { appendRows } from '../../src/sources/text/capture.js';

/** A chunk of n random rows, with owners, extended info and names on some. */
function chunk(n: number, seed: number): SocketTable {
  let x = seed | 1;
  const rnd = (m: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % m;
  };
  const t = new SocketTable(16);
  for (let j = 0; j < n; j++) {
    const i = t.add();
    t.proto[i] = rnd(2) ? 6 : 17;
    t.family[i] = rnd(2) ? 2 : 10;
    t.state[i] = 1 + rnd(11);
    t.flags[i] = rnd(8);
    t.lport[i] = rnd(65536);
    t.rport[i] = rnd(65536);
    for (let k = 0; k < 16; k++) {
      t.laddr[i * 16 + k] = rnd(256);
      t.raddr[i * 16 + k] = rnd(256);
    }
    t.recvQ[i] = rnd(1 << 30);
    t.sendQ[i] = rnd(1 << 30);
    t.timer[i] = rnd(5);
    t.timerMs[i] = rnd(1 << 30);
    t.retrans[i] = rnd(9);
    t.probes[i] = rnd(9);
    t.uid[i] = rnd(70000);
    t.inode[i] = rnd(3) ? 0 : 1 + rnd(1 << 20);
    if (t.inode[i] !== 0 && rnd(2)) t.owners.set(t.inode[i]!, [{ pid: 1 + rnd(1000), program: `p${j}` }]);
    if (t.inode[i] === 0 && rnd(4) === 0) t.rowOwners.set(i, [{ pid: 1 + rnd(1000), program: `r${j}`, fd: rnd(9) }]);
    if (rnd(5) === 0) t.ext.set(i, { rttUs: rnd(100000), cwnd: rnd(100) });
    if (rnd(4) === 0) t.names.set(i, [rnd(2) ? `web${j}.lan` : undefined, rnd(2) ? 'https' : undefined]);
  }
  return t;
}

function dump(t: SocketTable): unknown {
  return { length: t.length, rows: [...Array(t.length).keys()].map((i) => ({ ...t.record(i), ext: t.ext.get(i), names: t.names.get(i) })) };
}

test('runs of rows appended whole are the rows appended one by one', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer(), fc.nat(), fc.nat())), (parts) => {
      const a = new SocketTable(16);
      const b = new SocketTable(16);
      for (const [n, seed, x, y] of parts) {
        const c = chunk(n, seed);
        const from = n === 0 ? 0 : x % (n + 1);
        const to = from + (y % (n - from + 1));
        for (let j = from; j < to; j++) a.copyRow(c, j);
        appendRows(b, c, from, to);
      }
      assert.deepEqual(dump(b), dump(a));
    }),
    { numRuns: 200 },
  );
});
