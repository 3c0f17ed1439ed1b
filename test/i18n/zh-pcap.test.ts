/**
 * `pcap` in Chinese (issue 15 §3): the connection table, the count, timelines, help and the
 * usage error as goldens, from --lang zh and from LANG=zh_CN.UTF-8; the same numbers as in
 * English; every note the replay writes has its Chinese. And the byte writer under it:
 * catalogue text written as UTF-8, padded by display width, blocks decoded as what they hold.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { CATALOGUE as PCAP } from '../../src/i18n/pcap.js';
import { RowBytes } from '../../src/render/row-bytes.js';
import { displayWidth } from '../../src/render/wrap.js';
import { assertGolden } from '../lib/golden.js';
import { CLI, REPO } from '../lib/netns.js';

const CAPTURE = 'test/fixtures/pcap/eth-us.pcap';

function run(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC', LC_ALL: '', LANG: 'C', NO_COLOR: '1', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const ZH = { LANG: 'zh_CN.UTF-8' };

test('pcap --lang zh: table headings and the count in Chinese, the rows and numbers as in English', () => {
  const en = run(['pcap', CAPTURE]);
  const zh = run(['pcap', CAPTURE, '--lang', 'zh']);
  assert.equal(zh.code, 0, zh.stderr);
  assertGolden('i18n/pcap-eth-us-zh.txt', zh.stdout);
  assert.equal(run(['pcap', CAPTURE], ZH).stdout, zh.stdout, 'LANG=zh_CN.UTF-8 gives Chinese');
  assert.equal(run(['pcap', CAPTURE], { TCPSTATE_LANG: 'zh' }).stdout, zh.stdout);
  assert.equal(run(['pcap', CAPTURE, '--lang', 'en'], ZH).stdout, en.stdout, '--lang wins over the locale');
  const enLines = en.stdout.split('\n');
  const zhLines = zh.stdout.split('\n');
  assert.equal(zhLines.length, enLines.length);
  // The connection rows cell for cell (the headings' widths differ); the heading as wide
  // (display columns) as the rows need.
  const rows = enLines.indexOf('');
  const split = (ls: string[]) => ls.map((l) => l.split(/ +/));
  assert.deepEqual(split(zhLines.slice(1, rows)), split(enLines.slice(1, rows)));
  assert.match(zhLines[0]!, /^发起方 +响应方 +开始 +时长 +包> +字节> +包< +字节< +发起方状态 +响应方状态 +CONN +HISTORY$/);
  const cells = (l: string) => l.split(/ +/);
  const headEnd = (line: string, word: string) => displayWidth(line.slice(0, line.indexOf(word) + word.length));
  // Right-aligned columns end where their numbers end.
  for (const [k, word] of [
    [2, '开始'],
    [3, '时长'],
    [7, '字节<'],
  ] as const) {
    const row = zhLines[1]!;
    const cell = cells(row)[k]!;
    let at = -1;
    for (let n = 0; n <= k; n++) at = row.indexOf(cells(row)[n]!, at + 1);
    assert.equal(headEnd(zhLines[0]!, word), at + cell.length, `${word} aligned`);
  }
  assert.match(zh.stdout, /\n6 个连接的 12 个端点的最终状态：\n状态 +数量\n/);
  assert.doesNotMatch(zh.stdout, /Final states|ORIGINATOR|TOTAL/);
  const numbers = (s: string) => s.match(/\b\d+\b/g)?.join(' ');
  assert.equal(
    numbers(
      zh.stdout
        .split('\n')
        .slice(rows)
        .join('\n')
        .replace(/\d+ 个连接的 \d+ 个端点/, ''),
    ),
    numbers(
      en.stdout
        .split('\n')
        .slice(rows)
        .join('\n')
        .replace(/the \d+ endpoints of \d+ connection/, ''),
    ),
  );
  // --count and -H: the same texts.
  assertGolden('i18n/pcap-eth-us-count-zh.txt', run(['pcap', CAPTURE, '--count', '-H'], ZH).stdout);
  // JSON stays English: the same document in both languages.
  assert.equal(run(['pcap', CAPTURE, '--json', '--lang', 'zh']).stdout, run(['pcap', CAPTURE, '--json']).stdout);
});

test('pcap --timeline in Chinese: headings, endpoints, how and why translated; states, segments and events kept', () => {
  const en = run(['pcap', CAPTURE, '--timeline']);
  const zh = run(['pcap', CAPTURE, '--timeline', '--lang', 'zh']);
  assert.equal(zh.code, 0, zh.stderr);
  assertGolden('i18n/pcap-eth-us-timeline-zh.txt', zh.stdout);
  assert.equal(run(['pcap', CAPTURE, '--timeline'], ZH).stdout, zh.stdout);
  for (const word of ['originator', 'responder', 'observed', 'inferred', 'projected', 'final:', 'WHY', 'ENDPOINT', 'connect()']) {
    if (word === 'connect()') continue; // a system call's name is kept inside the Chinese note
    assert.ok(!zh.stdout.includes(word), `"${word}" left in English`);
  }
  const kept = (s: string) =>
    (
      s
        .split('\n')
        .filter((l) => /^(#| {2}\+)/.test(l))
        .join('\n')
        .match(/\b(?:[A-Z_]{4,}|rcv-[a-z-]+|active-open|passive-open|[SU]\d+|seq=\d+)\b/g) ?? []
    ).join(' ');
  assert.equal(kept(zh.stdout), kept(en.stdout), 'the same states, events, rows and segments');
  // Every step ends with its why in Chinese.
  const whys = Object.values(PCAP.zh.timeline.why);
  for (const line of zh.stdout.split('\n').filter((l) => /^ {2}\+\d/.test(l))) {
    assert.ok(
      whys.some((w) => line.endsWith(` ${w}`)),
      `why left in English: ${line}`,
    );
  }
});

test('pcap: every note the replay writes (src/pcap/endpoint.ts) has its Chinese; help and the usage error in Chinese', () => {
  const source = readFileSync(join(REPO, 'src/pcap/endpoint.ts'), 'utf8');
  // The literals after the tag of every move/set call, to the call's end (some are a choice of two).
  const literal = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`([^`]*)`/g;
  const notes = [...source.matchAll(/TAG_(?:OBSERVED|INFERRED|PROJECTED),\s*([^;]*?)\);/g)].flatMap((call) =>
    [...call[1]!.matchAll(literal)].map((m) => (m[1] ?? m[2] ?? m[3]!).replace(/\\(['"])/g, '$1').replace('${TIME_WAIT_SECONDS}', '60')),
  );
  assert.ok(notes.length >= 20, `notes found: ${notes.length}`);
  const why = PCAP.zh.timeline.why;
  for (const n of notes) {
    assert.ok(Object.hasOwn(why, n), `no Chinese for the note "${n}"`);
    assert.match(why[n]!, /[\u4e00-\u9fff]/);
  }
  assert.deepEqual(Object.keys(PCAP.en.timeline.why).sort(), [...new Set(notes)].sort(), 'no note translated that the replay does not write');
  const help = run(['pcap', '--help'], ZH);
  assert.equal(help.code, 0);
  assertGolden('i18n/pcap-help-zh.txt', help.stdout);
  assert.equal(run(['pcap', '--help', '--lang', 'zh']).stdout, help.stdout);
  // The same options in both: the man page and completions read the English one.
  const options = (s: string) => (s.match(/^ {2}(-\S+(?:, -\S+)?)/gm) ?? []).join(' ');
  assert.equal(options(help.stdout), options(run(['pcap', '--help']).stdout));
  const bad = run(['pcap'], ZH);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /pcap 需要一个抓包文件/);
  const badLang = run(['pcap', CAPTURE, '--lang', 'fr']);
  assert.notEqual(badLang.code, 0);
  assert.match(badLang.stderr, /--lang takes en \| zh, got "fr"/);
});

test('RowBytes: UTF-8 text padded by display width; a block with it decodes as UTF-8, others as Latin-1', () => {
  const got: string[] = [];
  const rb = new RowBytes((s) => got.push(s), 64);
  rb.text('状态', 6);
  rb.byte(124);
  rb.text('数量', 8, true);
  rb.newline();
  rb.flush();
  assert.equal(got[0], '状态  |    数量\n');
  // A block of ASCII and Latin-1 cells (owner names are read as Latin-1) still decodes as Latin-1.
  rb.latin1('caf\u00e9');
  rb.flush();
  assert.equal(got[1], 'caf\u00e9');
  // Long strings (the runtime's encoder) and short ones (the byte loop) alike.
  const long = `最终状态 ${'x'.repeat(60)} 合计`;
  rb.room(long.length * 3);
  rb.utf8(long);
  rb.flush();
  assert.equal(got[2], long);
  // The byte output receives exactly the UTF-8 encoding.
  const bytes: Buffer[] = [];
  const rbb = RowBytes.bytes((b) => {
    bytes.push(Buffer.from(b));
  }, 64);
  rbb.utf8('TIME_WAIT 推算');
  void rbb.flush();
  assert.deepEqual(Buffer.concat(bytes), Buffer.from('TIME_WAIT 推算', 'utf8'));
});
