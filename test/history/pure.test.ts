/**
 * The history's pure parts: durations, moments and sizes as the options take them;
 * sparklines; a sample's groups (inbound by local port and outbound by remote port hold
 * every socket once, "other" sums the rest); counter deltas across a reset.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDuration, parseSize, parseTime } from '../../src/history/time.js';
import { sparkline } from '../../src/history/render.js';
import { counterDeltas, groupRows, OTHER, sampleRow } from '../../src/history/sample-row.js';
import type { Sample } from '../../src/engine/sampler.js';
import { SocketTable } from '../../src/model/table.js';
import { ESTABLISHED, LISTEN, TIME_WAIT } from '../../src/model/state.js';
import type { TcpstateError } from '../../src/model/errors.js';

describe('history options and pure helpers', () => {
  test('durations: a plain number is seconds; units ms s m h d w; bad ones name the option', () => {
    assert.equal(parseDuration('1', '--interval'), 1000);
    assert.equal(parseDuration('10s', '--interval'), 10_000);
    assert.equal(parseDuration('500ms', '--interval'), 500);
    assert.equal(parseDuration('1.5m', '--step'), 90_000);
    assert.equal(parseDuration('7d', '--retention'), 7 * 86_400_000);
    for (const bad of ['', '10x', '-1', '0', 's']) {
      assert.throws(
        () => parseDuration(bad, '--interval'),
        (e: TcpstateError) => e.code === 'ERR_USAGE' && e.where.field === '--interval' && e.message.includes('--interval'),
      );
    }
  });

  test('moments: durations ago, @epoch, ISO, HH:MM today (or yesterday when still to come)', () => {
    const now = Date.parse('2026-12-05T10:30:00');
    assert.equal(parseTime('now', '--until', now), now);
    assert.equal(parseTime('1h', '--since', now), now - 3_600_000);
    assert.equal(parseTime('@1796000000', '--at', now), 1_796_000_000_000);
    assert.equal(parseTime('2026-12-05T10:00:00Z', '--at', now), Date.parse('2026-12-05T10:00:00Z'));
    assert.equal(parseTime('10:05', '--at', now), Date.parse('2026-12-05T10:05:00'));
    assert.equal(parseTime('11:00', '--at', now), Date.parse('2026-12-04T11:00:00'));
    assert.throws(() => parseTime('yesterday-ish', '--since', now), /--since takes a time/);
    assert.throws(() => parseTime('25:00', '--since', now), /--since takes a time/);
  });

  test('sizes: decimal and binary units', () => {
    assert.equal(parseSize('500MB', '--max-size'), 500_000_000);
    assert.equal(parseSize('2GiB', '--max-size'), 2 * 1024 ** 3);
    assert.equal(parseSize('0', '--max-size'), 0);
    assert.throws(() => parseSize('lots', '--max-size'), /--max-size takes a size/);
  });

  test('sparklines scale to the largest value and leave holes blank', () => {
    assert.equal(sparkline([0, 6, 14, undefined, 14]), '▁▄█ █');
    assert.equal(sparkline([0, 0]), '▁▁');
  });

  test('groups: lport (inbound) and rport (outbound) hold every socket once; other sums the rest', () => {
    const t = new SocketTable(64);
    const add = (state: number, lport: number, rport: number): void => {
      const i = t.length++;
      t.state[i] = state;
      t.lport[i] = lport;
      t.rport[i] = rport;
      t.family[i] = 2;
    };
    add(LISTEN, 80, 0);
    for (let i = 0; i < 5; i++) add(ESTABLISHED, 80, 40000 + i);
    for (let p = 0; p < 6; p++) for (let i = 0; i <= p; i++) add(TIME_WAIT, 50000 + 10 * p + i, 1000 + p);
    const rows = groupRows(t, 3, ['lport', 'rport']);
    const lport = rows.filter((r) => r.kind === 'lport');
    const rport = rows.filter((r) => r.kind === 'rport');
    assert.deepEqual(
      lport.map((r) => [r.key, r.counts[LISTEN], r.counts[ESTABLISHED]]),
      [['80', 1, 5]],
    );
    assert.deepEqual(
      rport.map((r) => [r.key, r.folded, r.counts[TIME_WAIT]]),
      [
        ['1005', 0, 6],
        ['1004', 0, 5],
        ['1003', 0, 4],
        [OTHER, 3, 6],
      ],
    );
    const sum = (rs: typeof rows) => rs.reduce((n, r) => n + r.counts.reduce((a, b) => a + b, 0), 0);
    assert.equal(sum(lport) + sum(rport), t.length);
  });

  test('counter deltas: increases only; a counter that went down (reset) or is new is left out', () => {
    const prev = new Map([
      ['Tcp.ActiveOpens', 10],
      ['Tcp.OutRsts', 50],
    ]);
    const cur = new Map([
      ['Tcp.ActiveOpens', 13],
      ['Tcp.OutRsts', 2],
      ['TcpExt.New', 5],
    ]);
    assert.deepEqual([...counterDeltas(prev, cur)], [['Tcp.ActiveOpens', 3]]);
    assert.equal(counterDeltas(undefined, cur).size, 0);
  });

  test('a sample without rows is refused (never recorded as zeros); process groups only when owners were scanned', () => {
    const t = new SocketTable(4);
    t.length = 2;
    t.state[0] = LISTEN;
    t.lport[0] = 22;
    t.state[1] = ESTABLISHED;
    t.lport[1] = 22;
    t.rport[1] = 5555;
    const base = { source: 'netlink', warnings: [], notices: [], takenAt: 1_796_000_000_000, atMs: 1, scanMs: 1, totalMs: 2 };
    assert.throws(() => sampleRow(base as Sample, { intervalMs: 1000, top: 20 }), /without rows cannot be recorded/);
    const plain = sampleRow({ ...base, table: t } as Sample, { intervalMs: 1000, top: 20 });
    assert.equal(plain.counts[ESTABLISHED], 1);
    assert.deepEqual([...new Set(plain.groups.map((g) => g.kind))], ['lport', 'raddr']);
    const owned = sampleRow({ ...base, table: t, processes: { scanned: 1, hidden: 0 } } as Sample, { intervalMs: 1000, top: 20 });
    assert.deepEqual([...new Set(owned.groups.map((g) => g.kind))], ['lport', 'raddr', 'process']);
  });
});

describe('packed groups (schema 3)', () => {
  test('round trip: ports as numbers, other keys as text, folded counts, only non-zero states; every state code and large counts', async () => {
    const { packGroups, unpackGroups } = await import('../../src/history/group-blob.js');
    const fc = (await import('fast-check')).default;
    const group = fc.record({
      key: fc.oneof(fc.integer({ min: 0, max: 65535 }).map(String), fc.string({ maxLength: 40 }), fc.constantFrom('other', '0123', '10.0.0.1', '1234/nginx', '同')),
      folded: fc.nat({ max: 100000 }),
      counts: fc.array(fc.oneof(fc.constant(0), fc.nat({ max: 5 }), fc.nat({ max: 2 ** 40 })), { minLength: 16, maxLength: 16 }).map((a) => Float64Array.from(a)),
    });
    fc.assert(
      fc.property(fc.array(group, { maxLength: 25 }), (gs) => {
        assert.deepEqual(
          unpackGroups(packGroups(gs)),
          gs.map((g) => ({ ...g })),
        );
      }),
    );
    // 21 port groups of a busy server: a few bytes each.
    const c = new Float64Array(16);
    c[1] = 120;
    c[6] = 3000;
    c[10] = 1;
    assert.ok(packGroups(Array.from({ length: 21 }, (_, k) => ({ key: String(8000 + k), folded: 0, counts: c }))).length <= 21 * 10);
  });

  test('a damaged BLOB is an error naming the byte, not groups made up', async () => {
    const { packGroups, unpackGroups } = await import('../../src/history/group-blob.js');
    const c = new Float64Array(16);
    c[1] = 300;
    const b = packGroups([{ key: 'web', folded: 0, counts: c }]);
    assert.throws(() => unpackGroups(b.subarray(0, b.length - 1)), /group BLOB damaged at byte \d+ of \d+: cut short/);
    assert.throws(() => unpackGroups(Uint8Array.from([9])), /format 9 is not 1/);
    assert.throws(() => unpackGroups(Uint8Array.from([1, 0, 3, 0xff, 0xfe])), /key not UTF-8|cut short/);
  });
});
