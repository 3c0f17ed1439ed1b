/**
 * `diff @TIME`: a recorded sample as either side of diff. Two recorded moments of a
 * synthetic file compared; a moment with no sample near it names the nearest ones (in
 * both languages); a moment against a capture file; and, in a namespace, a sample `record`
 * kept against the live table after the test changed the sockets (ss as the oracle).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { newCounts } from '../../src/model/count.js';
import { ESTABLISHED, LISTEN, TIME_WAIT } from '../../src/model/state.js';
import type { SampleRow } from '../../src/history/sample-row.js';
import { openStore } from '../../src/history/store.js';
import { parseMomentRef } from '../../src/history/at.js';
import { kernelOrSkip, Netns, runCli } from '../lib/netns.js';
import { Driver, sleep, ssCounts, startRecord } from './lib.js';
import type { DiffDocument } from '../../src/model/documents.js';

type DiffDoc = DiffDocument;

function row(t: number, est: number, tw: number, netns = ''): SampleRow {
  const counts = newCounts();
  counts[LISTEN] = 2;
  counts[ESTABLISHED] = est;
  counts[TIME_WAIT] = tw;
  return { t, intervalMs: 10_000, netns, source: 'synthetic', scanMs: 1, counts, groups: [], counterDeltas: new Map(), findings: [] };
}

const byState = (d: DiffDoc): Record<string, [number, number]> =>
  Object.fromEntries(
    Object.keys(d.states.before)
      .filter((s) => d.states.before[s] || d.states.after[s])
      .map((s) => [s, [d.states.before[s]!, d.states.after[s]!]]),
  );

describe('diff @TIME', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-hdiff-'));
  const cleanup: (() => void)[] = [];
  after(() => {
    for (const c of cleanup) c();
    rmSync(dir, { recursive: true, force: true });
  });
  // Ten minutes of 10 s samples ending a minute ago, then a stop of an hour before the last stretch.
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 2 * 3_600_000;
  const db = join(dir, 'a.db');
  const store = openStore(db, { write: true });
  for (let i = 0; i < 60; i++) store.writeRow(row(t0 + i * 10_000, 10 + i, i % 7));
  for (let i = 0; i < 6; i++) store.writeRow(row(t0 + 3_600_000 + i * 10_000, 100, 3));
  store.close();

  test('moments: @ with any --at form; a bare number is epoch seconds', () => {
    const now = Date.parse('2026-12-05T10:30:00');
    assert.equal(parseMomentRef('@1733392800', 'BEFORE', now), 1733392800_000);
    assert.equal(parseMomentRef('@@1733392800.5', 'BEFORE', now), 1733392800_500);
    assert.equal(parseMomentRef('@1h', 'BEFORE', now), now - 3_600_000);
    assert.equal(parseMomentRef('@10:05', 'BEFORE', now), Date.parse('2026-12-05T10:05:00'));
  });

  test('two recorded moments: each side is the last sample at or before its time', () => {
    const a = t0 + 5 * 10_000 + 3000; // sample 5
    const b = t0 + 42 * 10_000; // sample 42 exactly
    const r = runCli(['diff', '--db', db, `@${a / 1000}`, `@${b / 1000}`, '--json']);
    assert.equal(r.code, 1, r.stderr); // the sides differ: 1, as diff(1)
    const d = JSON.parse(r.stdout) as DiffDoc;
    assert.deepEqual(byState(d), { ESTABLISHED: [15, 52], TIME_WAIT: [5, 0], LISTEN: [2, 2] });
    assert.equal(d.before.format, 'history');
    assert.match(d.before.label, new RegExp(`${db}, sample of ${new Date(t0 + 50_000).toISOString()}`));
    assert.equal(d.sockets, null);
    const text = runCli(['diff', '--db', db, `@${new Date(a).toISOString()}`, `@${b / 1000}`]);
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /^ESTABLISHED +15 +52 +\+37$/m);
  });

  test('no sample near the moment: the error names the nearest samples before and after, in the locale', () => {
    const gap = t0 + 30 * 60_000; // 20 minutes after the first stretch, 40 before the second
    const r = runCli(['diff', '--db', db, `@${gap / 1000}`, `@${(t0 + 3_600_000) / 1000}`]);
    assert.equal(r.code, 1, r.stdout);
    const before = new Date(t0 + 59 * 10_000).toISOString();
    const afterT = new Date(t0 + 3_600_000).toISOString();
    assert.match(r.stderr, new RegExp(`no sample at ${new Date(gap).toISOString()} \\(none within two intervals before it\\); nearest: ${before} before, ${afterT} after`));
    const zh = runCli(['diff', '--db', db, `@${(t0 - 60_000) / 1000}`, `@${(t0 + 10_000) / 1000}`], { env: { TCPSTATE_LANG: 'zh' } });
    assert.equal(zh.code, 1);
    assert.match(zh.stderr, new RegExp(`之前没有,之后 ${new Date(t0).toISOString()}`));
    const missing = runCli(['diff', '--db', join(dir, 'none.db'), '@1h', '@30m']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /none\.db does not exist: nothing has been recorded there/);
    const bad = runCli(['diff', '--db', db, '@yesterday', '@1h']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /@yesterday takes a time: now, a duration ago/);
  });

  test('a recorded moment against a capture file', () => {
    const cap = join(dir, 'after.txt');
    writeFileSync(cap, 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 128 0.0.0.0:22 0.0.0.0:*\nESTAB 0 0 10.0.0.1:22 10.0.0.2:5000\nCLOSE-WAIT 0 0 10.0.0.1:22 10.0.0.3:5001\n');
    const r = runCli(['diff', '--db', db, `@${(t0 + 10_000) / 1000}`, cap, '--json']);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(byState(JSON.parse(r.stdout) as DiffDoc), { ESTABLISHED: [11, 1], TIME_WAIT: [1, 0], LISTEN: [2, 1], CLOSE_WAIT: [0, 1] });
  });

  test('in a namespace: a recorded sample against the live table after the sockets changed, both equal to ss', async (t) => {
    if (!kernelOrSkip(t, ['ss'])) return;
    const ns = Netns.create('hdiff');
    cleanup.push(() => ns.destroy());
    const port = 20000 + ((process.pid + 7) % 20000);
    const driver = await Driver.start(ns);
    await driver.do(`listen ${port}`);
    await driver.do(`connect ${port} 4`);
    const ssBefore = ssCounts(ns);
    const ndb = join(dir, 'ns.db');
    const rec = startRecord(['--db', ndb, '--interval', '0.5', '--netns', ns.name, '--samples', '2', '--no-processes']);
    cleanup.push(() => {
      if (rec.child.exitCode === null) rec.child.kill('SIGKILL');
    });
    assert.equal(await rec.exited, 0, rec.stderr());
    const recorded = Date.now();
    await sleep(100);
    await driver.do('halfclose 3');
    const ssAfter = ssCounts(ns);
    const r = runCli(['diff', '--db', ndb, '--netns', ns.name, `@${recorded / 1000}`, '--live', '--json']);
    assert.equal(r.code, 1, r.stderr);
    const d = JSON.parse(r.stdout) as DiffDoc;
    assert.match(d.after.label, /^live, network namespace /);
    for (const s of Object.keys(d.states.before)) {
      assert.equal(d.states.before[s], ssBefore[s] ?? 0, `${s} before`);
      assert.equal(d.states.after[s], ssAfter[s] ?? 0, `${s} after`);
    }
    assert.equal(ssBefore['ESTABLISHED'], 8);
    assert.deepEqual([ssAfter['FIN_WAIT2'], ssAfter['CLOSE_WAIT']], [3, 3]);
  });
});
