/**
 * Errors and warnings in the user's language (issue 15 §3): the errors a user meets first
 * (files, options, filters, captures, pcap) and the warnings of reading captures, through
 * the CLI in English and Chinese, as golden files (test/golden/i18n/errors-*.txt); the exit
 * status the same in both; `--lang` taken by every command, before it or among its options;
 * JSON keeps English warnings of the same shape. UPDATE_GOLDEN=1 rewrites the goldens.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { after } from 'node:test';
import { COMMANDS } from '../../src/cli/main.js';
import { render } from '../../src/i18n/catalogue.js';
import { say } from '../../src/i18n/captures.js';
import { TcpstateError } from '../../src/model/errors.js';
import { Warnings } from '../../src/model/warnings.js';
import { assertGolden } from '../lib/golden.js';
import { Bilingual } from '../lib/bilingual.js';
import { CLI, REPO } from '../lib/netns.js';

const TMP = mkdtempSync(join(tmpdir(), 'tcpstate-zh3-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC', LC_ALL: '', LANG: 'C', NO_COLOR: '1', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.split(TMP).join('$TMP') };
}

const HEAD = 'Proto Recv-Q Send-Q Local Address           Foreign Address         State\n';
const row = (local: string, peer: string, state: string) => `tcp        0      0 ${local.padEnd(23)} ${peer.padEnd(23)} ${state}\n`;

/** Inputs with one known problem each, written under TMP. */
function fixtures() {
  const f = (name: string, body: string | Buffer) => {
    writeFileSync(join(TMP, name), body);
    return join(TMP, name);
  };
  mkdirSync(join(TMP, 'dir'));
  // A captured /proc tree without tcp6 (IPv6 disabled, or not copied).
  mkdirSync(join(TMP, 'proc', 'net'), { recursive: true });
  writeFileSync(join(TMP, 'proc', 'net', 'tcp'), '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n');
  const pcap = readFileSync(join(REPO, 'test/fixtures/pcap/eth-us.pcap'));
  return {
    dir: join(TMP, 'dir'),
    proc: join(TMP, 'proc'),
    badPort: f('bad-port.txt', HEAD + row('0.0.0.0:22', '0.0.0.0:*', 'LISTEN') + row('10.0.0.1:22', '10.0.0.2:x', 'ESTABLISHED')),
    badLine: f('bad-line.txt', HEAD + row('0.0.0.0:22', '0.0.0.0:*', 'LISTEN') + row('10.0.0.1:22', '10.0.0.2-5', 'ESTABLISHED')),
    short: f('short.txt', HEAD + row('0.0.0.0:22', '0.0.0.0:*', 'LISTEN') + 'tcp        0      0 10.0.0.1:22\n'),
    states: f('states.txt', HEAD + Array.from({ length: 12 }, (_, k) => row(`10.0.0.1:${2000 + k}`, '10.0.0.2:80', 'WEIRD')).join('')),
    binary: f('binary.txt', Buffer.from('tcp 0 0 \u0000\u0001')),
    noEnd: f('no-end.txt', (HEAD + row('0.0.0.0:22', '0.0.0.0:*', 'LISTEN')).trimEnd()),
    cut: f('cut.pcap', pcap.subarray(0, 700)),
    empty: f('empty.pcap', ''),
    notPcap: f('not.pcap', HEAD),
  };
}

test('errors and warnings in English and Chinese: goldens, the same exit status in both', () => {
  const x = fixtures();
  const cases: string[][] = [
    ['count', join(TMP, 'absent.txt')],
    ['count', x.dir],
    ['count', '--by', 'colour'],
    ['count', '--by', 'rnet/40'],
    ['count', '--bogus'],
    ['ls', '--top'],
    ['ls', 'sport = :x'],
    ['ls', 'state', 'bogus'],
    ['ls', '(', 'sport', '=', ':22'],
    ['ls', '--sort', 'colour'],
    ['count', x.badLine],
    ['count', x.short],
    ['count', x.badPort],
    ['count', x.states],
    ['count', x.binary],
    ['count', x.noEnd],
    ['count', '--input-format', 'nosuch', x.noEnd],
    ['pcap', x.cut, '--count'],
    ['pcap', x.empty],
    ['pcap', x.notPcap],
    ['pcap', x.dir],
    ['count', '--proc-root', x.proc],
    ['count', '--source', 'bogus'],
    ['count', '--netns', 'nosuch-zh3'],
    ['count', '--record', join(TMP, 'rec'), '--replay', join(TMP, 'rec')],
    ['diff'],
    ['diff', x.noEnd],
    ['doctor', '--interval', '900'],
    ['history', '--since', 'yesterday'],
    ['record', '--retention', '1d,2d,3d,4d'],
    ['fleet'],
    ['count', '--lang', 'fr'],
  ];
  const b = new Bilingual();
  for (const args of cases) {
    const e = run(args);
    const z = run(['--lang', 'zh', ...args]);
    b.add(`tcpstate ${args.map((a) => a.split(TMP).join('$TMP')).join(' ')}`, e, z);
    // The locale says it in Chinese too, as TCPSTATE_LANG does.
    if (args[0] === 'count') {
      const byLocale = run(args, { LANG: 'zh_CN.UTF-8' }).stderr;
      assert.equal(byLocale, run(args, { TCPSTATE_LANG: 'zh' }).stderr);
      assert.match(byLocale, /[\u4e00-\u9fff]/);
    }
  }
  const { en, zh } = b;
  assertGolden('i18n/errors-en.txt', en);
  assertGolden('i18n/errors-zh.txt', zh);
  // The location words and "warning" are Chinese; option and field names are kept.
  assert.match(zh, /字段 --by: /);
  assert.match(zh, /警告: \$TMP\/states\.txt:3: 字段 State: 未知状态 "WEIRD"/);
  assert.match(zh, /另有 2 条同类警告（W_UNKNOWN_STATE 共 12 条）/);
  assert.match(zh, /字节偏移 \d+: /);
  assert.doesNotMatch(zh, /\bfield \S+:|\bwarning:|\bline \d+\b|\bbyte \d+\b/);
});

