/**
 * `serve` records history as `record` does (the dashboard's time series without a second
 * process): samples of the served namespace land in the file `history` reads, equal to ss;
 * a file another writer holds is one log line, and serving goes on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kernelOrSkip, kernelUnavailable, Netns, runCli } from '../lib/netns.js';
import { Serve } from '../lib/prometheus.js';

describe('serve records history', () => {
  let ns: Netns | undefined;
  let dir = '';
  before(async () => {
    if (kernelUnavailable()) return;
    ns = Netns.create('shist');
    await ns.zoo(['--only', 'listen,est']);
    dir = mkdtempSync(join(tmpdir(), 'tcpstate-shist-'));
  });
  after(() => {
    ns?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('samples of the served namespace in the history file, equal to ss; a second serve on the file goes on without', async (t) => {
    if (!kernelOrSkip(t, ['ss'])) return;
    const db = join(dir, 'h.db');
    const serve = await Serve.start(['--netns', ns!.name, '--history-db', db, '--history-interval', '0.3']);
    const other = await Serve.start(['--netns', ns!.name, '--history-db', db]);
    try {
      assert.match(serve.stderr, /recording history into .*h\.db every 0\.3 s/);
      for (const end = Date.now() + 10_000; !/not recording history into/.test(other.stderr) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
      assert.match(other.stderr, /not recording history into .*h\.db: /);
      assert.equal((await fetch(other.url('/-/healthy'))).status, 200, 'the second serve serves');
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      assert.equal(await serve.stop(), 0);
      await other.stop();
    }
    const r = runCli(['history', '--db', db, '--json', '--netns', ns!.name]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { schema: string; samples: { states: Record<string, number> }[] };
    assert.equal(doc.schema, 'tcpstate.history/2');
    assert.ok(doc.samples.length >= 3, `${doc.samples.length} samples`);
    const ss = ns!.run('ss', ['-tanH']).trim().split('\n');
    const listen = ss.filter((l) => l.startsWith('LISTEN')).length;
    const est = ss.filter((l) => l.startsWith('ESTAB')).length;
    const last = doc.samples.at(-1)!.states;
    assert.equal(last['LISTEN'], listen);
    assert.equal(last['ESTABLISHED'], est);
  });
});
