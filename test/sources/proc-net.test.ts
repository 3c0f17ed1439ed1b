import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AF_INET, AF_INET6, formatAddr } from '../../src/model/address.js';
import { TcpstateError } from '../../src/model/errors.js';
import { stateName } from '../../src/model/state.js';
import { SocketTable } from '../../src/model/table.js';
import { parseProcNet, ProcNetParser } from '../../src/sources/proc-net.js';

const HEADER4 = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

interface Row {
  family: number;
  laddr: number[];
  lport: number;
  raddr: number[];
  rport: number;
  st: number;
  tx: number;
  rx: number;
  tr: number;
  when: number;
  retr: number;
  uid: number;
  probes: number;
  inode: number;
}

const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
/** Address words as the kernel prints them: each 32-bit word of network-order bytes, as a little-endian u32. */
function addrHex(b: number[]): string {
  let s = '';
  for (let w = 0; w < b.length / 4; w++) s += hex(((b[w * 4 + 3]! << 24) >>> 0) + (b[w * 4 + 2]! << 16) + (b[w * 4 + 1]! << 8) + b[w * 4]!, 8);
  return s;
}
/** A line in get_tcp4_sock()'s printf format. */
function line(i: number, r: Row): string {
  return `${String(i).padStart(4)}: ${addrHex(r.laddr)}:${hex(r.lport, 4)} ${addrHex(r.raddr)}:${hex(r.rport, 4)} ${hex(r.st, 2)} ${hex(r.tx, 8)}:${hex(r.rx, 8)} ${hex(r.tr, 2)}:${hex(r.when, 8)} ${hex(r.retr, 8)} ${String(r.uid).padStart(5)} ${String(r.probes).padStart(8)} ${r.inode} 1 0000000000000000 20 4 30 10 -1\n`;
}

const rowArb = (family: number) =>
  fc.record({
    family: fc.constant(family),
    laddr: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: family === AF_INET ? 4 : 16, maxLength: family === AF_INET ? 4 : 16 }),
    lport: fc.integer({ min: 0, max: 65535 }),
    raddr: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: family === AF_INET ? 4 : 16, maxLength: family === AF_INET ? 4 : 16 }),
    rport: fc.integer({ min: 0, max: 65535 }),
    st: fc.integer({ min: 1, max: 12 }),
    tx: fc.nat(),
    rx: fc.nat(),
    tr: fc.integer({ min: 0, max: 4 }),
    when: fc.integer({ min: 0, max: 0x7fffff }),
    retr: fc.nat({ max: 255 }),
    uid: fc.nat({ max: 70000 }),
    probes: fc.nat({ max: 20 }),
    inode: fc.nat(),
  });

function collect(bytes: Uint8Array, family: number, splits: number[] = []): SocketTable {
  const out = new SocketTable();
  const sink = (c: SocketTable) => {
    for (let i = 0; i < c.length; i++) out.copyRow(c, i);
  };
  const p = new ProcNetParser({ name: 'tcp', family, proto: 6 }, sink, new SocketTable(16));
  let prev = 0;
  for (const s of [...splits.filter((x) => x < bytes.length).sort((a, b) => a - b), bytes.length]) {
    p.feed(bytes, prev, s);
    prev = s;
  }
  p.end();
  return out;
}

for (const family of [AF_INET, AF_INET6]) {
  test(`parser reads back what the kernel's printf writes (IPv${family}, property)`, () => {
    fc.assert(
      fc.property(fc.array(rowArb(family), { maxLength: 40 }), fc.array(fc.nat({ max: 6000 }), { maxLength: 8 }), (rows, splits) => {
        const text = HEADER4 + rows.map((r, i) => line(i, r)).join('');
        const bytes = new TextEncoder().encode(text);
        const t = collect(bytes, family, splits);
        assert.equal(t.length, rows.length);
        rows.forEach((r, i) => {
          assert.equal(formatAddr(family, t.laddr, i * 16), formatAddr(family, Uint8Array.from([...r.laddr, ...new Array(16 - r.laddr.length).fill(0)]), 0));
          assert.deepEqual([...t.raddr.subarray(i * 16, i * 16 + r.raddr.length)], r.raddr);
          assert.equal(t.lport[i], r.lport);
          assert.equal(t.rport[i], r.rport);
          assert.equal(stateName(t.state[i]!), stateName(r.st));
          assert.equal(t.sendQ[i], r.tx);
          assert.equal(t.recvQ[i], r.rx);
          assert.equal(t.timer[i], r.tr);
          assert.equal(t.timerMs[i], r.when * 10);
          assert.equal(t.retrans[i], r.retr);
          assert.equal(t.uid[i], r.uid);
          assert.equal(t.probes[i], r.probes);
          assert.equal(t.inode[i], r.inode);
        });
      }),
      { numRuns: 300 },
    );
  });
}

