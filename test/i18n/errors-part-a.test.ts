/**
 * Errors in the user's language, part A (issue 15 §3): every error of a bad
 * `serve --web.config.file` (exporter-toolkit's format), a bad `doctor --config` threshold
 * file (strict JSON: each way it can be wrong) and `--only`, a bad `simulate --events`
 * (words, links, ends, events, the state machine's refusals), `diagram`'s output and figure,
 * `count --hosts` and `--group` (and count's note when it sums several hosts), and
 * `history --counters`, through the CLI in English and Chinese as golden files
 * (test/golden/i18n/errors-a-*.txt), the exit status the same in both; and the library's
 * own errors (events, the history store, the recorder) as data rendered in both.
 * UPDATE_GOLDEN=1 rewrites the goldens.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { after } from 'node:test';
import type { Sample, Sampler } from '../../src/engine/sampler.js';
import { requireEvent } from '../../src/fsm/events.js';
import { workerStore } from '../../src/history/recorder.js';
import { sampleRow, type SampleRow } from '../../src/history/sample-row.js';
import { openStore } from '../../src/history/store.js';
import { isTcpstateError } from '../../src/model/errors.js';
import { assertGolden } from '../lib/golden.js';
import { Bilingual } from '../lib/bilingual.js';
import { CLI, REPO } from '../lib/netns.js';

const TMP = mkdtempSync(join(tmpdir(), 'tcpstate-zh4a-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    // A case that does not fail (serve would run on) fails the test instead of hanging it.
    timeout: 60_000,
    env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC', LC_ALL: '', LANG: 'C', NO_COLOR: '1' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.split(TMP).join('$TMP') };
}

/** Write `body` under TMP; its path. */
function file(name: string, body: string | Buffer): string {
  writeFileSync(join(TMP, name), body);
  return join(TMP, name);
}

/** Web config files, each wrong in one way exporter-toolkit users meet. */
const WEB_CONFIGS: Record<string, string> = {
  'tab.yml': 'basic_auth_users:\n\talice: x\n',
  'list.yml': 'basic_auth_users:\n  - alice\n',
  'quoted.yml': 'tls_server_config:\n  cert_file: "a.pem" b\n',
  'unknown-key.yml': 'rate_limit:\n  interval: 1s\n',
  'tls-scalar.yml': 'tls_server_config: on\n',
  'tls-key.yml': 'tls_server_config:\n  client_ca_file: ca.pem\n',
  'no-cert.yml': 'tls_server_config:\n  key_file: key.pem\n',
  'users-scalar.yml': 'basic_auth_users: alice\n',
  'plaintext.yml': 'basic_auth_users:\n  alice: s3cret\n',
};

/** Threshold files, each wrong in one way (the JSON reader's and the thresholds' own). */
const CONFIGS: Record<string, string | Buffer> = {
  'empty.json': '',
  'array.json': '[1]\n',
  'unknown-rule.json': '{"close-wait-leak": {"warnCount": 10},\n "no-such-rule": {}}\n',
  'rule-array.json': '{"close-wait-leak": [10]}\n',
  'unknown-threshold.json': '{"close-wait-leak": {\n  "warnCunt": 10\n}}\n',
  'negative.json': '{"close-wait-leak": {"warnCount": -1}}\n',
  'object-value.json': '{"close-wait-leak": {"warnCount": {}}}\n',
  'twice.json': '{"close-wait-leak": {"warnCount": 1, "warnCount": 2}}\n',
  'trailing-comma.json': '{"close-wait-leak": {"warnCount": 1,}}\n',
  'no-colon.json': '{"close-wait-leak" {}}\n',
  'object-end.json': '{"close-wait-leak": {"warnCount": 1 "critCount": 2}}\n',
  'array-end.json': '{"//": [1 2]}\n',
  'unterminated.json': '{"close-wait-leak": {"warnCount',
  'control.json': '{"//": "a\tb"}\n',
  'escape.json': '{"//": "a\\qb"}\n',
  'no-value.json': '{"close-wait-leak": }\n',
  'huge-number.json': '{"close-wait-leak": {"warnCount": 1e999}}\n',
  'deep.json': `{"//": ${'['.repeat(40)}`,
  'after-value.json': '{} x\n',
  'cut.json': '{"close-wait-leak": {"warnCount": 1}',
  'latin1.json': Buffer.from([0x7b, 0x22, 0x2f, 0x2f, 0x22, 0x3a, 0x20, 0x22, 0xe9, 0x22, 0x7d]),
  'large.json': `{"//": "${' '.repeat(1 << 20)}"}`,
};

