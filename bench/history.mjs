#!/usr/bin/env node
// Benchmark of the history store (src/history/): bytes on disk per day at 1 s and 10 s
// intervals with 20 groups per kind, the time of one sample's write (synchronous=FULL, as
// record runs), and `tcpstate history --since 7d` over a week of 10 s samples.
//
// Samples are synthetic but shaped like a busy server's: every state's count moving, 20
// groups per kind (lport, rport, raddr, process) plus "other", 25 kernel counters with
// non-zero deltas. Files go to --dir (default /var/tmp, a real disk here) and are removed.
//
// Usage: node bench/history.mjs [--dir DIR] [--hours-1s N] [--keep] [--sizes-only]   (needs a built tree)
// --sizes-only: the bytes per day alone, printed (RESULTS-history.md left as it is).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const dir = mkdtempSync(join(opt('--dir', '/var/tmp'), 'tcpstate-hbench-'));
const hours1s = Number(opt('--hours-1s', '6'));
const { openStore } = await import(join(repo, 'dist/src/history/store.js'));
const { newCounts } = await import(join(repo, 'dist/src/model/count.js'));
const { STATE_COLUMNS, GROUP_KINDS } = await import(join(repo, 'dist/src/history/schema.js'));

const KEYS = {
  lport: (k) => String([80, 443, 8080, 5432, 6379, 9090, 22, 3306][k % 8] + Math.floor(k / 8) * 1000),
  rport: (k) => String([443, 80, 5432, 6379, 9200, 53, 8443, 11211][k % 8] + Math.floor(k / 8) * 1000),
  raddr: (k) => `10.${k % 4}.${(k * 7) % 250}.${(k * 13) % 250}`,
  process: (k) => `${1000 + k * 17}/${['nginx', 'java', 'postgres', 'redis-server', 'node', 'envoy'][k % 6]}`,
};
function row(t, i, intervalMs) {
  const counts = newCounts();
  for (const s of STATE_COLUMNS) counts[s.code] = Math.max(0, Math.round(200 * Math.abs(Math.sin(i / 50 + s.code)) + (i % 7)));
  const groups = [];
  for (const kind of GROUP_KINDS) {
    for (let k = 0; k < 20; k++) {
      const c = newCounts();
      for (const s of STATE_COLUMNS.slice(0, 6)) c[s.code] = Math.round((counts[s.code] / (k + 2)) % 97);
      groups.push({ kind, key: KEYS[kind](k), folded: 0, counts: c });
    }
    const o = newCounts();
    o[1] = 40 + (i % 5);
    groups.push({ kind, key: 'other', folded: 37, counts: o });
  }
  const deltas = new Map();
  for (let c = 0; c < 25; c++) deltas.set(`TcpExt.Counter${c}`, 1 + ((i * (c + 3)) % 500));
  return { t, intervalMs, netns: '', source: 'netlink', scanMs: 3.2, counts, groups, counterDeltas: deltas, findings: [] };
}

function fileBytes(p) {
  let n = 0;
  for (const f of [p, `${p}-wal`, `${p}-shm`]) {
    try {
      n += statSync(f).size;
    } catch {
      /* absent */
    }
  }
  return n;
}

/** Write `hours` of samples at `intervalMs`; bytes of the closed file. */
function fill(path, intervalMs, hours, sync = 'OFF', end = Date.now()) {
  const store = openStore(path, { write: true, retention: { maxBytes: 0 } });
  store.db.pragma(`synchronous = ${sync}`);
  const n = Math.round((hours * 3_600_000) / intervalMs);
  const t0 = end - n * intervalMs;
  const started = performance.now();
  for (let i = 0; i < n; i++) store.writeRow(row(t0 + i * intervalMs, i, intervalMs));
  const ms = performance.now() - started;
  store.close();
  return { n, bytes: fileBytes(path), ms };
}

const out = [];
const log = (s) => {
  out.push(s);
  console.log(s);
};
log(
  `# history store benchmark\n\n${new Date().toISOString()}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}, files on ${dir} (shared machine: several engineers' builds and tests ran meanwhile)\n`,
);

