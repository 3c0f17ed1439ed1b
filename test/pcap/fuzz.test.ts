/**
 * Fuzz (fast-check): no byte sequence crashes the reader or the replay. Every input either
 * yields packets (and a summary) or a typed TcpstateError carrying the byte offset. Inputs are
 * random bytes behind each magic, and real fixtures with bytes flipped, cut or spliced.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { isTcpstateError } from '../../src/model/errors.js';
import { CaptureParser } from '../../src/pcap/container.js';
import { FlowTable } from '../../src/pcap/flow.js';
import { REPO } from '../lib/netns.js';

const FIX = join(REPO, 'test', 'fixtures', 'pcap');
const seeds = ['eth-us.pcap', 'be-ns.pcap', 'eth-ns.pcapng', 'two-ifaces.pcapng', 'sll2.pcap', 'null.pcap'].map((n) => readFileSync(join(FIX, n)));

/** Read and replay; true if it ended normally, false on a typed error with an offset. */
function survive(bytes: Uint8Array, chunk: number): boolean {
  const flows = new FlowTable(
    (ft, slot) => {
      ft.record(slot);
    },
    { timeline: true },
  );
  const p = new CaptureParser((pkt) => flows.packet(pkt), 'fuzz');
  try {
    for (let o = 0; o < bytes.length; o += chunk) p.push(bytes.subarray(o, o + chunk));
    const s = p.finish();
    flows.finish();
    for (const w of s.warnings) assert.equal(typeof w.where.offset, 'number');
    return true;
  } catch (e) {
    if (!isTcpstateError(e)) throw e;
    assert.equal(typeof e.where.offset, 'number', `no offset: ${e.message}`);
    assert.ok(e.where.offset! >= 0 && e.where.offset! <= bytes.length, `offset ${e.where.offset} outside ${bytes.length}`);
    return false;
  }
}

const magics = [
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0xa1, 0xb2, 0x3c, 0x4d],
  [0x34, 0xcd, 0xb2, 0xa1],
  [0x0a, 0x0d, 0x0d, 0x0a],
];

test('random bytes behind every magic: packets or a typed error with an offset', () => {
  fc.assert(
    fc.property(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 64 }), (magic, body, chunk) => {
      survive(Uint8Array.from([...magic, ...body]), chunk);
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 1500) },
  );
});

test('real captures, mutated: flipped bytes, cuts and splices', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: seeds.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
      fc.nat(),
      fc.integer({ min: 1, max: 4096 }),
      (i, flips, cut, chunk) => {
        const b = Buffer.from(seeds[i]!);
        for (const [at, v] of flips) b[at % b.length] = v;
        const end = b.length - (cut % Math.min(b.length, 200));
        survive(b.subarray(0, end), chunk);
      },
    ),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 600) },
  );
});

test('a clean fixture survives every chunk size and cut point as packets or a truncation warning', () => {
  const b = seeds[0]!;
  for (let cut = 24; cut <= b.length; cut += 37) assert.equal(survive(b.subarray(0, cut), 50), true, `cut at ${cut}`);
});
