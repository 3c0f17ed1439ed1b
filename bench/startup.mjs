// The fixed cost of a tcpstate run: whole processes of two builds, interleaved, for the
// command lines every user types (--version, count and ls of a small capture, count of a
// 2M-line capture, explain, a live count), under GNU time. Each run's stdout goes to a file
// or a pipe (--to file|pipe|null); both builds' outputs must be byte-identical or the bench
// stops. Medians of wall (measured here, around the spawn, in ms), CPU (user + system, GNU
// time's 10 ms resolution) and peak RSS. mawk's one-liner is timed beside count of the big
// capture.
//
//   node bench/startup.mjs --old /work/wt-old [--runs 10] [--to file] [--big /tmp/X.txt]
//     [--small /tmp/S.txt] [--only NAME,...]
// Captures: `node /tmp/mk.mjs test/fixtures/text/netstat-n.txt FILE ROWS` (2000000 and 1000 rows).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    old: { type: 'string' },
    runs: { type: 'string', default: '10' },
    to: { type: 'string', default: 'file' },
    big: { type: 'string', default: '/tmp/st/big.txt' },
    small: { type: 'string', default: '/tmp/st/small.txt' },
    only: { type: 'string' },
  },
});
if (!values.old) throw new Error('--old DIR: the other build (a checkout with dist/ and native/ built)');
const builds = [
  ['old', values.old],
  ['new', join(here, '..')],
];
const runs = Number(values.runs);
const cases = {
  version: ['--version'],
  'count-small': ['count', values.small],
  'ls-small': ['ls', values.small],
  explain: ['explain'],
  'count-live': ['count'],
  'count-big': ['count', values.big],
};
const only = values.only?.split(',');
const tmp = mkdtempSync(join(tmpdir(), 'tcpstate-startup-'));

/** One whole process: wall ms, CPU s, peak RSS KB, stdout bytes. */
function run(argv) {
  const timeFile = join(tmp, 'time');
  const outFile = join(tmp, 'out');
  const fd = values.to === 'file' ? openSync(outFile, 'w') : values.to === 'null' ? openSync('/dev/null', 'w') : 'pipe';
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%U %S %M', ...argv], { stdio: ['ignore', fd, 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (typeof fd === 'number') closeSync(fd);
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  const [u, s, m] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  const out = values.to === 'file' ? readFileSync(outFile) : values.to === 'pipe' ? r.stdout : Buffer.alloc(0);
  return { ms, cpu: u + s, rss: m, out };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log(`node ${process.version}; ${runs} runs each, interleaved; stdout to a ${values.to}; ${new Date().toISOString()}`);
console.log(`load average at start: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
console.log(`${'case'.padEnd(12)} ${'build'.padEnd(5)} ${'wall ms'.padStart(8)} ${'min'.padStart(6)} ${'cpu s'.padStart(6)} ${'RSS MB'.padStart(7)}`);
for (const [name, args] of Object.entries(cases)) {
  if (only && !only.includes(name)) continue;
  const lines = [...builds.map(([b, dir]) => [b, [process.execPath, join(dir, 'bin', 'tcpstate.js'), ...args]])];
  if (name === 'count-big') lines.push(['mawk', ['mawk', '/^tcp/ {++S[$NF]} END {for (s in S) print s, S[s]}', values.big]]);
  const got = new Map(lines.map(([b]) => [b, []]));
  const outs = new Map();
  for (let k = 0; k < runs; k++)
    for (const [b, argv] of lines) {
      const r = run(argv);
      got.get(b).push(r);
      if (b === 'mawk' || name === 'count-live') continue;
      if (!outs.has(b)) outs.set(b, r.out);
      else if (!outs.get(b).equals(r.out)) throw new Error(`${name}: ${b} printed something else on run ${k + 1}`);
    }
  if (outs.size === 2 && !outs.get('old').equals(outs.get('new'))) throw new Error(`${name}: old and new outputs differ`);
  for (const [b, rs] of got) {
    const col = (xs, digits, width) => xs.toFixed(digits).padStart(width);
    const ms = rs.map((r) => r.ms);
    console.log(
      `${name.padEnd(12)} ${b.padEnd(5)} ${col(median(ms), 1, 8)} ${col(Math.min(...ms), 1, 6)} ${col(median(rs.map((r) => r.cpu)), 2, 6)} ${col(median(rs.map((r) => r.rss)) / 1024, 1, 7)}`,
    );
  }
}
rmSync(tmp, { recursive: true, force: true });
