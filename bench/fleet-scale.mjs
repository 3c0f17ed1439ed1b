// Fleet scale: one real Prometheus scraping N synthetic hosts at 15 s, each serving the
// /metrics of a real `tcpstate serve` whose namespace holds sockets on 25 listening and 25
// upstream ports (past the default cap of 20 per side, so port="other" is there too).
// Measures series per host, head series, scrape durations, Prometheus memory, rule
// evaluation, and `tcpstate fleet` wall time. Usage (root, after npm run build):
//   node bench/fleet-scale.mjs [HOSTS=1000] [ROUNDS=3]
// Prints a Markdown section for bench/RESULTS-fleet.md.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'bin', 'tcpstate.js');
const N = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 3);
const INTERVAL = 15;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];
const ns = `tcst-fleetbench-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'tcpstate-fleet-bench-'));

function freePort() {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
}
function cleanup() {
  for (const c of children) {
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  try {
    for (const p of execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean)) process.kill(Number(p), 'SIGKILL');
  } catch {
    /* gone */
  }
  spawnSync('ip', ['netns', 'del', ns]);
  rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

// 1. The namespace: 25 listeners, 2 connections to each, held open.
execFileSync('ip', ['netns', 'add', ns]);
execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
const holder = `const net=require('net');const keep=[];let n=0;for(let p=8000;p<8025;p++){const s=net.createServer((c)=>keep.push(c));s.listen(p,'127.0.0.1',()=>{for(let k=0;k<2;k++){const c=net.connect(p,'127.0.0.1');keep.push(c);c.on('connect',()=>{if(++n===50)console.log('ready')})}})}setTimeout(()=>{},1e9)`;
const h = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', holder], { stdio: ['ignore', 'pipe', 'inherit'] });
children.push(h);
await new Promise((res) =>
  h.stdout.on('data', (d) => {
    if (String(d).includes('ready')) res();
  }),
);

// 2. A real agent on it: its exposition is each synthetic host's.
const servePort = await freePort();
const serve = spawn(process.execPath, [CLI, 'serve', '--netns', ns, '--findings', '--listen', `127.0.0.1:${servePort}`], { stdio: ['ignore', 'ignore', 'pipe'] });
children.push(serve);
await new Promise((res) => {
  let e = '';
  serve.stderr.on('data', (d) => {
    e += d;
    if (/listening on/.test(e)) res();
  });
});
const body = await (await fetch(`http://127.0.0.1:${servePort}/metrics`)).text();
const lines = body.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
const perMetric = {};
for (const l of lines) {
  const m = /^[a-z_]+/.exec(l)[0];
  perMetric[m] = (perMetric[m] ?? 0) + 1;
}
const serveTimes = [];
for (let i = 0; i < 20; i++) {
  const t = performance.now();
  await (await fetch(`http://127.0.0.1:${servePort}/metrics`)).text();
  serveTimes.push(performance.now() - t);
}

// 3. N synthetic hosts on one port: /h/NNNN answers the agent's body, state counts jittered.
const synthPort = await freePort();
let served = 0;
const synth = createServer((req, res) => {
  served++;
  const i = Number(req.url.slice(3));
  const text = body.replace(/^(tcpstate_sockets\{[^}]*\}) (\d+)$/gm, (_, s, v) => `${s} ${Number(v) + ((i * 7 + served) % 5)}`);
  res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
});
await new Promise((r) => synth.listen(synthPort, '127.0.0.1', r));

