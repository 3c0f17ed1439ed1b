/**
 * The start-up path (bin/tcpstate.js, processIo and exit in src/cli/main.ts, the bundles'
 * loader scripts/bundle-loader.cjs): output written with writeSync to fd 1, and the process
 * ended as soon as main returns when nothing is left alive, must lose nothing. A large
 * listing (`ls` of a capture, made as bytes) reaches a file, a real pipe with a slow reader
 * and a non-blocking pipe byte for byte as the in-process run prints it; a reader that
 * closes early ends tcpstate quietly with status 0; a capture on stdin is read whole from a
 * pipe, a file or a non-blocking pipe. A command bundle whose code cache is
 * missing or rejected by V8 still runs and prints the same. Thousands separators are
 * written without ICU (render/text.ts) exactly as toLocaleString('en-US') writes them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import vm from 'node:vm';
import { thousands } from '../../src/render/text.js';
import { runMain } from '../lib/cli.js';
import { CLI, REPO, runCli } from '../lib/netns.js';

const dir = mkdtempSync(join(tmpdir(), 'tcpstate-startup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// 100,000 sockets of a committed netstat capture (fresh local ports): ~8 MB of listing, many
// times what a pipe holds.
const capture = join(dir, 'big.txt');
{
  const lines = readFileSync(join(REPO, 'test', 'fixtures', 'text', 'netstat-n.txt'), 'utf8').split('\n');
  const data = lines.filter((l) => l.startsWith('tcp'));
  const out = lines.filter((l) => !l.startsWith('tcp') && l.trim() !== '' && !/^\s/.test(l)).slice(0, 2);
  for (let k = 0; out.length < 100_002; k++) for (const l of data) out.push(l.replace(/:(\d{4,5})(\s)/, `:${1024 + (k % 60000)}$2`));
  out.length = 100_002;
  writeFileSync(capture, `${out.join('\n')}\n`);
}
const expected = runMain(['ls', capture]);

/** A shell pipeline with CLI as `T`; its stdout, the file `err` and the status file `rc` read back. */
function shell(script: string): { stdout: Buffer; stderr: string; status: number } {
  rmSync(join(dir, 'err'), { force: true });
  const r = spawnSync('bash', ['-c', script], { env: { ...process.env, T: `${process.execPath} ${CLI}`, D: dir, F: capture }, maxBuffer: 1 << 28, timeout: 120_000 });
  assert.equal(r.status, 0, `bash: ${r.stderr}`);
  return { stdout: r.stdout, stderr: readFileSync(join(dir, 'err'), 'utf8'), status: Number(readFileSync(join(dir, 'rc'), 'utf8')) };
}

test('ls of a large capture to a file: the bytes the in-process run prints', async () => {
  const want = await expected;
  assert.equal(want.code, 0);
  assert.ok(want.stdout.length > 5_000_000, `${want.stdout.length} characters`);
  const r = shell('$T ls "$F" > "$D/out" 2> "$D/err"; echo $? > "$D/rc"; cat "$D/out"');
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.ok(r.stdout.equals(Buffer.from(want.stdout)), 'same bytes');
});

test('ls of a large capture into a pipe read slowly (| (sleep 1; cat)): every byte, in order', async () => {
  const want = await expected;
  const r = shell('$T ls "$F" 2> "$D/err" | (sleep 1; cat); echo ${PIPESTATUS[0]} > "$D/rc"');
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.ok(r.stdout.equals(Buffer.from(want.stdout)), 'same bytes');
});

test('ls of a large capture into a non-blocking pipe read slowly: every byte, in order', async () => {
  const want = await expected;
  // python sets O_NONBLOCK on the pipe tcpstate inherits, then execs it: writes fail with
  // EAGAIN once the pipe is full, and the rest must go out all the same.
  writeFileSync(join(dir, 'nb.py'), 'import fcntl, os, sys\nfl = fcntl.fcntl(1, fcntl.F_GETFL)\nfcntl.fcntl(1, fcntl.F_SETFL, fl | os.O_NONBLOCK)\nos.execv(sys.argv[1], sys.argv[1:])\n');
  const r = shell(`python3 "$D/nb.py" ${process.execPath} ${CLI} ls "$F" 2> "$D/err" | (sleep 1; cat); echo \${PIPESTATUS[0]} > "$D/rc"`);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.ok(r.stdout.equals(Buffer.from(want.stdout)), 'same bytes');
});

test('a reader that closes early (| head -c 1000): the first bytes, status 0, nothing on stderr', async () => {
  const want = await expected;
  const r = shell('$T ls "$F" 2> "$D/err" | head -c 1000; echo ${PIPESTATUS[0]} > "$D/rc"');
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.ok(r.stdout.equals(Buffer.from(want.stdout).subarray(0, 1000)));
});