test('a real line: 127.0.0.1:9090 LISTEN, and an orphaned FIN_WAIT2 held as a timewait sock', () => {
  const text =
    HEADER4 +
    '   0: 0100007F:2382 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6339 1 00000000d595c84c 100 0 0 10 0\n' +
    '   3: 0100007F:CF08 0100007F:2382 05 00000000:00000000 03:00001729 00000000     0        0 0 3 00000000f91c8aed\n';
  const t = collect(new TextEncoder().encode(text), AF_INET);
  assert.equal(t.record(0).local.address, '127.0.0.1');
  assert.equal(t.record(0).local.port, 9090);
  assert.equal(t.record(0).state, 'LISTEN');
  assert.equal(t.record(0).inode, 6339);
  assert.deepEqual(t.record(1).timer, { kind: 'timewait', expiresMs: 0x1729 * 10, retransmits: 0, probes: 0 });
  assert.equal(t.record(1).state, 'FIN_WAIT2');
});

test('malformed lines name file, line and field', () => {
  const good = '   0: 0100007F:2382 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6339 1 x\n';
  const cases: [string, string][] = [
    ['   1: 0100007G:2382 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6339\n', 'local_address'],
    ['   1: 0100007F:2382 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0\n', 'inode'],
    ['   1: 0100007F:2382 00000000:0000 0A 00000000_00000000 00:00000000 00000000     0        0 1\n', 'tx_queue:rx_queue'],
    ['   1: 0100007F:2382 00000000:0000 ZZ 00000000:00000000 00:00000000 00000000     0        0 1\n', 'st'],
    ['   1: 0100007F:2382 00000000:0000 0A 00000000:00000000 00:00000000 00000000    -1        0 1\n', 'uid'],
    ['garbage\n', 'sl'],
  ];
  for (const [bad, field] of cases) {
    const text = HEADER4 + good + bad;
    assert.throws(
      () => parseProcNet(new TextEncoder().encode(text), { name: 'cap/net/tcp', family: AF_INET, proto: 6 }, () => {}),
      (e: unknown) => {
        assert.ok(e instanceof TcpstateError);
        assert.equal(e.code, 'ERR_PARSE');
        assert.equal(e.where.file, 'cap/net/tcp');
        assert.equal(e.where.line, 3);
        assert.equal(e.where.field, field, bad);
        assert.match(e.describe(), /^cap\/net\/tcp:3: field /);
        return true;
      },
    );
  }
});

test('no byte sequence crashes the parser: rows or a typed error (fuzz)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, v6) => {
      try {
        parseProcNet(bytes, { name: 'f', family: v6 ? AF_INET6 : AF_INET, proto: 6 }, () => {});
      } catch (e) {
        assert.ok(e instanceof TcpstateError, `untyped error: ${String(e)}`);
      }
    }),
    { numRuns: 3000 },
  );
});

test('unknown state codes become UNKNOWN with a warning naming the line', () => {
  const text = HEADER4 + '   0: 0100007F:2382 00000000:0000 0D 00000000:00000000 00:00000000 00000000     0        0 1 1 x\n';
  let n = 0;
  const w = parseProcNet(new TextEncoder().encode(text), { name: 'f', family: AF_INET, proto: 6 }, (c) => {
    n += c.length;
  });
  assert.equal(n, 1);
  assert.equal(w.length, 1);
  assert.equal(w[0]!.where.line, 2);
  assert.equal(w[0]!.code, 'W_UNKNOWN_STATE');
});