// 1. Bytes per day.
log('## Bytes on disk per day (20 groups per kind + other, 25 counter deltas per sample; rollups included)\n');
log('| interval | simulated | samples | file bytes | bytes/sample | bytes/day | MB/day |');
log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [intervalMs, hours] of [
  [1000, hours1s],
  [10_000, 24],
]) {
  const p = join(dir, `size-${intervalMs}.db`);
  const r = fill(p, intervalMs, hours);
  const perDay = (r.bytes / hours) * 24;
  log(
    `| ${intervalMs / 1000} s | ${hours} h${hours === 24 ? '' : ` (x${24 / hours} for a day)`} | ${r.n} | ${r.bytes} | ${Math.round(r.bytes / r.n)} | ${Math.round(perDay)} | ${(perDay / 1e6).toFixed(1)} |`,
  );
  rmSync(p, { force: true });
}

if (args.includes('--sizes-only')) {
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

// 2. One sample's write, as record writes it (synchronous = FULL: an fsync per commit).
log("\n## One sample's write (one transaction: sample, 4 packed group rows of 21 groups, 25 counters, 2 rollup upserts)\n");
{
  const p = join(dir, 'write.db');
  fill(p, 10_000, 24, 'OFF', Date.now() - 3_600_000);
  const store = openStore(p, { write: true, retention: { maxBytes: 0 } });
  const times = [];
  const t0 = Date.now() - 3_500_000;
  for (let i = 0; i < 300; i++) {
    const r = row(t0 + i * 1000, i, 1000);
    const a = performance.now();
    store.writeRow(r);
    times.push(performance.now() - a);
  }
  store.close();
  times.sort((a, b) => a - b);
  const q = (f) => times[Math.min(times.length - 1, Math.floor(f * times.length))].toFixed(2);
  log(`300 writes into a file already holding a day of 10 s samples, synchronous=FULL (fsync per commit):`);
  log(`median ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms, max ${times[times.length - 1].toFixed(2)} ms`);
  rmSync(p, { force: true });
}

// 3. history over a week of 10 s samples.
log('\n## `tcpstate history` over a week of 10 s samples (60,480 samples)\n');
{
  const p = join(dir, 'week.db');
  const r = fill(p, 10_000, 24 * 7);
  log(`file: ${r.bytes} bytes (${(r.bytes / 1e6).toFixed(1)} MB), written in ${(r.ms / 1000).toFixed(1)} s\n`);
  const { main } = await import(join(repo, 'dist/src/cli/main.js'));
  const inProcess = async (a) => {
    const io = { out: () => {}, err: () => {}, env: process.env, argOffset: 0, stdin: async () => Buffer.alloc(0) };
    const s = performance.now();
    const code = await main(['history', '--db', p, ...a], io);
    if (code !== 0) throw new Error(`history ${a.join(' ')}: status ${code}`);
    return performance.now() - s;
  };
  log('| command | output bytes | median ms (5 runs, whole process) | min ms | median ms in process (the command alone: open, query, render) |');
  log('| --- | --- | --- | --- | --- |');
  const runs = [
    ['--since', '7d'],
    ['--since', '7d', '--step', '1h', '--json'],
    ['--since', '7d', '--step', '10m', '--json'],
    ['--since', '7d', '--json'],
    ['--since', '7d', '--csv'],
    ['--since', '1d', '--by', 'lport'],
    ['--at', '3d'],
  ];
  for (const a of runs) {
    const ms = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const x = spawnSync(process.execPath, [join(repo, 'bin/tcpstate.js'), 'history', '--db', p, ...a], { maxBuffer: 1 << 30 });
      ms.push(performance.now() - s);
      if (x.status !== 0) throw new Error(`history ${a.join(' ')}: ${x.stderr}`);
      bytes = x.stdout.length;
    }
    ms.sort((x, y) => x - y);
    const ip = [];
    for (let i = 0; i < 5; i++) ip.push(await inProcess(a));
    ip.sort((x, y) => x - y);
    log(`| \`history ${a.join(' ')}\` | ${bytes} | ${ms[2].toFixed(0)} | ${ms[0].toFixed(0)} | ${ip[2].toFixed(0)} |`);
  }
  const base = [];
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    spawnSync(process.execPath, [join(repo, 'bin/tcpstate.js'), '--version']);
    base.push(performance.now() - s);
  }
  base.sort((x, y) => x - y);
  log(`\n(\`tcpstate --version\`, the start-up floor: median ${base[2].toFixed(0)} ms)`);
}
if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
writeFileSync(join(here, 'RESULTS-history.md'), out.join('\n') + '\n');
