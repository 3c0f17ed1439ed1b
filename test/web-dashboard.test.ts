/**
 * The dashboard in a real Chromium against `serve --netns NS`, NS holding the socket zoo:
 * every state's element shows ss's count; sockets added by the test show within two seconds
 * without a reload; a click (or Enter) on a state lists exactly the sockets `tcpstate ls`
 * lists; a filter narrows, a bad one is an error in place; the charts show the samples the
 * history store recorded; Chinese by the browser's language and switchable; a phone's width.
 * No console errors, no request leaving the host; a screenshot of each view in test-artifacts/web/.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { KNOWN_CODES, stateName } from '../src/model/state.js';
import { chromiumOrSkip, CHROMIUM, foreignRequests, launch, shot, type Watched, watchedPage } from './lib/browser.js';
import { kernelOrSkip, kernelUnavailable, Netns, runCli } from './lib/netns.js';
import { Serve } from './lib/prometheus.js';
import { parseSs } from './lib/ss.js';
import { existsSync } from 'node:fs';

const FIGURE = ['CLOSE', 'LISTEN', 'SYN_RECV', 'SYN_SENT', 'ESTABLISHED', 'FIN_WAIT1', 'CLOSING', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE_WAIT', 'LAST_ACK'];

function ssCounts(ns: Netns): Record<string, number> {
  const c: Record<string, number> = Object.fromEntries(KNOWN_CODES.map((s) => [stateName(s), 0]));
  for (const r of parseSs(ns.run('ss', ['-tanH']))) c[r.state] = (c[r.state] ?? 0) + 1;
  return c;
}

async function pageCounts(w: Watched): Promise<Record<string, number>> {
  return w.page.$$eval('svg [data-state]', (gs) => Object.fromEntries(gs.map((g) => [g.getAttribute('data-state')!, Number(g.getAttribute('data-count'))])));
}

/** ss's counts and the page's, read until they agree (the page reads every second) or 20 s pass. */
async function countsAgree(ns: Netns, w: Watched): Promise<{ ss: Record<string, number>; page: Record<string, number> }> {
  let last = { ss: {}, page: {} } as { ss: Record<string, number>; page: Record<string, number> };
  for (const end = Date.now() + 20_000; Date.now() < end; ) {
    const ss = ssCounts(ns);
    const page = await pageCounts(w);
    last = { ss, page };
    if (FIGURE.every((s) => page[s] === ss[s])) return last;
    await w.page.waitForTimeout(200);
  }
  return last;
}

function endpoint(e: { address: string; port: number }): string {
  return `${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}`;
}

