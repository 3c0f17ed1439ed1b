/**
 * `record` in a namespace whose sockets the test changes at known times: `history --json`
 * shows each change at the right sample, with ss's counts of that moment; SIGTERM stops it
 * cleanly; a second record on the same file is refused while the first runs; after the first
 * is killed with SIGKILL the file is intact and a new record appends to it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { kernelOrSkip, Netns, runCli } from '../lib/netns.js';
import { Driver, sleep, ssCounts, startRecord } from './lib.js';

interface Doc {
  samples: { t: number; sampleMs: number; states: Record<string, number> }[];
  gaps: unknown[];
}

function history(db: string, ns: Netns, extra: string[] = []): Doc {
  const r = runCli(['history', '--db', db, '--netns', ns.name, '--since', '10m', '--json', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Doc;
}

/** Wait until the file holds a sample taken after `t`. */
async function sampleAfter(db: string, ns: Netns, t: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = runCli(['history', '--db', db, '--netns', ns.name, '--since', '10m', '--json']);
    if (r.code === 0 && (JSON.parse(r.stdout) as Doc).samples.some((s) => s.t > t)) return;
    await sleep(200);
  }
  throw new Error(`no sample after ${new Date(t).toISOString()}`);
}

describe('record and history in a namespace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-hist-'));
  const cleanup: (() => void)[] = [];
  after(() => {
    for (const c of cleanup) c();
    rmSync(dir, { recursive: true, force: true });
  });

  test('each change shows at the samples after it, equal to ss; SIGTERM stops cleanly; a second writer is refused', async (t) => {
    if (!kernelOrSkip(t, ['ss'])) return;
    const ns = Netns.create('hist');
    cleanup.push(() => ns.destroy());
    const port = 20000 + (process.pid % 20000);
    const driver = await Driver.start(ns);
    const db = join(dir, 'a.db');
    const rec = startRecord(['--db', db, '--interval', '1', '--netns', ns.name]);
    cleanup.push(() => {
      if (rec.child.exitCode === null) rec.child.kill('SIGKILL');
    });
    // Phases: [start of the stable stretch, ss counts]; each stretch ends where the next change begins.
    const phases: { from: number; to: number; ss: Record<string, number> }[] = [];
    const hold = async (): Promise<void> => {
      const from = Date.now();
      const ss = ssCounts(ns);
      await sampleAfter(db, ns, from + 1200);
      phases.push({ from, to: Date.now(), ss });
    };
    await hold();
    for (const cmd of [`listen ${port}`, `connect ${port} 5`, 'halfclose 3', 'serverclose 2']) {
      await driver.do(cmd);
      await hold();
    }
    const second = runCli(['record', '--db', db, '--interval', '1', '--netns', ns.name]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`${db.replace(/[.]/g, '\\.')} is already being recorded by another tcpstate record \\(pid ${rec.child.pid}\\)`));
    rec.child.kill('SIGTERM');
    assert.equal(await rec.exited, 0, rec.stderr());
    assert.match(rec.stderr(), /SIGTERM: stopping after \d+ samples/);

    const doc = history(db, ns);
    // The changes happened: the phases differ as intended.
    assert.equal(phases[1]!.ss['LISTEN'], 1);
    assert.equal(phases[2]!.ss['ESTABLISHED'], 10);
    assert.deepEqual([phases[3]!.ss['FIN_WAIT2'], phases[3]!.ss['CLOSE_WAIT']], [3, 3]);
    assert.deepEqual([phases[4]!.ss['TIME_WAIT'], phases[4]!.ss['CLOSE_WAIT']], [2, 1]);
    for (const [i, p] of phases.entries()) {
      // A sample reads the sockets between its time and its time + sampleMs: wholly inside the stretch.
      const inside = doc.samples.filter((s) => s.t >= p.from && s.t + s.sampleMs <= p.to);
      assert.ok(inside.length >= 1, `phase ${i}: no sample between ${new Date(p.from).toISOString()} and ${new Date(p.to).toISOString()}`);
      for (const s of inside) assert.deepEqual(s.states, { ...p.ss, UNKNOWN: 0 }, `phase ${i}, sample at ${new Date(s.t).toISOString()}`);
    }
    // Between phases (while the driver was changing sockets) the counts moved from one phase's to the next.
    assert.equal(doc.gaps.length, 0);
    // --at in count's layout at a moment of phase 2.
    const at = runCli(['history', '--db', db, '--netns', ns.name, '--at', `@${(phases[2]!.to / 1000).toFixed(3)}`]);
    assert.equal(at.code, 0, at.stderr);
    assert.match(at.stdout, /^ESTABLISHED +10$/m);
    assert.match(at.stdout, /^TOTAL +11$/m);
  });

  test('SIGKILL mid-recording: integrity_check ok, history readable, record resumes and appends', async (t) => {
    if (!kernelOrSkip(t, ['ss', 'sqlite3'])) return;
    const ns = Netns.create('hkill');
    cleanup.push(() => ns.destroy());
    const db = join(dir, 'k.db');
    const rec = startRecord(['--db', db, '--interval', '0.2', '--netns', ns.name]);
    cleanup.push(() => {
      if (rec.child.exitCode === null) rec.child.kill('SIGKILL');
    });
    for (let i = 0; i < 100 && (runCli(['history', '--db', db, '--netns', ns.name, '--json']).stdout.match(/"time"/g) ?? []).length < 4; i++) await sleep(200);
    rec.child.kill('SIGKILL');
    await rec.exited;
    assert.equal(execFileSync('sqlite3', [db, 'PRAGMA integrity_check']).toString().trim(), 'ok');
    const before = history(db, ns).samples.length;
    assert.ok(before >= 3, `${before} samples`);
    const again = startRecord(['--db', db, '--interval', '0.2', '--netns', ns.name, '--samples', '3']);
    assert.equal(await again.exited, 0, again.stderr());
    const doc = history(db, ns);
    assert.equal(doc.samples.length, before + 3);
    assert.equal(execFileSync('sqlite3', [db, 'PRAGMA integrity_check']).toString().trim(), 'ok');
  });

  test('readers while record writes: every history read succeeds and sees a growing, whole history', async (t) => {
    if (!kernelOrSkip(t)) return;
    const ns = Netns.create('hread');
    cleanup.push(() => ns.destroy());
    const db = join(dir, 'r.db');
    const rec = startRecord(['--db', db, '--interval', '0.1', '--netns', ns.name, '--no-processes']);
    cleanup.push(() => {
      if (rec.child.exitCode === null) rec.child.kill('SIGKILL');
    });
    await sampleAfter(db, ns, Date.now());
    let last = 0;
    for (let i = 0; i < 15; i++) {
      const [a, b] = [history(db, ns), history(db, ns, ['--step', '1m'])];
      assert.ok(a.samples.length >= last, `${a.samples.length} samples after ${last}`);
      last = a.samples.length;
      for (const s of a.samples) assert.equal(Object.keys(s.states).length, 12);
      assert.ok(b.samples.length >= 1);
      await sleep(100);
    }
    rec.child.kill('SIGTERM');
    assert.equal(await rec.exited, 0, rec.stderr());
    assert.ok(history(db, ns).samples.length > last);
  });
});