test('part A errors in English and Chinese: goldens, the same exit status in both', () => {
  mkdirSync(join(TMP, 'dir'));
  const capture = file('a.txt', 'Proto Recv-Q Send-Q Local Address           Foreign Address         State\ntcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN\n');
  const db = join(TMP, 'h.db');
  const rec = run(['record', '--db', db, '--samples', '1', '--interval', '100ms', '--no-processes', '--no-transitions']);
  assert.equal(rec.code, 0, rec.stderr);
  const serve = (f: string) => ['serve', '--listen', '127.0.0.1:0', '--web.config.file', f];
  const cases: string[][] = [
    ...Object.entries(WEB_CONFIGS).map(([name, body]) => serve(file(name, body))),
    serve(file('cert-missing.yml', `tls_server_config:\n  cert_file: ${join(TMP, 'absent.pem')}\n  key_file: ${join(TMP, 'absent-key.pem')}\n`)),
    serve(join(TMP, 'absent.yml')),
    ...Object.entries(CONFIGS).map(([name, body]) => ['doctor', '--config', file(name, body)]),
    ['doctor', '--config', join(TMP, 'dir')],
    ['doctor', '--config', join(TMP, 'absent.json')],
    ['doctor', '--only', 'close-wait-leak,bogus'],
    ['simulate', '--events', 'a:close'],
    ['simulate', '--events', 'b:listen a:connect b:connect'],
    ['simulate', '--events', 'a:connect a>b a>b'],
    ['simulate', '--events', 'a:connect a>b:lost b>a:lost'],
    ['simulate', '--events', 'a:bogus'],
    ['simulate', '--events', 'a>a'],
    ['simulate', '--events', 'x:connect'],
    ['simulate', '--events', 'hello'],
    ['diagram', '-o', join(TMP, 'states.png')],
    ['diagram', '--figure', 'bogus'],
    ['diagram', '-o', join(TMP, 'absent', 'states.svg')],
    ['count', '--hosts', 'http://127.0.0.1:1', capture],
    ['count', '--hosts', '--group', 'nameless', capture, capture],
    ['count', '--hosts', '--group', 'web=[z-a]*', capture, capture],
    ['history', '--db', db, '--counters', 'NoSuchCounter'],
  ];
  const b = new Bilingual();
  for (const args of cases) {
    const e = run(args);
    const z = run(['--lang', 'zh', ...args]);
    const shown = args.map((a) => a.split(TMP).join('$TMP')).join(' ');
    assert.ok(e.code > 0, `${shown}: fails (exit ${e.code})`);
    assert.match(e.stderr, /^tcpstate: /, shown);
    assert.match(z.stderr, /^tcpstate: .*[\u4e00-\u9fff]/, `${shown}: said in Chinese`);
    b.add(`tcpstate ${shown}`, e, z);
  }
  let { en, zh } = b;
  // A note, not an error: several hosts' captures summed into one table.
  const seed = 'test/fixtures/seed/section1.txt';
  const [noteEn, noteZh] = [run(['count', seed]), run(['--lang', 'zh', 'count', seed])];
  assert.equal(noteEn.code, 0, noteEn.stderr);
  assert.equal(noteZh.code, 0, noteZh.stderr);
  en += `$ tcpstate count test/fixtures/seed/section1.txt\n[exit 0]\n${noteEn.stderr}\n`;
  zh += `$ tcpstate --lang zh count test/fixtures/seed/section1.txt\n[exit 0]\n${noteZh.stderr}\n`;
  en += library('en');
  zh += library('zh');
  assertGolden('i18n/errors-a-en.txt', en);
  assertGolden('i18n/errors-a-zh.txt', zh);
  // The location stays: file and line, key path, option; names of keys and options kept.
  assert.match(zh, /\$TMP\/tab\.yml:2: 缩进不能用制表符/);
  assert.match(zh, /字段 basic_auth_users\.alice: basic_auth_users\.alice 不是 bcrypt 哈希/);
  assert.match(zh, /\$TMP\/unknown-threshold\.json:2: 字段 close-wait-leak\.warnCunt: 没有这个阈值/);
  assert.match(zh, /\$TMP\/cut\.json:1: 第 37 列：不是合法的 JSON：值后面应该是 ',' 或 '}'，却是 文件末尾/);
  assert.match(zh, /第 3 个词 "b:connect"：LISTEN 状态下不允许事件 active-open/);
  assert.doesNotMatch(zh, /\bfield \S+:|\bnot JSON\b|\bis not allowed\b|\bword \d+ "/);
});

/** The library's errors that no command line reaches, rendered in `lang`. */
function library(lang: 'en' | 'zh'): string {
  const said = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      assert.ok(isTcpstateError(e) && e.said !== undefined, String(e));
      if (lang === 'en') assert.equal(e.describe('en'), e.message, 'the English text is the message');
      return `${e.code}: ${e.describe(lang)}\n`;
    }
    assert.fail('no error');
  };
  const db = join(TMP, 'h.db');
  let out = '$ (library)\n';
  out += said(() => requireEvent('bogus', 2));
  out += said(() => sampleRow({ takenAt: 0 } as Sample, { intervalMs: 1000, top: 20 }));
  out += said(() => workerStore({} as Sampler).write({} as Sample, { intervalMs: 1000 }));
  const store = openStore(db);
  try {
    out += said(() => store.writeRow({} as SampleRow))
      .split(TMP)
      .join('$TMP');
  } finally {
    store.close();
  }
  return out;
}
