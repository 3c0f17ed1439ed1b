/**
 * The README: its tables are GitHub tables (every row as many cells as the header, pipes in
 * code escaped), and its recipe for capturing a /proc tree works: run in a namespace holding
 * known sockets, the tarball it makes reads as ss counts them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseState, stateName } from '../../src/model/state.js';
import { kernelOrSkip, Netns, REPO, runCli } from '../lib/netns.js';

const README = readFileSync(join(REPO, 'README.md'), 'utf8');

/** GFM splits a table row on every pipe not escaped by a backslash, code spans included. */
function cells(row: string): string[] {
  const inner = row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return inner.split(/(?<!\\)\|/);
}

describe('README tables render as GitHub tables', () => {
  // Lines outside fenced code blocks.
  const lines: [number, string][] = [];
  let fenced = false;
  README.split('\n').forEach((l, i) => {
    if (/^\s*```/.test(l)) fenced = !fenced;
    else if (!fenced) lines.push([i + 1, l]);
  });
  const tables: [number, string][][] = [];
  for (let k = 0; k < lines.length; k++) {
    if (!/^\|/.test(lines[k]![1]) || !/^\|(\s*:?-{3,}:?\s*\|)+\s*$/.test(lines[k + 1]?.[1] ?? '')) continue;
    const t: [number, string][] = [];
    while (k < lines.length && /^\|/.test(lines[k]![1])) t.push(lines[k++]!);
    tables.push(t);
  }

  test('the command table is there, a row per command', () => {
    const cmd = tables.find((t) => /\| command \| what it does \|/.test(t[0]![1]));
    assert.ok(cmd, 'the command table');
    for (const c of ['count', 'ls', 'diff', 'explain', 'simulate', 'diagram', 'doctor', 'serve', 'watch', 'record', 'fleet', 'pcap', 'trace']) {
      assert.ok(
        cmd.some(([, l]) => l.startsWith(`| \`tcpstate ${c}`)),
        c,
      );
    }
    // A blank line before the table: GitHub does not start a table inside a paragraph.
    const first = cmd[0]![0];
    assert.equal(README.split('\n')[first - 2], '');
  });

  test('every row has as many cells as its header', () => {
    assert.ok(tables.length >= 2);
    for (const t of tables) {
      const n = cells(t[0]![1]).length;
      for (const [line, row] of t) assert.equal(cells(row).length, n, `README.md:${line}: ${row.slice(0, 60)}`);
    }
  });
});

describe('README: capturing a /proc tree for --proc-root', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tcpstate-readme-'));
  let ns: Netns | undefined;
  after(() => {
    ns?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('the recipe, run in a namespace, makes a tree that counts as ss does, owners included', async (t) => {
    if (!kernelOrSkip(t)) return;
    const m = /<!-- proc-capture -->\n```sh\n([\s\S]*?)```/.exec(README);
    assert.ok(m, 'the recipe follows its marker');
    ns = Netns.create('readme');
    const zoo = await ns.zoo(['--only', 'listen,est,cw,tw']);
    execFileSync('ip', ['netns', 'exec', ns.name, 'sh', '-c', `cd ${tmp} && ${m[1]!}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tgz = execFileSync('sh', ['-c', `cd ${tmp} && ls proc-*.tgz`], { encoding: 'utf8' }).trim();
    execFileSync('tar', ['-xzf', join(tmp, tgz), '-C', tmp]);
    const root = join(tmp, 'proc');
    const ss = ns.run('ss', ['-tanH']).split('\n').filter(Boolean);
    const want: Record<string, number> = {};
    for (const l of ss) {
      const s = stateName(parseState(l.split(/\s+/)[0]!)!);
      want[s] = (want[s] ?? 0) + 1;
    }
    const r = runCli(['count', '--json', '--proc-root', root]);
    assert.equal(r.code, 0, r.stderr);
    const got = Object.fromEntries(Object.entries((JSON.parse(r.stdout) as { states: Record<string, number> }).states).filter(([, n]) => n > 0));
    assert.deepEqual(got, want);
    assert.ok(ss.length >= 4, 'the namespace held sockets');
    // Owners: the zoo's process by its name.
    const ls = runCli(['ls', '-lp', '--proc-root', root]);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, new RegExp(`\\b${zoo.pid}/node\\b`));
    // doctor reads the copied counters and sysctls.
    assert.ok(readFileSync(join(root, 'net', 'netstat'), 'utf8').startsWith('TcpExt:'));
    assert.ok(readFileSync(join(root, 'sys', 'net', 'ipv4', 'ip_local_port_range'), 'utf8').length > 0);
  });
});
