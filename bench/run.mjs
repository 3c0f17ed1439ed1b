#!/usr/bin/env node
// tcpstate's benchmark against its peers at 1k, 10k, 100k and 400k sockets (issue 3).
//
//   sudo node bench/run.mjs [--sizes 1000,10000,100000,400000] [--quick]
//
// It builds tcpstate (npx tsc) and three small C helpers (bench/build/), installs the npm
// peers into bench/node_modules (npm ci --prefix bench), creates its own network namespace,
// fills it with a realistic mix of loopback sockets held by several holder processes (the
// per-process fd limit is 20000), and times every tool in rounds, alternating the order.
// Commands run through bench/build/measure, which enters the namespace with setns and
// reports wall time and peak RSS (wait4). Results: a table on stdout and bench/RESULTS.md.
// Everything it starts is killed by PID and the namespace deleted, also on Ctrl-C.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { BenchNamespace, LISTEN_PER_HOLDER, mix } from './namespace.mjs';
import { args, opt, repo } from './args.mjs';

const here = join(repo, 'bench');
const quick = args.includes('--quick');
const SIZES = opt('--sizes', '1000,10000,100000,400000').split(',').map(Number);
const DEADLINE = Date.now() + 28 * 60_000; // the whole bench stays under 30 minutes

if (process.getuid?.() !== 0) {
  console.error('bench: needs root (network namespace, setns)');
  process.exit(2);
}

// ---- build ---------------------------------------------------------------------------
function sh(cmd, a, o = {}) {
  return execFileSync(cmd, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...o });
}
sh('npm', ['run', '--silent', 'build'], { cwd: repo }); // tsc, then the CLI bundle bin prefers
mkdirSync(join(here, 'build'), { recursive: true }); // ignored by git: absent in a fresh clone
for (const c of ['holder', 'nlcount', 'measure']) sh('gcc', ['-O2', '-Wall', '-o', join(here, 'build', c), join(here, `${c}.c`)], { cwd: here });
if (!existsSync(join(here, 'node_modules', 'systeminformation'))) sh('npm', ['ci', '--no-audit', '--no-fund'], { cwd: here });
if (!existsSync(join(repo, 'native', 'build', 'Release', 'tcpstate_netlink.node'))) console.error('bench: warning: the native addon is not built; tcpstate will read /proc');

// ---- namespace and holders (bench/namespace.mjs) ----------------------------------------
const bns = new BenchNamespace('tcst-bench');
const NS = bns.name;
const NSPATH = bns.path;
const cleanup = () => bns.destroy();
const startHolders = async (m) => bns.fill(m.n);
const refreshTw = async (_m, force = false) => bns.refreshTw(force);
const stopHolders = () => bns.stopHolders();

// ---- the tools --------------------------------------------------------------------------
const T = `node ${join(repo, 'bin', 'tcpstate.js')}`;
const AWK_SS = `ss -tan | awk 'NR>1 {++S[$1]} END {for(a in S) print a, S[a]}'`;
const AWK_NETSTAT = `netstat -n | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'`;
const TOOLS = [
  { name: 'node -e 0 (Node start alone)', cmd: 'node -e 0' },
  { name: 'tcpstate count', cmd: `TCPSTATE_TIMING=1 ${T} count` },
  { name: 'tcpstate count --source proc', cmd: `TCPSTATE_TIMING=1 ${T} count --source proc` },
  { name: 'tcpstate ls -tanp', cmd: `${T} ls -tanp > /dev/null` },
  { name: 'tcpstate count --by process', cmd: `${T} count --by process` },
  { name: 'C sock_diag count (reference)', cmd: join(here, 'build', 'nlcount') },
  { name: 'C sock_diag count, per family (as ss asks)', cmd: `${join(here, 'build', 'nlcount')} --per-family` },
  { name: 'ss -tan | awk', cmd: AWK_SS },
  { name: 'netstat -n | awk', cmd: AWK_NETSTAT },
  { name: 'ss -s', cmd: 'ss -s' },
  { name: 'cat /proc/net/tcp{,6}', cmd: 'cat /proc/net/tcp /proc/net/tcp6' },
  { name: 'ss -tanp', cmd: 'ss -tanp', slow: true },
  { name: 'netstat -antp', cmd: 'netstat -antp', slow: true },
  { name: 'systeminformation', cmd: `node ${join(here, 'peers', 'systeminformation.mjs')}`, slow: true },
  { name: 'node-netstat', cmd: `node ${join(here, 'peers', 'node-netstat.mjs')}`, slow: true },
];

