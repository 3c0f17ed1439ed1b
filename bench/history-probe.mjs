#!/usr/bin/env node
// Where `serve`'s recorded history samples spend memory and main-thread time (issue 13):
// a namespace of N sockets (bench/namespace.mjs), then inside it, in one process, the
// sampler's /metrics sample and its recorded sample (SampleWant.summary and record, the store
// on the sampler's worker) taken in turn, with the process's RSS and peak and the main
// thread's event-loop delay around each.
//
//   sudo node bench/history-probe.mjs [--sockets 100000] [--rounds 5]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchNamespace, buildHolder } from './namespace.mjs';
import { args, opt, repo } from './args.mjs';

if (process.env.PROBE_CHILD) {
  const { readFileSync, mkdtempSync, rmSync } = await import('node:fs');
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const { Sampler } = await import(join(repo, 'dist/src/engine/sampler.js'));
  const rounds = Number(opt('--rounds', '5'));
  const mem = () => {
    const s = readFileSync('/proc/self/status', 'utf8');
    const kb = (k) => Math.round(Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)[1]) / 102.4) / 10;
    return { rssMiB: kb('VmRSS'), peakMiB: kb('VmHWM') };
  };
  const dir = mkdtempSync('/tmp/tcst-probe-');
  const sampler = new Sampler();
  // As serve: the store on the sampler's worker, a recorded sample with owners and groups.
  await sampler.openHistory(join(dir, 'h.db'), { top: 20 });
  const out = { start: mem(), metrics: [], history: [] };
  const h = monitorEventLoopDelay({ resolution: 5 });
  const timed = async (want) => {
    h.reset();
    h.enable();
    const t0 = performance.now();
    const s = await sampler.sample(want);
    const ms = Math.round(performance.now() - t0);
    h.disable();
    if (s.recordError) throw new Error(s.recordError.message);
    return { ms, source: s.source, ...mem(), loopMaxMs: Math.round(h.max / 1e5) / 10 };
  };
  for (let r = 0; r < rounds; r++) {
    out.metrics.push(await timed({ metrics: { top: 20, byProcess: false }, rows: false }));
    out.history.push(await timed({ processes: true, rows: false, summary: { top: 20 }, record: { intervalMs: 10_000 } }));
  }
  await sampler.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify(out));
  process.exit(0);
}

if (process.getuid?.() !== 0) {
  console.error('bench: needs root');
  process.exit(2);
}
buildHolder();
const bns = new BenchNamespace('tcst-bprobe');
await bns.fill(Number(opt('--sockets', '100000')));
console.log(`sockets: ${bns.sh('ss -tanH | wc -l').trim()}`);
const child = spawn('ip', ['netns', 'exec', bns.name, process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...args], { stdio: 'inherit', env: { ...process.env, PROBE_CHILD: '1' } });
await new Promise((r) => child.once('exit', r));
bns.destroy();
