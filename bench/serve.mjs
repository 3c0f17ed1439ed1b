#!/usr/bin/env node
// `tcpstate serve` against node_exporter's tcpstat collector (issue 13), at 100k and 400k sockets.
//
//   sudo node bench/serve.mjs [--sizes 100000,400000] [--rounds 7] [--serve-args '--no-findings']
//
// Both exporters run inside one network namespace filled by bench/holder (bench/namespace.mjs): `prometheus-node-exporter --collector.disable-defaults --collector.tcpstat`
// (Debian's package) and `tcpstate serve`, each on its own loopback port. Scrapes alternate
// between them (curl's time_total; medians), each server's peak RSS is its VmHWM. Then, at the
// first size, /metrics of serve is scraped back to back while /-/healthy is timed (p50/p99).
// Prints a table and the raw numbers as JSON; everything it starts is killed by PID and the
// namespace deleted.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { BenchNamespace, buildHolder } from './namespace.mjs';
import { join } from 'node:path';
import { opt, repo } from './args.mjs';

const SIZES = opt('--sizes', '100000,400000').split(',').map(Number);
const ROUNDS = Number(opt('--rounds', '7'));
const SERVE_ARGS = (opt('--serve-args', '') ?? '').split(' ').filter(Boolean);
if (process.getuid?.() !== 0) {
  console.error('bench: needs root');
  process.exit(2);
}

buildHolder();
const bns = new BenchNamespace('tcst-bserve');
const NS = bns.name;
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
// serve's history goes to a directory of this run's own, removed at the end, not /var/lib/tcpstate.
const historyDir = mkdtempSync(join(tmpdir(), 'tcpstate-bench-serve-'));
const HISTORY_ARGS = SERVE_ARGS.includes('--no-history') || SERVE_ARGS.includes('--history-db') ? [] : ['--history-db', join(historyDir, 'history.db')];
const nsx = (cmd) => bns.sh(cmd);
const fill = (n) => bns.fill(n);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function startServer(cmd, _port) {
  const child = spawn('ip', ['netns', 'exec', NS, ...cmd], { stdio: ['ignore', 'ignore', 'pipe'] });
  procs.push(child);
  child.stderr.on('data', () => undefined);
  return child;
}
const curl = (url) => Number(nsx(`curl -s -o /dev/null -w '%{time_total}' '${url}'`));
const hwm = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};
const pct = (a, p) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
};

const raw = [];
for (const n of SIZES) {
  await fill(n);
  const sockets = Number(nsx('ss -tanH | wc -l'));
  // Fresh servers per size, so each peak RSS belongs to this size.
  const ne = startServer(['prometheus-node-exporter', '--collector.disable-defaults', '--collector.tcpstat', '--web.listen-address=127.0.0.1:19100'], 19100);
  const ts = startServer([process.execPath, join(repo, 'bin', 'tcpstate.js'), 'serve', '--listen', '127.0.0.1:19977', ...HISTORY_ARGS, ...SERVE_ARGS], 19977);
  await sleep(3000);
  const t = { ne: [], ts: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? ['ts', 'ne'] : ['ne', 'ts'];
    for (const w of order) t[w].push(curl(w === 'ne' ? 'http://127.0.0.1:19100/metrics' : 'http://127.0.0.1:19977/metrics'));
  }
  const row = { sockets, nodeExporter: { scrapeS: t.ne, medianS: median(t.ne), peakRssMiB: hwm(ne.pid) }, tcpstate: { scrapeS: t.ts, medianS: median(t.ts), peakRssMiB: hwm(ts.pid) } };
  if (n === SIZES[0]) {
    // /-/healthy while /metrics is scraped back to back.
    let busy = true;
    const loop = (async () => {
      while (busy) {
        try {
          await fetchInNs('/metrics');
        } catch {
          /* counted below */
        }
      }
    })();
    const healthy = [];
    for (let i = 0; i < 200; i++) {
      healthy.push(curl('http://127.0.0.1:19977/-/healthy'));
    }
    busy = false;
    await loop;
    row.healthyDuringScrapes = { p50S: pct(healthy, 0.5), p99S: pct(healthy, 0.99), n: healthy.length };
  }
  raw.push(row);
  for (const c of [ne, ts]) {
    try {
      process.kill(c.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  await sleep(500);
}

/** A back-to-back scraper inside the namespace (curl, not this process's loopback). */
function fetchInNs(path) {
  return new Promise((res) => {
    const c = spawn('ip', ['netns', 'exec', NS, 'curl', '-s', '-o', '/dev/null', `http://127.0.0.1:19977${path}`], { stdio: 'ignore' });
    c.once('exit', res);
  });
}

console.log('| sockets | node_exporter scrape (median) | tcpstate serve scrape (median) | ratio | node_exporter peak RSS | tcpstate peak RSS |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of raw) {
  console.log(
    `| ${r.sockets} | ${(r.nodeExporter.medianS * 1000).toFixed(0)} ms | ${(r.tcpstate.medianS * 1000).toFixed(0)} ms | ${(r.tcpstate.medianS / r.nodeExporter.medianS).toFixed(2)} | ${r.nodeExporter.peakRssMiB.toFixed(0)} MiB | ${r.tcpstate.peakRssMiB.toFixed(0)} MiB |`,
  );
}
for (const r of raw)
  if (r.healthyDuringScrapes)
    console.log(
      `/-/healthy during back-to-back scrapes at ${r.sockets} sockets: p50 ${(r.healthyDuringScrapes.p50S * 1000).toFixed(1)} ms, p99 ${(r.healthyDuringScrapes.p99S * 1000).toFixed(1)} ms (${r.healthyDuringScrapes.n} requests)`,
    );
console.log(JSON.stringify(raw));
for (const p of procs) {
  try {
    process.kill(p.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}
bns.destroy();
rmSync(historyDir, { recursive: true, force: true });
