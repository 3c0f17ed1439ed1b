/**
 * `record` counts state changes per interval in the kernel (trace --count's counters): in a
 * namespace where the test makes a known number of connections between two samples, the
 * recorded transitions add up to exactly those; `history --transitions` shows them. Without
 * the privilege to load BPF, record says so and the samples carry no transition counts
 * (history says why), never zeros.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { addonOrSkip, kernelOrSkip, Netns, runCli } from '../lib/netns.js';
import { sleep, startRecord } from './lib.js';

interface Doc {
  samples: { t: number; transitions?: Record<string, number>; transitionSeconds?: number }[];
  transitionsUnavailable?: string;
}

function history(db: string, extra: string[]): Doc {
  const r = runCli(['history', '--db', db, '--since', '10m', '--json', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Doc;
}

async function until(what: string, f: () => boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (f()) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('record counts transitions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-htr-'));
  const cleanup: (() => void)[] = [];
  after(() => {
    for (const c of cleanup) c();
    rmSync(dir, { recursive: true, force: true });
  });

  test('N connections made between two samples: every pair counted exactly once, in the samples after the first', async (t) => {
    if (!kernelOrSkip(t, ['python3']) || !addonOrSkip(t)) return;
    const ns = Netns.create('htr');
    cleanup.push(() => ns.destroy());
    const db = join(dir, 'tr.db');
    const rec = startRecord(['--db', db, '--interval', '1', '--netns', ns.name, '--no-processes']);
    cleanup.push(() => {
      if (rec.child.exitCode === null) rec.child.kill('SIGKILL');
    });
    await until('a first sample', () => runCli(['history', '--db', db, '--json', '--since', '10m']).stdout.includes('"transitions"'));
    const first = history(db, ['--netns', ns.name]).samples.length;
    const n = 150;
    const port = 21000 + (process.pid % 20000);
    ns.run('python3', [
      '-c',
      `
import socket
s = socket.socket(); s.bind(('127.0.0.1', ${port})); s.listen(1024)
for i in range(${n}):
    c = socket.create_connection(('127.0.0.1', ${port})); a, _ = s.accept()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b'\\x01' + b'\\x00' * 7)
    c.close(); a.close()
s.close()
`,
    ]);
    const done = Date.now();
    await until('a sample after the connections', () => history(db, ['--netns', ns.name]).samples.some((s) => s.t > done + 100));
    rec.child.kill('SIGTERM');
    assert.equal(await rec.exited, 0, rec.stderr());
    assert.doesNotMatch(rec.stderr(), /not counted/);
    const doc = history(db, ['--netns', ns.name]);
    assert.equal(doc.transitionsUnavailable, undefined);
    const sum: Record<string, number> = {};
    for (const s of doc.samples) {
      assert.ok(s.transitions, `sample ${new Date(s.t).toISOString()} has transition counts`);
      assert.ok(s.transitionSeconds! > 0 && s.transitionSeconds! < 5, `window ${s.transitionSeconds} s`);
      for (const [k, v] of Object.entries(s.transitions)) sum[k] = (sum[k] ?? 0) + v;
    }
    assert.deepEqual(sum, {
      'CLOSE->LISTEN': 1,
      'LISTEN->CLOSE': 1,
      'CLOSE->SYN_SENT': n,
      'SYN_SENT->ESTABLISHED': n,
      'LISTEN->SYN_RECV': n,
      'SYN_RECV->ESTABLISHED': n,
      'ESTABLISHED->CLOSE': 2 * n,
    });
    // None before the connections were made.
    for (const s of doc.samples.slice(0, first)) assert.deepEqual(s.transitions, {}, `sample ${new Date(s.t).toISOString()}`);
    // The steps add them up; the text view shows each pair's total.
    const steps = history(db, ['--netns', ns.name, '--step', '1h']);
    assert.equal(
      steps.samples.reduce((a, s) => a + (s.transitions?.['ESTABLISHED->CLOSE'] ?? 0), 0),
      2 * n,
    );
    const text = runCli(['history', '--db', db, '--netns', ns.name, '--since', '10m', '--transitions']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^ESTABLISHED->CLOSE +${2 * n} `, 'm'));
    assert.match(text.stdout, /^TIME +SECONDS +ESTABLISHED->CLOSE +/m);
  });

  test('not root: record says transitions are not counted and why; history says which samples have none', async (t) => {
    if (!kernelOrSkip(t)) return;
    const home = join(dir, 'nobody');
    rmSync(home, { recursive: true, force: true });
    mkdirSync(home);
    chmodSync(dir, 0o755);
    chmodSync(home, 0o777);
    const db = join(home, 'u.db');
    const r = runCli(['record', '--db', db, '--interval', '0.2', '--samples', '2', '--no-processes'], { uid: 65534, gid: 65534 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /state changes \(from -> to\) not counted: .*(not permitted|Operation not permitted|EPERM).*; samples carry no transition counts/);
    const doc = history(db, []);
    assert.equal(doc.samples.length, 2);
    for (const s of doc.samples) assert.equal(s.transitions, undefined);
    assert.match(doc.transitionsUnavailable ?? '', /^2 of 2 samples have no transition counts \(the recorder last said: .*not permitted/);
    const text = runCli(['history', '--db', db, '--since', '10m']);
    assert.match(text.stdout, /^state changes: 2 of 2 samples have no transition counts/m);
  });
});
