/**
 * The committed captures of test/fixtures/text/ (real tools, one 10-state namespace, see its
 * README) read back as the live table taken with them (live.json): the same counts per state
 * for every format, the same sockets one by one for every listing made with numbers, the
 * same owners for -p captures, the same inodes for -e and /proc ones. Whole outputs are
 * goldens in test/golden/text/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { countEntries } from '../../src/model/count.js';
import type { SocketRecord } from '../../src/model/table.js';
import { parseCapture } from '../../src/sources/text/read.js';
import { type CaptureSpec, recordKey } from '../lib/captures.js';
import { runMain } from '../lib/cli.js';
import { assertGolden } from '../lib/golden.js';
import { REPO } from '../lib/netns.js';

const DIR = join(REPO, 'test', 'fixtures', 'text');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { captures: (CaptureSpec & { file: string })[] };
const live = (JSON.parse(readFileSync(join(DIR, 'live.json'), 'utf8')) as { sockets: SocketRecord[] }).sockets;

/** The format each capture must be detected as. */
function formatOf(name: string): string {
  if (name.endsWith('-awk')) return 'awk';
  return name.split('-')[0]!;
}

function records(bytes: Buffer, file: string) {
  const r = parseCapture(bytes, file);
  assert.equal(r.captures.length, 1, 'one host per fixture');
  const c = r.captures[0]!;
  const recs: SocketRecord[] = [];
  if (c.table) for (let i = 0; i < c.table.length; i++) recs.push(c.table.record(i));
  return { c, recs, warnings: r.warnings };
}

function countsOf(recs: readonly SocketRecord[]): Record<string, number> {
  const o: Record<string, number> = {};
  for (const r of recs) o[r.state] = (o[r.state] ?? 0) + 1;
  return o;
}

function nonZero(entries: [string, number][]): Record<string, number> {
  return Object.fromEntries(entries.filter(([, n]) => n > 0));
}

describe('captures read back as the live table they were taken with', () => {
  test('the fixture set covers every format and at least 8 states', () => {
    const formats = new Set(manifest.captures.map((c) => formatOf(c.name)));
    for (const f of ['netstat', 'ss', 'busybox', 'proc', 'awk']) assert.ok(formats.has(f), f);
    assert.ok(Object.keys(countsOf(live)).length >= 8, `states: ${Object.keys(countsOf(live))}`);
  });

  for (const spec of manifest.captures) {
    test(`${spec.file} (${spec.argv.join(' ')})`, () => {
      const { c, recs, warnings } = records(readFileSync(join(DIR, spec.file)), spec.file);
      assert.equal(c.format, formatOf(spec.name));
      const want = live.filter((r) => spec.shows === 'all' || r.remote.port !== 0);
      assert.deepEqual(nonZero(countEntries(c.counts)), countsOf(want), 'per-state counts');
      if (spec.summary) {
        assert.equal(c.table, undefined);
        return;
      }
      assert.ok(c.table, 'a listing');
      if (!spec.numeric) {
        assert.ok(
          warnings.some((w) => w.code === 'W_NAMES'),
          'names are reported',
        );
        return;
      }
      assert.deepEqual(warnings, []);
      assert.deepEqual(recs.map(recordKey).sort(), want.map(recordKey).sort(), 'socket for socket');
      if (spec.owners) {
        const owned = (r: SocketRecord) =>
          `${recordKey(r)} ${r.owners
            .map((o) => o.pid)
            .sort()
            .join(',')}`;
        assert.deepEqual(recs.map(owned).sort(), want.map(owned).sort(), 'owners');
      }
      if (spec.inodes) {
        const ino = (r: SocketRecord) => `${recordKey(r)} ${r.inode}`;
        assert.deepEqual(recs.map(ino).sort(), want.map(ino).sort(), 'inodes');
      }
    });
  }

  test('live.json (tcpstate ls --json) reads back as itself', () => {
    const { c, recs } = records(readFileSync(join(DIR, 'live.json')), 'live.json');
    assert.equal(c.format, 'json');
    assert.deepEqual(
      recs,
      live.filter((r) => r.proto === 'tcp'),
    );
  });
});

describe('golden outputs of captures', () => {
  // In process: the whole CLI output (main()), without a node start per run.
  const run = runMain;
  for (const spec of manifest.captures) {
    test(`count and ls of ${spec.file}`, async () => {
      const file = join(DIR, spec.file);
      const c = await run(['count', file]);
      assert.equal(c.code, 0, c.stderr);
      assertGolden(`text/${spec.name}.count.txt`, c.stdout);
      if (spec.summary) return;
      const l = await run(['ls', '-a', '-e', '-p', '-o', file]);
      assert.equal(l.code, 0, l.stderr);
      assertGolden(`text/${spec.name}.ls.txt`, l.stdout);
    });
  }
  for (const name of ['freebsd-netstat-an', 'windows-netstat-ano']) {
    test(`count and ls of vendor/${name}.txt`, async () => {
      const file = join(REPO, 'test', 'fixtures', 'vendor', `${name}.txt`);
      const c = await run(['count', file]);
      assert.equal(c.code, 0, c.stderr);
      assertGolden(`vendor/${name}.count.txt`, c.stdout);
      const l = await run(['ls', '-a', '-p', file]);
      assert.equal(l.code, 0, l.stderr);
      assertGolden(`vendor/${name}.ls.txt`, l.stdout);
    });
  }
});
