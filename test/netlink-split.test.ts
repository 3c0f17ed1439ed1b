/**
 * The split dump: a TCP table larger than one netlink reply is dumped as two port ranges at
 * once (native/sock_diag.c, dump_split), one on a helper thread. It must see exactly
 * the sockets one dump sees, and ss sees: 1500 loopback connections (3000 ESTABLISHED
 * sockets), listeners and TIME_WAIT in a namespace of this test's own.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { ADDON, addonOrSkip, kernelUnavailable, Netns, runCli } from './lib/netns.js';
import { key, parseSs, recordKey } from './lib/ss.js';

let ns: Netns | undefined;

/** A process in the namespace: N connections to 4 listeners, half the clients closed first (TIME_WAIT). */
const HOLDER = `
const net = require('net');
const N = 1500, servers = [], socks = [];
let up = 0;
for (let p = 0; p < 4; p++) {
  const s = net.createServer((c) => socks.push(c));
  s.listen(7400 + p, '127.0.0.1', () => { if (++up === 4) go(); });
  servers.push(s);
}
function go() {
  let open = 0;
  for (let i = 0; i < N; i++) {
    const c = net.connect(7400 + (i % 4), '127.0.0.1', () => {
      socks.push(c);
      if (++open === N) {
        // 200 clients close first: their side goes to TIME_WAIT.
        for (let k = 0; k < 200; k++) socks[socks.length - 1 - k].destroy();
        setTimeout(() => console.log('ready'), 300);
      }
    });
  }
}
setTimeout(() => process.exit(0), 120000);
`;

before(async () => {
  if (kernelUnavailable() || !existsSync(ADDON)) return;
  ns = Netns.create('split');
  const child = ns.spawn(process.execPath, ['-e', HOLDER]);
  await new Promise<void>((res, rej) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) res();
    });
    child.once('exit', (c) => rej(new Error(`holder exited with ${c}`)));
  });
});

after(() => ns?.destroy());

const guard = (t: TestContext): boolean => addonOrSkip(t, ['ss']);

type Rec = { state: string; local: { address: string; port: number }; remote: { address: string; port: number } };

function listing(env: Record<string, string>): string[] {
  const r = runCli(['ls', '-tan', '--json', '--netns', ns!.name], { env });
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { sockets: Rec[] }).sockets.map(recordKey).sort();
}

test('count: a table of several replies is dumped in two halves, and counts as one dump does and as ss does', (t) => {
  if (!guard(t)) return;
  // TIME_WAIT lasts 60 s, so the three views are taken close together and compared by state.
  // TCPSTATE_NO_BPF=1: count would otherwise read states from the BPF tcp iterator, no dump.
  const split = runCli(['count', '--json', '--netns', ns!.name], { env: { TCPSTATE_TIMING: '1', TCPSTATE_NO_BPF: '1' } });
  const one = runCli(['count', '--json', '--netns', ns!.name], { env: { TCPSTATE_TIMING: '1', TCPSTATE_NETLINK_PARALLEL: '0', TCPSTATE_NO_BPF: '1' } });
  const ss = parseSs(ns!.run('ss', ['-tanH']));
  assert.equal(split.code, 0, split.stderr);
  assert.match(split.stderr, /\(\d+ sockets, 2 dumps\)/, 'the split dump ran');
  assert.match(one.stderr, /\(\d+ sockets, 1 dumps\)/);
  const a = JSON.parse(split.stdout).states as Record<string, number>;
  const b = JSON.parse(one.stdout).states as Record<string, number>;
  assert.deepEqual(a, b);
  const want: Record<string, number> = {};
  for (const s of Object.keys(a)) want[s] = 0;
  for (const row of ss) want[row.state]!++;
  assert.deepEqual(a, want);
  assert.ok(a['ESTABLISHED']! >= 2600, `expected the holder's connections, got ${JSON.stringify(a)}`);
});

test('ls: the two halves hold every socket once, the same set as one dump and ss', (t) => {
  if (!guard(t)) return;
  const split = listing({});
  const one = listing({ TCPSTATE_NETLINK_PARALLEL: '0' });
  const ss = parseSs(ns!.run('ss', ['-tanH']))
    .map((r) => key(r.state, r.local, r.remote))
    .sort();
  assert.equal(new Set(split).size, split.length, 'no socket twice');
  assert.deepEqual(split, one);
  assert.deepEqual(split, ss);
});

test('--record makes one dump, so ss reads the whole recording back', (t) => {
  if (!guard(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-split-'));
  try {
    const file = join(dir, 'rec.nl');
    const r = runCli(['count', '--json', '--netns', ns!.name, '--record', file], { env: { TCPSTATE_TIMING: '1' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\(\d+ sockets, 1 dumps\)/);
    const total = (JSON.parse(r.stdout) as { total: number }).total;
    const ss = parseSs(execFileSync('ss', ['-tanH'], { env: { ...process.env, TCPDIAG_FILE: file }, encoding: 'utf8' }));
    assert.equal(ss.length, total);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
