/**
 * The container reader on every fixture variant (made by real tools, test/fixtures/pcap) and on
 * hand-built pcapng for what no tool here writes (SPB, the obsolete PB, if_tsoffset, binary
 * if_tsresol); truncation and corruption reported with byte offsets; chunking never changes
 * what is read.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isTcpstateError } from '../../src/model/errors.js';
import { CaptureParser, parseCapture, type RawPacket } from '../../src/pcap/container.js';
import { NgWriter, pcapPackets } from '../lib/capture-bytes.js';
import { REPO } from '../lib/netns.js';

const FIX = join(REPO, 'test', 'fixtures', 'pcap');
const fixture = (name: string) => readFileSync(join(FIX, name));

interface Seen {
  sec: number;
  nsec: number;
  len: number;
  orig: number;
  link: number;
  iface: number;
  flags: number;
  first: number;
}
function read(bytes: Uint8Array): { pkts: Seen[]; summary: ReturnType<typeof parseCapture> } {
  const pkts: Seen[] = [];
  const summary = parseCapture(
    bytes,
    (p: RawPacket) => {
      pkts.push({ sec: p.tsSec, nsec: p.tsNsec, len: p.capLen, orig: p.origLen, link: p.linkType, iface: p.iface, flags: p.flags, first: p.buf[p.off]! });
    },
    'x',
  );
  return { pkts, summary };
}

test('µs and ns pcap, both byte orders, the modified format and pcapng all read the same packets', () => {
  const base = read(fixture('eth-us.pcap'));
  assert.equal(base.summary.format, 'pcap');
  assert.equal(base.pkts.length, 40);
  const ns = read(fixture('eth-ns.pcap'));
  assert.ok(
    ns.pkts.some((p) => p.nsec % 1000 !== 0),
    'nanosecond timestamps keep their nanoseconds',
  );
  for (const name of ['be-us.pcap', 'modified.pcap', 'eth-us.pcapng', 'dumpcap.pcapng']) {
    const r = read(fixture(name));
    assert.equal(r.pkts.length, 40, name);
    assert.deepEqual(
      r.pkts.map((p) => [p.len, p.orig, p.link]),
      base.pkts.map((p) => [p.len, p.orig, p.link]),
      name,
    );
    if (name !== 'dumpcap.pcapng')
      assert.deepEqual(
        r.pkts.map((p) => [p.sec, p.nsec]),
        base.pkts.map((p) => [p.sec, p.nsec]),
        name,
      );
  }
  for (const name of ['be-ns.pcap', 'eth-ns.pcapng', 'be.pcapng']) {
    const r = read(fixture(name));
    assert.deepEqual(
      r.pkts.map((p) => [p.sec, p.nsec, p.len]),
      ns.pkts.map((p) => [p.sec, p.nsec, p.len]),
      name,
    );
  }
});

test('pcapng with several sections (each with its byte order) and several interfaces', () => {
  const us = read(fixture('eth-us.pcapng'));
  const ns = read(fixture('eth-ns.pcapng'));
  const mixed = read(fixture('mixed-endian.pcapng'));
  assert.deepEqual(
    mixed.pkts.map((p) => [p.sec, p.nsec]),
    [...ns.pkts, ...us.pkts].map((p) => [p.sec, p.nsec]),
  );
  const two = read(fixture('two-ifaces.pcapng'));
  assert.deepEqual([...new Set(two.pkts.map((p) => `${p.iface}:${p.link}`))].sort(), ['0:1', '1:276']);
  assert.deepEqual(two.summary.linkTypes, [1, 276]);
});

test('hand-built pcapng: SPB, obsolete PB, EPB flags, if_tsoffset, binary and picosecond if_tsresol', () => {
  const frames = pcapPackets(fixture('eth-us.pcap')).map((p) => p.data);
  const f0 = frames[0]!;
  for (const le of [true, false]) {
    const w = new NgWriter(le);
    w.shb()
      .idb(1, [], 128)
      .spb(f0)
      .idb(1, [w.tsresol(9), w.tsoffset(1000n)])
      .epb(1, 1_700_000_000_123_456_789n, f0, f0.length, 2)
      .idb(1, [w.tsresol(0x80 | 20)])
      .epb(2, (1_700_000_000n << 20n) | (1n << 19n), f0)
      .idb(1, [w.tsresol(12)])
      .epb(3, 10_000_000_500_000_001_000n, f0)
      .pb(0, 1_700_000_000_000_001n, f0)
      .block(0x00000005, Buffer.alloc(20)) // an ISB: skipped
      .block(0x40000bad, Buffer.alloc(8)); // a custom block: skipped
    const { pkts, summary } = read(w.bytes());
    assert.equal(summary.warnings.length, 0);
    assert.equal(pkts.length, 5, `le=${le}`);
    // SPB: interface 0's snap length caps the captured bytes; no timestamp of its own.
    assert.equal(pkts[0]!.len, Math.min(128, f0.length));
    assert.equal(pkts[0]!.orig, f0.length);
    assert.deepEqual([pkts[1]!.sec, pkts[1]!.nsec, pkts[1]!.flags], [1_700_001_000, 123_456_789, 2]);
    assert.deepEqual([pkts[2]!.sec, pkts[2]!.nsec], [1_700_000_000, 500_000_000]);
    assert.deepEqual([pkts[3]!.sec, pkts[3]!.nsec], [10_000_000, 500_000_001]);
    assert.deepEqual([pkts[4]!.sec, pkts[4]!.nsec, pkts[4]!.iface], [1_700_000_000, 1000, 0]);
  }
});

test('a capture cut inside its last record keeps every packet before it and says where', () => {
  const full = fixture('eth-us.pcap');
  const all = read(full).pkts.length;
  for (const cut of [full.length - 1, full.length - 30, 24 + 16 + 5]) {
    const r = read(full.subarray(0, cut));
    assert.ok(r.pkts.length < all && r.pkts.length >= 0);
    assert.equal(r.summary.warnings.length, 1);
    const w = r.summary.warnings[0]!;
    assert.equal(w.code, 'W_PCAP_TRUNCATED');
    assert.ok(typeof w.where.offset === 'number' && w.where.offset < cut && w.where.offset >= 24);
  }
  const ng = fixture('eth-us.pcapng');
  const r = read(ng.subarray(0, ng.length - 8));
  assert.equal(r.pkts.length, 39);
  assert.equal(r.summary.warnings[0]!.code, 'W_PCAP_TRUNCATED');
});

test('corrupt input is a typed error with the byte offset', () => {
  const expectErr = (bytes: Uint8Array, offset: number, re: RegExp) => {
    assert.throws(
      () => read(bytes),
      (e: unknown) => isTcpstateError(e) && e.where.offset === offset && re.test(e.message) && (e.code === 'ERR_PCAP' || e.code === 'ERR_EMPTY'),
    );
  };
  expectErr(new Uint8Array(0), 0, /empty/);
  expectErr(Buffer.from('hello, world, not a capture'), 0, /not a pcap or pcapng/);
  expectErr(fixture('eth-us.pcap').subarray(0, 10), 10, /inside the file header/);
  const big = Buffer.from(fixture('eth-us.pcap'));
  big.writeUInt32LE(0x7fffffff, 24 + 8);
  expectErr(big, 32, /above the snapshot length/);
  const ng = Buffer.from(fixture('eth-us.pcapng'));
  const shbLen = ng.readUInt32LE(4);
  ng.writeUInt32LE(13, shbLen + 4);
  expectErr(ng, shbLen + 4, /multiple of 4/);
  const ng2 = Buffer.from(fixture('eth-us.pcapng'));
  ng2.writeUInt32LE(0x12345678, shbLen - 4);
  expectErr(ng2, shbLen - 4, /trailing copy/);
  const w = new NgWriter().shb().epb(3, 0n, Buffer.alloc(20));
  expectErr(w.bytes(), 28 + 8, /interface 3/);
});

test('how the input is chunked never changes what is read', () => {
  const collect = (bytes: Buffer, size: number): number[] => {
    const got: number[] = [];
    const p = new CaptureParser((pk) => got.push(pk.capLen, pk.tsSec, pk.tsNsec, pk.buf[pk.off + 13]!, pk.buf[pk.off + pk.capLen - 1]!), 'x');
    for (let o = 0; o < bytes.length; o += size) p.push(bytes.subarray(o, o + size));
    p.finish();
    return got;
  };
  for (const name of ['eth-us.pcap', 'two-sections.pcapng']) {
    const bytes = fixture(name);
    const whole = collect(bytes, bytes.length);
    assert.ok(whole.length > 100);
    for (const size of [1, 3, 7, 64, 1000]) assert.deepEqual(collect(bytes, size), whole, `${name} in chunks of ${size}`);
  }
});
