/**
 * Choosing the live source: netlink when the addon loads, procfs with a one-line notice
 * otherwise, --source forcing one, --record/--replay combinations; and an install without
 * a compiler that still succeeds.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { REPO, runCli } from './lib/netns.js';

const ADDON = join(REPO, 'native', 'build', 'Release', 'tcpstate_netlink.node');

test('without the addon: count reads procfs and says so in one line', () => {
  const r = runCli(['count', '--json'], { env: { TCPSTATE_NO_NATIVE: '1' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).source, 'proc');
  assert.equal(r.stderr, 'tcpstate: reading proc (netlink unavailable: TCPSTATE_NO_NATIVE=1)\n');
});

test('without the addon: --source netlink is an error naming the reason', () => {
  const r = runCli(['count', '--source', 'netlink'], { env: { TCPSTATE_NO_NATIVE: '1' } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--source netlink cannot run here: TCPSTATE_NO_NATIVE=1/);
});

test('with the addon: netlink is the default, --source proc forces procfs, no notice', (t) => {
  if (!existsSync(ADDON)) {
    if (process.env['TCPSTATE_REQUIRE_KERNEL'] === '1') throw new Error('native addon not built');
    t.skip('the native addon is not built');
    return;
  }
  const a = runCli(['count', '--json']);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(JSON.parse(a.stdout).source, 'netlink');
  assert.equal(a.stderr, '');
  const b = runCli(['count', '--json', '--source', 'proc']);
  assert.equal(JSON.parse(b.stdout).source, 'proc');
});

test('--replay and --record: bad combinations are usage errors; a missing file is ERR_IO', () => {
  assert.equal(runCli(['ls', '--replay', 'x.nl', '--source', 'proc']).code, 2);
  assert.equal(runCli(['ls', '--replay', 'x.nl', '--record', 'y.nl']).code, 2);
  assert.equal(runCli(['ls', '--record', 'y.nl', '--source', 'proc']).code, 2);
  const r = runCli(['ls', '--replay', join(REPO, 'no-such.nl')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot read .*no-such\.nl: ENOENT/);
});

test('install without a compiler: build-native prints one line and exits 0', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-nocc-'));
  try {
    cpSync(join(REPO, 'native'), join(dir, 'native'), { recursive: true, filter: (s) => !s.includes('/build') });
    cpSync(join(REPO, 'scripts'), join(dir, 'scripts'), { recursive: true });
    // Only node on PATH: no make, no cc, no python.
    const r = spawnSync(process.execPath, [join(dir, 'scripts', 'build-native.mjs')], {
      encoding: 'utf8',
      env: { PATH: dirname(process.execPath) === '/usr/bin' ? join(dir, 'bin-empty') : dirname(process.execPath), HOME: dir },
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^tcpstate: native netlink addon not built \(.+\); tcpstate will read \/proc instead\.$/);
    assert.equal(existsSync(join(dir, 'native', 'build', 'Release', 'tcpstate_netlink.node')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
