/**
 * Text output goes to fd 1 with blocking writes (src/cli/main.ts, processIo), not through
 * process.stdout, which Node makes only when a command needs a stream. A reader that goes
 * away ends tcpstate quietly; a stdout that refuses to block (a non-blocking pipe inherited
 * from the parent) falls back to the stream and loses nothing.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, REPO } from '../lib/netns.js';

// 24 hosts of a captured `ss -tanpoieO`: ~370 KB of JSON, more than a pipe (64 KiB) and the
// reading stream's own buffer hold while the reader is paused.
const CAPTURE = join(REPO, 'test', 'fixtures', 'text', 'ss-tanpoieO.txt');
const ARGS = ['ls', '--json', ...new Array<string>(24).fill(CAPTURE)];

test('a reader that goes away (| head -1): exit status 0, nothing on stderr', async () => {
  const child = spawn(process.execPath, [CLI, ...ARGS], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((res) => child.once('close', res));
  assert.equal(code, 0);
  assert.equal(err, '');
});

test('a reader that goes away with output unread (ECONNRESET on a socket pair): exit status 0, nothing on stderr', async () => {
  // Node's child stdio is a socket pair: closed with data still unread, the writer gets
  // ECONNRESET, not EPIPE. The reader waits until tcpstate has filled it, then closes.
  const child = spawn(process.execPath, [CLI, ...ARGS], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdout.once('data', () => {
    child.stdout.pause();
    setTimeout(() => child.stdout.destroy(), 300);
  });
  const code = await new Promise<number | null>((res) => child.once('close', res));
  assert.equal(err, '');
  assert.equal(code, 0);
});

test('a non-blocking stdout pipe that fills: every byte arrives, in order', async () => {
  const whole = spawnSync(process.execPath, [CLI, ...ARGS], { maxBuffer: 1 << 24 });
  assert.equal(whole.status, 0, whole.stderr.toString());
  assert.ok(whole.stdout.length > 300_000, `${whole.stdout.length} bytes`);
  // python sets O_NONBLOCK on the pipe tcpstate inherits, then execs it; the pipe is not read
  // for a while, so blocking writes would fail with EAGAIN once 64 KiB are queued.
  const wrap = 'import fcntl, os, sys\nfl = fcntl.fcntl(1, fcntl.F_GETFL)\nfcntl.fcntl(1, fcntl.F_SETFL, fl | os.O_NONBLOCK)\nos.execv(sys.argv[1], sys.argv[1:])';
  const child = spawn('python3', ['-c', wrap, process.execPath, CLI, ...ARGS], { stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = new Promise<number | null>((res) => child.once('close', res));
  const chunks: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  child.stdout.pause();
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  await new Promise((r) => setTimeout(r, 1000));
  child.stdout.resume();
  const code = await closed;
  assert.equal(err, '');
  assert.equal(code, 0);
  assert.ok(Buffer.concat(chunks).equals(whole.stdout), 'same bytes as a blocking pipe');
});
