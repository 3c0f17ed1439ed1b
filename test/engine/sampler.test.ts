/**
 * The sampler: samples of a zoo namespace taken on the worker thread equal ss's table,
 * concurrent requests share one, fixed ticks never overlap, 1 Hz sampling keeps RSS and
 * event-loop delay bounded, close() ends the worker and fails what is pending.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { Sampler } from '../../src/engine/sampler.js';
import { KNOWN_CODES, stateName } from '../../src/model/state.js';
import { kernelOrSkip, kernelUnavailable, Netns } from '../lib/netns.js';
import { parseSs } from '../lib/ss.js';

function ssCounts(ns: Netns): Record<string, number> {
  const c: Record<string, number> = Object.fromEntries(KNOWN_CODES.map((s) => [stateName(s), 0]));
  for (const r of parseSs(ns.run('ss', ['-tanH']))) c[r.state] = (c[r.state] ?? 0) + 1;
  return c;
}

describe('sampler on the worker thread', () => {
  let ns: Netns | undefined;
  let sampler: Sampler;
  before(async () => {
    if (kernelUnavailable()) return;
    ns = Netns.create('smp');
    await ns.zoo();
    sampler = new Sampler();
  });
  after(async () => {
    await sampler?.close();
    ns?.destroy();
  });

  test('a sample of the namespace holds the sockets ss lists, state by state, and says its source and time', async (t) => {
    if (!kernelOrSkip(t, ['ss', 'nft'])) return;
    const want = ssCounts(ns!);
    const s = await sampler.sample({ netns: ns!.name });
    const got: Record<string, number> = Object.fromEntries(KNOWN_CODES.map((c) => [stateName(c), 0]));
    const table = s.table!;
    for (let i = 0; i < table.length; i++) got[stateName(table.state[i]!)]!++;
    assert.deepEqual(got, want);
    assert.equal(s.netns, ns!.name);
    assert.match(s.source, /^(netlink|proc)$/);
    assert.ok(s.scanMs > 0 && s.totalMs >= s.scanMs, `scan ${s.scanMs} ms within ${s.totalMs} ms`);
    assert.ok(s.counters?.netstat?.['TcpExt'], "the namespace's counters were read");
    assert.ok(Math.abs(s.takenAt - Date.now()) < 10_000);
  });

  test("the doctor's findings come back in the language asked for (watch's status line), English by default; neither answers for the other", async (t) => {
    if (!kernelOrSkip(t)) return;
    const cjk = /[\u4e00-\u9fff]/;
    const [en, zh] = await Promise.all([sampler.sample({ netns: ns!.name, findings: true, rows: false }), sampler.sample({ netns: ns!.name, findings: true, rows: false, lang: 'zh' })]);
    assert.notEqual(en, zh, 'a report in one language does not answer for the other');
    assert.ok(en.report && zh.report);
    assert.deepEqual(
      zh.report.checks.map((c) => c.id),
      en.report.checks.map((c) => c.id),
    );
    for (const c of en.report.checks) assert.doesNotMatch(c.checks, cjk, c.id);
    for (const c of zh.report.checks) assert.match(c.checks, cjk, c.id);
  });

  test('concurrent requests for the same moment share one sample; a request for more gets its own', async (t) => {
    if (!kernelOrSkip(t)) return;
    const shared = sampler.stats.shared;
    const [a, b, c] = await Promise.all([sampler.sample({ netns: ns!.name, processes: true }), sampler.sample({ netns: ns!.name }), sampler.sample({ netns: ns!.name, processes: true })]);
    assert.equal(a, b, 'a sample with owners answers a request without');
    assert.equal(a, c);
    assert.equal(sampler.stats.shared, shared + 2);
    assert.ok(a.processes && a.processes.scanned > 0);
    const owned = [...Array(a.table!.length).keys()].filter((i) => a.table!.ownersOf(i).length > 0);
    assert.ok(owned.length > 0, 'owners crossed the thread boundary');
    const d = await sampler.sample({ netns: ns!.name });
    assert.notEqual(d, a, 'a later request gets a fresh sample');
  });

  test('a sample for aggregates only moves no rows; its aggregates are those of the rows', async (t) => {
    if (!kernelOrSkip(t)) return;
    const { aggregate } = await import('../../src/engine/aggregates.js');
    const opts = { top: 20, byProcess: false };
    const [agg, full] = await Promise.all([sampler.sample({ netns: ns!.name, metrics: opts, rows: false }), sampler.sample({ netns: ns!.name, processes: true })]);
    assert.notEqual(agg, full, 'a sample with rows but no aggregates does not answer for aggregates');
    assert.equal(agg.table, undefined);
    assert.deepEqual(agg.metrics, aggregate(full.table!, opts));
    // read by the BPF walk with ports where it runs (root, kernel BTF), by a full dump elsewhere
    const bpf = existsSync('/sys/kernel/btf/vmlinux') && process.getuid?.() === 0 && process.env['TCPSTATE_NO_BPF'] !== '1';
    assert.equal(agg.source, bpf ? 'bpf' : full.source);
  });

  test('an unknown namespace is an ERR_NETNS error, and the sampler goes on', async (t) => {
    if (!kernelOrSkip(t)) return;
    await assert.rejects(sampler.sample({ netns: 'tcst-no-such-ns' }), (e: Error & { code?: string }) => e.code === 'ERR_NETNS');
    assert.ok((await sampler.sample({ netns: ns!.name })).table!.length > 0);
  });

  test('fixed ticks never overlap: a slow handler makes ticks skipped, not queued', async (t) => {
    if (!kernelOrSkip(t)) return;
    let running = 0;
    let most = 0;
    let calls = 0;
    const skipped = sampler.stats.skippedTicks;
    const stop = sampler.every(100, { netns: ns!.name }, async () => {
      running++;
      most = Math.max(most, running);
      calls++;
      await new Promise((r) => setTimeout(r, 250));
      running--;
    });
    // Wait for three handled ticks, not a fixed time: on a loaded machine one sample can take a second.
    const t0 = Date.now();
    while (calls < 3 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 50));
    stop();
    const elapsed = Date.now() - t0;
    assert.equal(most, 1, 'never two ticks at once');
    assert.ok(calls >= 3, `${calls} ticks handled in ${elapsed} ms`);
    assert.ok(calls <= elapsed / 250 + 1, `${calls} ticks in ${elapsed} ms at 250 ms each: handlers overlapped or were queued`);
    assert.ok(sampler.stats.skippedTicks > skipped, 'the ticks that fell due while busy were skipped');
  });

  test('sampling at 1 Hz keeps RSS and event-loop delay bounded', async (t) => {
    if (!kernelOrSkip(t)) return;
    const seconds = Number(process.env['TCPSTATE_SOAK_SECONDS'] ?? 6);
    const h = monitorEventLoopDelay({ resolution: 5 });
    // The machine's own timer jitter, measured first: a loaded machine delays every loop.
    const base = monitorEventLoopDelay({ resolution: 5 });
    base.enable();
    await new Promise((r) => setTimeout(r, 2000));
    base.disable();
    const baseP99 = base.percentile(99) / 1e6;
    const rss: number[] = [];
    let errors = 0;
    h.enable();
    const stop = sampler.every(1000, { netns: ns!.name }, (s) => {
      if (s instanceof Error) errors++;
      rss.push(process.memoryUsage().rss);
    });
    await new Promise((r) => setTimeout(r, seconds * 1000 + 300));
    stop();
    h.disable();
    assert.equal(errors, 0);
    assert.ok(rss.length >= seconds - 1, `${rss.length} samples in ${seconds} s`);
    const growth = (rss[rss.length - 1]! - rss[1]!) / 2 ** 20;
    assert.ok(growth < 10, `RSS grew ${growth.toFixed(1)} MiB`);
    const p99 = h.percentile(99) / 1e6;
    assert.ok(p99 < 50 + baseP99, `event-loop delay p99 ${p99.toFixed(1)} ms (${baseP99.toFixed(1)} ms without sampling)`);
  });

  test('a stopped schedule delivers nothing, not even the error of a sample in flight when the sampler closes', async (t) => {
    if (!kernelOrSkip(t)) return;
    const s = new Sampler();
    let delivered = 0;
    const stop = s.every(60_000, { netns: ns!.name, processes: true }, () => {
      delivered++;
    });
    await new Promise((r) => setTimeout(r, 20));
    stop();
    await s.close();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(delivered, 0);
  });

  test('close() fails pending samples and ends the worker; later requests are refused', async (t) => {
    if (!kernelOrSkip(t)) return;
    const s = new Sampler();
    await s.sample({ netns: ns!.name });
    const pending = assert.rejects(s.sample({ netns: ns!.name, processes: true }), /closed/);
    await s.close();
    await pending;
    await assert.rejects(s.sample({}), /closed/);
  });
});
