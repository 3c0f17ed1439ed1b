#!/usr/bin/env node
// A/B of the capture connection table: two built trees (e.g. a checkout before a change and
// this one) replay the same capture in process (FlowTable fed by the file reader, nothing
// printed), alternately, each in a fresh process; wall and CPU time of each run.
//
// Usage: node bench/pcap-ab.mjs DIR_A DIR_B FILE [RUNS]   (FILE: e.g. from bench/pcap.mjs --keep)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [a, b, file, runs = '4'] = process.argv.slice(2);
if (process.argv[2] === '--child') {
  const [, dir, capture] = process.argv.slice(2);
  const { FlowTable } = await import(`${dir}/dist/src/pcap/flow.js`);
  // the file reader moved from container.js to capture-read.js; either tree works
  const reader = existsSync(`${dir}/dist/src/pcap/capture-read.js`) ? 'capture-read' : 'container';
  const { readCaptureFile } = await import(`${dir}/dist/src/pcap/${reader}.js`);
  let n = 0;
  const ft = new FlowTable(() => {
    n++;
  });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await readCaptureFile(capture, (p) => ft.packet(p));
  ft.finish();
  const c = process.cpuUsage(c0);
  process.stdout.write(`${((performance.now() - t0) / 1000).toFixed(2)} ${((c.user + c.system) / 1e6).toFixed(2)} ${n}\n`);
} else {
  if (!a || !b || !file) {
    process.stderr.write('usage: node bench/pcap-ab.mjs DIR_A DIR_B FILE [RUNS]\n');
    process.exit(2);
  }
  for (let r = 0; r < Number(runs); r++) {
    for (const dir of [a, b]) {
      const out = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', dir, file], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(out.stderr);
      const [wall, cpu, n] = out.stdout.trim().split(' ');
      console.log(`${dir}\t${wall} s wall\t${cpu} s cpu\t${n} connections`);
    }
  }
}
