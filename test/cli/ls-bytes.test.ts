/**
 * `ls` hands its text to stdout as bytes (Io.outBytes), reusing one block. Written to a
 * pipe that fills, Node queues what did not fit by reference, so the edge must give it a
 * copy; written to a file, it must not need one. Both must print what the string path
 * (the in-process Io, which has no outBytes) prints, for a listing of several blocks.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runMain } from '../lib/cli.js';
import { CLI, REPO, runCli } from '../lib/netns.js';

const dir = mkdtempSync(join(tmpdir(), 'tcpstate-lsbytes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// The captured zoo's sockets, repeated until a listing takes several 256 KiB blocks. Each copy
// is another socket (its own local port and inode): a row read twice is dropped as a duplicate.
const root = join(dir, 'proc');
cpSync(join(REPO, 'test', 'fixtures', 'proc-zoo'), root, { recursive: true, verbatimSymlinks: true });
const [head, ...rows] = readFileSync(join(root, 'net', 'tcp'), 'latin1')
  .split('\n')
  .filter(Boolean);
const copies: string[] = [head!];
for (let k = 0; copies.length < 24000; k++) {
  for (const r of rows) {
    const n = copies.length - 1;
    const f = r.trim().split(/\s+/);
    if (k > 0) {
      f[1] = `${f[1]!.slice(0, -4)}${(n + 1024).toString(16).toUpperCase().padStart(4, '0')}`;
      if (f[9] !== '0') f[9] = String(Number(f[9]) + k * 1_000_000);
    }
    copies.push(`${String(n).padStart(4)}: ${f.slice(1).join(' ')}`);
  }
}
writeFileSync(join(root, 'net', 'tcp'), copies.join('\n') + '\n');

for (const args of [
  ['ls', '-tan'],
  ['ls', '-tanp'],
  ['ls', '-tanoe'],
]) {
  test(`${args.join(' ')}: bytes to a pipe and to a file equal the string path`, async () => {
    const argv = [...args, '--proc-root', root];
    const strings = await runMain(argv);
    assert.equal(strings.code, 0, strings.stderr);
    assert.ok(strings.stdout.length > 1_500_000, `${strings.stdout.length} bytes`);

    const piped = runCli(argv);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, strings.stdout);

    const file = join(dir, 'out.txt');
    const fd = openSync(file, 'w');
    try {
      const r = spawnSync(process.execPath, [CLI, ...argv], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    } finally {
      closeSync(fd);
    }
    assert.equal(readFileSync(file, 'latin1'), strings.stdout);
  });
}
