#!/usr/bin/env node
// CPU of `tcpstate watch` against `watch -n1 ss -s` and `watch -n1 "ss -tan | awk ..."` at a
// 1 s interval, over a namespace holding N loopback sockets (issue 16's benchmark).
//
//   sudo node bench/watch.mjs [--sizes 100000,400000] [--seconds 30]
//
// Sockets are made by bench/holder.c as bench/run.mjs makes them (10% TIME_WAIT, 8%
// CLOSE_WAIT + 8% FIN_WAIT2, 16 listeners per holder, the rest ESTABLISHED pairs). Each tool
// runs for --seconds inside the namespace under `timeout -s INT` and /usr/bin/time, whose
// user+system time covers the tool and every child it waited for (watch(1)'s ss and awk;
// tcpstate's worker thread). A run of `tcpstate watch --count 1` gives its start-up cost,
// which the steady-state figure leaves out. Results: a table on stdout and
// bench/RESULTS-watch.md. Everything started is killed by PID and the namespace deleted.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { opt, repo } from './args.mjs';

const here = join(repo, 'bench');
const SIZES = opt('--sizes', '100000').split(',').map(Number);
const SECONDS = Number(opt('--seconds', '30'));
const FD_PER_HOLDER = 19000;
const LISTEN_PER_HOLDER = 16;

if (process.getuid?.() !== 0) {
  console.error('bench: needs root (network namespace)');
  process.exit(2);
}
const sh = (cmd, a, o = {}) => execFileSync(cmd, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...o });
sh('npm', ['run', '--silent', 'build'], { cwd: repo });
mkdirSync(join(here, 'build'), { recursive: true });
sh('gcc', ['-O2', '-Wall', '-o', join(here, 'build', 'holder'), join(here, 'holder.c')]);

const NS = `tcst-bwatch-${process.pid}`;
const holders = [];
function cleanup() {
  for (const h of holders) {
    try {
      process.kill(h.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  holders.length = 0;
  try {
    execFileSync('ip', ['netns', 'del', NS], { stdio: 'ignore' });
  } catch {
    /* gone */
  }
}
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});
process.on('SIGTERM', () => {
  cleanup();
  process.exit(143);
});
process.on('exit', cleanup);
execFileSync('ip', ['netns', 'add', NS]);
const nsx = (cmd) => execFileSync('ip', ['netns', 'exec', NS, 'sh', '-c', cmd], { stdio: 'ignore' });
nsx('ip link set lo up');
nsx('echo "1024 65535" > /proc/sys/net/ipv4/ip_local_port_range; echo 2000000 > /proc/sys/net/ipv4/tcp_max_tw_buckets; echo 65535 > /proc/sys/net/core/somaxconn');

function mix(n) {
  const tw = Math.round(n * 0.1);
  const cw = Math.round(n * 0.08);
  let h = 1;
  for (;;) {
    const est = Math.max(0, Math.floor((n - tw - 2 * cw - LISTEN_PER_HOLDER * h) / 2));
    if (2 * est + 2 * cw + LISTEN_PER_HOLDER * h <= h * FD_PER_HOLDER) return { n, tw, cw, est, holders: h };
    h = Math.ceil((2 * est + 2 * cw + LISTEN_PER_HOLDER * h) / FD_PER_HOLDER);
  }
}

function lineOf(child) {
  return new Promise((res, rej) => {
    let buf = '';
    const on = (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        child.stdout.off('data', on);
        res(buf.slice(0, nl));
      }
    };
    child.stdout.on('data', on);
    child.once('exit', (c) => rej(new Error(`holder exited with ${c}`)));
  });
}

