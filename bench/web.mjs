// The dashboard's weight and cost. (1) Page weight without data: the page and each asset as
// served, raw and gzipped. (2) What an open page costs serve: serve's CPU seconds over a window
// with no page, then with one headless Chromium page open on the dashboard, at N sockets
// (bench/namespace.mjs's mix), and the requests and bytes the page pulled in that window.
// Usage: node bench/web.mjs [--sizes 10000,100000] [--seconds 30]   (root; after npm run build)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BenchNamespace, buildHolder } from './namespace.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (n, d) => {
  const i = args.indexOf(n);
  return i >= 0 ? args[i + 1] : d;
};
const SIZES = opt('--sizes', '10000,100000').split(',').map(Number);
const SECONDS = Number(opt('--seconds', '30'));
if (process.getuid?.() !== 0) {
  console.error('bench: needs root');
  process.exit(2);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cpu = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

buildHolder();
const bns = new BenchNamespace('tcst-bweb');
const procs = [];
process.on('exit', () => {
  for (const p of procs) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

const PORT = 19988;
const serve = spawn(process.execPath, [join(repo, 'bin', 'tcpstate.js'), 'serve', '--listen', `127.0.0.1:${PORT}`, '--netns', bns.name, '--no-history'], { stdio: ['ignore', 'ignore', 'pipe'] });
procs.push(serve);
serve.stderr.on('data', () => undefined);
await sleep(3000);
const origin = `http://127.0.0.1:${PORT}`;

// (1) page weight, as served
const weight = {};
for (const path of ['/', '/assets/app.js', '/assets/app.css', '/assets/uPlot.iife.min.js', '/assets/uPlot.min.css']) {
  const body = Buffer.from(await (await fetch(origin + path, { headers: { 'Accept-Encoding': 'identity' } })).arrayBuffer());
  weight[path] = { bytes: body.length, gzip: gzipSync(body, { level: 9 }).length };
}
const total = Object.values(weight).reduce((a, w) => ({ bytes: a.bytes + w.bytes, gzip: a.gzip + w.gzip }), { bytes: 0, gzip: 0 });

// (2) an open page's cost
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const rows = [];
for (const n of SIZES) {
  await bns.fill(n);
  await sleep(2000);
  let c0 = cpu(serve.pid);
  await sleep(SECONDS * 1000);
  const idle = cpu(serve.pid) - c0;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pulled = { requests: 0, bytes: 0, byPath: {} };
  page.on('response', async (r) => {
    const p = new URL(r.url()).pathname;
    pulled.requests++;
    pulled.byPath[p] = (pulled.byPath[p] ?? 0) + 1;
    try {
      pulled.bytes += (await r.body()).length;
    } catch {
      /* event streams have no body */
    }
  });
  const t0 = Date.now();
  await page.goto(origin + '/');
  await page.waitForFunction(() => document.querySelector('svg [data-state="ESTABLISHED"]')?.getAttribute('data-count') !== '0', null, { timeout: 120_000 });
  const firstCountsMs = Date.now() - t0;
  c0 = cpu(serve.pid);
  const r0 = { ...pulled, byPath: { ...pulled.byPath } };
  await sleep(SECONDS * 1000);
  const open = cpu(serve.pid) - c0;
  const status = await page.textContent('#status');
  await page.close();
  rows.push({
    sockets: n,
    windowS: SECONDS,
    serveCpuS: { noPage: +idle.toFixed(2), onePage: +open.toFixed(2) },
    firstCountsMs,
    status,
    pageWindow: { requests: pulled.requests - r0.requests, bytes: pulled.bytes - r0.bytes, byPath: Object.fromEntries(Object.entries(pulled.byPath).map(([k, v]) => [k, v - (r0.byPath[k] ?? 0)])) },
  });
}
await browser.close();
try {
  process.kill(serve.pid, 'SIGTERM');
} catch {
  /* gone */
}
bns.destroy();
console.log(JSON.stringify({ date: new Date().toISOString(), node: process.version, weight, total, rows }, null, 2));
