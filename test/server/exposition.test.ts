/**
 * The exposition: golden /metrics text of a real captured /proc tree (the doctor's troubled
 * namespace, test/fixtures/proc-doctor), timing series left out as node_exporter's e2e test
 * leaves them out; the golden passes `promtool check metrics`; label escaping; content
 * negotiation; the port cap keeps sum() exact.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { aggregate, portRows } from '../../src/engine/aggregates.js';
import { doctorReport } from '../../src/engine/documents.js';
import type { Sample } from '../../src/engine/sampler.js';
import { KNOWN_CODES } from '../../src/model/state.js';
import { liveSnapshot, scanOptions } from '../../src/snapshot.js';
import { DEFAULT_CONFIG } from '../../src/sources/config.js';
import { readCounters } from '../../src/sources/counters.js';
import { escapeLabel, wantsOpenMetrics } from '../../src/server/exposition.js';
import { exposition } from '../../src/server/metrics/registry.js';
import type { ScrapeContext } from '../../src/server/metrics/types.js';
import { assertGolden } from '../lib/golden.js';
import { REPO } from '../lib/netns.js';

const ROOT = join(REPO, 'test', 'fixtures', 'proc-doctor', 'root');
/** Series whose values are times: left out of the golden. */
const TIMING = /^tcpstate_(scrape_duration_seconds|sample_duration_seconds|scan_duration_seconds|collector_duration_seconds)[{ ]/;

async function fixtureSample(): Promise<Sample> {
  const snap = await liveSnapshot('proc', scanOptions({ procRoot: ROOT, config: DEFAULT_CONFIG }));
  const counters = readCounters(ROOT, () => 0);
  return { table: snap.table, source: snap.source, warnings: snap.warnings, notices: snap.notices, takenAt: 0, atMs: 0, scanMs: 1, totalMs: 1, counters };
}

async function context(o: Partial<ScrapeContext['options']> = {}): Promise<ScrapeContext> {
  const s = await fixtureSample();
  const { report } = doctorReport(s, undefined, 'captured');
  const options = { top: 20, byProcess: false, findings: true, ...o };
  return {
    namespaces: [{ label: 'web1', sample: { ...s, metrics: aggregate(s.table!, { top: options.top, byProcess: options.byProcess }) }, report }],
    options,
    stats: { samples: 1, shared: 0, errors: 0, skippedTicks: 0 },
    version: '0.0.0-test',
    startedMs: performance.now(),
  };
}

test('golden /metrics of a captured /proc tree, and promtool check metrics accepts it', async () => {
  const { body, failed } = exposition(await context(), false);
  assert.deepEqual(failed, []);
  const stable = body
    .split('\n')
    .filter((l) => !TIMING.test(l))
    .join('\n');
  assertGolden('serve/proc-doctor.metrics.txt', stable);
  if (spawnSync('sh', ['-c', 'command -v promtool']).status === 0) {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal((r.stdout + r.stderr).trim(), '');
  }
});

test('OpenMetrics: counter families without _total, samples with it, # EOF last', async () => {
  const { body } = exposition(await context(), true);
  assert.match(body, /^# TYPE tcpstate_tcpext_listen_overflows counter$/m);
  assert.match(body, /^tcpstate_tcpext_listen_overflows_total\{netns="web1"\} \d+$/m);
  assert.ok(body.endsWith('# EOF\n'));
});

test('the port cap: --top 1 keeps one port per side, the rest in "other", and sum() is unchanged', async () => {
  const s = await fixtureSample();
  const all = portRows(s.table!, undefined, 1000);
  const capped = portRows(s.table!, undefined, 1);
  const sum = (rows: typeof all) => rows.reduce((a, r) => a + KNOWN_CODES.reduce((b, c) => b + r.counts[c]!, 0), 0);
  assert.equal(sum(capped), sum(all));
  assert.ok(all.length > capped.length, 'the fixture has more than one port per side');
  for (const side of ['inbound', 'outbound']) {
    const ports = capped.filter((r) => r.side === side).map((r) => r.port);
    assert.ok(ports.length <= 2 && ports.at(-1) === 'other', `${side}: ${ports.join(',')}`);
  }
  const listed = portRows(s.table!, new Set([1, 7001]), 20);
  assert.ok(
    listed.some((r) => r.port === '1' && r.counts.every((v) => v === 0)),
    'a listed port with no socket has its zero series',
  );
  assert.equal(sum(listed), sum(all));
});

test("label values are escaped; OpenMetrics only when asked for with at least text's weight", () => {
  assert.equal(escapeLabel('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  assert.equal(wantsOpenMetrics(undefined), false);
  assert.equal(wantsOpenMetrics('text/plain;version=0.0.4;q=1,*/*;q=0.1'), false);
  // Prometheus 2.42's scrape Accept header.
  assert.equal(wantsOpenMetrics('application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'), true);
  assert.equal(wantsOpenMetrics('application/openmetrics-text;version=1.0.0;q=0.2,text/plain;version=0.0.4;q=0.5'), false);
});
