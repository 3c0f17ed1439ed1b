/**
 * `ls` and `count --by` in Chinese (issue 15 §3): the headings that are not netstat's (`ls -m`,
 * `-i`) and count's group heading and "other (N)" row from the catalogue, padded by display
 * width, through the string and the byte writers alike; netstat's own headings and every
 * number as in English.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { displayWidth } from '../../src/render/wrap.js';
import { assertGolden } from '../lib/golden.js';
import { CLI, REPO } from '../lib/netns.js';

const REPLAY = 'test/fixtures/netlink/zoo-tcp-info.nl';
const TEXT = 'test/fixtures/text/netstat-an.txt';
const ZH = { LANG: 'zh_CN.UTF-8' };

function run(args: string[], env: Record<string, string> = {}, stdout?: number): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC', LC_ALL: '', LANG: 'C', NO_COLOR: '1', ...env },
    ...(stdout === undefined ? {} : { stdio: ['ignore', stdout, 'pipe'] }),
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr };
}

test("ls -m -i in Chinese: 内存 and TCP 信息 over their columns; netstat's headings and the rows unchanged; a file gets the same UTF-8", () => {
  const en = run(['ls', '-m', '-i', '--replay', REPLAY]);
  const zh = run(['ls', '-m', '-i', '--replay', REPLAY], ZH);
  assert.equal(zh.code, 0, zh.stderr);
  assertGolden('i18n/ls-replay-m-i-zh.txt', zh.stdout);
  assert.equal(run(['ls', '-m', '-i', '--replay', REPLAY], { TCPSTATE_LANG: 'zh' }).stdout, zh.stdout);
  const [enHead, ...enRows] = en.stdout.split('\n');
  const [zhHead, ...zhRows] = zh.stdout.split('\n');
  assert.deepEqual(zhRows, enRows, 'the rows byte for byte');
  assert.match(zhHead!, /^Proto Recv-Q Send-Q Local Address +Foreign Address +State +内存 +TCP 信息$/);
  assert.equal(displayWidth(zhHead!.slice(0, zhHead!.indexOf('TCP 信息'))), enHead!.indexOf('Info'), 'TCP 信息 starts where Info did');
  // Written to a file (the byte path): the same text.
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-zhls-'));
  try {
    const file = join(dir, 'out.txt');
    const fd = openSync(file, 'w');
    run(['ls', '-m', '-i', '--replay', REPLAY], ZH, fd);
    closeSync(fd);
    assert.equal(readFileSync(file, 'utf8'), zh.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Without -m/-i, nothing changes: netstat's headings are kept in every language.
  assert.equal(run(['ls', '--replay', REPLAY], ZH).stdout, run(['ls', '--replay', REPLAY]).stdout);
});

test('count --by in Chinese: the group heading and "other (N)" translated, rnet/24\'s prefix kept; English unchanged', () => {
  const en = run(['count', '--by', 'rnet/24', '--top', '1', TEXT]);
  const zh = run(['count', '--by', 'rnet/24', '--top', '1', TEXT], ZH);
  assert.equal(zh.code, 0, zh.stderr);
  assert.match(en.stdout, /^RNET\/24 /);
  assert.match(en.stdout, /\nother \(\d+\) /);
  assert.match(zh.stdout, /^对端网段\/24 /);
  const folded = /\nother \((\d+)\) /.exec(en.stdout)![1];
  assert.match(zh.stdout, new RegExp(`\\n其他（${folded} 组） `));
  assertGolden('i18n/count-by-rnet-zh.txt', zh.stdout);
  const numbers = (s: string) =>
    s.split('\n').map((l) =>
      l
        .split(/\s+/)
        .filter((c) => /^\d+$/.test(c))
        .join(' '),
    );
  assert.deepEqual(numbers(zh.stdout), numbers(en.stdout));
  for (const [by, word] of [
    ['lport', '本地端口'],
    ['rport', '对端端口'],
    ['raddr', '对端地址'],
  ] as const) {
    assert.ok(run(['count', '--by', by, TEXT], ZH).stdout.startsWith(word), by);
    assert.ok(run(['count', '--by', by, TEXT]).stdout.startsWith(by.toUpperCase()), by);
  }
});
