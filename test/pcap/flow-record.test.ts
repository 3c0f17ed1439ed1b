/**
 * The capture connection record: src/pcap/flow-record.ts is what scripts/gen-flow-record.mjs
 * makes from its layout table, and its accessors read and write where the table says.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FlowRecords, REC } from '../../src/pcap/flow-record.js';
import { REPO } from '../lib/netns.js';

type Field = [string, string, number, number, string];

test('src/pcap/flow-record.ts is what scripts/gen-flow-record.mjs makes from its layout table', async () => {
  const gen = (await import(join(REPO, 'scripts', 'gen-flow-record.mjs'))) as { generate(): string };
  assert.equal(readFileSync(join(REPO, 'src', 'pcap', 'flow-record.ts'), 'utf8'), gen.generate(), 'stale: run node scripts/gen-flow-record.mjs');
});

test('every accessor writes the bytes the layout table gives it, and no other', async () => {
  const { LAYOUT } = (await import(join(REPO, 'scripts', 'gen-flow-record.mjs'))) as { LAYOUT: Field[] };
  const size: Record<string, number> = { u8: 1, u16: 2, u32: 4, f64: 8 };
  const r = new FlowRecords();
  r.grow(3);
  const slot = 1;
  const acc = r as unknown as Record<string, (...a: number[]) => number>;
  for (const [name, type, off, sides] of LAYOUT) {
    for (let side = 0; side < sides; side++) {
      r.h8.fill(0);
      const at = slot * REC + off + side * (type === 'bytes16' ? 16 : size[type]!);
      if (type === 'bytes16') {
        assert.equal(r.addrOff(slot, side), at, name);
        continue;
      }
      const set = acc[`set${name[0]!.toUpperCase()}${name.slice(1)}`]!.bind(r);
      const get = acc[name]!.bind(r);
      const v = type === 'f64' ? 1.5 : type === 'u8' ? 0xab : type === 'u16' ? 0xabcd : 0xabcdef01;
      if (sides === 2) set(slot, side, v);
      else set(slot, v);
      assert.equal(sides === 2 ? get(slot, side) : get(slot), v, name);
      const touched = [...r.h8.keys()].filter((i) => r.h8[i] !== 0);
      assert.ok(touched.length > 0 && touched.every((i) => i >= at && i < at + size[type]!), `${name}[${side}] wrote bytes ${touched.join(',')}, not ${at}..${at + size[type]! - 1}`);
    }
  }
});

test('swapSides exchanges the two sides of every per-side field; clearSides zeroes them only', () => {
  const r = new FlowRecords();
  r.grow(2);
  r.setPort(1, 0, 80);
  r.setPort(1, 1, 40000);
  r.setPackets(1, 0, 3);
  r.setPackets(1, 1, 5);
  r.setBaseSeq(1, 0, 7);
  r.setBaseSeq(1, 1, 9);
  r.h8[r.addrOff(1, 0)] = 10;
  r.h8[r.addrOff(1, 1)] = 192;
  r.setHash(1, 1234);
  r.swapSides(1);
  assert.deepEqual([r.port(1, 0), r.port(1, 1), r.packets(1, 0), r.packets(1, 1), r.baseSeq(1, 0), r.baseSeq(1, 1)], [40000, 80, 5, 3, 9, 7]);
  assert.deepEqual([r.h8[r.addrOff(1, 0)], r.h8[r.addrOff(1, 1)], r.hash(1)], [192, 10, 1234]);
  r.clearSides(1);
  assert.deepEqual([r.port(1, 0), r.packets(1, 1), r.baseSeq(1, 0), r.h8[r.addrOff(1, 1)], r.hash(1)], [0, 0, 0, 0, 1234]);
});
