/**
 * diffReport, the library's diff: per-state changes, the awk summary's missing LISTEN left out
 * of both sides (without touching the callers' counts), whether anything differs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newCounts } from '../../src/model/count.js';
import { SCHEMAS } from '../../src/model/documents.js';
import { ESTABLISHED, LISTEN, stateName, TIME_WAIT } from '../../src/model/state.js';
import { diffDocument, diffReport } from '../../src/report/diff.js';

function counts(o: Record<number, number>) {
  const c = newCounts();
  for (const [s, n] of Object.entries(o)) c[Number(s)] = n;
  return c;
}

test('an awk summary against a listing: LISTEN left out of both, the inputs unchanged', () => {
  const a = { side: { label: 'a', format: 'awk' }, counts: counts({ [ESTABLISHED]: 5 }) };
  const b = { side: { label: 'b', format: 'ss' }, counts: counts({ [ESTABLISHED]: 7, [LISTEN]: 3 }) };
  const r = diffReport(a, b);
  assert.equal(r.listenOut, true);
  assert.equal(r.after[LISTEN], 0);
  assert.equal(b.counts[LISTEN], 3, "the caller's counts are not changed");
  assert.equal(r.differ, true);
  assert.equal(r.sockets, undefined, 'a summary side: counts only');
  const doc = diffDocument(r, []);
  assert.equal(doc.schema, SCHEMAS.diff);
  const e = stateName(ESTABLISHED);
  assert.deepEqual([doc.states.before[e], doc.states.after[e], doc.states.change[e]], [5, 7, 2]);
  assert.equal(doc.states.after[stateName(LISTEN)], 0, 'LISTEN left out');
  assert.deepEqual(doc.total, { before: 5, after: 7, change: 2 });
  assert.equal(doc.sockets, null);
});

test('equal sides do not differ; a listing side with listeners keeps LISTEN', () => {
  const c = counts({ [TIME_WAIT]: 2, [LISTEN]: 1 });
  const r = diffReport({ side: { label: 'a', format: 'ss' }, counts: c }, { side: { label: 'b', format: 'netstat' }, counts: c });
  assert.equal(r.listenOut, false);
  assert.equal(r.differ, false);
  assert.equal(r.before[LISTEN], 1);
});
