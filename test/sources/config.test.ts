/**
 * Reading configuration: the environment switches resolved by one function at the edges (the
 * CLI's io.env, serve's), handed down in the scan options, the sampler's requests and the owner
 * source; a scan's origin decided once by scanOptions(). Two scans in one process under two
 * configurations each behave as their own says; no module below the edge reads process.env,
 * globalThis or the proc root's path to tell live from captured.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Sampler } from '../../src/engine/sampler.js';
import { newCounts } from '../../src/model/count.js';
import { ALL_MASK } from '../../src/model/state.js';
import { countLive, liveSnapshot, originOf, scanOptions } from '../../src/snapshot.js';
import { configFromEnv, DEFAULT_CONFIG, type ReadConfig } from '../../src/sources/config.js';
import { loadNative } from '../../src/sources/native.js';
import { ownerSource } from '../../src/sources/owners.js';
import { REPO } from '../lib/netns.js';

const ZOO = join(REPO, 'test', 'fixtures', 'proc-zoo');
const NO_NATIVE: ReadConfig = { ...DEFAULT_CONFIG, noNative: true };
const NO_BPF: ReadConfig = { ...DEFAULT_CONFIG, noBpf: true };
const addonLoads = (): boolean => loadNative(DEFAULT_CONFIG).addon !== undefined;

test('each switch of the environment, and the defaults', () => {
  assert.deepEqual(configFromEnv({}), { noNative: false, noBpf: false, netlinkPerFamily: false, netlinkSerial: false });
  assert.deepEqual(DEFAULT_CONFIG, configFromEnv({}));
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
  assert.equal(scanOptions({ procRoot: '/tmp/cap', config: DEFAULT_CONFIG }).origin, 'proc-root');
  assert.equal(scanOptions({ procRoot: '/proc', replay: 'x.nl', config: DEFAULT_CONFIG }).origin, 'replay');
  assert.equal(scanOptions({ procRoot: '/proc', config: DEFAULT_CONFIG }).origin, 'live');
  // The configuration's proc root (TCPSTATE_PROC_ROOT) when no option names one; an option wins.
  assert.deepEqual(
    [scanOptions({ config: { ...DEFAULT_CONFIG, procRoot: '/tmp/cap' } }).procRoot, scanOptions({ config: { ...DEFAULT_CONFIG, procRoot: '/tmp/cap' } }).origin],
    ['/tmp/cap', 'proc-root'],
  );
  assert.equal(scanOptions({ procRoot: '/tmp/other', config: { ...DEFAULT_CONFIG, procRoot: '/tmp/cap' } }).procRoot, '/tmp/other');
  assert.equal(scanOptions({ config: DEFAULT_CONFIG }).procRoot, '/proc');
});

test('two snapshots in one process under two proc roots of the configuration: each reads its own', async () => {
  const captured = { ...DEFAULT_CONFIG, procRoot: ZOO };
  const named = await liveSnapshot('proc', scanOptions({ procRoot: ZOO, config: DEFAULT_CONFIG }));
  const a = await liveSnapshot(undefined, scanOptions({ config: captured }));
  const live = await liveSnapshot('proc', scanOptions({ config: DEFAULT_CONFIG }));
  const b = await liveSnapshot(undefined, scanOptions({ config: captured }));
  assert.ok(named.table.length > 10, `the captured zoo has ${named.table.length} sockets`);
  for (const s of [a, b]) {
    assert.equal(s.source, 'proc');
    assert.deepEqual([...s.table.inode.subarray(0, s.table.length)], [...named.table.inode.subarray(0, named.table.length)], 'the captured tree, socket by socket');
  }
  // Between them, this machine's own table, read from /proc.
  assert.notDeepEqual([...live.table.inode.subarray(0, live.table.length)], [...named.table.inode.subarray(0, named.table.length)], 'the live read is not the capture');
});

test('two snapshots in one process, one with the native addon switched off (TCPSTATE_NO_NATIVE=1): each source as its configuration says', async (t) => {
  if (!addonLoads()) {
    t.skip(`the native addon does not load here: ${loadNative(DEFAULT_CONFIG).why}`);
    return;
  }
  const sources: string[] = [];
  for (const config of [NO_NATIVE, DEFAULT_CONFIG, NO_NATIVE, DEFAULT_CONFIG]) sources.push((await liveSnapshot(undefined, scanOptions({ config }))).source);
  assert.deepEqual(sources, ['proc', 'netlink', 'proc', 'netlink']);
  // Loaded once for the process, yet not for a configuration that turns it off.
  assert.equal(loadNative(NO_NATIVE).why, 'TCPSTATE_NO_NATIVE=1');
  assert.equal(loadNative(NO_NATIVE).addon, undefined);
  await assert.rejects(liveSnapshot('netlink', scanOptions({ config: NO_NATIVE })), /--source netlink cannot run here: TCPSTATE_NO_NATIVE=1/);
});

test('two counts in one process, one with BPF switched off (TCPSTATE_NO_BPF=1): the iterator, then sock_diag', async (t) => {
  if (!addonLoads() || process.getuid?.() !== 0 || !existsSync('/sys/kernel/btf/vmlinux')) {
    t.skip('the BPF iterator needs the addon, root and kernel BTF');
    return;
  }
  const ways: (string | undefined)[] = [];
  const totals: number[] = [];
  for (const config of [DEFAULT_CONFIG, NO_BPF, DEFAULT_CONFIG, NO_BPF]) {
    const counts = newCounts();
    const r = await countLive(undefined, scanOptions({ config, states: ALL_MASK }), counts);
    ways.push(r.method);
    totals.push(counts.reduce((a, b) => a + b, 0));
  }
  assert.deepEqual(ways, ['bpf tcp iterator', undefined, 'bpf tcp iterator', undefined]);
  assert.ok(totals.every((n) => n >= 0));
});

test('the owner source is chosen by the scan: the BPF iterator live, /proc/PID/fd under TCPSTATE_NO_BPF=1, a captured tree or without the addon', () => {
  const live = { procRoot: '/proc', origin: 'live' as const };
  assert.equal(ownerSource({ ...live, config: NO_BPF }).name, 'proc');
  assert.equal(ownerSource({ ...live, config: NO_NATIVE }).name, 'proc');
  assert.equal(ownerSource({ procRoot: ZOO, origin: 'proc-root', config: DEFAULT_CONFIG }).name, 'proc');
  assert.equal(ownerSource({ ...live, config: DEFAULT_CONFIG }).name, addonLoads() ? 'bpf' : 'proc');
  assert.equal(ownerSource({ ...live, config: DEFAULT_CONFIG, native: false }).name, 'proc');
});

test("two samplers in one process under two configurations: each worker reads as its sampler's configuration says", async (t) => {
  if (!addonLoads()) {
    t.skip('the native addon does not load here');
    return;
  }
  const off = new Sampler({ config: NO_NATIVE });
  const on = new Sampler({ config: DEFAULT_CONFIG });
  try {
    const [a, b] = await Promise.all([off.sample({}), on.sample({})]);
    assert.equal(a.source, 'proc');
    assert.equal(b.source, 'netlink');
  } finally {
    await Promise.all([off.close(), on.close()]);
  }
});

/** Every .ts file under `d`, with comment lines removed. */
function code(d: string): [string, string][] {
  const all = (x: string): string[] => readdirSync(x, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? all(join(x, e.name)) : e.name.endsWith('.ts') ? [join(x, e.name)] : []));
  return all(d).map((f) => [
    f,
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => !/^\s*(\*|\/\/|\/\*\*)/.test(l))
      .join('\n'),
  ]);
}

