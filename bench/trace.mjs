#!/usr/bin/env node
// `tcpstate trace` against bpftrace (issue 20): connection churn at fixed rates in a namespace
// (bench/churn.c: connect, accept, reset; 6 state changes a connection plus none in
// TIME_WAIT), watched by nothing, by `trace --json` (stdout to /dev/null), by `trace --count`,
// and by a tcpstates-like bpftrace one-liner on the same tracepoint; and per finished
// connection by `trace --lifetimes --json` against a tcplife-like bpftrace one-liner (birth
// time, owner at SYN_SENT/LAST_ACK, bytes_acked/bytes_received and ms at CLOSE: 2 lines a
// connection). For each: connections made (the workload's slowdown), the watcher's CPU seconds
// (utime+stime from /proc), the changes or connections it printed or counted, and those it
// reported lost.
//
//   sudo node bench/trace.mjs [--rates 1000,10000] [--seconds 10] [--watchers none,bpftrace,...]
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { BenchNamespace } from './namespace.mjs';
import { opt, repo } from './args.mjs';

const here = join(repo, 'bench');
const RATES = opt('--rates', '1000,10000').split(',').map(Number);
const SECONDS = Number(opt('--seconds', '10'));
if (process.getuid?.() !== 0) {
  console.error('bench: needs root');
  process.exit(2);
}

mkdirSync(join(here, 'build'), { recursive: true });
execFileSync('gcc', ['-O2', '-Wall', '-o', join(here, 'build', 'churn'), join(here, 'churn.c')], { stdio: 'inherit' });
const ns = new BenchNamespace('tcst-btrace');
const inum = statSync(ns.path).ino;
const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
const cpu = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / ticks;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const WATCHERS = {
  none: null,
  'trace --json': [process.execPath, join(repo, 'bin', 'tcpstate.js'), 'trace', '--json', '--netns', ns.name],
  'trace --count': [process.execPath, join(repo, 'bin', 'tcpstate.js'), 'trace', '--count', '--json', '--netns', ns.name],
  bpftrace: [
    'bpftrace',
    '-e',
    `tracepoint:sock:inet_sock_set_state /args->protocol == 6 && ((struct sock *)args->skaddr)->__sk_common.skc_net.net->ns.inum == ${inum}/ { printf("%d %s %d %d %d %d\\n", pid, comm, args->sport, args->dport, args->oldstate, args->newstate); }`,
  ],
  'trace --lifetimes': [process.execPath, join(repo, 'bin', 'tcpstate.js'), 'trace', '--lifetimes', '--json', '--netns', ns.name],
  'bpftrace tcplife': [
    'bpftrace',
    '-e',
    `tracepoint:sock:inet_sock_set_state /args->protocol == 6 && ((struct sock *)args->skaddr)->__sk_common.skc_net.net->ns.inum == ${inum}/ {
    $sk = args->skaddr;
    if (args->newstate < 4 && @birth[$sk] == 0) { @birth[$sk] = nsecs; }
    if (args->newstate == 2 || args->newstate == 9) { @pid[$sk] = pid; @comm[$sk] = comm; }
    if (args->newstate == 7) {
      if (@birth[$sk] != 0) {
        $tp = (struct tcp_sock *)$sk;
        printf("%d %s %d %d %lu %lu %lu\\n", @pid[$sk], @comm[$sk], args->sport, args->dport, $tp->bytes_acked, $tp->bytes_received, (nsecs - @birth[$sk]) / 1000000);
      }
      delete(@birth[$sk]); delete(@pid[$sk]); delete(@comm[$sk]);
    }
  }`,
  ],
};
const only = opt('--watchers', undefined)?.split(',');
for (const k of Object.keys(WATCHERS)) if (only && !only.includes(k)) delete WATCHERS[k];
const perConnection = (name) => name === 'trace --lifetimes' || name === 'bpftrace tcplife';

const rows = [];
let port = 20000;
for (const rate of RATES) {
  for (const [name, cmd] of Object.entries(WATCHERS)) {
    let child;
    let lines = 0;
    let out = '';
    let err = '';
    // bpftrace's output goes to a file, counted after it exits (everything it printed)
    const file = join(here, 'build', `trace-bench-${process.pid}.out`);
    if (cmd) {
      const fd = name.startsWith('bpftrace') ? openSync(file, 'w') : undefined;
      child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', fd ?? 'pipe', 'pipe'] });
      if (fd !== undefined) closeSync(fd);
      let part = '';
      child.stdout?.on('data', (d) => {
        const ls = (part + d.toString()).split('\n');
        part = ls.pop();
        lines += ls.length;
        if (name === 'trace --count') out += ls.join('\n') + '\n';
      });
      child.stderr.on('data', (d) => {
        err += d.toString();
      });
      await sleep(name.startsWith('bpftrace') ? 6000 : 2500);
    }
    const c0 = child ? cpu(child.pid) : 0;
    const [made, took] = ns
      .sh(`${join(here, 'build', 'churn')} ${port++} ${rate} ${SECONDS}`)
      .trim()
      .split(' ')
      .map(Number);
    await sleep(1000);
    const c1 = child ? cpu(child.pid) : 0;
    let counted;
    let lost = 0;
    if (child) {
      const closed = new Promise((r) => child.once('close', r));
      child.kill('SIGINT');
      await closed;
      // tcpstate's warning, or bpftrace's "Lost N events" (perf buffer full)
      if (name.startsWith('bpftrace')) {
        const text = readFileSync(file, 'utf8');
        lines = text.split('\n').filter((l) => (perConnection(name) ? /^\d+ \S* ?\d+ \d+ \d+ \d+ \d+$/ : /^\d+ \S* ?\d+ \d+ \d+ \d+$/).test(l)).length;
        out = text
          .split('\n')
          .filter((l) => /Lost/.test(l))
          .join('\n');
        unlinkSync(file);
      }
      lost = Number(/(\d+) state changes lost/.exec(err)?.[1] ?? 0) + [...`${out}\n${err}`.matchAll(/Lost (\d+) events/g)].reduce((a, m) => a + Number(m[1]), 0);
      if (name === 'trace --count') {
        const doc = JSON.parse(out.trim().split('\n').at(-1));
        counted = doc.transitions.reduce((a, t) => a + t.count, 0);
      }
    }
    const row = {
      rate,
      watcher: name,
      connections: made,
      seconds: took,
      connPerS: Math.round(made / took),
      cpuS: +(c1 - c0).toFixed(2),
      events: counted ?? lines,
      expected: perConnection(name) ? 2 * made : 6 * made + 2,
      lost,
    };
    rows.push(row);
    console.error(JSON.stringify(row));
  }
}
ns.destroy();
console.log('| target conn/s | watcher | conn/s made | CPU s of the watcher | changes (lifetimes: connection ends) seen | expected | lost (reported) |');
console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows)
  console.log(
    `| ${r.rate} | ${r.watcher} | ${r.connPerS} | ${r.watcher === 'none' ? '-' : r.cpuS} | ${r.watcher === 'none' ? '-' : r.events} | ${r.watcher === 'none' ? '-' : r.expected} | ${r.watcher === 'none' ? '-' : r.lost} |`,
  );
console.log(JSON.stringify(rows));
