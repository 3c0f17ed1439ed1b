/**
 * The history summary counted from chunks (src/history/summary-counter.ts) equals the one
 * computed from the whole table (`summarize`), on generated tables that exercise what the
 * table-based grouping decides: listeners seen after the sockets on their port, IPv4-mapped
 * IPv6 peers grouped as IPv4, plain IPv6 peers, ties at the top-N boundary, more groups
 * than the top, several owners of one socket, no owner, and chunks of any size.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { summarize } from '../../src/history/sample-row.js';
import { SummaryCounter } from '../../src/history/summary-counter.js';
import { AF_INET, AF_INET6 } from '../../src/model/address.js';
import { CLOSE_WAIT, ESTABLISHED, FIN_WAIT2, LISTEN, SYN_RECV, TIME_WAIT } from '../../src/model/state.js';
import { type Owner, SocketTable } from '../../src/model/table.js';

/** A deterministic pseudo-random generator (tests must not depend on the run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function generated(n: number, seed: number): SocketTable {
  const r = rng(seed);
  const t = new SocketTable(n);
  const states = [ESTABLISHED, ESTABLISHED, ESTABLISHED, TIME_WAIT, CLOSE_WAIT, FIN_WAIT2, SYN_RECV];
  const owners = new Map<number, Owner[]>();
  for (let k = 0; k < n; k++) {
    const i = t.add();
    // A listener now and then, some of them after sockets on their port went by.
    const listen = r() < 0.03;
    t.state[i] = listen ? LISTEN : states[Math.floor(r() * states.length)]!;
    const kind = r();
    t.family[i] = kind < 0.6 ? AF_INET : AF_INET6;
    t.lport[i] = listen ? 8000 + Math.floor(r() * 40) : r() < 0.5 ? 8000 + Math.floor(r() * 60) : 30000 + Math.floor(r() * 3000);
    t.rport[i] = listen ? 0 : r() < 0.5 ? 8000 + Math.floor(r() * 60) : 40000 + Math.floor(r() * 500);
    const a = 16 * i;
    if (t.family[i] === AF_INET) {
      t.raddr.set([10, 0, Math.floor(r() * 3), Math.floor(r() * 200)], a);
    } else if (kind < 0.8) {
      // IPv4-mapped: the same peers as the IPv4 rows, so the two must merge.
      t.raddr.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, Math.floor(r() * 3), Math.floor(r() * 200)], a);
    } else {
      t.raddr.set([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Math.floor(r() * 50)], a);
    }
    const ino = r() < 0.1 ? 0 : 1000 + k;
    t.inode[i] = ino;
    const o = r();
    if (ino && o < 0.7) owners.set(ino, [{ pid: 100 + Math.floor(r() * 30), program: `p${Math.floor(r() * 5)}`, fd: 3 + k }]);
    else if (ino && o < 0.75)
      owners.set(ino, [
        { pid: 200, program: 'parent', fd: 4 },
        { pid: 201, program: 'child', fd: 4 },
      ]);
  }
  t.owners = owners;
  return t;
}

/** Feed `t` to `c` in chunks of `size` rows, each chunk a fresh table reused across calls, as a source does. */
function feed(c: SummaryCounter, t: SocketTable, size: number): void {
  const chunk = new SocketTable(size);
  for (let from = 0; from < t.length; from += size) {
    chunk.length = 0;
    for (let i = from; i < Math.min(t.length, from + size); i++) chunk.copyRow(t, i);
    c.add(chunk);
  }
}

describe('history summary from chunks', () => {
  test('equals the table-based summary: every kind, several tops and chunk sizes, one counter reused', () => {
    const c = new SummaryCounter();
    for (const [n, seed, size, top] of [
      [5000, 1, 4096, 20],
      [5000, 2, 7, 3],
      [3000, 3, 1, 0],
      [20000, 4, 4096, 20],
      [40, 5, 16, 100],
      [0, 6, 16, 20],
    ] as const) {
      const t = generated(n, seed);
      c.reset();
      feed(c, t, size);
      const want = summarize(t, true, top);
      const got = c.finish(t.owners, top);
      assert.deepEqual(got, want, `n=${n} seed=${seed} chunk=${size} top=${top}`);
      // Without an owner scan: no process groups, as summarize without processes.
      c.reset();
      feed(c, t, size);
      assert.deepEqual(c.finish(undefined, top), summarize(t, false, top));
    }
  });

  test('the generated tables do reach the cases: folded groups, ties, merged mapped peers, joint owners', () => {
    const t = generated(5000, 2);
    const s = summarize(t, true, 3);
    for (const kind of ['lport', 'rport', 'raddr', 'process'] as const) {
      const other = s.groups.find((g) => g.kind === kind && g.key === 'other');
      assert.ok(other && other.folded > 0, `${kind} has an "other" row`);
    }
    assert.ok(
      s.groups.some((g) => g.key === '200/parent,201/child'),
      'a socket with two owners',
    );
    const c = new SummaryCounter();
    feed(c, t, 100);
    const raddr = c.finish(t.owners, 1000).groups.filter((g) => g.kind === 'raddr');
    assert.ok(!raddr.some((g) => g.key.startsWith('::ffff:')), 'IPv4-mapped peers are grouped as IPv4');
    assert.ok(
      raddr.some((g) => g.key.startsWith('2001:db8::')),
      'plain IPv6 peers keep their text',
    );
    const totals = raddr.map((g) => g.counts.reduce((a, b) => a + b, 0));
    assert.ok(new Set(totals).size < totals.length, 'some groups tie on their total (the key decides)');
  });
});
