/**
 * `history --export openmetrics` loads into Prometheus' TSDB with
 * `promtool tsdb create-blocks-from openmetrics`, and `promtool tsdb dump` gives back every
 * recorded count, series by series, for the own namespace and a named one.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { newCounts } from '../../src/model/count.js';
import { CLOSE_WAIT, ESTABLISHED, stateLabel } from '../../src/model/state.js';
import { openStore } from '../../src/history/store.js';
import { STATE_COLUMNS } from '../../src/history/schema.js';
import { kernelOrSkip, runCli } from '../lib/netns.js';

describe('OpenMetrics export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-hom-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('promtool creates blocks from it and dumps back every recorded count', (t) => {
    if (!kernelOrSkip(t, ['promtool'])) return;
    const db = join(dir, 'om.db');
    const store = openStore(db, { write: true });
    store.db.pragma('synchronous = OFF');
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    const want = new Map<string, number>();
    for (const netns of ['', 'web"1']) {
      for (let i = 0; i < 50; i++) {
        const counts = newCounts();
        counts[ESTABLISHED] = i;
        counts[CLOSE_WAIT] = netns ? 2 * i : 0;
        const t = t0 + i * 10_000 + (netns ? 1 : 0);
        store.writeRow({ t, intervalMs: 10_000, netns, source: 'synthetic', scanMs: 1, counts, groups: [], counterDeltas: new Map(), findings: [] });
        for (const s of STATE_COLUMNS) want.set(`${stateLabel(s.code)}|${netns}|${t}`, counts[s.code]!);
      }
    }
    store.close();
    const r = runCli(['history', '--db', db, '--since', '2h', '--export', 'openmetrics']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\n# EOF\n$/);
    const om = join(dir, 'h.om');
    writeFileSync(om, r.stdout);
    const data = join(dir, 'data');
    const made = execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, data], { encoding: 'utf8' });
    // One block per two hours of data (promtool's block range): the samples add up across them.
    const blocks = [...made.matchAll(/^[0-9A-Z]{26}\s+\d+\s+\d+\s+\S+\s+(\d+)\s+\d+\s+(\d+)\s/gm)];
    assert.ok(blocks.length >= 1, made);
    assert.equal(
      blocks.reduce((n, b) => n + Number(b[1]), 0),
      want.size,
      made,
    );
    mkdirSync(join(data, 'wal'), { recursive: true });
    const dump = execFileSync('promtool', ['tsdb', 'dump', data], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const got = new Map<string, number>();
    for (const line of dump.split('\n').filter(Boolean)) {
      const m = /^\{(.*)\} (\S+) (\d+)$/.exec(line);
      assert.ok(m, line);
      const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]!.replace(/\\"/g, '"')]));
      assert.equal(labels['__name__'], 'tcpstate_sockets');
      got.set(`${labels['state']}|${labels['netns'] ?? ''}|${m[3]}`, Number(m[2]));
    }
    assert.deepEqual(got, want);
  });
});
