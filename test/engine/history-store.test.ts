/**
 * serve's history store on the sampler's worker (`Sampler.openHistory`, `SampleWant.record`):
 * a recorded sample lands in the file with the counts ss shows and the groups the table-based
 * summary gives; a sample taken without a store open says so and the recorder's sink refuses
 * it; a second writer is refused with the lock's message; closing releases the file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Sampler } from '../../src/engine/sampler.js';
import { groupReader } from '../../src/history/group-read.js';
import { workerStore } from '../../src/history/recorder.js';
import { summarize } from '../../src/history/sample-row.js';
import { GROUP_KINDS, STATE_COLUMNS } from '../../src/history/schema.js';
import { openStore } from '../../src/history/store.js';
import { KNOWN_CODES, stateName } from '../../src/model/state.js';
import { kernelOrSkip, kernelUnavailable, Netns } from '../lib/netns.js';
import { parseSs } from '../lib/ss.js';

describe("history written on the sampler's worker", () => {
  let ns: Netns | undefined;
  let dir = '';
  before(async () => {
    if (kernelUnavailable()) return;
    ns = Netns.create('hst');
    await ns.zoo(['--only', 'listen,est,cw,tw,synsent,orphan', '--repeat', '2']);
    dir = mkdtempSync(join(tmpdir(), 'tcpstate-hstore-'));
  });
  after(() => {
    ns?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a recorded sample is in the file: counts equal ss, groups equal the table-based summary', async (t) => {
    if (!kernelOrSkip(t, ['ss'])) return;
    const db = join(dir, 'a.db');
    const sampler = new Sampler();
    try {
      await sampler.openHistory(db, { top: 20 });
      const want = { netns: ns!.name, processes: true, rows: false, summary: { top: 20 }, record: { intervalMs: 1000 } } as const;
      const s = await sampler.sample(want);
      assert.equal(s.recorded, true, s.recordError?.message);
      assert.doesNotThrow(() => workerStore(sampler).write(s, { intervalMs: 1000 }));
      const whole = await sampler.sample({ netns: ns!.name, processes: true });
      // A second writer (another serve on the same file) is refused while this one holds it.
      const other = new Sampler();
      try {
        await assert.rejects(other.openHistory(db, { top: 20 }), (e: Error & { code?: string }) => e.code === 'ERR_IO' && /lock|another|writ/i.test(e.message));
      } finally {
        await other.close();
      }
      await sampler.closeHistory();

      const store = openStore(db);
      try {
        const rows = store.db.prepare('SELECT * FROM samples').all();
        assert.equal(rows.length, 1);
        const row = rows[0]!;
        assert.equal(row['netns'], ns!.name);
        const ss: Record<string, number> = Object.fromEntries(KNOWN_CODES.map((c) => [stateName(c), 0]));
        for (const r of parseSs(ns!.run('ss', ['-tanH']))) ss[r.state] = (ss[r.state] ?? 0) + 1;
        for (const c of STATE_COLUMNS) assert.equal(row[c.col], ss[stateName(c.code)] ?? 0, c.col);
        const read = groupReader(store.db, db);
        const want = summarize(whole.table!, true, 20);
        for (const kind of GROUP_KINDS) {
          const got = read(row['id'] as number, kind).map((g) => ({ key: g.key, folded: g.folded, counts: [...g.counts] }));
          const exp = want.groups.filter((g) => g.kind === kind).map((g) => ({ key: g.key, folded: g.folded, counts: [...g.counts] }));
          assert.deepEqual(got, exp, kind);
        }
      } finally {
        store.close();
      }
      // Closed: the file is free for another writer.
      openStore(db, { write: true }).close();
    } finally {
      await sampler.close();
    }
  });

  test('without a store open a recorded sample says why, and the sink refuses it', async (t) => {
    if (!kernelOrSkip(t)) return;
    const sampler = new Sampler();
    try {
      const s = await sampler.sample({ netns: ns!.name, rows: false, summary: { top: 20 }, record: { intervalMs: 1000 } });
      assert.equal(s.recorded, undefined);
      assert.equal(s.recordError?.code, 'ERR_USAGE');
      assert.throws(() => workerStore(sampler).write(s, { intervalMs: 1000 }), /no history store is open/);
      const plain = await sampler.sample({ netns: ns!.name, rows: false, summary: { top: 20 } });
      assert.throws(() => workerStore(sampler).write(plain, { intervalMs: 1000 }), /without SampleWant.record/);
    } finally {
      await sampler.close();
    }
  });
});
