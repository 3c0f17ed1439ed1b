#!/usr/bin/env node
// Where `tcpstate serve`'s peak RSS comes from at N sockets (issue 13): serve started in a bench
// namespace (bench/namespace.mjs), its RSS (anonymous and file-backed) sampled every 10 ms for
// a while (recorded samples every 10 s), a few /metrics scrapes at known times; with --threads,
// an `--import` hook logs each thread's V8 heap and external memory every 10 ms to stderr.
// Prints the peak, when it happened (start, recorded sample, scrape) and the phases' maxima.
//
//   sudo node bench/serve-peak.mjs [--sockets 400000] [--seconds 32] [--threads] [--timeline FROM,TO] [--serve-args '...'] [--env 'K=V ...']
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchNamespace, buildHolder } from './namespace.mjs';
import { args, opt, repo } from './args.mjs';

const N = Number(opt('--sockets', '400000'));
const SECONDS = Number(opt('--seconds', '32'));
// Each variant: serve's arguments, leading NAME=value words set in its environment ('' = defaults).
const VARIANTS = (opt('--variants', '') ?? '').split(';;');
const THREADS = args.includes('--threads');
if (process.getuid?.() !== 0) {
  console.error('bench: needs root');
  process.exit(2);
}

const HOOK = '/tmp/tcpstate-serve-peak-hook.mjs';
writeFileSync(
  HOOK,
  `import { isMainThread, threadId } from 'node:worker_threads';
import v8 from 'node:v8';
const t0 = performance.timeOrigin;
let last = 0;
const log = () => {
  const m = process.memoryUsage();
  const h = v8.getHeapStatistics();
  const mib = (x) => Math.round(x / 104857.6) / 10;
  const line = \`thread \${isMainThread ? 'main' : threadId} t=\${Math.round(performance.timeOrigin + performance.now())} rss=\${mib(m.rss)} heapTotal=\${mib(h.total_heap_size)} heapUsed=\${mib(h.used_heap_size)} external=\${mib(m.external)} ab=\${mib(m.arrayBuffers)} malloced=\${mib(h.malloced_memory)} new=\${mib(v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space').space_size)}\\n\`;
  if (Math.abs(m.rss - last) > 1 << 20 || !isMainThread) process.stderr.write(line);
  last = m.rss;
};
setInterval(log, 10).unref();
`,
);

buildHolder();
const bns = new BenchNamespace('tcst-bpeak');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
await bns.fill(N);
const sockets = Number(bns.sh('ss -tanH | wc -l'));
const live = new Set();
process.on('exit', () => {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});
/** curl inside the namespace without blocking this thread (the 10 ms RSS sampling goes on). */
const curlAsync = (url) =>
  new Promise((res) => {
    let out = '';
    const c = spawn('ip', ['netns', 'exec', bns.name, 'curl', '-s', '-o', '/dev/null', '-w', '%{time_total}', url], { stdio: ['ignore', 'pipe', 'ignore'] });
    c.stdout.on('data', (d) => {
      out += d;
    });
    c.once('exit', () => res(out));
  });
const kb = (s, k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) / 1024;
const results = [];

