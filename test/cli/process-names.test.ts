/**
 * Issue 15 §4: a process name beyond ASCII (a script named 服务 run in a namespace made
 * here) is read as UTF-8 and printed as ss prints it, the same in every path: ls's byte
 * layout (a pipe), its string layout (colour), -o's padded column, JSON, CSV, count --by
 * process, from netlink and from /proc.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { displayWidth } from '../../src/render/wrap.js';
import { kernelOrSkip, kernelUnavailable, Netns, runCli } from '../lib/netns.js';

const NAME = '服务';
const PORT = 20000 + ((process.pid * 7) % 20000);
let ns: Netns | undefined;
let dir = '';
let pid = 0;

before(async () => {
  if (kernelUnavailable()) return;
  dir = mkdtempSync(join(tmpdir(), 'tcpstate-names-'));
  const script = join(dir, NAME);
  // The interpreter itself (not env, not a pyenv shim), so the process keeps the script's name.
  const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  writeFileSync(script, `#!${python}\nimport os, socket, time\ns = socket.socket()\ns.bind(('127.0.0.1', ${PORT}))\ns.listen()\nprint(os.getpid(), flush=True)\ntime.sleep(300)\n`);
  chmodSync(script, 0o755);
  ns = Netns.create('pnm');
  const child = ns.spawn(script, []);
  pid = await new Promise<number>((res, rej) => {
    const t = setTimeout(() => rej(new Error('the script did not start in 30 s')), 30_000);
    child.stdout!.once('data', (d: Buffer) => {
      clearTimeout(t);
      res(Number(d.toString().trim()));
    });
  });
});

after(() => {
  ns?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

test('a UTF-8 process name reads the same in every path, as ss prints it', (t) => {
  if (!kernelOrSkip(t, ['python3']) || !ns) return;
  const ss = ns.run('ss', ['-tlnpH', 'sport', '=', `:${PORT}`]);
  const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(ss);
  assert.ok(m, ss);
  assert.equal(m[1], NAME, "ss's name");
  assert.equal(Number(m[2]), pid);
  const label = `${pid}/${NAME}`;
  const run = (args: string[]) => {
    const r = runCli(['ls', '-lp', '-N', ns!.name, ...args, 'sport', '=', `:${PORT}`]);
    assert.equal(r.code, 0, r.stderr);
    return plain(r.stdout);
  };
  for (const source of ['netlink', 'proc']) {
    const src = ['--source', source];
    // Owner last: the row's fixed part, then the name.
    for (const extra of [[], ['--color=always']]) assert.match(run([...src, ...extra]), new RegExp(`LISTEN {6}${label}\\n$`), `${source} ${extra.join(' ')}`);
    // Owner before the timer: padded to 20 display columns (a CJK character takes two).
    for (const extra of [['-o'], ['-o', '--color=always']]) {
      const line = run([...src, ...extra]).split('\n')[1]!;
      assert.ok(line.includes(`${label}${' '.repeat(20 - displayWidth(label) + 1)}off`), `${source} ${extra.join(' ')}: ${line}`);
    }
    const doc = JSON.parse(run([...src, '--json'])) as { sockets: { owners?: { pid: number; program: string }[] }[] };
    assert.deepEqual(
      doc.sockets.flatMap((s) => s.owners ?? []).map((o) => o.program),
      [NAME],
    );
    assert.ok(
      run([...src, '--csv'])
        .split('\n')[1]!
        .endsWith(`,${pid},${NAME}`),
    );
  }
  const count = runCli(['count', '--by', 'process', '-a', '-N', ns.name, '--json']);
  assert.equal(count.code, 0, count.stderr);
  assert.ok(count.stdout.includes(`"${label}"`), count.stdout);
});
