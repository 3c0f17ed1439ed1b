#!/usr/bin/env node
// Where `tcpstate serve`'s memory goes in a scrape (issue 13's 400k peak RSS): a namespace
// of N sockets (bench/namespace.mjs), serve started in it, then for each of a few scrapes the
// process's RSS split into anonymous and file-backed pages, its peak (VmHWM), and the source
// /metrics says answered. Extra `serve` arguments after --serve-args.
//
//   sudo node bench/serve-memory.mjs [--sizes 100000] [--scrapes 5] [--serve-args '...']
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchNamespace, buildHolder } from './namespace.mjs';
import { opt, repo } from './args.mjs';

const SIZES = opt('--sizes', '100000').split(',').map(Number);
const SCRAPES = Number(opt('--scrapes', '5'));
const SERVE_ARGS = (opt('--serve-args', '') ?? '').split(' ').filter(Boolean);
if (process.getuid?.() !== 0) {
  console.error('bench: needs root');
  process.exit(2);
}

buildHolder();
const bns = new BenchNamespace('tcst-bmem');
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
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mem = (pid) => {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Math.round((Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)[1]) / 1024) * 10) / 10;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), hwm: kb('VmHWM') };
};
const out = [];
for (const n of SIZES) {
  await bns.fill(n);
  const sockets = Number(bns.sh('ss -tanH | wc -l'));
  const child = spawn('ip', ['netns', 'exec', bns.name, process.execPath, join(repo, 'bin', 'tcpstate.js'), 'serve', '--listen', '127.0.0.1:19978', ...SERVE_ARGS], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  procs.push(child);
  await sleep(3000);
  const row = { sockets, idle: mem(child.pid), scrapes: [] };
  for (let k = 0; k < SCRAPES; k++) {
    const body = bns.sh("curl -s http://127.0.0.1:19978/metrics | grep -E '^tcpstate_source_info' | head -3; true");
    row.scrapes.push({ ...mem(child.pid), source: body.trim().split('\n').join(' ') });
  }
  out.push(row);
  console.log(JSON.stringify(row));
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {
    /* gone */
  }
  await sleep(500);
}
bns.destroy();
