/**
 * The packed owner lookup a recorded sample uses (src/sources/process-scan.ts `PackedOwners`,
 * through `mergePacked`) answers as the owner index every other caller uses (`OwnerIndex`):
 * the same owners in the same pid order (without fds) and the same `pid/program` labels, for
 * inodes held by one fd, by several fds of one process, by several processes, and for inodes
 * nobody holds (below, above and between the held ones); several parts fall back to the index.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type FdTriples, mergePacked, mergeTriples, OwnerIndex, PackedOwners } from '../../src/sources/process-scan.js';

/** A deterministic pseudo-random generator (tests must not depend on the run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Triples in scan order (by pid, as the scans give them), with shared and repeated inodes. */
function part(n: number, seed: number): FdTriples {
  const r = rng(seed);
  const rows: [number, number, number][] = [];
  let pid = 100;
  let fd = 3;
  for (let k = 0; k < n; k++) {
    if (r() < 0.05) {
      pid += 1 + Math.floor(r() * 50);
      fd = 3;
    }
    // Mostly fresh inodes; some held again (fork, dup, SCM_RIGHTS), in another process or this one.
    const ino = rows.length && r() < 0.1 ? rows[Math.floor(r() * rows.length)]![0] : 5000 + Math.floor(r() * 4 * n) + (r() < 0.01 ? 2 ** 31 : 0);
    rows.push([ino, pid, fd++]);
  }
  const triples = new Uint32Array(3 * n + 7); // spare room, as the native scan's doubled buffer
  for (const [k, t] of rows.entries()) triples.set(t, 3 * k);
  const comms: [number, string][] = [...new Set(rows.map((t) => t[1]))].map((p) => [p, `prog${p % 7}`]);
  return { triples, n, comms, hidden: 2, scanned: 40, warnings: [] };
}

const copy = (p: FdTriples): FdTriples => ({ ...p, triples: Uint32Array.from(p.triples) });
const noFd = (o: { pid: number; program: string }[] | undefined) => o?.map(({ pid, program }) => ({ pid, program }));

describe('packed owners', () => {
  for (const [n, seed] of [
    [1, 1],
    [2, 2],
    [50, 3],
    [5000, 4],
    [60000, 5],
  ] as const) {
    test(`${n} triples: the same owners and labels as the owner index`, () => {
      const p = part(n, seed);
      const index = mergeTriples([copy(p)]);
      const packed = mergePacked([copy(p)]);
      assert.ok(packed.owners instanceof PackedOwners);
      assert.equal(packed.hidden, index.hidden);
      assert.equal(packed.scanned, index.scanned);
      const held = new Set<number>();
      for (let k = 0; k < n; k++) held.add(p.triples[3 * k]!);
      const r = rng(seed + 100);
      const probe = [...held, 0, 1, 4999, 2 ** 32 - 1, ...Array.from({ length: 2000 }, () => Math.floor(r() * (5000 + 5 * n)))];
      let several = 0;
      for (const ino of probe) {
        const want = index.owners.get(ino);
        assert.deepEqual(noFd(packed.owners.get(ino)), noFd(want), `inode ${ino}`);
        assert.equal(packed.owners.label!(ino), index.owners.label(ino), `inode ${ino}`);
        if ((want?.length ?? 0) > 1) several++;
      }
      if (n >= 5000) assert.ok(several > 10, 'the case has inodes with several owners');
    });
  }

  test('several parts (the JS scan with its worker) make the owner index', () => {
    const a = part(100, 7);
    const b = part(100, 8);
    const r = mergePacked([a, b]);
    assert.ok(r.owners instanceof OwnerIndex);
  });

  test('an owner set by hand is returned as set', () => {
    const p = part(10, 9);
    const o = mergePacked([p]).owners;
    o.set(42, [{ pid: 1, program: 'init', fd: 4 }]);
    assert.deepEqual(o.get(42), [{ pid: 1, program: 'init', fd: 4 }]);
  });
});