/** Slow peers are stopped after this long (at 400k they take ~95 s on an idle box). */
const SLOW_LIMIT_S = Number(opt('--slow-limit', '150'));

/**
 * The environment every tool runs in: this one without NODE_EXTRA_CA_CERTS, which some
 * sandboxes set for their npm proxy and which makes every Node process read a CA bundle at
 * start (+40 ms here, for tcpstate, node -e 0 and the npm peers alike); an operator's shell
 * does not have it.
 */
const TOOL_ENV = { ...process.env };
delete TOOL_ENV.NODE_EXTRA_CA_CERTS;

function measure(cmd, limit) {
  const r = spawnSync(join(here, 'build', 'measure'), [NSPATH, cmd, ...(limit ? [String(limit)] : [])], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 900_000, env: TOOL_ENV });
  const [ms, kb, status] = (r.stdout ?? '').trim().split(/\s+/).map(Number);
  return { ms, kb, status, stderr: r.stderr ?? '' };
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function runsFor(n) {
  if (quick) return { fast: 3, slow: 1 };
  if (n <= 1000) return { fast: 15, slow: 5 };
  if (n <= 10000) return { fast: 10, slow: 3 };
  if (n <= 100000) return { fast: 7, slow: 2 };
  return { fast: 5, slow: 1 };
}

// ---- lean start: an idle namespace (no sockets), hyperfine ------------------------------
function leanStart() {
  const json = join(here, 'build', 'lean-start.json');
  const r = spawnSync('ip', ['netns', 'exec', NS, 'hyperfine', '-N', '--warmup', '5', '--runs', quick ? '10' : '40', '--export-json', json, 'node -e 0', `${T} count`], {
    encoding: 'utf8',
    env: TOOL_ENV,
  });
  if (r.status !== 0) return undefined;
  const [a, b] = JSON.parse(readFileSync(json, 'utf8')).results;
  const cpu = (x) => (x.user + x.system) * 1000;
  return { node: a.median * 1000, count: b.median * 1000, nodeCpu: cpu(a), countCpu: cpu(b), runs: a.times.length };
}

// ---- run ------------------------------------------------------------------------------
const results = [];
let lean;
try {
  lean = leanStart();
  if (lean)
    console.log(
      `lean start: node -e 0 ${lean.node.toFixed(1)} ms, tcpstate count ${lean.count.toFixed(1)} ms: +${(lean.count - lean.node).toFixed(1)} ms (CPU +${(lean.countCpu - lean.nodeCpu).toFixed(1)} ms)`,
    );
  for (const n of SIZES) {
    const m = mix(n);
    const setup = await startHolders(m);
    const runs = runsFor(n);
    const rec = new Map(TOOLS.map((t) => [t.name, { ms: [], kb: [], inproc: [], failed: 0 }]));
    const totals = [];
    const methods = new Set();
    for (const t of TOOLS.filter((x) => !x.slow)) measure(t.cmd); // warm the page cache
    for (let r = 0; r < runs.fast; r++) {
      await refreshTw(m);
      const order = TOOLS.map((_, i) => TOOLS[(i + r) % TOOLS.length]);
      for (const t of order) {
        if (t.slow && (r >= runs.slow || Date.now() > DEADLINE)) continue;
        const x = measure(t.cmd, t.slow ? SLOW_LIMIT_S : undefined);
        const e = rec.get(t.name);
        if (x.status === 124) {
          e.timedOut = (e.timedOut ?? 0) + 1;
          continue;
        }
        if (x.status !== 0) {
          e.failed++;
          continue;
        }
        e.ms.push(x.ms);
        e.kb.push(x.kb);
        const ip = /scan and count ([\d.]+) ms \((\d+) sockets/.exec(x.stderr) ?? /inproc ([\d.]+)/.exec(x.stderr);
        if (ip) e.inproc.push(Number(ip[1]));
        if (ip?.[2] && t.name === 'tcpstate count') totals.push(Number(ip[2]));
        const how = /sockets, ([^)]+)\)/.exec(x.stderr);
        if (how && t.name === 'tcpstate count') methods.add(how[1]);
      }
    }
    stopHolders();
    const row = { n, mix: m, setup, sockets: [Math.min(...totals), Math.max(...totals)], methods: [...methods], tools: {} };
    for (const [name, e] of rec) {
      row.tools[name] = e.ms.length
        ? { median: median(e.ms), rss: Math.max(...e.kb) / 1024, runs: e.ms.length, inproc: e.inproc.length ? median(e.inproc) : undefined, failed: e.failed }
        : { failed: e.failed, runs: 0, timedOut: e.timedOut };
    }
    results.push(row);
    printSize(row);
  }
} finally {
  stopHolders();
  cleanup();
}

