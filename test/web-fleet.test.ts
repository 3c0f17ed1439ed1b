/**
 * The dashboard's fleet view (`serve --prometheus URL --host-label host --group-label role`):
 * two namespaces act as hosts, each with its own `serve --netns`; a real Prometheus scrapes
 * them with `host` and `role` target labels; a third serve's page, in Chromium, shows a row
 * per host equal to ss in its namespace, shaded like the diagram, linked to that agent's own
 * page (which shows the same counts); an agent stopped becomes a row that says it is down.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { KNOWN_CODES, stateName } from '../src/model/state.js';
import { CHROMIUM, chromiumOrSkip, foreignRequests, launch, shot, watchedPage } from './lib/browser.js';
import { kernelOrSkip, kernelUnavailable, Netns } from './lib/netns.js';
import { freePort, Serve, track } from './lib/prometheus.js';
import { parseSs } from './lib/ss.js';

const FIGURE = ['CLOSE', 'LISTEN', 'SYN_RECV', 'SYN_SENT', 'ESTABLISHED', 'FIN_WAIT1', 'CLOSING', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE_WAIT', 'LAST_ACK'];

function ssCounts(ns: Netns): Record<string, number> {
  const c: Record<string, number> = Object.fromEntries(KNOWN_CODES.map((s) => [stateName(s), 0]));
  for (const r of parseSs(ns.run('ss', ['-tanH']))) c[r.state] = (c[r.state] ?? 0) + 1;
  return c;
}

const pick = (c: Record<string, number>): Record<string, number> => Object.fromEntries(FIGURE.map((s) => [s, c[s] ?? 0]));

describe("the dashboard's fleet view from Prometheus", () => {
  const hosts: { name: string; role: string; ns: Netns; serve: Serve }[] = [];
  let prom: ChildProcess | undefined;
  let promPort = 0;
  let dir = '';
  let dash: Serve | undefined;
  let browser: Browser | undefined;

  before(async () => {
    if (kernelUnavailable() || !existsSync(CHROMIUM)) return;
    for (const [name, role, only] of [
      ['web1', 'web', 'listen,est'],
      ['db1', 'db', 'listen,est,cw'],
    ] as const) {
      const ns = Netns.create('wfl');
      await ns.zoo(['--only', only, '--ttl', '600']);
      hosts.push({ name, role, ns, serve: await Serve.start(['--netns', ns.name]) });
    }
    dir = mkdtempSync(join(tmpdir(), 'tcpstate-wfleet-'));
    promPort = await freePort();
    const targets = hosts.map((h) => `      - targets: ['127.0.0.1:${h.serve.port}']\n        labels: {host: ${h.name}, role: ${h.role}}\n`).join('');
    writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: tcpstate\n    static_configs:\n${targets}`);
    prom = track(
      spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'], {
        stdio: 'ignore',
      }),
    );
    dash = await Serve.start(['--prometheus', `http://127.0.0.1:${promPort}`, '--host-label', 'host', '--group-label', 'role']);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await dash?.stop();
    if (prom?.pid !== undefined && prom.exitCode === null) {
      const gone = new Promise((r) => prom!.once('exit', r));
      process.kill(prom.pid, 'SIGTERM');
      await gone;
    }
    for (const h of hosts) {
      await h.serve.stop();
      h.ns.destroy();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("a row per host equal to ss, linked to its agent's page; a stopped agent is a row saying so", async (t) => {
    if (!kernelOrSkip(t, ['ss', 'prometheus']) || !chromiumOrSkip(t)) return;
    const w = await watchedPage(browser!);
    const origin = dash!.url('').replace(/\/$/, '');
    try {
      await w.page.goto(`${origin}/`);
      assert.match((await w.page.textContent('#fleet-heading')) ?? '', new RegExp(`Fleet \\(from Prometheus http://127.0.0.1:${promPort}\\)`));
      // Prometheus scrapes every second: wait until each row agrees with ss in its namespace.
      let last = '';
      for (const end = Date.now() + 40_000; Date.now() < end; ) {
        const rows = await w.page.$$eval('#fleet-table tbody tr[data-host]', (rs) =>
          Object.fromEntries(
            rs.map((r) => [
              r.getAttribute('data-host')!,
              Object.fromEntries([...r.querySelectorAll('[data-state-cell]')].map((c) => [c.getAttribute('data-state-cell')!, Number(c.getAttribute('data-count'))])),
            ]),
          ),
        );
        const want = Object.fromEntries(hosts.map((h) => [h.name, pick(ssCounts(h.ns))]));
        last = JSON.stringify({ rows, want });
        if (hosts.every((h) => JSON.stringify(rows[h.name]) === JSON.stringify(want[h.name]))) break;
        await w.page.waitForTimeout(300);
      }
      const { rows, want } = JSON.parse(last) as { rows: Record<string, unknown>; want: Record<string, unknown> };
      for (const h of hosts) assert.deepEqual(rows[h.name], want[h.name], h.name);
      assert.equal(await w.page.textContent('#fleet-table tr[data-host="db1"] td'), 'db', 'the role column');
      const bg = await w.page.$eval('#fleet-table tr[data-host="db1"] [data-state-cell="ESTABLISHED"]', (c) => (c as HTMLElement).style.background);
      assert.match(bg, /rgb\(/, 'cells shaded by count');
      await shot(w.page, 'fleet');
      for (const h of hosts) {
        assert.equal(await w.page.getAttribute(`#fleet-table tr[data-host="${h.name}"] a`, 'href'), `http://127.0.0.1:${h.serve.port}/`);
      }
      assert.deepEqual(w.errors, []);
      assert.deepEqual(foreignRequests(w.requests, origin), []);

      // The link leads to the agent's own page, which shows its namespace.
      await w.page.click('#fleet-table tr[data-host="web1"] a');
      await w.page.waitForURL(`http://127.0.0.1:${hosts[0]!.serve.port}/`);
      await w.page.waitForFunction((n) => document.querySelector('svg [data-state="ESTABLISHED"]')?.getAttribute('data-count') === String(n), ssCounts(hosts[0]!.ns)['ESTABLISHED']);
      assert.equal(await w.page.$eval('#netns', (s) => (s as HTMLSelectElement).value), hosts[0]!.ns.name);

      // db1's agent stops: its row says it is down.
      await hosts[1]!.serve.stop();
      await w.page.goto(`${origin}/`);
      // Prometheus notices at its next scrape (every second); the page asks every five (slow on a loaded machine).
      await w.page.waitForSelector('#fleet-table tr[data-host="db1"] td.error', { timeout: 90_000 });
      assert.match((await w.page.textContent('#fleet-table tr[data-host="db1"] td.error')) ?? '', /^down: /);
      // web1 is still counted (on a loaded machine one of its scrapes may time out too, so its row is waited for, not read once).
      await w.page.waitForFunction((n) => document.querySelectorAll('#fleet-table tr[data-host="web1"] [data-state-cell]').length === n, FIGURE.length, { timeout: 30_000 }).catch(() => undefined);
      assert.equal(await w.page.$$eval('#fleet-table tr[data-host="web1"] [data-state-cell]', (c) => c.length), FIGURE.length, 'web1 still counted');
    } finally {
      await w.context.close();
    }
  });

  test('/api/v1/fleet without --prometheus is a 404 saying so', async (t) => {
    if (!kernelOrSkip(t) || !chromiumOrSkip(t)) return;
    const r = await fetch(hosts[0]!.serve.url('/api/v1/fleet'));
    assert.equal(r.status, 404);
    assert.match(((await r.json()) as { error: { message: string } }).error.message, /without --prometheus/);
  });
});