test('a capture on stdin (ls -): from a slow pipe, a file and a non-blocking pipe, the listing of the file', async () => {
  const want = await expected;
  writeFileSync(join(dir, 'nb0.py'), 'import fcntl, os, sys\nfl = fcntl.fcntl(0, fcntl.F_GETFL)\nfcntl.fcntl(0, fcntl.F_SETFL, fl | os.O_NONBLOCK)\nos.execv(sys.argv[1], sys.argv[1:])\n');
  for (const [what, script] of [
    ['a pipe written slowly', '(sleep 0.5; cat "$F") | $T ls - 2> "$D/err"; echo ${PIPESTATUS[1]} > "$D/rc"'],
    ['a file', '$T ls - < "$F" 2> "$D/err"; echo $? > "$D/rc"'],
    // Nothing to read at first. Node 20's readSync waits on a non-blocking fd (libuv polls it);
    // where a read fails with EAGAIN instead, the stream reads the rest.
    ['a non-blocking pipe', `(sleep 0.5; cat "$F") | python3 "$D/nb0.py" ${process.execPath} ${CLI} ls - 2> "$D/err"; echo \${PIPESTATUS[1]} > "$D/rc"`],
  ]) {
    const r = shell(script!);
    assert.equal(r.stderr, '', what);
    assert.equal(r.status, 0, what);
    assert.ok(r.stdout.equals(Buffer.from(want.stdout)), `${what}: same bytes`);
  }
});

test('count and explain with a command bundle whose code cache is missing or rejected: the same output', (t) => {
  const bundles = join(REPO, 'dist', 'src', 'cli');
  if (!readdirSync(bundles).includes('main.bundle.cjs')) {
    t.skip('no bundles (no esbuild)');
    return;
  }
  // A copy of the executable and the bundles (with main.js, so they count as fresh).
  const copy = join(dir, 'copy');
  mkdirSync(join(copy, 'bin'), { recursive: true });
  mkdirSync(join(copy, 'dist', 'src', 'cli'), { recursive: true });
  for (const f of ['tcpstate.js', 'package.json']) copyFileSync(join(REPO, 'bin', f), join(copy, 'bin', f));
  for (const f of ['main.js', 'main.bundle.cjs', 'reference.json', 'bundle-count.cjs', 'bundle-explain.cjs']) copyFileSync(join(bundles, f), join(copy, 'dist', 'src', 'cli', f));
  const cli = join(copy, 'bin', 'tcpstate.js');
  const small = join(REPO, 'test', 'fixtures', 'text', 'netstat-n.txt');
  const lines: string[][] = [
    ['count', small],
    ['explain', 'CLOSE_WAIT', '--no-count'],
  ];
  const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  for (const cache of ['missing', 'rejected'] as const) {
    for (const name of ['count', 'explain']) {
      const file = join(copy, 'dist', 'src', 'cli', `bundle-${name}.cjs.cache`);
      // Another bundle's cache: V8 checks the source and rejects it.
      if (cache === 'rejected') {
        copyFileSync(join(bundles, `bundle-${name === 'count' ? 'explain' : 'count'}.cjs.cache`), file);
        const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(join(bundles, `bundle-${name}.cjs`), 'utf8')}\n})`;
        assert.equal(new vm.Script(source, { filename: file, cachedData: readFileSync(file) }).cachedDataRejected, true, `V8 rejects ${name}'s wrong cache`);
      } else rmSync(file, { force: true });
    }
    for (const args of lines) {
      const want = runCli(args);
      const got = run(args);
      assert.equal(got.stderr, want.stderr, `${cache}: ${args.join(' ')}`);
      assert.equal(got.status, 0, `${cache}: ${args.join(' ')}`);
      assert.equal(got.stdout, want.stdout, `${cache}: ${args.join(' ')}`);
      assert.ok(got.stdout.length > 100);
    }
  }
});

test('exit: ends at once with the status when nothing is alive, and waits for what is (a timer that still writes)', () => {
  const main = join(REPO, 'dist', 'src', 'cli', 'main.js');
  const run = (code: string) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', `import { exit, processIo } from ${JSON.stringify(main)};\nconst io = processIo();\n${code}`], { encoding: 'utf8' });
  const idle = run("io.out('done\\n');\nexit(3);\nprocess.on('exit', () => io.out('exit handlers still run\\n'));");
  assert.equal(idle.stderr, '');
  assert.equal(idle.stdout, 'done\nexit handlers still run\n');
  assert.equal(idle.status, 3);
  const alive = run("setTimeout(() => io.out('written later\\n'), 200);\nexit(4);");
  assert.equal(alive.stderr, '');
  assert.equal(alive.stdout, 'written later\n');
  assert.equal(alive.status, 4);
  const promised = run("exit(5);\nPromise.resolve().then(() => io.out('a promise already queued\\n'));");
  assert.equal(promised.stdout, 'a promise already queued\n');
  assert.equal(promised.status, 5);
});

test("thousands (render/text.ts) writes integers as toLocaleString('en-US') does, without starting ICU", () => {
  const ns = [0, 1, 12, 999, 1000, 1001, 41_203, 999_999, 1_000_000, 123_456_789, 2 ** 31, Number.MAX_SAFE_INTEGER, -1, -1000, -41_203];
  for (let k = 0; k < 2000; k++) ns.push(Math.floor(Math.random() * 10 ** (1 + (k % 15))));
  for (const n of ns) assert.equal(thousands(n), n.toLocaleString('en-US'), String(n));
});
