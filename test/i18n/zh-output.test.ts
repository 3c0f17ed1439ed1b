/**
 * Chinese output, whole (issue 15 §3): `tcpstate --help` and `doctor` on the captured proc
 * tree as golden files in both languages; the language from --lang, TCPSTATE_LANG or the
 * locale (LANG=zh_CN.UTF-8); the JSON document's facts the same in both languages; Chinese
 * text wrapped to the report's width by display columns. UPDATE_GOLDEN=1 rewrites the goldens.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { displayWidth } from '../../src/render/wrap.js';
import { assertGolden } from '../lib/golden.js';
import { CLI, REPO } from '../lib/netns.js';

const FIXTURE = 'test/fixtures/proc-doctor/root';

function run(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC', LC_ALL: '', LANG: 'C', NO_COLOR: '1', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('tcpstate --help: every command summarised in English and in Chinese (LANG, TCPSTATE_LANG)', () => {
  const en = run(['--help']);
  const zh = run(['--help'], { LANG: 'zh_CN.UTF-8' });
  assert.equal(en.code, 0);
  assert.equal(zh.code, 0);
  assertGolden('i18n/help-en.txt', en.stdout);
  assertGolden('i18n/help-zh.txt', zh.stdout);
  assert.equal(run(['--help'], { TCPSTATE_LANG: 'zh' }).stdout, zh.stdout);
  assert.equal(run(['--help'], { LANG: 'zh_CN.UTF-8', TCPSTATE_LANG: 'en' }).stdout, en.stdout, 'TCPSTATE_LANG wins over the locale');
  // One line per command in both, every one with a summary.
  const commands = (out: string) => out.split('\n').filter((l) => /^ {2}[a-z]+ {2,}\S/.test(l));
  assert.equal(commands(zh.stdout).length, commands(en.stdout).length);
  assert.ok(commands(zh.stdout).length >= 14);
  const bad = run(['nosuch'], { LANG: 'zh_CN.UTF-8' });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^tcpstate: 未知命令 "nosuch"/);
});

test('doctor in Chinese: golden report; the same facts as in English; wrapped by display width', () => {
  const en = run(['doctor', '--proc-root', FIXTURE]);
  const zh = run(['doctor', '--proc-root', FIXTURE, '--lang', 'zh']);
  assert.equal(zh.stderr, '');
  assert.equal(zh.code, en.code, 'the exit status does not depend on the language');
  assertGolden('i18n/doctor-proc-zh.txt', zh.stdout);
  assert.equal(run(['doctor', '--proc-root', FIXTURE], { LANG: 'zh_CN.UTF-8' }).stdout, zh.stdout, 'LANG=zh_CN.UTF-8 gives Chinese');
  assert.equal(run(['doctor', '--proc-root', FIXTURE, '--lang', 'en'], { LANG: 'zh_CN.UTF-8' }).stdout, en.stdout, '--lang wins over the locale');
  // Every heading and label translated: no English sentence left outside commands, numbers and names.
  for (const word of ['Evidence:', 'Why:', 'Next steps:', 'What was checked:', 'WARNING', 'holds', 'toward', 'In the code']) {
    assert.ok(!zh.stdout.includes(word), `"${word}" left in English`);
  }
  for (const line of zh.stdout.split('\n').slice(1)) {
    if (/^ {4}\$ /.test(line) || /^ *\S.* {2,}\S/.test(line)) continue; // commands; evidence and socket rows (columns)
    assert.ok(displayWidth(line) <= 78, `wider than 78 columns: ${line}`);
  }
  const ej = JSON.parse(run(['doctor', '--proc-root', FIXTURE, '--json']).stdout) as { findings: Record<string, unknown>[]; worst: string };
  const zj = JSON.parse(run(['doctor', '--proc-root', FIXTURE, '--json', '--lang', 'zh']).stdout) as typeof ej;
  assert.equal(zj.worst, ej.worst);
  assert.equal(zj.findings.length, ej.findings.length);
  zj.findings.forEach((f, i) => {
    const e = ej.findings[i]!;
    for (const k of ['id', 'severity', 'subject', 'metrics', 'sockets', 'socketCount']) assert.deepEqual(f[k], e[k], `finding ${i} ${k}`);
    assert.notEqual(f['title'], e['title']);
    assert.equal((f['nextSteps'] as string[]).length, (e['nextSteps'] as string[]).length);
    (f['nextSteps'] as string[]).forEach((s, j) => {
      const es = (e['nextSteps'] as string[])[j]!;
      if (es.startsWith('$ ')) assert.equal(s.replace(/\s+#.*$/, ''), es.replace(/\s+#.*$/, ''), 'the same command in both');
    });
  });
  const badLang = run(['doctor', '--proc-root', FIXTURE, '--lang', 'fr']);
  assert.equal(badLang.code, 3);
  assert.match(badLang.stderr, /--lang takes en \| zh, got "fr"/);
});

test('diagram in Chinese: title, legend, captions and groups in text, SVG, DOT and Mermaid', () => {
  const expect: Record<string, string[]> = {
    text: ['TCP 状态转换图', '客户端的常见路径：', '只在 Linux 中'],
    svg: ['TCP 状态转换图', '客户端的常见路径', '其他转换', '主动关闭', '被动关闭', '同时打开', '起点', 'Noto Sans CJK SC'],
    dot: ['TCP 状态转换图', 'label="主动关闭"', 'label="被动关闭"'],
    mermaid: ['[客户端]', '[服务端]'],
  };
  for (const [format, words] of Object.entries(expect)) {
    const zh = run(['diagram', '--format', format, '--lang', 'zh']);
    const en = run(['diagram', '--format', format]);
    assert.equal(zh.code, 0, zh.stderr);
    for (const w of words) assert.ok(zh.stdout.includes(w), `${format}: "${w}" missing`);
    for (const w of ["client's usual path", 'other transitions', 'active close', '[client]']) assert.ok(!zh.stdout.includes(w), `${format}: "${w}" left in English`);
    assert.ok(!en.stdout.includes('状态转换图'), `${format}: English by default`);
    // The same states and RFC labels in both: only the words around them change.
    const states = (s: string) => (s.match(/\b(?:SYN_RECV|SYN_SENT|ESTABLISHED|FIN_WAIT1|FIN_WAIT2|CLOSE_WAIT|LAST_ACK|TIME_WAIT|CLOSING|LISTEN)\b/g) ?? []).length;
    assert.equal(states(zh.stdout), states(en.stdout), format);
    if (format === 'text' || format === 'svg') assertGolden(`i18n/diagram-states-zh.${format === 'text' ? 'txt' : 'svg'}`, zh.stdout);
  }
});

test('count and diff in Chinese (LANG=zh_CN.UTF-8): headings and footers translated, numbers and states as in English', () => {
  const TEXT = 'test/fixtures/text';
  const zhEnv = { LANG: 'zh_CN.UTF-8' };
  const rowsOf = (out: string) =>
    out
      .split('\n')
      .slice(1)
      .filter((l) => l !== '' && !/^[(（]/.test(l))
      .map((l) => l.trim().split(/\s+/).slice(-1)[0]);
  for (const args of [
    ['count', `${TEXT}/netstat-an.txt`],
    ['count', '--by', 'lport', '--top', '3', `${TEXT}/netstat-an.txt`],
  ]) {
    const en = run(args);
    const zh = run(args, zhEnv);
    assert.equal(zh.code, 0, zh.stderr);
    assert.equal(zh.code, en.code);
    assert.deepEqual(rowsOf(zh.stdout), rowsOf(en.stdout), 'the same numbers');
    assert.match(zh.stdout, /^(状态|本地端口)\s/);
    assert.match(zh.stdout, /\n合计\s/);
    assert.doesNotMatch(zh.stdout, /TOTAL|COUNT/);
    assertGolden(`i18n/${args.length > 2 ? 'count-by-lport' : 'count'}-zh.txt`, zh.stdout);
  }
  // diff of a capture and an edited copy: one socket changed state, one gone, one new.
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-zhdiff-'));
  const lines = readFileSync(join(REPO, TEXT, 'netstat-an.txt'), 'utf8').split('\n');
  const est = lines.findIndex((l) => /ESTABLISHED/.test(l) && l.startsWith('tcp '));
  lines[est] = lines[est]!.replace('ESTABLISHED', 'TIME_WAIT  ');
  lines.splice(
    lines.findIndex((l) => /CLOSE_WAIT/.test(l)),
    1,
  );
  lines.splice(3, 0, 'tcp        0      0 10.1.2.3:443            10.9.8.7:55000          SYN_RECV   ');
  writeFileSync(join(dir, 'after.txt'), lines.join('\n'));
  const zh = run(['diff', `${TEXT}/netstat-an.txt`, join(dir, 'after.txt')], zhEnv);
  assert.equal(zh.stderr, '');
  assert.match(zh.stdout, /^之前：/);
  assert.match(zh.stdout, /\n1 个连接状态改变，1 个新出现，1 个消失\n/);
  assert.match(zh.stdout, /ESTABLISHED -> TIME_WAIT/);
  assertGolden('i18n/diff-zh.txt', zh.stdout.replace(dir, 'TMP'));
  rmSync(dir, { recursive: true, force: true });
});

test('simulate in Chinese: the scenario list, a timeline with its explanation, the end line', () => {
  const list = run(['simulate', '--lang', 'zh']);
  assert.equal(list.code, 0, list.stderr);
  assertGolden('i18n/simulate-list-zh.txt', list.stdout);
  const zh = run(['simulate', 'client-close', '--rows'], { LANG: 'zh_CN.UTF-8' });
  const en = run(['simulate', 'client-close', '--rows']);
  assert.equal(zh.code, 0, zh.stderr);
  assertGolden('i18n/simulate-client-close-zh.txt', zh.stdout);
  assert.match(zh.stdout, /\n结束：客户端 CLOSE，服务端 CLOSE；没有在途的报文段。\n/);
  // The same run: every step's states and segments as in English.
  const steps = (s: string) =>
    s
      .split('\n')
      .filter((l) => /^ *\d+ /.test(l))
      .map((l) => l.replace(/\s+/g, ' '));
  assert.deepEqual(steps(zh.stdout), steps(en.stdout));
  assert.ok(steps(en.stdout).length > 10);
});
