/**
 * serve speaks English and Chinese from one catalogue: every key in both, each message of
 * the language chosen by --lang or the locale, error codes the same in both.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EN, ZH } from '../../src/i18n/serve.js';
import { kernelOrSkip, Netns, runCli } from '../lib/netns.js';
import { Serve } from '../lib/prometheus.js';

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

test('serve --lang zh: its log speaks Chinese, its JSON API errors stay English (programs match code; docs/json.md)', async (t) => {
  if (!kernelOrSkip(t, [])) return;
  const ns = Netns.create('svmsg');
  t.after(() => ns.destroy());
  const serve = await Serve.start(['--netns', ns.name, '--lang', 'zh']);
  t.after(() => serve.stop());
  assert.match(serve.stderr, /^tcpstate serve \S+ 正在监听/m, serve.stderr);
  const cases: [string, number, string, RegExp][] = [
    ['/api/v1/counts?colour=1', 400, 'ERR_QUERY', /^unknown query parameter "colour"/],
    ['/api/v1/counts?top=x', 400, 'ERR_QUERY', /top/],
    ['/api/v1/counts?netns=nope', 400, 'ERR_NETNS', /nope/],
    ['/nowhere', 404, 'ERR_NOT_FOUND', /\/nowhere/],
  ];
  for (const [path, status, code, message] of cases) {
    const r = await fetch(serve.url(path));
    assert.equal(r.status, status, path);
    const body = (await r.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, code, path);
    assert.match(body.error.message, message, path);
    assert.doesNotMatch(body.error.message, /[\u4e00-\u9fff]/, `${path}: English, not the server's language`);
  }
});
