import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { langFromEnv } from '../../src/lang.js';
import { LANGS, STATE_TEXTS } from '../../src/fsm/explain-data.js';
import { COLUMN_TEXTS } from '../../src/render/column-texts.js';
import { FSM_STATES } from '../../src/fsm/rfc9293.js';
import { transitions } from '../../src/render/explain.js';
import { parseState, TIME_WAIT, UNKNOWN } from '../../src/model/state.js';
import { REPO } from '../lib/netns.js';
import { cli } from './cli.js';
import { assertGolden as golden, DETERMINISTIC_ENV as goldenEnv } from '../lib/golden.js';

const FIXTURE = 'test/fixtures/fsm-zoo';
const CJK = /[\u4e00-\u9fff]/;

test('every state and every column is explained in English and in Chinese', async () => {
  for (const code of [...FSM_STATES, UNKNOWN]) {
    const s = STATE_TEXTS.find((x) => x.code === code);
    assert.ok(s, `state ${code} has a text`);
    for (const f of ['brief', 'means', 'who', 'life', 'lasts', 'normal', 'worry'] as const) {
      if (s[f].en === '—' && s[f].zh === '—') continue; // UNKNOWN has no lifetime
      assert.ok(s[f].en.length > 0 && !CJK.test(s[f].en), `${code}.${f}.en is English`);
      assert.ok(CJK.test(s[f].zh), `${code}.${f}.zh is Chinese`);
    }
    assert.ok(s.check.length > 0, `${code} says what to check`);
    for (const c of s.check) for (const l of LANGS) assert.ok(c.why[l].length > 0);
  }
  // The columns are those tcpstate ls prints with every column flag.
  const ls = await cli(['ls', '-a', '-e', '-p', '-o', '--proc-root', FIXTURE], goldenEnv);
  assert.equal(ls.code, 0, ls.stderr);
  const header = ls.stdout.split('\n')[0]!;
  const names = COLUMN_TEXTS.map((c) => c.name);
  for (const n of names) assert.ok(header.includes(n), `ls prints column ${n}`);
  assert.equal(header.replace(new RegExp(names.map((n) => n.replace(/[/-]/g, '\\$&')).join('|'), 'g'), '').trim(), '', 'every ls column is explained');
  for (const c of COLUMN_TEXTS) for (const l of LANGS) assert.ok(c.means[l] && c.beyond[l]);
});

test('every tcpstate command explain recommends runs', async () => {
  for (const s of STATE_TEXTS) {
    for (const c of s.check) {
      if (!c.cmd.startsWith('tcpstate ')) continue;
      const r = await cli([...c.cmd.split(' ').slice(1), '--proc-root', FIXTURE], goldenEnv);
      assert.equal(r.code, 0, `"${c.cmd}" failed: ${r.stderr}`);
    }
  }
});

test('the language follows LC_ALL, LC_MESSAGES, LANG in that order', async () => {
  assert.equal(langFromEnv({ LANG: 'zh_CN.UTF-8' }), 'zh');
  assert.equal(langFromEnv({ LC_ALL: 'C', LANG: 'zh_CN.UTF-8' }), 'en');
  assert.equal(langFromEnv({ LC_MESSAGES: 'zh_TW.UTF-8', LANG: 'en_US.UTF-8' }), 'zh');
  assert.equal(langFromEnv({ LC_ALL: '', LANG: 'zh_HK' }), 'zh');
  assert.equal(langFromEnv({}), 'en');
  const r = await cli(['explain', 'CLOSE_WAIT', '--no-count'], { LC_ALL: '', LC_MESSAGES: '', LANG: 'zh_CN.UTF-8' });
  assert.match(r.stdout, /下一步检查/);
});

test('explain CLOSE_WAIT tells the cause and the next command, in both languages', async () => {
  const en = await cli(['explain', 'close-wait', '--lang', 'en', '--proc-root', FIXTURE], goldenEnv);
  assert.equal(en.code, 0, en.stderr);
  assert.match(en.stdout.replace(/\s+/g, ' '), /the application does not close its sockets/);
  assert.match(en.stdout, /\$ tcpstate count --by process state close-wait/);
  assert.match(en.stdout, /Now: 3 of 25 TCP sockets/);
  assert.match(en.stdout, /ESTABLISHED\s+rcv FIN \/ snd ACK\s+-> CLOSE_WAIT\s+S26 §3\.10\.7\.4/);
  const zh = await cli(['explain', 'CLOSE_WAIT', '--lang', 'zh', '--proc-root', FIXTURE], goldenEnv);
  assert.match(zh.stdout.replace(/\s+/g, ''), /应用程序没有关闭套接字/);
  assert.match(zh.stdout, /\$ tcpstate count --by process state close-wait/);
  assert.match(zh.stdout, /当前：3 个/);
  const bad = await cli(['explain', 'HALF_OPEN']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown state "HALF_OPEN"/);
});

test('transitions come from the table', async () => {
  const into = transitions(TIME_WAIT, 'en').into.map((r) => r[3]!.split(' ')[0]);
  assert.deepEqual(into.sort(), ['S29', 'S31', 'S33']);
  const out = transitions(TIME_WAIT, 'en').out.map((r) => r[3]!.split(' ')[0]);
  assert.deepEqual(out.sort(), ['L2', 'S23t', 'T1', 'U18']);
});

test('explain --all counts agree with ss on the captured zoo (golden: en, zh)', async () => {
  const ss = readFileSync(join(REPO, FIXTURE, 'ss-tan.txt'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean);
  const want = new Map<number, number>();
  for (const l of ss) {
    const c = parseState(l.split(/\s+/)[0]!)!;
    want.set(c, (want.get(c) ?? 0) + 1);
  }
  for (const lang of ['en', 'zh']) {
    const r = await cli(['explain', '--all', '--lang', lang, '--proc-root', FIXTURE], goldenEnv);
    assert.equal(r.code, 0, r.stderr);
    const table = r.stdout.split('\n\n')[1]!.split('\n').slice(1);
    for (const code of FSM_STATES) {
      const line = table.find((l) => l.split(/\s+/)[0] === (code === 7 ? 'CLOSE' : l.split(/\s+/)[0]) && parseState(l.split(/\s+/)[0]!) === code);
      assert.ok(line, `summary has ${code}`);
      assert.equal(Number(line.split(/\s+/)[1]!.replace(/,/g, '')), want.get(code) ?? 0, `count of ${line.split(/\s+/)[0]}`);
    }
    golden(`explain-all-${lang}.txt`, r.stdout);
  }
  golden('explain-columns-en.txt', (await cli(['explain', '--columns', '--lang', 'en'], goldenEnv)).stdout);
});
