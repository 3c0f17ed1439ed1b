/**
 * `trace --count`: changes counted per state pair in the kernel, exact for a known burst
 * (N connections reset on close, a listener opened and closed), with no events printed;
 * the pure rows and the usage errors.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { countRows } from '../../src/trace/counts.js';
import { CLOSE, ESTABLISHED, LISTEN, SYN_RECV } from '../../src/model/state.js';
import { CLI, kernelOrSkip, kernelUnavailable, Netns, runCli } from '../lib/netns.js';

test('count rows: kernel pairs to states (NEW_SYN_RECV is SYN_RECV), most frequent first, rates, a state filter', () => {
  const raw = new Float64Array(256);
  raw[10 * 16 + 12] = 4; // LISTEN -> NEW_SYN_RECV
  raw[10 * 16 + 3] = 1; // LISTEN -> SYN_RECV
  raw[1 * 16 + 7] = 10; // ESTABLISHED -> CLOSE
  const rows = countRows(raw, 2);
  assert.deepEqual(
    rows.map((r) => [r.from, r.to, r.count, r.perSecond]),
    [
      [ESTABLISHED, CLOSE, 10, 5],
      [LISTEN, SYN_RECV, 5, 2.5],
    ],
  );
  assert.deepEqual(
    countRows(raw, 2, (f, t) => f === LISTEN || t === LISTEN).map((r) => r.count),
    [5],
  );
});

test('--count: port filters and --poll are usage errors', () => {
  let r = runCli(['trace', '--count', 'dport', '=', ':80']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--count counts in the kernel per namespace and family: a state filter applies, but port and address filters need events/);
  r = runCli(['trace', '--count', '--poll']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot be combined with --poll/);
});

describe('trace --count in a namespace', () => {
  let ns: Netns | undefined;
  before(() => {
    if (!kernelUnavailable()) ns = Netns.create('tcount');
  });
  after(() => ns?.destroy());

  test('a burst of N reset connections: every pair counted exactly, nothing printed but the counts', async (t) => {
    if (!kernelOrSkip(t, ['python3'])) return;
    const n = 300;
    const tr = spawn(process.execPath, [CLI, 'trace', '--count', '--json', '--netns', ns!.name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    tr.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    tr.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    await new Promise((r) => setTimeout(r, 1500)); // attached
    ns!.run('python3', [
      '-c',
      `
import socket
s = socket.socket(); s.bind(('127.0.0.1', 7010)); s.listen(1024)
for i in range(${n}):
    c = socket.create_connection(('127.0.0.1', 7010)); a, _ = s.accept()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b'\\x01' + b'\\x00' * 7)
    c.close(); a.close()
s.close()
`,
    ]);
    await new Promise((r) => setTimeout(r, 300));
    tr.kill('SIGINT');
    assert.equal(await new Promise<number>((r) => tr.once('close', (c) => r(c ?? -1))), 0, err);
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 1, out);
    const doc = JSON.parse(lines[0]!) as { schema: string; seconds: number; transitions: { from: string; to: string; count: number }[] };
    assert.equal(doc.schema, 'tcpstate.trace-count/1');
    const got = Object.fromEntries(doc.transitions.map((x) => [`${x.from}>${x.to}`, x.count]));
    assert.deepEqual(got, {
      'CLOSE>LISTEN': 1,
      'LISTEN>CLOSE': 1,
      'CLOSE>SYN_SENT': n,
      'SYN_SENT>ESTABLISHED': n,
      'LISTEN>SYN_RECV': n,
      'SYN_RECV>ESTABLISHED': n,
      'ESTABLISHED>CLOSE': 2 * n,
    });
    assert.ok(doc.seconds > 1);
  });
});
