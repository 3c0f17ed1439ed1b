/**
 * The user's environment failing is not a tcpstate bug: a full disk on stdout or stderr (the
 * real /dev/full, through bin/tcpstate.js and the bundles), an OS error escaping a command.
 * Each ends with the path (or stream) and the reason and status 1, never a stack trace or
 * "internal error"; EPIPE stays silent. `-o` is test/cli/output-file.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMMANDS } from '../../src/cli/main.js';
import { runMain } from '../lib/cli.js';
import { CLI, REPO } from '../lib/netns.js';

const FULL = 'tcpstate: cannot write standard output: no space left on device\n';
const PCAP = join(REPO, 'test', 'fixtures', 'pcap', 'eth-us.pcap');
const DOCTOR_ROOT = join(REPO, 'test', 'fixtures', 'proc-doctor', 'root');
const CAPTURE = join(REPO, 'test', 'fixtures', 'text', 'ss-tanpoieO.txt');

/** The built CLI (bin/tcpstate.js, the bundles) with fd 1 and fd 2 as given. */
function runTo(args: string[], out: 'full' | 'pipe', err: 'full' | 'pipe' = 'pipe'): { status: number | null; stdout: string; stderr: string } {
  const full = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', out === 'full' ? full : 'pipe', err === 'full' ? full : 'pipe'], encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  } finally {
    closeSync(full);
  }
}

// Every command the issue lists, through the text path (blocking writes) and the stream path
// (ls's bytes, which go through process.stdout and fail after write() returned).
const COMMAND_LINES: [string, string[]][] = [
  ['ls -a (live, bytes through the stream)', ['ls', '-a']],
  ['ls --json of 24 captures (large)', ['ls', '--json', ...new Array<string>(24).fill(CAPTURE)]],
  ['count (live)', ['count']],
  ['count --by lport', ['count', '--by', 'lport']],
  ['pcap FILE', ['pcap', PCAP]],
  ['pcap --json FILE', ['pcap', '--json', PCAP]],
  ['explain', ['explain']],
  ['explain CLOSE_WAIT --no-count', ['explain', 'CLOSE_WAIT', '--no-count']],
  ['diagram', ['diagram']],
  ['diagram --format svg', ['diagram', '--format', 'svg']],
  ['simulate SCENARIO', ['simulate', 'client-close']],
  ['simulate (the list)', ['simulate']],
  ['--help', ['--help']],
];

for (const [what, args] of COMMAND_LINES) {
  test(`stdout on a full disk (/dev/full): ${what} says so, status 1`, () => {
    const r = runTo(args, 'full');
    assert.equal(r.stderr, FULL);
    assert.equal(r.status, 1);
  });
}

test('stdout on a full disk: doctor says so with its "no diagnosis" status 3 (docs/doctor.md)', () => {
  const r = runTo(['doctor', '--proc-root', DOCTOR_ROOT], 'full');
  assert.equal(r.stderr, FULL);
  assert.equal(r.status, 3);
});

test('stdout and stderr both on a full disk: status 1, no stack trace anywhere to print', () => {
  for (const args of [['ls', '-a'], ['count'], ['simulate', 'client-close']]) {
    const r = runTo(args, 'full', 'full');
    assert.equal(r.status, 1, args.join(' '));
  }
});

test('stderr on a full disk: the error that could not be printed still sets the status', () => {
  const r = runTo(['count', '/nonexistent/capture.txt'], 'pipe', 'full');
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
});

/** Run main with a command that throws `fail` (the table of commands is open for this). */
async function throwing(fail: () => never): Promise<{ code: number; stdout: string; stderr: string }> {
  COMMANDS['throws'] = async () => ({ run: async () => fail() });
  try {
    return await runMain(['throws']);
  } finally {
    delete COMMANDS['throws'];
  }
}

test('an OS error escaping a command: its path and reason in words, status 1', async () => {
  const missing = join(tmpdir(), `tcpstate-missing-${process.pid}`, 'x');
  const r = await throwing(() => {
    readFileSync(missing);
    throw new Error('unreachable');
  });
  assert.deepEqual(r, { code: 1, stdout: '', stderr: `tcpstate: ${missing}: no such file or directory\n` });
});

test("an OS error without a path (a read of a directory's fd): the call and the reason, status 1", async () => {
  const r = await throwing(() => {
    const fd = openSync(tmpdir(), 'r');
    try {
      readSync(fd, Buffer.alloc(1));
    } finally {
      closeSync(fd);
    }
    throw new Error('unreachable');
  });
  assert.deepEqual(r, { code: 1, stdout: '', stderr: 'tcpstate: read failed: illegal operation on a directory\n' });
});

test('EPIPE escaping a command is a reader that went away: silent, status 0', async () => {
  const r = await throwing(() => {
    throw Object.assign(new Error('EPIPE: broken pipe, write'), { code: 'EPIPE', errno: -32, syscall: 'write' });
  });
  assert.deepEqual(r, { code: 0, stdout: '', stderr: '' });
});

test('anything else escaping a command is still our bug: internal error, status 70', async () => {
  const r = await throwing(() => {
    throw new TypeError('x is not a function');
  });
  assert.equal(r.code, 70);
  assert.match(r.stderr, /^tcpstate: internal error: x is not a function\n\(please report/);
});

test('a directory given as a capture (pcap DIR, --replay DIR): status 1, not an internal error', () => {
  for (const args of [
    ['pcap', tmpdir()],
    ['count', '--replay', tmpdir()],
  ]) {
    const r = runTo(args, 'pipe');
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  }
});
