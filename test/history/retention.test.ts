/**
 * Rollups and retention on synthetic old samples: three days of samples written through the
 * store with a one-day raw and two-day minute retention are trimmed as configured, and the
 * minute and hour rollups hold each bucket's min, max, mean and last; `history --step 1h`
 * answers from the hour rollups (also where raw samples are gone); a size limit keeps the
 * file under it, dropping the oldest samples first.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { newCounts } from '../../src/model/count.js';
import { ESTABLISHED, LISTEN, TIME_WAIT } from '../../src/model/state.js';
import type { SampleRow } from '../../src/history/sample-row.js';
import { openStore } from '../../src/history/store.js';
import { usedBytes } from '../../src/history/retention.js';
import { runCli } from '../lib/netns.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

function row(t: number, i: number, groups = 0): SampleRow {
  const counts = newCounts();
  counts[ESTABLISHED] = (i * 7) % 23;
  counts[TIME_WAIT] = (i * 5) % 17;
  counts[LISTEN] = 1;
  const g = [];
  for (let k = 0; k < groups; k++) {
    const c = newCounts();
    c[ESTABLISHED] = k + (i % 3);
    g.push({ kind: 'lport' as const, key: String(1000 + k), folded: 0, counts: c });
  }
  return { t, intervalMs: 30_000, netns: '', source: 'synthetic', scanMs: 1, counts, groups: g, counterDeltas: new Map([['Tcp.ActiveOpens', (i % 4) + 1]]), countersFrom: t - 30_000, findings: [] };
}

describe('rollups and retention', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-hret-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('three days at 30 s, raw kept 1 day and minutes 2 days: trimmed as configured; rollups hold min, max, mean, last; --step 1h reads them', () => {
    const db = join(dir, 'ret.db');
    const end = Math.floor(Date.now() / HOUR) * HOUR;
    const start = end - 3 * DAY;
    const store = openStore(db, { write: true, retention: { rawMs: DAY, minuteMs: 2 * DAY, hourMs: 730 * DAY, maxBytes: 0 } });
    store.db.pragma('synchronous = OFF');
    const rows: SampleRow[] = [];
    for (let t = start, i = 0; t < end; t += 30_000, i++) {
      const r = row(t, i);
      rows.push(r);
      store.writeRow(r);
    }
    const lastT = rows[rows.length - 1]!.t;
    const q = (sql: string): Record<string, unknown> => store.db.prepare(sql).get()!;
    // Raw: the last day (retention runs once a minute of sample time: at most a minute more).
    const oldest = q('SELECT min(t) AS t, count(*) AS n FROM samples');
    assert.ok((oldest['t'] as number) >= lastT - DAY - 60_000 && (oldest['t'] as number) <= lastT - DAY + 60_000, `oldest raw sample ${new Date(oldest['t'] as number).toISOString()}`);
    assert.equal(q('SELECT count(*) AS n FROM counters WHERE sample NOT IN (SELECT id FROM samples)')['n'], 0);
    const minutes = q(`SELECT min(t) AS t, count(*) AS n FROM rollups WHERE step = ${60_000}`);
    assert.ok((minutes['t'] as number) >= lastT - 2 * DAY - 60_000 && (minutes['t'] as number) <= lastT - 2 * DAY + 60_000);
    // Counter sums per bucket go with their rollups, and equal the raw deltas where both remain.
    assert.equal(q(`SELECT count(*) AS n FROM counter_rollups WHERE step = ${60_000} AND t < ${minutes['t'] as number}`)['n'], 0);
    const lastHour = Math.floor(lastT / HOUR) * HOUR;
    assert.equal(
      q(`SELECT sum(sum) AS n FROM counter_rollups WHERE step = ${HOUR} AND t = ${lastHour}`)['n'],
      q(`SELECT sum(delta) AS n FROM counters JOIN samples ON samples.id = counters.sample WHERE samples.t >= ${lastHour}`)['n'],
    );
    assert.equal(q(`SELECT count(*) AS n FROM rollups WHERE step = ${HOUR}`)['n'], 72);
    store.close();

    const r = runCli(['history', '--db', db, '--since', `@${start / 1000}`, '--until', `@${end / 1000}`, '--step', '1h', '--json', 'established', 'time-wait']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      tier: string;
      shown: string[];
      samples: { t: number; n: number; states: Record<string, number>; min: Record<string, number>; max: Record<string, number>; mean: Record<string, number> }[];
    };
    assert.equal(doc.tier, 'hour');
    assert.deepEqual(doc.shown, ['ESTABLISHED', 'TIME_WAIT']);
    assert.equal(doc.samples.length, 72);
    for (const s of doc.samples) {
      const inside = rows.filter((x) => x.t >= s.t && x.t < s.t + HOUR);
      assert.equal(s.n, inside.length);
      for (const [name, code] of [
        ['ESTABLISHED', ESTABLISHED],
        ['TIME_WAIT', TIME_WAIT],
      ] as const) {
        const v = inside.map((x) => x.counts[code]!);
        assert.equal(s.min[name], Math.min(...v));
        assert.equal(s.max[name], Math.max(...v));
        assert.equal(s.states[name], v[v.length - 1]);
        assert.equal(s.mean[name], Math.round((v.reduce((a, b) => a + b, 0) / v.length) * 100) / 100);
      }
    }
    // Steps of 5 minutes over the last day come from the minute rollups and agree with the raw samples.
    const since = end - 6 * HOUR;
    const five = JSON.parse(runCli(['history', '--db', db, '--since', `@${since / 1000}`, '--until', `@${end / 1000}`, '--step', '5m', '--json']).stdout) as typeof doc;
    const raw = JSON.parse(runCli(['history', '--db', db, '--since', `@${since / 1000}`, '--until', `@${end / 1000}`, '--step', '150s', '--json']).stdout) as typeof doc & { tier: string };
    assert.equal(five.tier, 'minute');
    assert.equal(raw.tier, 'raw');
    assert.equal(five.samples.length, 72);
    for (const s of five.samples) {
      const parts = raw.samples.filter((x) => x.t >= s.t && x.t < s.t + 300_000);
      assert.equal(s.max['ESTABLISHED'], Math.max(...parts.map((p) => p.max['ESTABLISHED']!)));
      assert.equal(s.states['TIME_WAIT'], parts[parts.length - 1]!.states['TIME_WAIT']);
    }
    // The text view picks a step over the range and draws sparklines from the rollups.
    const text = runCli(['history', '--db', db, '--since', `@${start / 1000}`, '--until', `@${end / 1000}`]);
    assert.equal(text.code, 0, text.stderr);
    // 3 h steps on a grid of whole 3 h: 24 of them when the range starts on the grid, else 25
    const S3 = 3 * HOUR;
    const steps = Math.floor((end - 1) / S3) - Math.floor(start / S3) + 1;
    assert.match(text.stdout, new RegExp(`, ${steps} steps of 3h from the hour rollups$`, 'm'));
    assert.match(text.stdout, new RegExp(`^ESTABLISHED +0 +22 +\\d+ [▁-█]{${steps}}$`, 'm'));
  });

  test('a size limit keeps the used pages under it, oldest samples first, and gives the space back', () => {
    const db = join(dir, 'size.db');
    const max = 400 * 1024;
    const store = openStore(db, { write: true, retention: { maxBytes: max } });
    store.db.pragma('synchronous = OFF');
    const t0 = Date.now() - DAY;
    let peak = 0;
    for (let i = 0; i < 6000; i++) {
      store.writeRow(row(t0 + i * 10_000, i, 20));
      peak = Math.max(peak, usedBytes(store.db));
    }
    const kept = store.db.prepare('SELECT min(t) AS a, max(t) AS b, count(*) AS n FROM samples').get()!;
    assert.equal(kept['b'], t0 + 5999 * 10_000, 'the newest sample is kept');
    assert.ok((kept['n'] as number) < 6000 && (kept['n'] as number) > 100, `${String(kept['n'])} samples kept`);
    // Enforced once a minute of sample time: six 10 s samples may pass the limit before a trim.
    assert.ok(peak < max + 64 * 1024, `peak ${peak} bytes`);
    store.close();
    assert.ok(statSync(db).size < max + 64 * 1024, `file ${statSync(db).size} bytes`);
  });
});
