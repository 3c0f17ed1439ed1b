// Times process attribution alone (start → done, nothing overlapped) on this host:
// the native scan on 1, 2 and 3 threads, the JS path (worker + readlinkSync), and, with
// --old DIR, another build's startProcessScan (e.g. a checkout before the native threads).
//   node bench/scan.mjs [--netns NAME | --pids 1,2,3] [--runs 7] [--old DIR]
// --netns NAME scans only the processes in that namespace (the holders of bench/run.mjs or
// /work/scratch/hold.sh), so other sessions' processes on a shared machine do not count.
// Build first (npx tsc -p .). Prints medians in ms.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { netns: { type: 'string' }, pids: { type: 'string' }, runs: { type: 'string', default: '7' }, old: { type: 'string' } } });
const here = new URL('../dist/src/sources/', import.meta.url);
const { startProcessScan } = await import(new URL('process-scan.js', here));
const { listPids } = await import(new URL('processes.js', here));
const { loadNative } = await import(new URL('native.js', here));
const { DEFAULT_CONFIG } = await import(new URL('config.js', here));
const addon = loadNative(DEFAULT_CONFIG).addon;
const old = values.old ? await import(`${values.old}/dist/src/sources/process-scan.js`) : undefined;
const pids = values.pids
  ? values.pids.split(',').map(Number)
  : values.netns
    ? execFileSync('ip', ['netns', 'pids', values.netns], { encoding: 'utf8' })
        .split(/\s+/)
        .filter(Boolean)
        .map(Number)
        .sort((a, b) => a - b)
    : listPids('/proc');

const variants = {
  'native, 1 thread': () => startProcessScan('/proc', { pids, threads: 1, addon }),
  'native, 2 threads': () => startProcessScan('/proc', { pids, threads: 2, addon }),
  'native, 3 threads': () => startProcessScan('/proc', { pids, threads: 3, addon }),
  'JS: worker + readlinkSync': () => startProcessScan('/proc', { pids }),
};
if (old) variants['--old: startProcessScan'] = () => old.startProcessScan('/proc', { pids });
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
let sockets = 0;
for (let r = 0; r < Number(values.runs); r++) {
  for (const [name, start] of Object.entries(variants)) {
    const t0 = performance.now();
    const scan = await start().done();
    times[name].push(performance.now() - t0);
    sockets = scan.owners.size;
  }
}
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
};
console.log(`${pids.length} processes, ${sockets} socket inodes with an owner, ${values.runs} runs each (alternating)`);
for (const [name, t] of Object.entries(times)) console.log(`${name.padEnd(28)} ${median(t).toFixed(1).padStart(8)} ms   (min ${Math.min(...t).toFixed(1)})`);
