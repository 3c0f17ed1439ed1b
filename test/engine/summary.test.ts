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
    // Every state, v4 and v6, an IPv4 client of a dual-stack listener (::ffff: peers), several of each.
    await ns.zoo(['--only', 'listen,est,cw,tw,synsent,synrecv,finwait1,lastack,closing,orphan,mapped', '--repeat', '3']);
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

  test('counted from chunks without the table (what serve records), the summary equals the table-based one and ss', async (t) => {
    if (!kernelOrSkip(t, ['ss'])) return;
    const chunked = await sampler.sample({ netns: ns!.name, processes: true, rows: false, summary: { top: 100 } });
    const whole = await sampler.sample({ netns: ns!.name, processes: true, summary: { top: 100 } });
    assert.equal(chunked.table, undefined, 'no rows crossed');
    assert.deepEqual(chunked.summary, summarize(whole.table!, true, 100));
    // Folded into "other" the same way at a small top.
    const small = await sampler.sample({ netns: ns!.name, processes: true, rows: false, summary: { top: 2 } });
    assert.deepEqual(small.summary, summarize(whole.table!, true, 2));
    assert.ok(small.summary!.groups.some((g) => g.key === 'other' && g.folded > 0));

    // ss: states, inbound by local port, outbound by remote port, peers (IPv4-mapped as IPv4).
    const rows = parseSs(ns!.run('ss', ['-tanH']));
    const listening = new Set(rows.filter((r) => r.state === 'LISTEN').map((r) => r.local.split('|')[1]));
    const want = new Map<string, number>();
    const bump = (k: string) => want.set(k, (want.get(k) ?? 0) + 1);
    for (const r of rows) {
      const lport = r.local.split('|')[1]!;
      const [raddr, rport] = r.remote.split('|');
      if (r.state === 'LISTEN' || listening.has(lport)) bump(`lport ${lport} ${r.state}`);
      else bump(`rport ${rport} ${r.state}`);
      bump(`raddr ${raddr!.replace(/^::ffff:(\d+\.)/, '$1')} ${r.state}`);
      bump(`state ${r.state}`);
    }
    const got = new Map<string, number>();
    for (const g of chunked.summary!.groups) {
      if (g.kind === 'process') continue;
      for (const c of KNOWN_CODES) if (g.counts[c]) got.set(`${g.kind} ${g.key} ${stateName(c)}`, g.counts[c]!);
    }
    for (const c of KNOWN_CODES) if (chunked.summary!.counts[c]) got.set(`state ${stateName(c)}`, chunked.summary!.counts[c]!);
    assert.deepEqual(new Map([...got].sort()), new Map([...want].sort()));
    assert.ok([...want.keys()].some((k) => k.startsWith('raddr 127.0.0.1')) && rows.some((r) => r.remote.startsWith('::ffff:')), 'the namespace has IPv4-mapped peers');
  });
});
