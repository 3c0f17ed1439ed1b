/**
 * The history file under bad conditions: not SQLite, another program's SQLite file, a
 * damaged history file (clear errors naming it, never a stack); a read-only file system
 * (history still reads, record refuses); a full disk (record stops with a message, what was
 * written stays intact and readable).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { kernelOrSkip, runCli } from '../lib/netns.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as new (p: string, o?: object) => { exec(s: string): void; pragma(s: string, o?: object): unknown; close(): void };

function noStack(stderr: string): void {
  assert.doesNotMatch(stderr, /\n\s+at /, 'a stack trace');
  assert.equal(stderr.trim().split('\n').length, 1, stderr);
}

function integrity(db: string): string {
  const d = new Database(db, { readonly: true });
  try {
    return String(d.pragma('integrity_check', { simple: true }));
  } finally {
    d.close();
  }
}

describe('history files under bad conditions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-hsafe-'));
  const mounts: string[] = [];
  after(() => {
    for (const m of mounts)
      try {
        execFileSync('umount', [m]);
      } catch {
        /* not mounted */
      }
    rmSync(dir, { recursive: true, force: true });
  });

  function tmpfs(name: string, size: string): string {
    const m = join(dir, name);
    mkdirSync(m);
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', m]);
    mounts.push(m);
    return m;
  }

  test('not SQLite, a foreign SQLite file, a damaged history file: errors naming the file, status 1, nothing created', () => {
    const text = join(dir, 'text.db');
    writeFileSync(text, 'ESTABLISHED 3\nTIME_WAIT 4\n');
    for (const cmd of [['history'], ['record', '--samples', '1']]) {
      const r = runCli([...cmd, '--db', text]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `tcpstate: ${text} is not a tcpstate history file (not an SQLite database, or damaged)\n`);
    }
    const foreign = join(dir, 'foreign.db');
    const f = new Database(foreign);
    f.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1)');
    f.close();
    for (const cmd of [['history'], ['record', '--samples', '1']]) {
      const r = runCli([...cmd, '--db', foreign]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^tcpstate: ${foreign.replace(/\./g, '\\.')} is an SQLite database but not a tcpstate history file \\(application_id 0\\)`));
      noStack(r.stderr);
    }
    assert.equal(existsSync(`${foreign}.lock`), false, 'record took a lock on a file it refused');

    const good = join(dir, 'damaged.db');
    const rec = runCli(['record', '--db', good, '--interval', '0.1', '--samples', '30', '--no-processes']);
    assert.equal(rec.code, 0, rec.stderr);
    assert.equal(integrity(good), 'ok');
    const fd = openSync(good, 'r+');
    writeSync(fd, Buffer.alloc(4 * 4096, 0xa5), 0, 4 * 4096, 2 * 4096);
    closeSync(fd);
    const r = runCli(['history', '--db', good, '--since', '1d', '--json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^tcpstate: ${good.replace(/\./g, '\\.')} is (damaged \\(|not a tcpstate history file)`));
    noStack(r.stderr);
  });

  test('a read-only file system: history reads what record left (WAL or not), record refuses saying why', (t) => {
    if (!kernelOrSkip(t)) return;
    for (const wal of [false, true]) {
      const m = tmpfs(`ro${wal ? 'wal' : ''}`, '8m');
      const db = join(m, 'h.db');
      const rec = runCli(['record', '--db', db, '--interval', '0.1', '--samples', '5', '--no-processes']);
      assert.equal(rec.code, 0, rec.stderr);
      if (wal) {
        const d = new Database(db);
        d.pragma('journal_mode = WAL');
        d.close();
      }
      execFileSync('mount', ['-o', 'remount,ro', m]);
      const h = runCli(['history', '--db', db, '--since', '1h', '--json']);
      assert.equal(h.code, 0, h.stderr);
      assert.equal((JSON.parse(h.stdout) as { samples: unknown[] }).samples.length, 5);
      const again = runCli(['record', '--db', db, '--samples', '1']);
      assert.equal(again.code, 1);
      assert.match(again.stderr, new RegExp(`^tcpstate: (${db.replace(/\./g, '\\.')} cannot be written|cannot open ${db.replace(/\./g, '\\.')})`));
      noStack(again.stderr);
    }
  });

  test('a full disk stops recording with a message; the file is intact, readable, and takes more once there is room', (t) => {
    if (!kernelOrSkip(t)) return;
    const m = tmpfs('full', '600k');
    const db = join(m, 'h.db');
    const r = runCli(['record', '--db', db, '--interval', '0.1', '--no-processes']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`tcpstate: the disk holding ${db.replace(/\./g, '\\.')} is full: recording stopped`));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(integrity(db), 'ok');
    const h = runCli(['history', '--db', db, '--since', '1h', '--json']);
    assert.equal(h.code, 0, h.stderr);
    const n = (JSON.parse(h.stdout) as { samples: unknown[] }).samples.length;
    assert.ok(n > 3, `${n} samples before the disk filled`);
    execFileSync('mount', ['-o', 'remount,size=8m', m]);
    const more = runCli(['record', '--db', db, '--interval', '0.1', '--samples', '3', '--no-processes']);
    assert.equal(more.code, 0, more.stderr);
    assert.equal((JSON.parse(runCli(['history', '--db', db, '--since', '1h', '--json']).stdout) as { samples: unknown[] }).samples.length, n + 3);
  });
});