function fmtMs(ms) {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

function table(row) {
  const base = row.tools['tcpstate count'].median;
  const lsBase = row.tools['tcpstate ls -tanp'].median;
  const out = [
    `### ${row.n.toLocaleString('en')} sockets`,
    '',
    `Mix: ${row.mix.est * 2} ESTABLISHED (${row.mix.est} pairs), ${row.mix.cw} CLOSE_WAIT + ${row.mix.cw} FIN_WAIT2, ${row.mix.tw} TIME_WAIT (refreshed every 45 s), ${row.mix.holders * LISTEN_PER_HOLDER} LISTEN; ${row.mix.holders} holder processes; tcpstate counted ${row.sockets[0]}–${row.sockets[1]} sockets, reading the kernel by ${row.methods.join('; ') || 'unknown'}. Set-up ${row.setup.toFixed(1)} s.`,
    '',
    '| tool | median | × tcpstate count | × tcpstate ls -tanp | in-process | peak RSS | runs |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const t of TOOLS) {
    const x = row.tools[t.name];
    if (!x.runs && x.timedOut) {
      out.push(`| ${t.name} | > ${SLOW_LIMIT_S} s (stopped) | > ${((SLOW_LIMIT_S * 1000) / base).toFixed(0)} | > ${((SLOW_LIMIT_S * 1000) / lsBase).toFixed(0)} | | | ${x.timedOut} stopped |`);
      continue;
    }
    if (!x.runs) {
      out.push(`| ${t.name} | failed or skipped (${x.failed} failed) | | | | | 0 |`);
      continue;
    }
    out.push(
      `| ${t.name} | ${fmtMs(x.median)} | ${(x.median / base).toFixed(2)} | ${(x.median / lsBase).toFixed(2)} | ${x.inproc !== undefined ? fmtMs(x.inproc) : ''} | ${x.rss.toFixed(1)} MiB | ${x.runs}${x.failed ? ` (+${x.failed} failed)` : ''} |`,
    );
  }
  return out.join('\n');
}

function targets(row) {
  const t = row.tools;
  const c = t['tcpstate count'];
  const out = [];
  const check = (ok, text) => out.push(`- ${ok ? 'met' : '**missed**'}: ${text}`);
  const node0 = t['node -e 0 (Node start alone)'];
  // The lean-start target is for an idle box, measured with hyperfine (its own section); here, for reference only.
  if (row.n <= 1000 && node0.runs) out.push(`- (for reference: count with ${row.n} sockets takes ${fmtMs(c.median - node0.median)} over node -e 0)`);
  if (row.n >= 100000) {
    check(c.median <= 0.6 * t['ss -tan | awk'].median, `count ${fmtMs(c.median)} ≤ 0.6 × ss -tan | awk (${fmtMs(0.6 * t['ss -tan | awk'].median)})`);
    check(c.median <= 0.5 * t['netstat -n | awk'].median, `count ${fmtMs(c.median)} ≤ 0.5 × netstat -n | awk (${fmtMs(0.5 * t['netstat -n | awk'].median)})`);
    const ref = t['C sock_diag count (reference)'].inproc;
    if (c.inproc !== undefined && ref !== undefined) check(c.inproc <= 1.2 * ref, `count in-process ${fmtMs(c.inproc)} ≤ 1.2 × C reference (${fmtMs(1.2 * ref)})`);
    const ssp = t['ss -tanp'];
    const need = row.n >= 400000 ? 40 : 8;
    if (!ssp.runs && ssp.timedOut)
      check(
        (SLOW_LIMIT_S * 1000) / t['tcpstate ls -tanp'].median >= need,
        `ls -tanp more than ${((SLOW_LIMIT_S * 1000) / t['tcpstate ls -tanp'].median).toFixed(1)}× faster than ss -tanp, which was stopped at ${SLOW_LIMIT_S} s (≥ ${need}×)`,
      );
    if (ssp.runs) check(ssp.median / t['tcpstate ls -tanp'].median >= need, `ls -tanp ${(ssp.median / t['tcpstate ls -tanp'].median).toFixed(1)}× faster than ss -tanp (≥ ${need}×)`);
  }
  if (row.n >= 400000) {
    check(c.rss < 100, `count peak RSS ${c.rss.toFixed(1)} MiB < 100 MiB`);
    check(t['tcpstate ls -tanp'].rss < 300, `ls -tanp peak RSS ${t['tcpstate ls -tanp'].rss.toFixed(1)} MiB < 300 MiB`);
  }
  return out.join('\n');
}

function printSize(row) {
  console.log(`\n${table(row)}\n${targets(row)}`);
}

const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? 'unknown';
const ver = (c, a) => {
  try {
    return execFileSync(c, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n')[0]
      .trim();
  } catch {
    return 'unknown';
  }
};
const md = [
  '# Benchmark results',
  '',
  'Made by `sudo node bench/run.mjs` (see the header of bench/run.mjs). Wall time is the whole process',
  '(Node start included) as `bench/build/measure` sees it; "in-process" is the time from the start of',
  "the scan to the counts (tcpstate with TCPSTATE_TIMING=1) or the C reference's own dump-and-count",
  "time; peak RSS is wait4's ru_maxrss (the largest process of a pipeline). Medians over the runs given;",
  'the tools run in rounds, each round in a rotated order. "× tcpstate count" is the median divided by',
  "tcpstate count's (above 1: slower than tcpstate).",
  '',
  `- machine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; load average at the end ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} (the machine is shared)`,
  `- kernel: ${os.release()}; node ${process.version}; ${ver('ss', ['-V'])}; ${ver('netstat', ['-V'])}`,
  `- peers: systeminformation ${JSON.parse(readFileSync(join(here, 'node_modules', 'systeminformation', 'package.json'), 'utf8')).version}, node-netstat ${JSON.parse(readFileSync(join(here, 'node_modules', 'node-netstat', 'package.json'), 'utf8')).version}`,
  `- date: ${new Date().toISOString()}`,
  '',
  ...(lean
    ? [
        '### Lean start (idle namespace, no sockets; hyperfine)',
        '',
        `\`hyperfine -N --warmup 5 --runs ${lean.runs} 'node -e 0' 'node bin/tcpstate.js count'\`: medians ${lean.node.toFixed(1)} ms and ${lean.count.toFixed(1)} ms, so tcpstate count takes **${(lean.count - lean.node).toFixed(1)} ms** over Node's own start (target ≤ 40 ms: ${lean.count - lean.node <= 40 ? 'met' : '**missed**'}); CPU (user + system, mean) ${lean.nodeCpu.toFixed(1)} ms and ${lean.countCpu.toFixed(1)} ms (+${(lean.countCpu - lean.nodeCpu).toFixed(1)} ms).`,
        '',
      ]
    : []),
  ...results.flatMap((r) => [table(r), '', targets(r), '']),
];
writeFileSync(join(here, 'RESULTS.md'), md.join('\n'));
console.log(`\nwrote ${join(here, 'RESULTS.md')}`);
