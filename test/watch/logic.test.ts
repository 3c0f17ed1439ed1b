/**
 * The watch's pure parts: the view advanced by samples (deltas, rates, baseline, history,
 * groups in a stable order), the tick clock (fixed ticks, skipped ones counted), the JSON
 * object's shape.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newCounts } from '../../src/model/count.js';
import type { WatchDocument } from '../../src/model/documents.js';
import { CLOSE_WAIT, ESTABLISHED, LISTEN } from '../../src/model/state.js';
import { watchJson } from '../../src/watch/lines.js';
import { nextTick, TickLoop } from '../../src/watch/ticker.js';
import { advance, cycleSort, newView, orderGroups, resetBaseline, type TickSample, type ViewGroup } from '../../src/watch/view.js';

function sample(atMs: number, set: Record<number, number>, groups?: [string, number][]): TickSample {
  const counts = newCounts();
  for (const [k, v] of Object.entries(set)) counts[Number(k)] = v;
  return {
    counts,
    atMs,
    takenAt: 1_700_000_000_000 + atMs,
    source: 'test',
    scanMs: 1,
    warnings: [],
    notices: [],
    ...(groups
      ? {
          groups: groups.map(([key, n]) => {
            const c = newCounts();
            c[ESTABLISHED] = n;
            return { key, counts: c, total: n };
          }),
        }
      : {}),
  };
}

test('view: deltas and rates against the previous tick, since against the baseline, bounded history', () => {
  const v = newView(3);
  advance(v, sample(0, { [ESTABLISHED]: 10, [LISTEN]: 2 }));
  assert.equal(v.delta, undefined);
  advance(v, sample(500, { [ESTABLISHED]: 14, [LISTEN]: 2, [CLOSE_WAIT]: 1 }));
  assert.equal(v.delta![ESTABLISHED], 4);
  assert.equal(v.rate![ESTABLISHED], 8, '4 in half a second');
  assert.equal(v.rate![CLOSE_WAIT], 2);
  assert.equal(v.elapsedS, 0.5);
  advance(v, sample(1500, { [ESTABLISHED]: 11 }));
  advance(v, sample(2500, { [ESTABLISHED]: 11 }));
  assert.equal(v.history.length, 3, 'history bounded');
  assert.deepEqual(
    v.history.map((h) => h[ESTABLISHED]),
    [14, 11, 11],
  );
  assert.equal(v.counts[ESTABLISHED]! - v.baseline![ESTABLISHED]!, 1);
  resetBaseline(v);
  assert.equal(v.counts[ESTABLISHED]! - v.baseline![ESTABLISHED]!, 0);
  assert.equal(v.history.length, 1);
  assert.equal(v.tick, 4);
});

test('view: groups keep their places between ticks; new ones follow; a re-sort when asked', () => {
  const v = newView();
  advance(
    v,
    sample(0, {}, [
      ['80', 5],
      ['443', 9],
      ['other (3)', 4],
    ]),
  );
  assert.deepEqual(
    v.groups.map((g) => g.key),
    ['443', '80', 'other (3)'],
  );
  advance(
    v,
    sample(1000, {}, [
      ['80', 20],
      ['443', 9],
      ['22', 30],
      ['other (2)', 1],
    ]),
  );
  assert.deepEqual(
    v.groups.map((g) => g.key),
    ['443', '80', '22', 'other (2)'],
    'no jump although 80 and 22 grew past 443',
  );
  assert.deepEqual(
    v.groups.map((g) => g.delta),
    [0, 15, null, null],
  );
  cycleSort(v);
  assert.equal(v.sort, 'growth');
  assert.deepEqual(
    v.groups.map((g) => g.key),
    ['80', '22', '443', 'other (2)'],
    'growth, then total',
  );
  cycleSort(v);
  assert.deepEqual(
    v.groups.map((g) => g.key),
    ['22', '80', '443', 'other (2)'],
    'by name, numeric',
  );
  cycleSort(v);
  resetBaseline(v);
  advance(
    v,
    sample(2000, {}, [
      ['80', 20],
      ['443', 9],
      ['22', 30],
    ]),
  );
  assert.deepEqual(
    v.groups.map((g) => g.key),
    ['22', '80', '443'],
    'reset re-sorts by total',
  );
  const g = (key: string, total: number): ViewGroup => ({ key, total, counts: newCounts(), delta: null });
  assert.deepEqual(
    orderGroups([g('b', 1), g('a', 1)], [], 'total').map((x) => x.key),
    ['a', 'b'],
    'ties by key',
  );
});

test('ticks: fixed, never overlapping; those due while busy are skipped and counted', () => {
  assert.deepEqual(nextTick(0, 1000, 1, 1200), { tick: 2, due: 2000, skipped: 0 });
  assert.deepEqual(nextTick(0, 1000, 1, 2000), { tick: 2, due: 2000, skipped: 0 });
  assert.deepEqual(nextTick(0, 1000, 1, 2001), { tick: 3, due: 3000, skipped: 1 });
  assert.deepEqual(nextTick(0, 1000, 1, 4500), { tick: 5, due: 5000, skipped: 3 });
  assert.deepEqual(nextTick(100, 250, 0, 120), { tick: 1, due: 350, skipped: 0 });
});

test('TickLoop: --count ticks, one at a time, on the grid; a slow tick skips, an error ends it', async () => {
  let running = 0;
  const starts: number[] = [];
  const t0 = performance.now();
  const loop = new TickLoop(
    40,
    async (tick) => {
      assert.equal(running++, 0, 'ticks never overlap');
      starts.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, tick === 2 ? 100 : 5));
      running--;
    },
    5,
  );
  loop.start();
  await loop.done;
  assert.equal(starts.length, 5);
  assert.ok(loop.skipped >= 2, `skipped ${loop.skipped}`);
  const failing = new TickLoop(10, async (tick) => {
    if (tick === 1) throw new Error('boom');
  });
  failing.start();
  await assert.rejects(failing.done, /boom/);
});

test('watchJson: tcpstate.watch/1 with count/1-shaped states, null deltas on the first tick', () => {
  const v = newView();
  advance(v, sample(0, { [ESTABLISHED]: 3 }, [['80', 3]]));
  const first: WatchDocument = watchJson(v, { intervalS: 1, skipped: 0, by: 'lport' });
  assert.equal(first.schema, 'tcpstate.watch/1');
  assert.equal(first.deltas, null);
  assert.deepEqual(Object.keys(first.states).slice(0, 3), ['ESTABLISHED', 'SYN_SENT', 'SYN_RECV']);
  assert.deepEqual(first.groups?.[0], { key: '80', total: 3, delta: null, states: first.states });
  advance(v, sample(2000, { [ESTABLISHED]: 7 }));
  const second: WatchDocument = watchJson(v, { intervalS: 1, skipped: 1 });
  assert.equal(second.deltas?.['ESTABLISHED'], 4);
  assert.equal(second.rates?.['ESTABLISHED'], 2);
  assert.equal(second.since['ESTABLISHED'], 4);
  assert.equal(second.skippedTicks, 1);
});
