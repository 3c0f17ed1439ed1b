/**
 * `trace` in Chinese (issue 15 §3): the headings of transitions, `--lifetimes` and `--count`
 * as goldens, each heading over its column by display width; help, usage errors and the
 * warnings' texts from the catalogue; --lang, TCPSTATE_LANG and LANG=zh_CN.UTF-8 alike.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import test from 'node:test';
import { CATALOGUE as TRACE } from '../../src/i18n/trace.js';
import { CLOSE, ESTABLISHED, FIN_WAIT1, SYN_SENT, TIME_WAIT } from '../../src/model/state.js';
import { displayWidth } from '../../src/render/wrap.js';
import { countRows, countText } from '../../src/trace/counts.js';
import { lifetimeHeader, lifetimeLine, type Lifetime } from '../../src/trace/lifetimes.js';
import { TEXT_HEADER, textHeader, textLine } from '../../src/trace/render.js';
import type { Transition } from '../../src/trace/tracker.js';
import { assertGolden } from '../lib/golden.js';
import { CLI, REPO } from '../lib/netns.js';

function run(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC', LC_ALL: '', LANG: 'C', NO_COLOR: '1', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const ZH = { LANG: 'zh_CN.UTF-8' };
// The lines' times are local (as tcpstates prints them): the golden is made in UTC.
process.env['TZ'] = 'UTC';
const v4 = (a: number, b: number, c: number, d: number) => Uint8Array.of(a, b, c, d);
const ends = { family: 4 as const, laddr: v4(10, 0, 0, 1), lport: 43210, raddr: v4(10, 0, 0, 2), rport: 5432, owner: { pid: 4242, program: 'psql' } };

/** Where each column starts: after a run of spaces, by display columns. */
function starts(line: string): number[] {
  const out: number[] = [];
  let col = 0;
  let prevSpace = true;
  for (const ch of line.replace(/\n$/, '')) {
    if (ch !== ' ' && prevSpace) out.push(col);
    prevSpace = ch === ' ';
    col += displayWidth(ch);
  }
  return out;
}

/** Where each column ends (the last non-space of each run), by display columns. */
function endsAt(line: string): number[] {
  const out: number[] = [];
  let col = 0;
  const chars = [...line.replace(/\n$/, '')];
  chars.forEach((ch, i) => {
    col += displayWidth(ch);
    if (ch !== ' ' && (i + 1 === chars.length || chars[i + 1] === ' ')) out.push(col);
  });
  return out;
}

test('trace headings in Chinese: over their columns by display width; English unchanged', () => {
  const t: Transition = { ...ends, time: 1_000_000_000n, netns: 4026531840, from: ESTABLISHED, to: FIN_WAIT1, ms: 1234.5, sk: 'ffff0001' };
  const line = textLine(t, 0n);
  const zh = textHeader('zh');
  assert.equal(textHeader('en'), TEXT_HEADER);
  assert.match(TEXT_HEADER, /^TIME +PID PROGRAM +LOCAL +REMOTE +OLD +NEW +MS\n$/);
  // Left-aligned headings start where their cells start; right-aligned ones end where theirs end.
  const [time, , prog, local, remote, old, nu] = starts(zh);
  const [lt, , lp, ll, lr, lo, , ln] = starts(line);
  assert.deepEqual([time, prog, local, remote, old, nu], [lt, lp, ll, lr, lo, ln]);
  assert.equal(endsAt(zh).at(-1), endsAt(line.trimEnd()).at(-1), '毫秒 ends over the milliseconds');
  assert.equal(endsAt(zh)[1], endsAt(line)[1], 'PID ends over the pid');

  const l: Lifetime = {
    ...ends,
    start: 0n,
    end: 2_000_000_000n,
    netns: 1,
    sent: 1200,
    received: 34000,
    ms: 2000,
    path: [CLOSE, SYN_SENT, ESTABLISHED, FIN_WAIT1, TIME_WAIT],
    history: 'ShDdFf',
    err: 0,
    observed: false,
    sk: 'ff',
  };
  const lz = lifetimeHeader('zh');
  const ll2 = lifetimeLine(l, 0n);
  assert.deepEqual(endsAt(lz).slice(5, 8), endsAt(ll2).slice(5, 8), '发送字节 接收字节 毫秒 end over their numbers');
  assert.equal(starts(lz)[9], starts(ll2)[9], '状态路径 starts over the path');

  const raw = new Float64Array(256);
  raw[(ESTABLISHED << 4) | FIN_WAIT1] = 30;
  raw[(FIN_WAIT1 << 4) | TIME_WAIT] = 29;
  const table = countText(countRows(raw, 2), 2, 'zh');
  assert.deepEqual(endsAt(table.split('\n')[0]!).slice(2), endsAt(table.split('\n')[1]!).slice(2));
  assertGolden('i18n/trace-headings-zh.txt', `${zh}${line}\n${lz}${ll2}\n${table}`);
  assert.equal(countText(countRows(raw, 2), 2), countText(countRows(raw, 2), 2, 'en'));
  assert.match(countText(countRows(raw, 2), 2), /^FROM +TO +COUNT +PER_S\n/);
});

test('trace --help and usage errors in Chinese (--lang, LANG, TCPSTATE_LANG); the same options as in English', () => {
  const help = run(['trace', '--help'], ZH);
  assert.equal(help.code, 0);
  assertGolden('i18n/trace-help-zh.txt', help.stdout);
  assert.equal(run(['trace', '--help', '--lang', 'zh']).stdout, help.stdout);
  assert.equal(run(['trace', '--help'], { TCPSTATE_LANG: 'zh' }).stdout, help.stdout);
  const en = run(['trace', '--help']).stdout;
  assert.equal(run(['trace', '--help', '--lang', 'en'], ZH).stdout, en);
  const options = (s: string) => (s.match(/^ {2}(-\S+(?:, -\S+)?)/gm) ?? []).join(' ');
  assert.equal(options(help.stdout), options(en));
  const cases: [string[], RegExp][] = [
    [['--duration', 'x'], /--duration 的值是秒数（不超过一年的正数），收到的是 "x"/],
    [['--buffer-kb', '3'], /--buffer-kb 的值是 4 到 1048576 之间的 2 的幂/],
    [['-4', '-6'], /-4 和 -6 同时给出什么也选不到/],
    [['--count', '--poll'], /--count 在内核中计数，不能与 --poll 同时使用/],
    [['--lifetimes', '--poll'], /--lifetimes .*不能与 --poll 同时使用/],
    [['--interval', '0'], /--interval 的值是 0.05 到 3600 之间的秒数/],
    [['--count', 'dport', '=', ':80'], /端口和地址过滤需要逐个事件/],
  ];
  for (const [args, want] of cases) {
    const zh = run(['trace', ...args], ZH);
    const english = run(['trace', ...args]);
    assert.equal(zh.code, 2, `${args.join(' ')}: ${zh.stderr}`);
    assert.equal(zh.code, english.code);
    assert.match(zh.stderr, want);
    assert.doesNotMatch(english.stderr, /[\u4e00-\u9fff]/);
  }
  // The warnings' texts.
  assert.equal(TRACE.zh.lost(3), '丢失了 3 次状态变化：内核的环形缓冲区满了（输出跟不上）');
  assert.match(TRACE.en.lost(3), /^3 state changes lost/);
});
