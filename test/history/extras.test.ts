/**
 * What history shows beside the states, on synthetic files: counter deltas and rates per
 * sample and per step (absent where not known), the counter selection and its errors,
 * transitions per pair, doctor's findings with when they were first and last seen, text in
 * both languages; a version 1 file (before these) migrated when record opens it, its old
 * samples readable before (by a reader, which does not migrate) and after, groups included.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { newCounts } from '../../src/model/count.js';
import { CLOSE_WAIT, ESTABLISHED, LISTEN, SYN_RECV } from '../../src/model/state.js';
import type { SampleRow } from '../../src/history/sample-row.js';
import { openStore } from '../../src/history/store.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, STATE_COLUMNS } from '../../src/history/schema.js';
import { sqlite } from '../../src/history/sqlite.js';
import { runCli } from '../lib/netns.js';

interface Sample {
  t: number;
  counters?: Record<string, number>;
  counterSeconds?: number;
  transitions?: Record<string, number>;
  transitionSeconds?: number;
  findings?: { rule: string }[];
  groups?: { key: string; total: number }[];
  states: Record<string, number>;
}
interface Doc {
  samples: Sample[];
  counters?: string[];
  findings?: { rule: string; first: string; last: string; samples: number }[];
  findingsChecked?: number;
  transitionsUnavailable?: string;
}

const json = (db: string, extra: string[] = []): Doc => {
  const r = runCli(['history', '--db', db, '--since', '3h', '--json', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Doc;
};

describe('history: counters, transitions, findings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-hext-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 60 * 60_000;
  const db = join(dir, 'x.db');
  // 12 samples 10 s apart: the first knows no counters; transitions counted from the 3rd; doctor ran on odd ones.
  const store = openStore(db, { write: true });
  for (let i = 0; i < 12; i++) {
    const counts = newCounts();
    counts[LISTEN] = 1;
    counts[ESTABLISHED] = i;
    const deltas = new Map<string, number>(
      i === 0
        ? []
        : ([
            ['TcpExt.ListenOverflows', i % 3],
            ['Tcp.OutRsts', 2],
            ['TcpExt.TCPHPHits', 100],
          ].filter(([, v]) => v !== 0) as [string, number][]),
    );
    const row: SampleRow = {
      t: t0 + i * 10_000,
      intervalMs: 10_000,
      netns: '',
      source: 'synthetic',
      scanMs: 1,
      counts,
      groups: [],
      counterDeltas: deltas,
      ...(i === 0 ? {} : { countersFrom: t0 + (i - 1) * 10_000 }),
      findings: i % 2 === 1 && i > 4 ? [{ rule: 'close-wait-leak', severity: 'warning', title: 'CLOSE_WAIT piling up on :8080' }] : [],
      findingsChecked: i % 2 === 1,
      ...(i >= 2
        ? {
            transitions: {
              from: t0 + (i - 1) * 10_000 + 5,
              to: t0 + i * 10_000 + 5,
              pairs: new Map([
                [ESTABLISHED * 16 + CLOSE_WAIT, i],
                [LISTEN * 16 + SYN_RECV, 1],
              ]),
            },
          }
        : {}),
    };
    store.writeRow(row);
  }
  store.close();

  test('raw samples: counters over their window (absent for the first), key ones by default; transitions; findings where doctor ran', () => {
    const d = json(db);
    assert.equal(d.samples.length, 12);
    assert.equal(d.samples[0]!.counters, undefined);
    assert.deepEqual(d.samples[1]!.counters, { 'TcpExt.ListenOverflows': 1, 'Tcp.OutRsts': 2 });
    assert.equal(d.samples[1]!.counterSeconds, 10);
    assert.deepEqual(d.samples[3]!.counters, { 'Tcp.OutRsts': 2 });
    assert.ok(d.counters!.includes('TcpExt.ListenOverflows') && !d.counters!.includes('TcpExt.TCPHPHits'));
    assert.equal(d.samples[1]!.transitions, undefined);
    assert.deepEqual(d.samples[5]!.transitions, { 'ESTABLISHED->CLOSE_WAIT': 5, 'LISTEN->SYN_RECV': 1 });
    assert.equal(d.samples[5]!.transitionSeconds, 10);
    assert.equal(d.transitionsUnavailable, '2 of 12 samples have no transition counts');
    assert.equal(d.samples[0]!.findings, undefined);
    assert.deepEqual(d.samples[1]!.findings, []);
    assert.deepEqual(
      d.samples[7]!.findings!.map((f) => f.rule),
      ['close-wait-leak'],
    );
    assert.equal(d.findingsChecked, 6);
    assert.deepEqual(
      d.findings!.map((f) => [f.rule, f.first, f.last, f.samples]),
      [['close-wait-leak', new Date(t0 + 50_000).toISOString(), new Date(t0 + 110_000).toISOString(), 4]],
    );
  });

  test('steps sum what their samples know, with the seconds covered; --counters all, names, none; an unknown name is an error', () => {
    const d = json(db, ['--step', '1m']);
    const [a, b] = d.samples;
    assert.equal(a!.counterSeconds, 50);
    assert.deepEqual(a!.counters, { 'TcpExt.ListenOverflows': 1 + 2 + 0 + 1 + 2, 'Tcp.OutRsts': 10 });
    assert.deepEqual(b!.transitions, { 'ESTABLISHED->CLOSE_WAIT': 6 + 7 + 8 + 9 + 10 + 11, 'LISTEN->SYN_RECV': 6 });
    assert.equal(a!.transitionSeconds, 40);
    assert.equal(json(db, ['--counters', 'all']).samples[1]!.counters!['TcpExt.TCPHPHits'], 100);
    const named = json(db, ['--counters', 'ListenOverflows,Tcp.OutRsts']);
    assert.deepEqual(named.counters, ['TcpExt.ListenOverflows', 'Tcp.OutRsts']);
    const none = json(db, ['--counters', 'none']);
    assert.equal(none.counters, undefined);
    assert.equal(none.samples[1]!.counters, undefined);
    const bad = runCli(['history', '--db', db, '--since', '3h', '--counters', 'NoSuchCounter']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no counter "NoSuchCounter" in the history file; recorded: Tcp\.OutRsts, TcpExt\.ListenOverflows, TcpExt\.TCPHPHits/);
  });

  test('text: the counters that moved with totals and rates, transitions, findings; Chinese', () => {
    const r = runCli(['history', '--db', db, '--since', '3h']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^COUNTER +TOTAL +PER_S +MAX_PER_S +TREND$/m);
    assert.match(r.stdout, /^Tcp\.OutRsts +22 +0\.20 +0\.20 /m);
    assert.match(r.stdout, /^TcpExt\.ListenOverflows +12 +0\.11 +0\.20 /m);
    assert.match(r.stdout, /^ESTABLISHED->CLOSE_WAIT +65 +0\.65 +1\.10 /m);
    assert.match(r.stdout, /^state changes: 2 of 12 samples have no transition counts$/m);
    assert.match(r.stdout, /4\/6 +warning +close-wait-leak +CLOSE_WAIT piling up on :8080/);
    const zh = runCli(['history', '--db', db, '--since', '3h', '--counters', 'none'], { env: { TCPSTATE_LANG: 'zh' } });
    assert.equal(zh.code, 0, zh.stderr);
    // The sentence in Chinese too (it was English inside the Chinese frame), the table's headings as well.
    assert.match(zh.stdout, /^状态变化:12 个样本中有 2 个没有状态变化计数$/m);
    assert.match(zh.stdout, /^状态变化 +合计 +每秒 +最高每秒 +趋势$/m);
    const tr = runCli(['history', '--db', db, '--since', '3h', '--transitions']);
    assert.match(tr.stdout, /^TIME +SECONDS +ESTABLISHED->CLOSE_WAIT +LISTEN->SYN_RECV$/m);
    assert.match(tr.stdout, /:\d\d:50 +10\.0 +11 +1$/m);
    assert.match(tr.stdout, /:\d\d:10 +- +-$/m);
  });

  test('a version 1 file: record migrates it; its samples, counters (from the sample before), findings and groups stay readable', () => {
    const old = join(dir, 'v1.db');
    const D = sqlite();
    const v1 = new D(old);
    v1.pragma('journal_mode = WAL');
    v1.exec(MIGRATIONS[0]!);
    v1.pragma('user_version = 1');
    v1.pragma(`application_id = ${APPLICATION_ID}`);
    const cols = STATE_COLUMNS.map((s) => `"${s.col}"`).join(', ');
    const vals = (est: number) => STATE_COLUMNS.map((s) => (s.code === ESTABLISHED ? est : s.code === LISTEN ? 1 : 0)).join(', ');
    v1.exec("INSERT INTO counter_names(id, name) VALUES (1, 'Tcp.OutRsts')");
    for (let i = 0; i < 3; i++) {
      const t = t0 + i * 10_000;
      v1.exec(`INSERT INTO samples(id, t, interval_ms, netns, source, scan_ms, ${cols}) VALUES (${i + 1}, ${t}, 10000, '', 'netlink', 1, ${vals(i + 4)})`);
      v1.exec(`INSERT INTO groups(sample, kind, key, folded, ${cols}) VALUES (${i + 1}, 'lport', '8080', 0, ${vals(i + 4)}), (${i + 1}, 'lport', 'other', 3, ${vals(1)})`);
      if (i > 0) v1.exec(`INSERT INTO counters(sample, name, delta) VALUES (${i + 1}, 1, ${i * 5})`);
      if (i === 2) v1.exec(`INSERT INTO findings(sample, rule, severity, title) VALUES (3, 'accept-queue', 'critical', 'queue full')`);
    }
    // The rollup buckets record kept (state columns left at their default here).
    v1.exec(`INSERT INTO rollups(step, netns, t, n) VALUES (60000, '', ${t0}, 3), (3600000, '', ${Math.floor(t0 / 3_600_000) * 3_600_000}, 3)`);
    v1.close();
    // A reader does not migrate: the old layout is read as it is.
    const unmigrated = json(old, ['--by', 'lport']);
    assert.deepEqual(
      unmigrated.samples[1]!.groups!.map((g) => [g.key, g.total]),
      [
        ['8080', 6],
        ['other', 2],
      ],
    );
    assert.deepEqual([unmigrated.samples[0]!.counters, unmigrated.samples[2]!.counters, unmigrated.samples[2]!.counterSeconds], [undefined, { 'Tcp.OutRsts': 10 }, 10]);
    assert.deepEqual(
      unmigrated.samples[2]!.findings!.map((f) => f.rule),
      ['accept-queue'],
    );
    assert.match(unmigrated.transitionsUnavailable!, /^3 of 3 samples have no transition counts \(the recorder last said: recorded by a tcpstate that did not count them\)/);
    const s = openStore(old, { write: true });
    assert.equal(Number(s.db.pragma('user_version', { simple: true })), SCHEMA_VERSION);
    assert.equal(s.db.prepare('PRAGMA integrity_check').get()!['integrity_check'], 'ok');
    s.close();
    const d = json(old, ['--by', 'lport']);
    assert.deepEqual(
      d.samples.map((x) => x.states['ESTABLISHED']),
      [4, 5, 6],
    );
    assert.equal(d.samples[0]!.counters, undefined);
    assert.deepEqual(d.samples[2]!.counters, { 'Tcp.OutRsts': 10 });
    assert.equal(d.samples[2]!.counterSeconds, 10);
    assert.equal(d.samples[0]!.findings, undefined, 'doctor not known to have run');
    assert.deepEqual(
      d.samples[2]!.findings!.map((f) => f.rule),
      ['accept-queue'],
    );
    assert.deepEqual(
      d.samples[1]!.groups!.map((g) => [g.key, g.total]),
      [
        ['8080', 6],
        ['other', 2],
      ],
    );
    // The migration summed the old deltas into the rollups that steps of whole minutes read.
    const minute = json(old, ['--step', '1m']);
    assert.deepEqual([minute.samples.length, minute.samples[0]!.counters, minute.samples[0]!.counterSeconds], [1, { 'Tcp.OutRsts': 15 }, 20]);
    const at = runCli(['history', '--db', old, '--at', `@${(t0 + 20_000) / 1000}`, '--by', 'lport']);
    assert.equal(at.code, 0, at.stderr);
    assert.match(at.stdout, /^8080 .* 7$/m);
    // A damaged packed row is an error naming the file and the sample, not made-up groups.
    const w = new D(old);
    w.exec("UPDATE group_sets SET data = x'01000102' WHERE sample = 2");
    w.close();
    const bad = runCli(['history', '--db', old, '--since', '3h', '--by', 'lport', '--json']);
    assert.equal(bad.code, 1, bad.stdout);
    assert.match(bad.stderr, new RegExp(`${old.replace(/[.]/g, '\\.')} is damaged \\(sample 2, lport groups: group BLOB damaged at byte 4 of 4: cut short\\)`));
  });
});
