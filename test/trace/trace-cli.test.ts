// tcpstate trace's command line: usage errors name the option; without the privilege a note
// says why and snapshots follow instead, with no stack trace; --duration stops it with status 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kernelOrSkip, runCli } from '../lib/netns.js';

test('trace: bad --duration, -4 with -6, a bad filter and a missing namespace are clear errors', () => {
  let r = runCli(['trace', '--duration', 'soon']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^tcpstate: .*--duration takes seconds.*"soon"\n$/);
  r = runCli(['trace', '--buffer-kb', '100']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--buffer-kb takes a power of 2 from 4 to 1048576, got "100"/);
  r = runCli(['trace', '-4', '-6']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /-4 and -6 together/);
  r = runCli(['trace', 'sport', '=', ':nosuchservice']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad port ":nosuchservice"/);
  r = runCli(['trace', '--netns', `tcst-absent-${process.pid}`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /network namespace .* not found/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('trace without the privilege: a note saying why BPF cannot run and that snapshots follow instead, status 0, no stack trace', (t) => {
  if (!kernelOrSkip(t)) return;
  const r = runCli(['trace', '--duration', '1'], { uid: 65534, gid: 65534 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /^tcpstate: note: cannot trace TCP state changes here: .*needs root.*; following state changes by sock_diag snapshots every 500 ms instead \(marked ~\): a socket that opens and closes between two snapshots is not seen/,
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.match(r.stdout, /^TIME +PID PROGRAM +LOCAL +REMOTE +OLD +NEW +MS\n/);
});

test('trace: a bad --interval is a clear error', () => {
  const r = runCli(['trace', '--poll', '--interval', '0']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--interval takes seconds from 0.05 to 3600, got "0"/);
});

test('trace --duration stops by itself: the header, then status 0', (t) => {
  if (!kernelOrSkip(t)) return;
  const start = Date.now();
  const r = runCli(['trace', '--duration', '0.5', 'sport', '=', ':1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^TIME +PID PROGRAM +LOCAL +REMOTE +OLD +NEW +MS\n$/);
  assert.ok(Date.now() - start < 15000);
});