for (const variant of VARIANTS) {
  const words = variant.split(' ').filter(Boolean);
  const env = words.filter((w) => /^[A-Z_][A-Z0-9_]*=/.test(w));
  const serveArgs = words.filter((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w));
  await bns.refreshTw();
  // `ip netns exec` and `env` exec the server: its pid is the child's.
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      bns.name,
      'env',
      ...env,
      process.execPath,
      ...(THREADS ? ['--import', HOOK] : []),
      join(repo, 'bin', 'tcpstate.js'),
      'serve',
      '--listen',
      '127.0.0.1:19979',
      ...(serveArgs.includes('--no-history') ? [] : ['--history-db', `/tmp/tcpstate-peak-${process.pid}.db`]),
      ...serveArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  live.add(child.pid);
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  const t0 = Date.now();
  const status = () => {
    try {
      return readFileSync(`/proc/${child.pid}/status`, 'utf8');
    } catch {
      return '';
    }
  };
  const timeline = [];
  const events = [];
  const ticker = setInterval(() => {
    const s = status();
    if (s) timeline.push({ t: Date.now() - t0, rss: kb(s, 'VmRSS'), anon: kb(s, 'RssAnon'), file: kb(s, 'RssFile'), hwm: kb(s, 'VmHWM') });
  }, 10);
  await sleep(4000);
  for (let k = 0; k < 4; k++) {
    const at = Date.now() - t0;
    const ms = Number(await curlAsync('http://127.0.0.1:19979/metrics')) * 1000;
    events.push({ at, ms: Math.round(ms) });
    await sleep(k === 1 ? 3000 : 1500);
  }
  await sleep(Math.max(0, SECONDS * 1000 - (Date.now() - t0)));
  clearInterval(ticker);
  let smaps = '';
  try {
    smaps = readFileSync(`/proc/${child.pid}/smaps_rollup`, 'utf8');
  } catch {
    console.log(`serve exited early: ${err.slice(0, 2000)}`);
    continue;
  }
  process.kill(child.pid, 'SIGTERM');
  await new Promise((r) => child.once('exit', r));
  live.delete(child.pid);

  const peak = timeline.reduce((a, b) => (b.rss > a.rss ? b : a), timeline[0]);
  const row = { sockets, variant, hwmMiB: timeline.at(-1).hwm, peak, scrapes: events };
  results.push(row);
  console.log(JSON.stringify(row));
  // RSS maxima per second: start, recorded samples (every 10 s from start), scrapes.
  const perS = new Map();
  for (const p of timeline) {
    const s = Math.floor(p.t / 1000);
    if (!perS.has(s) || perS.get(s).rss < p.rss) perS.set(s, p);
  }
  console.log([...perS.entries()].map(([s, p]) => `${s}s:${p.rss.toFixed(0)}/${p.anon.toFixed(0)}a`).join(' '));
  console.log(
    smaps
      .split('\n')
      .filter((l) => /^(Rss|Anonymous|Pss_File)/.test(l))
      .map((l) => l.replace(/\s+/g, ' '))
      .join(' | '),
  );
  if (THREADS) {
    // Each thread's largest heap and external memory, then per 100 ms over --timeline FROM,TO seconds.
    const byThread = new Map();
    const bins = new Map();
    const [from, to] = (opt('--timeline', '0,0') ?? '0,0').split(',').map(Number);
    for (const l of err.split('\n')) {
      const m = /^thread (\S+) t=(\d+) rss=([\d.]+) heapTotal=([\d.]+) heapUsed=([\d.]+) external=([\d.]+) ab=([\d.]+) malloced=([\d.]+)/.exec(l);
      if (!m) continue;
      const [, th, at, , ht, , ex, ab] = m;
      const o = byThread.get(th) ?? { heapTotal: 0, external: 0, ab: 0, newSpace: 0 };
      o.newSpace = Math.max(o.newSpace, Number(/ new=([\d.]+)/.exec(l)?.[1] ?? 0));
      o.heapTotal = Math.max(o.heapTotal, +ht);
      o.external = Math.max(o.external, +ex);
      o.ab = Math.max(o.ab, +ab);
      byThread.set(th, o);
      const t = Number(at) - t0;
      if (t < from * 1000 || t >= to * 1000) continue;
      const b = Math.floor(t / 100);
      const x = bins.get(b) ?? {};
      const k = th === 'main' ? 'main' : 'worker';
      x[k] = `${ht}/${ex}`;
      x.rss = Math.max(x.rss ?? 0, +m[3]);
      bins.set(b, x);
    }
    console.log(JSON.stringify(Object.fromEntries(byThread)));
    for (const [b, x] of [...bins.entries()].sort((p, q) => p[0] - q[0])) console.log(`${(b / 10).toFixed(1)}s rss=${x.rss} main heap/ext=${x.main ?? '-'} worker heap/ext=${x.worker ?? '-'}`);
  }
  const said = err.split('\n').filter((l) => l && !l.startsWith('thread '));
  if (said.length > 3) console.log(said.join('\n').slice(0, 2000));
}
bns.destroy();
for (const f of [HOOK, ...['', '-wal', '-shm', '.lock'].map((x) => `/tmp/tcpstate-peak-${process.pid}.db${x}`)]) rmSync(f, { force: true });
console.log(JSON.stringify(results));
