/**
 * serve speaks English and Chinese from one catalogue: every key in both, each message of
 * the language chosen by --lang or the locale, error codes the same in both.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EN, ZH } from '../../src/i18n/serve.js';
import { runCli } from '../lib/netns.js';

test('the catalogue: every key in both languages, each giving text', () => {
  assert.deepEqual(Object.keys(ZH).sort(), Object.keys(EN).sort());
  const args: Record<string, unknown[]> = {
    started: [{ version: '1', sources: 'bpf', listen: ['127.0.0.1:1'], netns: [] }],
    unknownParameter: ['x', ['a']],
    unknownNetns: ['x', []],
    landing: [['/metrics']],
    listenFailed: ['a', 'b'],
    badNumber: ['top', 'x', 9],
  };
  for (const [k, v] of Object.entries(EN)) {
    const z = (ZH as Record<string, unknown>)[k];
    const a = args[k] ?? ['x'];
    const en = typeof v === 'function' ? (v as (...x: unknown[]) => string)(...a) : v;
    const zh = typeof z === 'function' ? (z as (...x: unknown[]) => string)(...a) : (z as string);
    assert.ok(typeof en === 'string' && en.length > 0 && typeof zh === 'string' && zh.length > 0, k);
    assert.notEqual(zh, en, `${k} is translated`);
  }
});

test("serve --help and its errors in the locale's language, or --lang's", () => {
  const zh = runCli(['serve', '--help'], { env: { LANG: 'zh_CN.UTF-8' } });
  assert.equal(zh.code, 0);
  assert.match(zh.stdout, /^用法：tcpstate serve/);
  const en = runCli(['serve', '--help', '--lang', 'en'], { env: { LANG: 'zh_CN.UTF-8' } });
  assert.match(en.stdout, /^Usage: tcpstate serve/);
  const bad = runCli(['serve', '--ports', '80,x'], { env: { LANG: 'zh_CN.UTF-8' } });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--ports 中的 "x" 有误/);
  const badEn = runCli(['serve', '--ports', '80,x', '--lang', 'en']);
  assert.match(badEn.stderr, /bad --ports entry "x"/);
});
