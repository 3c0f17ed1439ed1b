/**
 * The streamed text rows: once the column widths are fixed, rows are written as bytes straight
 * from the connection table; they must read exactly as the string rows of the same connections.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { newCounts } from '../../src/model/count.js';
import { parseCapture } from '../../src/pcap/container.js';
import { FlowTable } from '../../src/pcap/flow.js';
import { PcapTextWriter } from '../../src/render/pcap.js';
import { secondsText } from '../../src/render/row-bytes.js';
import { REPO } from '../lib/netns.js';

function render(file: string, sizingRows: number, viaSlots: boolean): string {
  let out = '';
  const w = new PcapTextWriter(
    (s) => {
      out += s;
    },
    { sizingRows },
  );
  const ft = new FlowTable((t, slot) => {
    if (viaSlots) w.addSlot(t, slot);
    else w.add(t.record(slot));
  });
  parseCapture(readFileSync(join(REPO, 'test', 'fixtures', 'pcap', file)), (p) => ft.packet(p));
  ft.finish();
  w.end(newCounts(), { file, format: 'pcap', counts: ft.counts, anomalies: {}, warnings: [] });
  return out;
}

test('byte rows equal string rows, whatever the sizing', () => {
  for (const file of ['eth-us.pcap', 'qinq.pcap', 'sll.pcap']) {
    const strings = render(file, 1000, false);
    assert.equal(render(file, 1000, true), strings, file);
    assert.equal(
      render(file, 1, true),
      strings.replace(/^(.*\n)/, (h) => h),
      file,
    );
  }
});

test('seconds keep six decimals and their sign', () => {
  assert.equal(secondsText(0), '0.000000');
  assert.equal(secondsText(1.5), '1.500000');
  assert.equal(secondsText(123.0000004), '123.000000');
  assert.equal(secondsText(-0.25), '-0.250000');
});
