/**
 * Reading configuration: the environment switches resolved by one function, a scan's origin
 * decided once by scanOptions(), and no reader below that consulting the environment,
 * globalThis or the proc root's path to tell live from captured.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { originOf, scanOptions } from '../../src/snapshot.js';
import { configFromEnv } from '../../src/sources/config.js';
import { REPO } from '../lib/netns.js';

test('each switch of the environment, and the defaults', () => {
  assert.deepEqual(configFromEnv({}), { noNative: false, noBpf: false, netlinkPerFamily: false, netlinkSerial: false });
  assert.deepEqual(configFromEnv({ TCPSTATE_PROC_ROOT: '/cap', TCPSTATE_NO_NATIVE: '1', TCPSTATE_NO_BPF: '1', TCPSTATE_NETLINK_PER_FAMILY: '1', TCPSTATE_NETLINK_PARALLEL: '0' }), {
    procRoot: '/cap',
    noNative: true,
    noBpf: true,
    netlinkPerFamily: true,
    netlinkSerial: true,
  });
  // Only "1" (and "0" for the parallel dump) switch: other values leave the default.
  assert.deepEqual(configFromEnv({ TCPSTATE_NO_NATIVE: 'yes', TCPSTATE_NO_BPF: '0', TCPSTATE_NETLINK_PARALLEL: '1' }), configFromEnv({}));
});

test('a scan knows its origin: live, a captured proc root, a replay', () => {
  assert.equal(originOf('/proc'), 'live');
  assert.equal(originOf('/tmp/cap'), 'proc-root');
  assert.equal(originOf('/proc', 'x.nl'), 'replay');
  assert.equal(scanOptions({ procRoot: '/tmp/cap' }).origin, 'proc-root');
  assert.equal(scanOptions({ procRoot: '/proc', replay: 'x.nl' }).origin, 'replay');
  assert.equal(scanOptions({ procRoot: '/proc' }).origin, 'live');
});

test('below the edge, no reader takes the environment, globalThis or the /proc path for configuration', () => {
  const dir = join(REPO, 'src', 'sources');
  const files = [
    ...readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'config.ts')
      .map((f) => join(dir, f)),
    join(REPO, 'src', 'snapshot.ts'),
  ];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    assert.ok(!text.includes('process.env'), `${f} reads process.env`);
    assert.ok(!text.includes('globalThis'), `${f} uses globalThis`);
  }
  const all = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? all(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
  for (const f of all(join(REPO, 'src'))) {
    const code = readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => !/^\s*(\*|\/\/)/.test(l))
      .join('\n');
    assert.ok(!/procRoot\s*[!=]==\s*'\/proc'/.test(code.replace("procRoot === '/proc' ? 'live'", '')) || f.endsWith('process-scan.ts'), `${f} compares a proc root with /proc`);
  }
});
