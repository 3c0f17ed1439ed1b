/**
 * The dashboard's page and routes without a browser: one element per state in netstat
 * spelling, focusable and labelled; nothing referenced on another host; both catalogues
 * complete with the same placeholders; the explanations of every state in both languages;
 * the page weight under 300 KB gzipped; the routes' headers (CSP, gzip, ETag/304), their 400s
 * and 404s, and the same basic auth as the API (in Chromium too).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ASSET_TYPES, assetDir } from '../src/web/assets.js';
import { CATALOGUE, EN, ZH } from '../src/web/messages.js';
import { explainTexts, FIGURE_STATES, renderPage } from '../src/web/page.js';
import { langOf } from '../src/web/routes.js';
import { chromiumOrSkip, launch, watchedPage } from './lib/browser.js';
import { kernelOrSkip, kernelUnavailable, runCli } from './lib/netns.js';
import { Serve } from './lib/prometheus.js';

const bcrypt = createRequire(import.meta.url)('bcryptjs') as { hashSync(p: string, cost: number): string };
const CFG = { namespaces: [], history: true, version: '0.1.0' };

describe('the page', () => {
  test('one element per state in netstat spelling, focusable, labelled; CLOSED drawn twice but counted once', () => {
    const html = renderPage('en', CFG);
    const states = [...html.matchAll(/<g [^>]*data-state="([A-Z_0-9]+)"[^>]*>/g)];
    assert.deepEqual(states.map((m) => m[1]).sort(), [...FIGURE_STATES].sort());
    assert.equal(FIGURE_STATES.length, 11);
    assert.ok(FIGURE_STATES.includes('CLOSE') && FIGURE_STATES.includes('SYN_RECV') && FIGURE_STATES.includes('FIN_WAIT1'));
    for (const m of states) {
      assert.match(m[0], /tabindex="0"/);
      assert.match(m[0], /role="button"/);
      assert.match(m[0], / data-count="0"/);
      assert.match(m[0], new RegExp(`aria-label="${m[1]}: 0 sockets`));
    }
    assert.match(html, /<g (?=[^>]*data-repeat="CLOSE")(?=[^>]*aria-hidden="true")[^>]*>/);
    // The text alternative: a table row per state.
    assert.equal([...html.matchAll(/<tr data-row-state="/g)].length, 11);
    assert.match(html, /<svg role="group" aria-labelledby="diagram-title" aria-describedby="diagram-desc"/);
  });

  test('nothing is loaded from another host', () => {
    for (const lang of ['en', 'zh'] as const) {
      const html = renderPage(lang, { ...CFG, prometheus: 'http://prom.example:9090' });
      const refs = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
      assert.ok(refs.length >= 4);
      for (const r of refs) assert.ok(!/^(?:[a-z]+:)?\/\//i.test(r) && !r.startsWith('/'), `relative, same origin: ${r}`);
    }
    const js = readFileSync(join(assetDir(), 'app.js'), 'utf8');
    assert.doesNotMatch(js, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'the client names no other host');
  });

  test('both catalogues have every key, non-empty, with the same placeholders; explanations for every state in both', () => {
    assert.deepEqual(Object.keys(ZH).sort(), Object.keys(EN).sort());
    const marks = (s: string) =>
      [...s.matchAll(/\{(\w+)\}/g)]
        .map((m) => m[1])
        .sort()
        .join(',');
    for (const k of Object.keys(EN) as (keyof typeof EN)[]) {
      assert.ok(EN[k].length > 0 && ZH[k].length > 0, k);
      assert.equal(marks(ZH[k]), marks(EN[k]), k);
    }
    assert.notEqual(ZH.title, EN.title);
    const x = explainTexts() as Record<string, { means: { en: string; zh: string }; check: unknown[] }>;
    for (const s of FIGURE_STATES) {
      assert.ok(x[s], s);
      assert.ok(x[s]!.means.en.length > 20 && x[s]!.means.zh.length > 5, s);
      assert.ok(x[s]!.check.length > 0, s);
    }
    assert.ok(renderPage('zh', CFG).includes('<html lang="zh-CN">'));
    assert.deepEqual(Object.keys(CATALOGUE), ['en', 'zh']);
    assert.equal(langOf('zh-CN,zh;q=0.9,en;q=0.8'), 'zh');
    assert.equal(langOf('en-US,zh;q=0.5'), 'en');
    assert.equal(langOf(undefined), 'en');
  });

  test('page weight without data: under 300 KB gzipped', (t) => {
    const sizes: Record<string, [number, number]> = {};
    const page = Buffer.from(renderPage('en', CFG));
    sizes['index.html'] = [page.length, gzipSync(page, { level: 9 }).length];
    for (const name of Object.keys(ASSET_TYPES)) {
      const b = readFileSync(join(assetDir(), name));
      sizes[name] = [b.length, gzipSync(b, { level: 9 }).length];
    }
    const gz = Object.values(sizes).reduce((a, [, g]) => a + g, 0);
    t.diagnostic(`page weight: ${JSON.stringify(sizes)}; ${gz} bytes gzipped in all`);
    assert.ok(gz < 300 * 1024, `${gz} bytes`);
    assert.ok(sizes['uPlot.iife.min.js']![0] > 30_000, 'uPlot itself is bundled');
  });
});

test("serve's fleet view options: usage errors in both languages", () => {
  const zh = runCli(['serve', '--host-label', 'host'], { env: { LANG: 'zh_CN.UTF-8' } });
  assert.equal(zh.code, 2);
  assert.match(zh.stderr, /--host-label 需与 --prometheus 一起使用/);
  const en = runCli(['serve', '--group-label', 'role', '--lang', 'en']);
  assert.match(en.stderr, /--group-label goes with --prometheus/);
  assert.match(runCli(['serve', '--prometheus', 'ftp://x', '--lang', 'en']).stderr, /bad --prometheus "ftp:\/\/x"/);
  assert.match(runCli(['serve', '--prometheus', 'http://127.0.0.1:1', '--host-label', 'a-b', '--lang', 'en']).stderr, /bad --host-label "a-b"/);
});

describe('the routes in serve', () => {
  let serve: Serve | undefined;
  let authed: Serve | undefined;
  let dir = '';
  before(async () => {
    if (kernelUnavailable()) return;
    dir = mkdtempSync(join(tmpdir(), 'tcpstate-webpage-'));
    serve = await Serve.start([]);
    const file = join(dir, 'web.yml');
    writeFileSync(file, `basic_auth_users:\n  alice: ${bcrypt.hashSync('s3cret', 4)}\n`);
    authed = await Serve.start(['--web.config.file', file]);
  });
  after(async () => {
    await serve?.stop();
    await authed?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the page: CSP, gzip, ETag and 304; assets; unknown asset 404', async (t) => {
    if (!kernelOrSkip(t)) return;
    const r = await fetch(serve!.url('/'), { headers: { 'Accept-Encoding': 'gzip', 'Accept-Language': 'zh-CN' } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-security-policy')!, /default-src 'none'; script-src 'self'/);
    assert.equal(r.headers.get('content-encoding'), 'gzip');
    const html = await r.text();
    assert.match(html, /<h1><span data-i18n="title">tcpstate：TCP 状态实时视图<\/span><\/h1>/);
    const etag = r.headers.get('etag')!;
    const again = await fetch(serve!.url('/'), { headers: { 'If-None-Match': etag, 'Accept-Language': 'zh-CN' } });
    assert.equal(again.status, 304);
    for (const name of Object.keys(ASSET_TYPES)) {
      const a = await fetch(serve!.url(`/assets/${name}`));
      assert.equal(a.status, 200, name);
      assert.equal(a.headers.get('content-type'), ASSET_TYPES[name]);
      assert.equal((await a.arrayBuffer()).byteLength, readFileSync(join(assetDir(), name)).length);
    }
    const nf = await fetch(serve!.url('/assets/../package.json'));
    assert.equal(nf.status, 404);
    const nf2 = await fetch(serve!.url('/assets/app.js.map'));
    assert.equal(nf2.status, 404);
    assert.equal(((await nf2.json()) as { error: { code: string } }).error.code, 'ERR_NOT_FOUND');
  });

  test('bad queries are 400s naming the parameter; no history or no Prometheus is a 404 saying so', async (t) => {
    if (!kernelOrSkip(t)) return;
    const cases: [string, number, string | undefined, RegExp][] = [
      ['/api/v1/history?range=2h', 400, 'range', /1h, 1d or 1w/],
      ['/api/v1/history?by=port', 400, 'by', /lport, rport, raddr or process/],
      ['/api/v1/history?range=1h&x=1', 400, 'x', /unknown query parameter/],
      ['/api/v1/history', 404, undefined, /--no-history/],
      ['/api/v1/fleet', 404, undefined, /--prometheus/],
      ['/api/v1/sockets?state=bogus', 400, 'state', /"state" takes one TCP state/],
      ['/api/v1/sockets?state=LISTEN&filter=dport%20%3D%20%3D', 400, 'filter', /bad port/],
      ['/?lang=xx', 400, 'lang', /unknown query parameter/],
    ];
    for (const [path, status, parameter, msg] of cases) {
      const r = await fetch(serve!.url(path));
      assert.equal(r.status, status, path);
      const e = ((await r.json()) as { error: { message: string; parameter?: string } }).error;
      assert.equal(e.parameter, parameter, path);
      assert.match(e.message, msg, path);
    }
    const ok = await fetch(serve!.url('/api/v1/sockets?state=listen&limit=1000'));
    const doc = (await ok.json()) as { sockets: { state: string }[] };
    assert.ok(doc.sockets.every((s) => s.state === 'LISTEN'));
  });

  test('a Prometheus that does not answer: /api/v1/fleet is a 502 naming its URL', async (t) => {
    if (!kernelOrSkip(t)) return;
    const s = await Serve.start(['--prometheus', 'http://127.0.0.1:1']);
    try {
      const r = await fetch(s.url('/api/v1/fleet'));
      assert.equal(r.status, 502);
      assert.match(((await r.json()) as { error: { message: string } }).error.message, /http:\/\/127\.0\.0\.1:1/);
    } finally {
      await s.stop();
    }
  });

  test('the same basic auth as the API: the page and its assets need it; Chromium with the password sees the counts', async (t) => {
    if (!kernelOrSkip(t) || !chromiumOrSkip(t)) return;
    for (const path of ['/', '/assets/app.js', '/api/v1/history']) {
      const r = await fetch(authed!.url(path));
      assert.equal(r.status, 401, path);
      assert.match(r.headers.get('www-authenticate')!, /^Basic /);
    }
    const ok = await fetch(authed!.url('/'), { headers: { Authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` } });
    assert.equal(ok.status, 200);
    const b = await launch();
    try {
      const w = await watchedPage(b, { httpCredentials: { username: 'alice', password: 's3cret' } });
      await w.page.goto(authed!.url('/'));
      await w.page.waitForFunction(() => Number(document.querySelector('svg [data-state="LISTEN"]')?.getAttribute('data-count')) > 0);
      assert.deepEqual(w.errors, []);
    } finally {
      await b.close();
    }
  });
});