let idBase = 0;
let twGen = 0;
async function startHolders(m) {
  const split = (total, k, i) => Math.floor(total / k) + (i < total % k ? 1 : 0);
  const started = [];
  for (let i = 0; i < m.holders; i++) {
    const child = spawn(
      'ip',
      ['netns', 'exec', NS, join(here, 'build', 'holder'), String(++idBase), String(split(m.est, m.holders, i)), String(split(m.cw, m.holders, i)), String(LISTEN_PER_HOLDER)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    holders.push(child);
    started.push(lineOf(child));
  }
  for (const l of await Promise.all(started)) if (!l.startsWith('ready')) throw new Error(`holder: ${l}`);
  twGen++;
  const oks = holders.map((h, i) => {
    const p = lineOf(h);
    h.stdin.write(`tw ${split(m.tw, holders.length, i)} ${twGen}\n`);
    return p;
  });
  for (const l of await Promise.all(oks)) if (!l.startsWith('ok')) throw new Error(`holder: ${l}`);
}
function stopHolders() {
  for (const h of holders) {
    try {
      h.stdin.end();
      process.kill(h.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  holders.length = 0;
}

const T = `node ${join(repo, 'bin', 'tcpstate.js')}`;
const AWK = `ss -tan | awk 'NR>1 {++S[\\$1]} END {for(a in S) print a, S[a]; print \\"TOTAL\\", NR-1}'`;
// Refreshes are counted: tcpstate's lines (headers left out) or JSON objects; for watch(1),
// a line appended to OUT by the watched command itself (watch -n1 sleeps 1 s after each run,
// so a slow command refreshes less often than every second).
const TOOLS = [
  { name: 'tcpstate watch (plain view, lines)', cmd: `${T} watch --interval 1 > OUT`, start: `${T} watch --count 1 > /dev/null`, ticks: (t) => t.split('\n').filter((l) => /^\d/.test(l)).length },
  {
    name: 'tcpstate watch --json --by lport (grouping)',
    cmd: `${T} watch --json --by lport --interval 1 > OUT`,
    start: `${T} watch --json --by lport --count 1 > /dev/null`,
    ticks: (t) => t.split('\n').filter((l) => l.startsWith('{')).length,
  },
  { name: 'watch -n1 ss -s', cmd: 'watch -n1 "ss -s; echo >> OUT" > /dev/null' },
  // awk's TOTAL lines say each run counted the whole table.
  { name: 'watch -n1 "ss -tan | awk"', cmd: `watch -n1 "${AWK} | grep TOTAL >> OUT" > /dev/null`, totals: true },
];
const env = { ...process.env, TERM: 'xterm', COLUMNS: '120', LINES: '40' };
delete env.NODE_EXTRA_CA_CERTS;

/** user+system CPU seconds and wall seconds of `cmd` run in the namespace for `secs` (or to its end). */
function cpu(cmd, secs) {
  // Single quotes: the command reaches the inner shell as written (a double-quoted one would
  // lose awk's $1 to the outer shell).
  const q = (x) => `'${x.replace(/'/g, `'\\''`)}'`;
  const line = secs === undefined ? cmd : `timeout -s INT ${secs} sh -c ${q(`exec ${cmd}`)}`;
  const r = spawnSync('ip', ['netns', 'exec', NS, '/usr/bin/time', '-f', 'TIME %U %S %e', 'sh', '-c', line], { encoding: 'utf8', env });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  if (!m) throw new Error(`no timing for ${cmd}: ${r.stderr}`);
  return { cpu: Number(m[1]) + Number(m[2]), wall: Number(m[3]) };
}

const rows = [];
for (const n of SIZES) {
  const m = mix(n);
  await startHolders(m);
  const sockets = JSON.parse(sh('ip', ['netns', 'exec', NS, 'node', join(repo, 'bin', 'tcpstate.js'), 'count', '--json'])).total;
  const ss = Number(sh('ip', ['netns', 'exec', NS, 'sh', '-c', 'ss -tanH | wc -l']).trim());
  console.log(`${n}: ${sockets} sockets (ss: ${ss})`);
  for (const t of TOOLS) {
    const out = join(here, 'build', 'watch-out.txt');
    writeFileSync(out, '');
    const run = cpu(t.cmd.replace('OUT', out), SECONDS);
    const text = readFileSync(out, 'utf8');
    const refreshes = t.ticks ? t.ticks(text) : text.split('\n').length - 1;
    if (t.totals) {
      const seen = [...text.matchAll(/TOTAL (\d+)/g)].map((x) => Number(x[1]));
      console.log(`  (awk counted ${Math.min(...seen)}..${Math.max(...seen)} sockets per run)`);
    }
    const start = t.start ? cpu(t.start) : undefined;
    const steady = start ? (run.cpu - start.cpu) / (run.wall - start.wall) : run.cpu / run.wall;
    const row = {
      n: sockets,
      ss,
      tool: t.name,
      cpuS: run.cpu,
      wallS: run.wall,
      pct: (100 * run.cpu) / run.wall,
      startCpuS: start?.cpu,
      steadyPct: 100 * steady,
      refreshes,
      perRefreshMs: (1000 * (run.cpu - (start?.cpu ?? 0))) / Math.max(1, refreshes),
    };
    rows.push(row);
    console.log(
      `  ${t.name.padEnd(46)} ${row.cpuS.toFixed(2)} s CPU in ${row.wallS.toFixed(1)} s = ${row.pct.toFixed(1)}% of a core${start ? `; start-up ${start.cpu.toFixed(2)} s, steady ${row.steadyPct.toFixed(1)}%` : ''}; ${refreshes} refreshes, ${row.perRefreshMs.toFixed(0)} ms CPU each`,
    );
  }
  stopHolders();
}

const cpuInfo = os.cpus()[0]?.model ?? 'unknown CPU';
let md = `# tcpstate watch: CPU against watch(1) + ss\n\nRun: \`sudo node bench/watch.mjs --sizes ${SIZES.join(',')} --seconds ${SECONDS}\` on ${new Date().toISOString().slice(0, 10)}, `;
md += `${os.cpus().length} cores (${cpuInfo}), Linux ${os.release()}, Node ${process.version}. The machine is shared: other engineers' builds and tests ran at the same time, so the numbers carry noise.\n\n`;
md +=
  "Each tool ran at a 1 s interval for the stated wall time in a namespace holding the sockets; CPU is user+system of the tool and every child it reaped (`/usr/bin/time`). `steady` leaves out tcpstate's start-up (a `--count 1` run).\n\n";
md +=
  "A refresh is one new screen of numbers: a tcpstate tick, or one run of the command `watch` repeats (it waits 1 s after each run ends, so a command that takes longer refreshes less often). CPU per refresh leaves tcpstate's start-up out.\n\n";
md += '| sockets (ss) | tool | CPU s | wall s | % of a core | start-up CPU s | steady % | refreshes | CPU ms per refresh |\n| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n';
for (const r of rows)
  md += `| ${r.n} (${r.ss}) | ${r.tool.replace(/\|/g, '\\|')} | ${r.cpuS.toFixed(2)} | ${r.wallS.toFixed(1)} | ${r.pct.toFixed(1)} | ${r.startCpuS === undefined ? '' : r.startCpuS.toFixed(2)} | ${r.steadyPct.toFixed(1)} | ${r.refreshes} | ${r.perRefreshMs.toFixed(0)} |\n`;
writeFileSync(join(here, 'RESULTS-watch.md'), md);
console.log('wrote bench/RESULTS-watch.md');
