/**
 * A history row's counts and groups computed in the sampler's worker (`SampleWant.summary`,
 * what `serve` records with) equal the ones computed from the rows on the calling thread, and
 * a summary-only sample (`rows: false`) is recorded without its table crossing over.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Sampler } from '../../src/engine/sampler.js';
import { sampleRow, summarize } from '../../src/history/sample-row.js';
import { KNOWN_CODES, stateName } from '../../src/model/state.js';
import { kernelOrSkip, kernelUnavailable, Netns } from '../lib/netns.js';
import { parseSs } from '../lib/ss.js';

describe('history summaries from the sampler worker', () => {
  let ns: Netns | undefined;
  let sampler: Sampler;
  before(async () => {
    if (kernelUnavailable()) return;
    ns = Netns.create('sum');
    await ns.zoo();
    sampler = new Sampler();
  });
  after(async () => {
    await sampler?.close();
    ns?.destroy();
  });

  test("the worker's summary equals the rows' own, owners included, and its counts equal ss", async (t) => {
    if (!kernelOrSkip(t, ['ss'])) return;
    const s = await sampler.sample({ netns: ns!.name, processes: true, summary: { top: 3 } });
    assert.ok(s.table && s.summary, 'rows and summary in one sample');
    const mine = summarize(s.table, true, 3);
    assert.deepEqual(s.summary, mine);
    assert.ok(
      s.summary.groups.some((g) => g.kind === 'process' && g.key !== '-'),
      'process groups are there (owners were scanned)',
    );
    assert.ok(
      s.summary.groups.some((g) => g.key === 'other'),
      'the zoo has more than 3 groups of some kind',
    );
    const ss: Record<string, number> = Object.fromEntries(KNOWN_CODES.map((c) => [stateName(c), 0]));
    for (const r of parseSs(ns!.run('ss', ['-tanH']))) ss[r.state] = (ss[r.state] ?? 0) + 1;
    const got = Object.fromEntries(KNOWN_CODES.map((c) => [stateName(c), s.summary!.counts[c]!]));
    assert.deepEqual(got, ss);
  });

  test('a summary-only sample has no rows and records as the rows would', async (t) => {
    if (!kernelOrSkip(t)) return;
    const s = await sampler.sample({ netns: ns!.name, processes: true, rows: false, summary: { top: 20 } });
    assert.equal(s.table, undefined);
    const row = sampleRow(s, { intervalMs: 1000, top: 20 });
    assert.deepEqual([...row.counts], [...s.summary!.counts]);
    assert.deepEqual(row.groups, s.summary!.groups);
    // Another top than the summary's is refused, not recorded wrong.
    assert.throws(() => sampleRow(s, { intervalMs: 1000, top: 5 }), /without rows cannot be recorded/);
  });
});
