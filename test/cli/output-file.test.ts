/**
 * `diagram -o FILE` writes whole or not at all (src/atomic-file.ts): a full or read-only
 * directory ends with the path and the reason and status 1, the destination as it was and no
 * temporary beside it; a file replaced keeps its permissions and a link to it; a FIFO is
 * written in place.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { CLI, kernelOrSkip } from '../lib/netns.js';

function run(args: string[], uid?: number): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, ...(uid !== undefined ? { uid, gid: uid } : {}) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A small tmpfs mounted on a fresh directory for one test, unmounted after it. */
function smallDisk(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tcpstate-test', dir]);
  t.after(() => {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true });
  });
  return dir;
}

/** Fill the file system holding `dir` with one file of zeros. */
function fill(dir: string): void {
  const fd = openSync(join(dir, 'fill'), 'w');
  const zeros = Buffer.alloc(4096);
  try {
    for (;;) writeSync(fd, zeros);
  } catch (e) {
    assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
}

test('diagram -o on a full disk: path and reason, status 1, the old file untouched, no temporary left', (t) => {
  if (!kernelOrSkip(t)) return;
  const dir = smallDisk(t);
  const dest = join(dir, 'states.svg');
  writeFileSync(dest, 'the figure from yesterday\n');
  fill(dir);
  const r = run(['diagram', '-o', dest]);
  assert.equal(r.stderr, `tcpstate: ${dest}: cannot write: no space left on device\n`);
  assert.equal(r.status, 1);
  assert.equal(readFileSync(dest, 'utf8'), 'the figure from yesterday\n');
  assert.deepEqual(readdirSync(dir).sort(), ['fill', 'states.svg']);
  // A new destination is not made at all.
  const fresh = join(dir, 'handshake.svg');
  assert.equal(run(['diagram', '--figure', 'handshake', '-o', fresh]).status, 1);
  assert.deepEqual(readdirSync(dir).sort(), ['fill', 'states.svg']);
});

test('diagram -o in a read-only directory: path and reason, status 1, the old file untouched', (t) => {
  if (!kernelOrSkip(t)) return;
  const dir = smallDisk(t);
  const dest = join(dir, 'states.txt');
  writeFileSync(dest, 'old\n');
  execFileSync('mount', ['-o', 'remount,ro', dir]);
  const r = run(['diagram', '-o', dest]);
  assert.equal(r.stderr, `tcpstate: ${dest}: cannot write: read-only file system\n`);
  assert.equal(r.status, 1);
  assert.equal(readFileSync(dest, 'utf8'), 'old\n');
  assert.deepEqual(readdirSync(dir), ['states.txt']);
});

test('diagram -o a directory: path and reason, status 1, nothing left beside it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-o-'));
  try {
    mkdirSync(join(dir, 'figure.svg'));
    const r = run(['diagram', '-o', join(dir, 'figure.svg')]);
    assert.equal(r.stderr, `tcpstate: ${join(dir, 'figure.svg')}: cannot write: illegal operation on a directory\n`);
    assert.equal(r.status, 1);
    assert.deepEqual(readdirSync(dir), ['figure.svg']);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('diagram -o replacing a file keeps its permissions and a symbolic link to it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-o-'));
  try {
    const real = join(dir, 'real.txt');
    const link = join(dir, 'link.txt');
    writeFileSync(real, 'old\n');
    chmodSync(real, 0o640);
    symlinkSync('real.txt', link);
    const r = run(['diagram', '-o', link]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(real, 'utf8'), run(['diagram']).stdout);
    assert.equal(statSync(real).mode & 0o777, 0o640);
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readlinkSync(link), 'real.txt');
    assert.deepEqual(readdirSync(dir).sort(), ['link.txt', 'real.txt']);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('diagram -o a FIFO writes into it (a file that cannot be replaced is written in place)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-o-'));
  try {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    let got = '';
    reader.stdout.on('data', (d: Buffer) => {
      got += d.toString();
    });
    const done = new Promise((res) => reader.once('close', res));
    const r = run(['diagram', '-o', fifo]);
    await done;
    assert.equal(r.status, 0, r.stderr);
    assert.equal(got, run(['diagram']).stdout);
    assert.ok(lstatSync(fifo).isFIFO());
    assert.deepEqual(readdirSync(dir), ['pipe']);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('diagram -o a file the user may write in a directory they may not: written in place; a new file there: the reason', (t) => {
  if (!kernelOrSkip(t)) return;
  const nobody = 65534;
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-o-'));
  try {
    chmodSync(dir, 0o755);
    const mine = join(dir, 'theirs.txt');
    writeFileSync(mine, 'old\n');
    chownSync(mine, nobody, nobody);
    const r = run(['diagram', '-o', mine], nobody);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(mine, 'utf8'), run(['diagram']).stdout);
    const fresh = join(dir, 'new.txt');
    const refused = run(['diagram', '-o', fresh], nobody);
    assert.equal(refused.stderr, `tcpstate: ${fresh}: cannot write: permission denied\n`);
    assert.equal(refused.status, 1);
    assert.deepEqual(readdirSync(dir), ['theirs.txt']);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