// 4. Prometheus scraping them with host and role labels, and the shipped rules.
const promPort = await freePort();
const roles = ['lvs', 'web', 'db', 'cache'];
const targets = Array.from(
  { length: N },
  (_, i) => `      - targets: ['127.0.0.1:${synthPort}']\n        labels: {host: 'h${String(i).padStart(5, '0')}', role: '${roles[i % roles.length]}', __metrics_path__: '/h/${i}'}\n`,
).join('');
copyFileSync(join(root, 'contrib', 'prometheus', 'tcpstate.rules.yml'), join(dir, 'tcpstate.rules.yml'));
writeFileSync(
  join(dir, 'prometheus.yml'),
  `global:\n  scrape_interval: ${INTERVAL}s\n  evaluation_interval: ${INTERVAL}s\nrule_files: [tcpstate.rules.yml]\nscrape_configs:\n  - job_name: tcpstate\n    static_configs:\n${targets}`,
);
const prom = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
children.push(prom);
const PROM = `http://127.0.0.1:${promPort}`;
async function q(expr) {
  for (;;) {
    try {
      const j = await (await fetch(`${PROM}/api/v1/query?query=${encodeURIComponent(expr)}`)).json();
      if (j.status === 'success') return j.data.result.map((r) => Number(r.value[1]));
    } catch {
      /* starting */
    }
    await sleep(500);
  }
}
const started = Date.now();
await q('vector(1)');
// Every target scraped ROUNDS times.
while ((await q('count(scrape_samples_scraped{job="tcpstate"})'))[0] !== N) await sleep(1000);
await sleep(ROUNDS * INTERVAL * 1000);
// Prometheus's own metrics (it does not scrape itself here).
const self = await (await fetch(`${PROM}/metrics`)).text();
const selfMetric = (name) => [...self.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].map((m) => Number(m[1]));
const headSeries = selfMetric('prometheus_tsdb_head_series')[0];
const samplesPerScrape = (await q('avg(scrape_samples_scraped{job="tcpstate"})'))[0];
const scrapeAvg = (await q('avg(scrape_duration_seconds{job="tcpstate"})'))[0];
const scrapeMax = (await q('max(scrape_duration_seconds{job="tcpstate"})'))[0];
const up = (await q('sum(up{job="tcpstate"})'))[0];
const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${prom.pid}/status`, 'utf8'))[1]) * 1024;
const ruleEval = Math.max(...selfMetric('prometheus_rule_group_last_duration_seconds'));

function timeCli(args) {
  const times = [];
  let out = '';
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    out = r.stdout;
  }
  times.sort((a, b) => a - b);
  return { median: times[2], min: times[0], max: times[4], out };
}
const fleet = timeCli(['fleet', '--prometheus', PROM, '--host-label', 'host', '--group-label', 'role']);
const fleetJson = timeCli(['fleet', '--prometheus', PROM, '--host-label', 'host', '--group-label', 'role', '--json']);
const byPort = timeCli(['fleet', '--prometheus', PROM, '--host-label', 'host', '--group-label', 'role', '--by', 'lport', '--state', 'established']);
const rows = JSON.parse(fleetJson.out).hosts.length;
async function timeQuery(expr) {
  const t = [];
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    await q(expr);
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[2];
}
const rawQ = await timeQuery('sum by (host, role, state) (tcpstate_sockets)');
const recQ = await timeQuery('host:tcpstate_sockets:sum');
const ms = (x) => `${x.toFixed(0)} ms`;
console.log(`## ${N} hosts, scrape interval ${INTERVAL} s (${new Date().toISOString()})

Machine: ${(await import('node:os')).cpus().length} cores, shared; Prometheus ${spawnSync('prometheus', ['--version'], { encoding: 'utf8' })
  .stdout.split('\n')[0]
  .replace(/^prometheus, /, '')}.
Agent: a real \`tcpstate serve --findings\` on a namespace with 25 listening ports and 50 connections (past the default --top 20 per side).

| measure | value |
| --- | --- |
| series per host (the agent's /metrics) | ${lines.length} |
| of which tcpstate_port_sockets / tcpstate_sockets / counters (_total) | ${perMetric['tcpstate_port_sockets']} / ${perMetric['tcpstate_sockets']} / ${Object.entries(perMetric)
  .filter(([k]) => k.endsWith('_total'))
  .reduce((a, [, v]) => a + v, 0)} |
| the agent's /metrics, median of 20 (sampling included) | ${ms(serveTimes.sort((a, b) => a - b)[10])} |
| targets up | ${up} of ${N} |
| samples per scrape (avg) | ${samplesPerScrape} |
| Prometheus head series | ${headSeries} |
| scrape duration avg / max | ${(scrapeAvg * 1000).toFixed(1)} ms / ${(scrapeMax * 1000).toFixed(1)} ms |
| Prometheus RSS after ${ROUNDS} rounds (${Math.round((Date.now() - started) / 1000)} s up) | ${(rss / 2 ** 20).toFixed(0)} MiB |
| rule group evaluation (max of the groups) | ${(ruleEval * 1000).toFixed(1)} ms |
| \`tcpstate fleet\` (table, ${rows} rows), median / min / max of 5 | ${ms(fleet.median)} / ${ms(fleet.min)} / ${ms(fleet.max)} |
| \`tcpstate fleet --json\` median | ${ms(fleetJson.median)} |
| \`tcpstate fleet --by lport --state established\` median | ${ms(byPort.median)} |
| PromQL \`sum by (host, role, state) (tcpstate_sockets)\` median | ${ms(rawQ)} |
| PromQL \`host:tcpstate_sockets:sum\` (recording rule) median | ${ms(recQ)} |
`);
synth.close();
process.exit(0);