/** What `tcpstate ls --json` lists, as the page's row keys. */
function lsKeys(ns: Netns, filter: string[]): string[] {
  const r = runCli(['ls', '--netns', ns.name, '--json', ...filter]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { sockets: { local: { address: string; port: number }; remote: { address: string; port: number } }[] };
  return doc.sockets.map((s) => `${endpoint(s.local)} ${endpoint(s.remote)}`).sort();
}

async function rowKeys(w: Watched): Promise<string[]> {
  return (await w.page.$$eval('#sockets tbody tr[data-socket]', (rs) => rs.map((r) => r.getAttribute('data-socket')!))).sort();
}

/** Wait until the socket table shows `expected` (it refreshes every few seconds); resolves to what it showed last. */
async function rowsBecome(w: Watched, expected: string[]): Promise<string[]> {
  let rows: string[] = [];
  for (const end = Date.now() + 15_000; Date.now() < end; ) {
    rows = await rowKeys(w);
    if (JSON.stringify(rows) === JSON.stringify(expected)) return rows;
    await w.page.waitForTimeout(200);
  }
  return rows;
}

const ADD = `const net = require('node:net');
const srv = net.createServer((s) => { held.push(s); }).listen(7301, '127.0.0.1', () => {
  let n = 0;
  for (let i = 0; i < 5; i++) held.push(net.connect(7301, '127.0.0.1', () => { if (++n === 5) setTimeout(() => console.log('ready'), 50); }));
});
const held = [srv];
setInterval(() => {}, 1000);`;

describe('the dashboard in Chromium', () => {
  let ns: Netns | undefined;
  let serve: Serve | undefined;
  let browser: Browser | undefined;
  let w: Watched | undefined;
  let dir = '';
  let origin = '';
  let adder: ChildProcess | undefined;

  before(async () => {
    if (kernelUnavailable() || !existsSync(CHROMIUM)) return;
    ns = Netns.create('web');
    await ns.zoo(['--ttl', '600']);
    dir = mkdtempSync(join(tmpdir(), 'tcpstate-web-'));
    serve = await Serve.start(['--netns', ns.name, '--history-db', join(dir, 'h.db'), '--history-interval', '0.5']);
    origin = `http://127.0.0.1:${serve.port}`;
    browser = await launch();
    w = await watchedPage(browser);
    await w.page.goto(`${origin}/`);
    await w.page.evaluate(() => {
      (window as unknown as { loadMark: number }).loadMark = 42;
    });
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
    ns?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("every state element shows ss's count; no console errors; nothing requested from another host", async (t) => {
    if (!kernelOrSkip(t, ['ss']) || !chromiumOrSkip(t)) return;
    const states = await w!.page.$$eval('svg [data-state]', (gs) => gs.map((g) => g.getAttribute('data-state')));
    assert.deepEqual([...states].sort(), [...FIGURE].sort(), 'one element per state, netstat spelling');
    const { ss, page } = await countsAgree(ns!, w!);
    assert.deepEqual(Object.fromEntries(FIGURE.map((s) => [s, page[s]])), Object.fromEntries(FIGURE.map((s) => [s, ss[s]])));
    assert.ok(FIGURE.filter((s) => ss[s]! > 0).length >= 8, `the zoo holds most states: ${JSON.stringify(ss)}`);
    // The text alternative holds the same numbers.
    const table = await w!.page.$$eval('#states tbody tr', (rs) => Object.fromEntries(rs.map((r) => [r.getAttribute('data-row-state'), r.querySelector('[data-cell="count"]')!.textContent])));
    for (const s of FIGURE) assert.equal(Number(table[s]!.replace(/,/g, '')), page[s], s);
    const label = await w!.page.getAttribute('svg [data-state="ESTABLISHED"]', 'aria-label');
    assert.match(label!, new RegExp(`^ESTABLISHED: ${page['ESTABLISHED']} sockets`));
    await shot(w!.page, 'diagram');
    assert.deepEqual(w!.errors, []);
    assert.deepEqual(foreignRequests(w!.requests, origin), []);
  });

  test('sockets added in the namespace show within two seconds, without a reload', async (t) => {
    if (!kernelOrSkip(t, ['ss']) || !chromiumOrSkip(t)) return;
    const before = await countsAgree(ns!, w!);
    adder = ns!.spawn(process.execPath, ['-e', ADD]);
    await new Promise<void>((res, rej) => {
      adder!.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) res();
      });
      adder!.once('exit', (c) => rej(new Error(`adder exited ${c}`)));
    });
    const t0 = Date.now();
    const want = before.ss['ESTABLISHED']! + 10;
    assert.equal(ssCounts(ns!)['ESTABLISHED'], want, 'ss sees the ten new sockets');
    await w!.page.waitForFunction((n) => document.querySelector('svg [data-state="ESTABLISHED"]')?.getAttribute('data-count') === String(n), want, { timeout: 10_000, polling: 50 });
    const ms = Date.now() - t0;
    const status = (await w!.page.textContent('#status')) ?? '';
    const sampleMs = Number(/, ([\d.]+) ms,/.exec(status)?.[1]);
    t.diagnostic(`the page showed them ${ms} ms after ss could (${status})`);
    // The page's part (waiting to ask, the answer's transfer, drawing) is at most 1.5 s; the
    // server's part is the read itself, which a loaded machine stretches past 0.5 s: the 2 s
    // total is asserted when reads are that quick, and reported otherwise.
    assert.ok(Number.isFinite(sampleMs), status);
    assert.ok(ms - sampleMs <= 1500, `the page showed them ${ms} ms after ss, ${sampleMs} ms of it the read`);
    if (sampleMs <= 500) assert.ok(ms <= 2000, `the page showed them after ${ms} ms`);
    assert.equal(await w!.page.evaluate(() => (window as unknown as { loadMark?: number }).loadMark), 42, 'the page was not reloaded');
    const delta = Number(await w!.page.getAttribute('svg [data-state="ESTABLISHED"]', 'data-delta'));
    assert.ok(delta >= 10, `growth over the last minute shown: ${delta}`);
    assert.equal(await w!.page.$eval('svg [data-state="ESTABLISHED"]', (g) => g.classList.contains('grow')), true);
  });

  test('a click or Enter on a state lists exactly the sockets tcpstate ls lists, with its explanation', async (t) => {
    if (!kernelOrSkip(t, ['ss']) || !chromiumOrSkip(t)) return;
    const counts = await pageCounts(w!);
    // States whose sockets live long (TIME_WAIT and orphaned FIN_WAIT2 expire in 60 s, the
    // request socket of SYN_RECV after its SYN-ACK retries); on a loaded machine a
    // retransmitting one may still end, so an empty list is compared too, and most must hold sockets.
    const picks = ['ESTABLISHED', 'LISTEN', 'CLOSE_WAIT', 'SYN_SENT', 'FIN_WAIT1', 'LAST_ACK', 'CLOSING'].filter((s) => counts[s]! > 0);
    let listed = 0;
    assert.ok(picks.length >= 5, picks.join(','));
    for (const [i, s] of picks.entries()) {
      if (i % 2 === 0) await w!.page.click(`svg [data-state="${s}"]`);
      else {
        await w!.page.focus(`svg [data-state="${s}"]`);
        await w!.page.keyboard.press('Enter');
      }
      await w!.page.waitForFunction((st) => document.getElementById('drill-heading')!.textContent!.includes(st), s);
      const expected = lsKeys(ns!, ['state', s]);
      if (expected.length > 0) listed++;
      assert.deepEqual(await rowsBecome(w!, expected), expected, `${s}: the page's rows are tcpstate ls's`);
      assert.match((await w!.page.textContent('#explain h3')) ?? '', new RegExp(`What ${s} means`));
      if (s === 'ESTABLISHED') await shot(w!.page, 'sockets-established');
    }
    assert.ok(listed >= 4, `${listed} states listed sockets`);
    await w!.page.click('svg [data-state="ESTABLISHED"]');
    await rowsBecome(w!, lsKeys(ns!, ['state', 'ESTABLISHED']));
    // Sorting by peer, descending, and grouping by process keep the same sockets.
    await w!.page.click('button[data-sort="peer"]');
    await w!.page.click('button[data-sort="peer"]');
    assert.equal(await w!.page.getAttribute('#sockets th:nth-child(2)', 'aria-sort'), 'descending');
    const peers = await w!.page.$$eval('#sockets tbody tr[data-socket]', (rs) => rs.map((r) => r.children[1]!.textContent!));
    assert.ok(peers.length > 0);
    await w!.page.selectOption('#group', 'process');
    assert.ok((await w!.page.$$eval('#sockets tbody tr.group', (rs) => rs.length)) >= 1);
    await w!.page.selectOption('#group', '');
    assert.deepEqual(w!.errors, []);
  });

  test('a filter typed into the page narrows the list; a bad filter is an error in place', async (t) => {
    if (!kernelOrSkip(t, ['ss']) || !chromiumOrSkip(t)) return;
    await w!.page.click('svg [data-state="ESTABLISHED"]');
    const all = lsKeys(ns!, ['state', 'ESTABLISHED']);
    await rowsBecome(w!, all);
    await w!.page.fill('#filter', 'sport = :7301');
    await w!.page.press('#filter', 'Enter');
    const narrow = lsKeys(ns!, ['state', 'ESTABLISHED', 'sport', '=', ':7301']);
    assert.equal(narrow.length, 5, 'the five accepted sockets');
    assert.ok(narrow.length < all.length);
    assert.deepEqual(await rowsBecome(w!, narrow), narrow);
    await shot(w!.page, 'sockets-filtered');
    await w!.page.fill('#filter', 'dport = = :80');
    await w!.page.click('#filter-form button[type="submit"]');
    await w!.page.waitForSelector('#filter-error:not([hidden])');
    const msg = await w!.page.textContent('#filter-error');
    assert.match(msg!, /^Filter not accepted: .*bad port "="/);
    assert.equal(await w!.page.getAttribute('#filter', 'aria-invalid'), 'true');
    assert.equal(await w!.page.isHidden('#sockets'), true, 'no stale rows under the error');
    await shot(w!.page, 'filter-error');
    // The refused filter is not asked again: Chromium logged its one 400 and nothing else.
    await w!.page.waitForTimeout(3500);
    assert.deepEqual(w!.errors, ['console: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    w!.errors.length = 0;
    await w!.page.click('#filter-clear');
    await w!.page.waitForSelector('#filter-error', { state: 'hidden' });
    assert.deepEqual(await rowsBecome(w!, lsKeys(ns!, ['state', 'ESTABLISHED'])), lsKeys(ns!, ['state', 'ESTABLISHED']));
  });

  test('the time series shows the samples the history store recorded', async (t) => {
    if (!kernelOrSkip(t, ['ss']) || !chromiumOrSkip(t)) return;
    let shown = 0;
    for (const end = Date.now() + 20_000; Date.now() < end && shown < 4; ) {
      await w!.page.click('button[data-range="1h"]');
      await w!.page.waitForTimeout(500);
      shown = Number(await w!.page.getAttribute('#chart-states', 'data-samples'));
    }
    assert.ok(shown >= 4, `${shown} samples drawn`);
    const last = Number(await w!.page.getAttribute('#chart-states', 'data-last'));
    const r = runCli(['history', '--db', join(dir, 'h.db'), '--json', '--netns', ns!.name, '--since', '1h']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { samples: { t: number; states: Record<string, number> }[] };
    const at = doc.samples.find((s) => s.t / 1000 === last);
    assert.ok(at, `the page's last sample (${last}) is one the store holds`);
    assert.ok(doc.samples.length >= shown);
    const latest = await w!.page.textContent('#series-latest');
    assert.ok(latest!.includes(`ESTABLISHED ${at.states['ESTABLISHED']}`), `${latest} vs ${JSON.stringify(at.states)}`);
    assert.equal(await w!.page.$$eval('#chart-states canvas, #chart-counters canvas', (c) => c.length), 2, 'both charts drawn');
    await w!.page.locator('#series').scrollIntoViewIfNeeded();
    await shot(w!.page, 'series');
    assert.deepEqual(w!.errors, []);
    assert.deepEqual(foreignRequests(w!.requests, origin), []);
  });

  test("top ports, peers and processes equal tcpstate count --by; doctor's findings with evidence and next steps", async (t) => {
    if (!kernelOrSkip(t, ['ss']) || !chromiumOrSkip(t)) return;
    for (const by of ['lport', 'raddr', 'process']) {
      let page: [string, number][] = [];
      let cli: [string, number][] = [];
      // The tables refresh every five seconds; TIME_WAIT sockets come and go.
      for (const end = Date.now() + 20_000; Date.now() < end; ) {
        page = await w!.page.$$eval(`table[data-top="${by}"] tbody tr`, (rs) =>
          rs.map((r) => [r.getAttribute('data-key')!, Number(r.children[1]!.textContent!.replace(/,/g, ''))] as [string, number]),
        );
        const r = runCli(['count', '--netns', ns!.name, '--by', by, '--top', '8', '--json']);
        assert.equal(r.code, 0, r.stderr);
        cli = (JSON.parse(r.stdout) as { groups: { key: string; total: number }[] }).groups.map((g) => [g.key, g.total]);
        if (page.length > 0 && JSON.stringify(page) === JSON.stringify(cli)) break;
        await w!.page.waitForTimeout(500);
      }
      assert.deepEqual(page, cli, by);
    }
    await w!.page.waitForFunction(() => !/diagnos|诊断/.test(document.getElementById('findings')!.textContent ?? '') && (document.getElementById('findings')!.textContent ?? '') !== '');
    const findings = await w!.page.$$eval('#findings article', (as) =>
      as.map((a) => ({ rule: a.getAttribute('data-rule'), title: a.querySelector('h3')?.textContent ?? '', dts: a.querySelectorAll('dt').length })),
    );
    if (findings.length === 0) assert.match((await w!.page.textContent('#findings')) ?? '', /^No findings: \d+ checks passed\.$/);
    for (const f of findings) {
      assert.match(f.title, /^(INFO|WARNING|CRITICAL): /);
      assert.equal(f.dts, 2, 'evidence and next steps');
    }
    await w!.page.locator('#top').scrollIntoViewIfNeeded();
    await shot(w!.page, 'top-doctor', false);
    assert.deepEqual(w!.errors, []);
  });

  test("Chinese by the browser's language, English on request; usable at a phone's width", async (t) => {
    if (!kernelOrSkip(t, ['ss']) || !chromiumOrSkip(t)) return;
    const zh = await watchedPage(browser!, { locale: 'zh-CN', width: 390, height: 844 });
    try {
      await zh.page.goto(`${origin}/`);
      assert.equal(await zh.page.textContent('h1'), 'tcpstate：TCP 状态实时视图');
      await zh.page.waitForFunction(() => document.querySelector('svg [data-state="LISTEN"]')?.getAttribute('data-count') !== '0');
      await zh.page.click('svg [data-state="LISTEN"]');
      await zh.page.waitForSelector('#explain h3');
      assert.match((await zh.page.textContent('#explain h3')) ?? '', /LISTEN 的含义/);
      assert.ok(await zh.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scrolling at 390 px');
      await shot(zh.page, 'phone-zh');
      await zh.page.selectOption('#lang', 'en');
      assert.equal(await zh.page.textContent('h1'), 'tcpstate: TCP states, live');
      assert.match((await zh.page.textContent('#explain h3')) ?? '', /What LISTEN means/);
      assert.deepEqual(zh.errors, []);
      assert.deepEqual(foreignRequests(zh.requests, origin), []);
    } finally {
      await zh.context.close();
    }
  });
});
