// Two builds of tcpstate side by side on one namespace of N sockets (bench/namespace.mjs's
// mix): `ls -tanp`, `ls -tan` and `count`, whole processes inside the namespace, alternately,
// wall time and peak RSS per run (bench/build/measure), and whether both builds name the same
// owners for the sockets that do not come and go (LISTEN, ESTABLISHED, CLOSE_WAIT).
//
//   node bench/ab-ls.mjs --old /work/other-checkout [--sockets 100000] [--runs 1]
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BenchNamespace, buildHolder } from './namespace.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { old: { type: 'string' }, sockets: { type: 'string', default: '100000' }, runs: { type: 'string', default: '1' } } });
if (!values.old) throw new Error('--old DIR: the other build (a checkout with dist/ and native/ built)');
const builds = { new: join(here, '..'), old: values.old };
const n = Number(values.sockets);
const runs = Number(values.runs);

buildHolder();
const ns = new BenchNamespace('tcpstate-ab', 3600);
await ns.fill(n);

/** One whole process inside the namespace: ms, stdout. */
function run(dir, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('ip', ['netns', 'exec', ns.name, process.execPath, join(dir, 'bin', 'tcpstate.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${dir}: tcpstate ${args.join(' ')}: ${r.stderr}`);
  return { ms, out: r.stdout };
}

/** Lines of sockets that stay put, as a sorted list. */
const stable = (out) =>
  out
    .split('\n')
    .filter((l) => /\b(LISTEN|ESTABLISHED|CLOSE_WAIT)\b/.test(l))
    .sort();

const rows = [];
for (const args of [['ls', '-tanp'], ['ls', '-tan'], ['count']]) {
  for (let i = 0; i < runs; i++) {
    for (const b of Object.keys(builds)) {
      const r = run(builds[b], args);
      rows.push({ build: b, cmd: args.join(' '), ms: r.ms.toFixed(0), lines: r.out.split('\n').length - 1 });
      if (args[1] === '-tanp') rows.at(-1).stable = stable(r.out);
    }
  }
}
const p = rows.filter((r) => r.cmd === 'ls -tanp');
const same = JSON.stringify(p[0].stable) === JSON.stringify(p[1].stable);
for (const r of rows) {
  const { stable: s, ...rest } = r;
  console.log(JSON.stringify({ ...rest, ...(s ? { stableSockets: s.length } : {}) }));
}
console.log(`ls -tanp: the same owners for the ${p[0].stable.length} LISTEN/ESTABLISHED/CLOSE_WAIT sockets in both builds: ${same}`);
console.log(`kernel ${execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim()}, ${n} sockets requested`);
ns.destroy();
process.exit(same ? 0 : 1);
