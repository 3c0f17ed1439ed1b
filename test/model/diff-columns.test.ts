/**
 * `diffTables` over the columns gives what the string-keyed diff (each row's key formatted as
 * ss prints it, matched through a Map) gave, change for change and in the same order: random
 * tables with shared keys, IPv4-mapped spellings, both families and both protocols.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AF_INET, AF_INET6 } from '../../src/model/address.js';
import { diffTables, socketKey, type SocketChange } from '../../src/model/diff.js';
import type { StateCode } from '../../src/model/state.js';
import { PROTO_TCP, PROTO_UDP, SocketTable } from '../../src/model/table.js';

/** The diff as it was written before it worked on the columns (the reference). */
function stringDiff(before: SocketTable, after: SocketTable): SocketChange[] {
  const index = (t: SocketTable) => {
    const m = new Map<string, { proto: 'tcp' | 'udp'; local: string; remote: string; states: StateCode[] }>();
    for (let i = 0; i < t.length; i++) {
      const k = socketKey(t, i);
      const e = m.get(k.key);
      if (e) e.states.push(t.state[i]!);
      else m.set(k.key, { proto: k.proto, local: k.local, remote: k.remote, states: [t.state[i]!] });
    }
    return m;
  };
  const a = index(before);
  const b = index(after);
  const out: SocketChange[] = [];
  for (const [key, ea] of a) {
    const eb = b.get(key);
    const left = [...ea.states];
    const right = eb ? [...eb.states] : [];
    for (let k = left.length - 1; k >= 0; k--) {
      const j = right.indexOf(left[k]!);
      if (j >= 0) {
        right.splice(j, 1);
        left.splice(k, 1);
      }
    }
    const base = { proto: ea.proto, local: ea.local, remote: ea.remote };
    const n = Math.min(left.length, right.length);
    for (let k = 0; k < n; k++) out.push({ kind: 'changed', ...base, before: left[k], after: right[k] });
    for (let k = n; k < left.length; k++) out.push({ kind: 'disappeared', ...base, before: left[k] });
    for (let k = n; k < right.length; k++) out.push({ kind: 'appeared', ...base, after: right[k] });
  }
  for (const [key, eb] of b) {
    if (a.has(key)) continue;
    for (const s of eb.states) out.push({ kind: 'appeared', proto: eb.proto, local: eb.local, remote: eb.remote, after: s });
  }
  const ORDER = { changed: 0, appeared: 1, disappeared: 2 };
  out.sort((x, y) => ORDER[x.kind] - ORDER[y.kind] || x.local.localeCompare(y.local, 'en', { numeric: true }) || x.remote.localeCompare(y.remote, 'en', { numeric: true }));
  return out;
}

/** A seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A few endpoints so keys repeat; v4 rows written either as IPv4 or as IPv4-mapped IPv6. */
function randomTable(rnd: () => number, n: number): SocketTable {
  const t = new SocketTable(16);
  const pick = (k: number) => Math.floor(rnd() * k);
  for (let r = 0; r < n; r++) {
    const i = t.add();
    t.proto[i] = pick(10) === 0 ? PROTO_UDP : PROTO_TCP;
    t.state[i] = (1 + pick(11)) as StateCode;
    t.lport[i] = [0, 80, 443, 8080][pick(4)]!;
    t.rport[i] = [0, 5000, 5001][pick(3)]!;
    const v6 = pick(3) === 0;
    const mapped = !v6 && pick(2) === 0;
    t.family[i] = v6 || mapped ? AF_INET6 : AF_INET;
    for (const addr of [t.laddr, t.raddr]) {
      const last = pick(3);
      if (v6) {
        addr[i * 16] = 0x20;
        addr[i * 16 + 1] = 0x01;
        addr[i * 16 + 15] = last;
      } else if (mapped) {
        addr[i * 16 + 10] = 0xff;
        addr[i * 16 + 11] = 0xff;
        addr[i * 16 + 12] = 10;
        addr[i * 16 + 15] = last;
      } else {
        addr[i * 16] = 10;
        addr[i * 16 + 3] = last;
        for (let k = 4; k < 16; k++) addr[i * 16 + k] = pick(2) * 7;
      }
    }
  }
  return t;
}

describe('diffTables over the columns', () => {
  test('equals the string-keyed diff on 300 random pairs of tables', () => {
    let changes = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = random(seed);
      const a = randomTable(rnd, Math.floor(rnd() * 60));
      const b = randomTable(rnd, Math.floor(rnd() * 60));
      const want = stringDiff(a, b);
      assert.deepEqual(diffTables(a, b), want, `seed ${seed}`);
      assert.deepEqual(diffTables(a, a), [], `seed ${seed}: a table against itself`);
      changes += want.length;
    }
    // The tables share keys often enough for every kind of change to occur.
    assert.ok(changes > 1000, `${changes} changes`);
  });
});