test('--lang en|zh is taken by every command, before it and among its options', () => {
  for (const name of Object.keys(COMMANDS)) {
    for (const args of [
      [name, '--lang', 'zh', '--bogus-zh3'],
      ['--lang', 'zh', name, '--bogus-zh3'],
      [name, '--lang=zh', '--bogus-zh3'],
    ]) {
      const r = run(args);
      assert.ok(r.code === 2 || (name === 'doctor' && r.code === 3), `${args.join(' ')}: exit ${r.code}`);
      assert.match(r.stderr, /^tcpstate: 未知选项 '--bogus-zh3'（第 [34] 个参数："--bogus-zh3"）；参见 --help\n/, args.join(' '));
    }
    const en = run([name, '--bogus-zh3'], { LANG: 'zh_CN.UTF-8' }).stderr;
    assert.match(run([name, '--lang', 'en', '--bogus-zh3'], { LANG: 'zh_CN.UTF-8' }).stderr, /^tcpstate: Unknown option '--bogus-zh3' \(argument 4/, `${name}: --lang en wins over the locale`);
    assert.match(en, /未知选项/, `${name}: the locale alone gives Chinese`);
  }
  // A value other than en or zh is refused, before the command or after it.
  for (const args of [
    ['--lang', 'fr', 'ls'],
    ['ls', '--lang', 'fr'],
  ]) {
    const r = run(args);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--lang takes en \| zh, got "fr"/);
  }
  // Given only before the command, the command's output is in that language too.
  const file = join(TMP, 'one.txt');
  writeFileSync(file, HEAD + row('0.0.0.0:22', '0.0.0.0:*', 'LISTEN'));
  const r = run(['--lang', 'zh', 'count', file]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^状态 +数量\n/);
  assert.equal(run(['count', file, '--lang', 'zh']).stdout, r.stdout);
});

test('JSON keeps English warnings of the same shape in every language', () => {
  const file = join(TMP, 'weird.txt');
  writeFileSync(file, HEAD + row('10.0.0.1:22', '10.0.0.2:80', 'WEIRD'));
  const en = JSON.parse(run(['count', file, '--json']).stdout) as { warnings: unknown[] };
  const zh = JSON.parse(run(['count', file, '--json', '--lang', 'zh']).stdout) as { warnings: Record<string, unknown>[] };
  assert.deepEqual(zh.warnings, en.warnings);
  assert.deepEqual(Object.keys(zh.warnings[0]!), ['code', 'message', 'where']);
  assert.match(String(zh.warnings[0]!['message']), /^unknown state "WEIRD", counted as UNKNOWN$/);
});

test('a message is data: English kept, rendered in Chinese, across a thread, nested, and summed up', () => {
  const m = say('lastLineCut', say('expectedFound', 'ADDRESS:PORT', 'x'));
  assert.equal(m.text, 'expected ADDRESS:PORT, found "x" (the last line, which has no line end: was the capture cut short?)');
  assert.equal(render(m, 'zh'), '应为 ADDRESS:PORT，实际是 "x"（最后一行没有换行符：抓取是不是被截断了？）');
  assert.equal(render(structuredClone(m), 'zh'), render(m, 'zh'), 'plain data: a worker can send it');
  assert.equal(render({ ...m, domain: 'nosuch' }, 'zh'), m.text, 'a domain not loaded: English');
  const e = new TcpstateError('ERR_PARSE', say('lineEndsEarly'), { file: 'f', line: 3, field: 'State' });
  assert.equal(e.message, 'line ends early');
  assert.equal(e.describe(), 'f:3: field State: line ends early');
  assert.equal(e.describe('zh'), 'f:3: 字段 State: 这一行提前结束了');
  assert.equal(new TcpstateError('ERR_PARSE', say('lineEndsEarly'), { line: 3, offset: 9 }).describe('zh'), '第 3 行: 字节偏移 9: 这一行提前结束了');
  const w = new Warnings(1);
  w.add('W_NAMES', say('names'), { file: 'f' });
  w.add('W_NAMES', say('names'), { file: 'f' });
  const [first, more] = w.list();
  assert.equal(first!.message, say('names').text);
  assert.equal(JSON.stringify(first), JSON.stringify({ code: 'W_NAMES', message: say('names').text, where: { file: 'f' } }), 'the message data stays out of JSON');
  assert.equal(more!.message, 'and 1 more like this (2 W_NAMES in all)');
  assert.equal(more!.said && render(more!.said, 'zh'), '另有 1 条同类警告（W_NAMES 共 2 条）');
});
