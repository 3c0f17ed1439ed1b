#!/usr/bin/env node
// The engine over time (issue 13): one sample a second of a namespace holding N sockets, for
// M minutes, through the sampler every long-running command uses (src/engine/sampler.ts);
// ticks alternate a full sample (every row moved to this thread, as watch/record/ls take it)
// and /metrics' sample (aggregates only). Every minute: RSS of the whole process (worker
// included; median, min and max of readings every 5 s), heap, event-loop delay p99, skipped
// ticks, errors. The figure that matters: RSS growth from warm (minutes 5-10) to the end.
//
//   sudo node bench/soak.mjs [--sockets 100000] [--minutes 60] [--history]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchNamespace, buildHolder } from './namespace.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (n, d) => {
  const i = args.indexOf(n);
  return i >= 0 ? args[i + 1] : d;
};
const N = Number(opt('--sockets', '100000'));
// --history: also record a history sample every 10 s as serve does (the store on the sampler's worker).
const HISTORY = args.includes('--history');
const MINUTES = Number(opt('--minutes', '60'));
if (process.getuid?.() !== 0) {
  console.error('bench: needs root');
  process.exit(2);
}

const { Sampler } = await import(join(here, '..', 'dist', 'src', 'engine', 'sampler.js'));
buildHolder();
// The holders' own time bound (an hour by default) must outlast the run.
const ns = new BenchNamespace('tcst-soak', MINUTES * 60 + 900);
await ns.fill(N);
const sockets = Number(ns.sh('ss -tanH | wc -l'));
const sampler = new Sampler();
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let ticks = 0;
let errors = 0;
let rowsSeen = 0;
const full = sampler.every(2000, { netns: ns.name }, (s) => {
  ticks++;
  if (s instanceof Error) errors++;
  else rowsSeen = s.table.length;
});
await new Promise((r) => setTimeout(r, 1000));
const metrics = sampler.every(2000, { netns: ns.name, metrics: { top: 20, byProcess: false }, rows: false }, (s) => {
  ticks++;
  if (s instanceof Error) errors++;
});
let stopHistory = () => undefined;
let historyDir;
if (HISTORY) {
  const { mkdtempSync } = await import('node:fs');
  historyDir = mkdtempSync('/tmp/tcst-soak-history-');
  await sampler.openHistory(join(historyDir, 'h.db'), { top: 20 });
  stopHistory = sampler.every(10_000, { netns: ns.name, processes: true, rows: false, summary: { top: 20 }, record: { intervalMs: 10_000 } }, (s) => {
    ticks++;
    if (s instanceof Error || s.recordError) errors++;
  });
}
const minutes = [];
const t0 = Date.now();
for (let m = 1; m <= MINUTES; m++) {
  // RSS read every 5 s: one reading a minute lands anywhere in the 10 s trim cycle and the
  // 2 s sample cycle (±20 MiB under load), so each minute reports its median, min and max.
  const rss = [];
  while (Date.now() - t0 < m * 60_000) {
    await ns.refreshTw();
    await new Promise((r) => setTimeout(r, 5000));
    rss.push(process.memoryUsage().rss / 2 ** 20);
  }
  const mu = process.memoryUsage();
  rss.sort((x, y) => x - y);
  const row = {
    minute: m,
    rssMiB: +(rss[rss.length >> 1] ?? mu.rss / 2 ** 20).toFixed(1),
    rssMinMiB: +(rss[0] ?? 0).toFixed(1),
    rssMaxMiB: +(rss.at(-1) ?? 0).toFixed(1),
    heapMiB: +(mu.heapUsed / 2 ** 20).toFixed(1),
    loopP99Ms: +(delay.percentile(99) / 1e6).toFixed(1),
    ticks,
    errors,
    skipped: sampler.stats.skippedTicks,
    rows: rowsSeen,
  };
  delay.reset();
  minutes.push(row);
  console.error(JSON.stringify(row));
}
full();
metrics();
stopHistory();
await sampler.close();
if (historyDir) (await import('node:fs')).rmSync(historyDir, { recursive: true, force: true });
// Warm: the median of minutes 5-10's medians; end: the median of the last five minutes' medians.
const median = (xs) => {
  const v = [...xs].sort((x, y) => x - y);
  return v[v.length >> 1];
};
const warmRss = median(minutes.filter((r) => r.minute >= Math.min(5, MINUTES) && r.minute <= Math.min(10, MINUTES)).map((r) => r.rssMiB));
const lastRss = median(minutes.slice(-5).map((r) => r.rssMiB));
console.log(
  JSON.stringify({
    sockets,
    minutes: MINUTES,
    history: HISTORY,
    warmRssMiB: warmRss,
    lastRssMiB: lastRss,
    growthMiB: +(lastRss - warmRss).toFixed(1),
    maxRssMiB: Math.max(...minutes.map((r) => r.rssMaxMiB)),
    maxLoopP99Ms: Math.max(...minutes.map((r) => r.loopP99Ms)),
    ticks,
    errors,
    skipped: sampler.stats.skippedTicks,
    perMinute: minutes,
  }),
);
ns.destroy();