test('habits: the environment is read at the edges only, and resolved into the configuration only there', () => {
  const src = join(REPO, 'src');
  const rel = (f: string): string => f.slice(REPO.length + 1);
  for (const [f, text] of code(src)) {
    // src/cli/main.ts makes the process's Io (io.env = process.env); everything else takes an env or a config.
    if (rel(f) !== 'src/cli/main.ts') assert.ok(!/process\.env\b/.test(text), `${rel(f)} reads process.env`);
    // The configuration is resolved by the CLI's commands (serve, record and trace pass it to the server, sampler and trace).
    if (!rel(f).startsWith('src/cli/') && rel(f) !== 'src/sources/config.ts') assert.ok(!/configFromEnv\(/.test(text), `${rel(f)} resolves the configuration below the edge`);
    assert.ok(!/\breadConfig\b/.test(text), `${rel(f)} keeps a configuration of the process`);
  }
});

test('below the edge, no reader takes globalThis or the /proc path for configuration', () => {
  const dir = join(REPO, 'src', 'sources');
  for (const f of [...readdirSync(dir).filter((x) => x.endsWith('.ts')), '../snapshot.ts']) {
    const text = readFileSync(join(dir, f), 'utf8');
    assert.ok(!text.includes('globalThis'), `${f} uses globalThis`);
  }
  for (const [f, text] of code(join(REPO, 'src'))) {
    assert.ok(!/procRoot\s*[!=]==\s*'\/proc'/.test(text.replace("procRoot === '/proc' ? 'live'", '')), `${f} compares a proc root with /proc`);
  }
});
