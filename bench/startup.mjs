// The fixed cost of a tcpstate run: whole processes of two builds, interleaved, for the
// command lines every user types (--version; count and ls of a small capture, count of it
// on stdin (`count - < FILE`) and by remote port; count of a 2M-line capture; explain; a
// live count), under GNU time. Each run's stdout goes to a file or a pipe (--to
// file|pipe|null); both builds' outputs must be byte-identical or the bench stops (explain
// and the live count excepted: they read this host). Medians of wall (measured here, around
// the spawn, in ms), CPU (perf stat's task-clock when perf runs here, else GNU time's user +
// system, in 10 ms steps) and peak RSS (GNU time). mawk's one-liner is timed beside count
// of the big capture.
//
//   node bench/startup.mjs --old /work/wt-old [--runs 10] [--to file] [--big /tmp/X.txt]
//     [--small /tmp/S.txt] [--only NAME,...]
// The captures are made when missing: the committed netstat-n.txt's two header lines, then its
// socket lines repeated, each repetition's port renumbered, to 1,000 and 2,000,000 rows.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
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
    big: { type: 'string', default: join(tmpdir(), 'tcpstate-startup-2m.txt') },
    small: { type: 'string', default: join(tmpdir(), 'tcpstate-startup-1k.txt') },
    only: { type: 'string' },
  },
});
if (!values.old) throw new Error('--old DIR: the other build (a checkout with dist/ and native/ built)');
const builds = [
  ['old', values.old],
  ['new', join(here, '..')],
];
for (const [b, dir] of builds) {
  const cli = join(dir, 'dist', 'src', 'cli');
  if (statSync(join(cli, 'main.bundle.cjs')).mtimeMs < statSync(join(cli, 'main.js')).mtimeMs) throw new Error(`${b}: ${cli}/main.bundle.cjs is older than main.js: run node scripts/bundle.mjs there`);
}
const runs = Number(values.runs);
const cases = {
  version: ['--version'],
  'count-small': ['count', values.small],
  'count-stdin': ['count', '-'],
  'count-by': ['count', '--by', 'rport', values.small],
  'ls-small': ['ls', values.small],
  explain: ['explain'],
  'count-live': ['count'],
  'count-big': ['count', values.big],
};
const only = values.only?.split(',');

/** A netstat -n capture of `rows` socket lines made from the committed one. */
function makeCapture(file, rows) {
  if (existsSync(file)) return;
  const lines = readFileSync(join(here, '..', 'test', 'fixtures', 'text', 'netstat-n.txt'), 'utf8').split('\n');
  const data = lines.filter((l) => l.startsWith('tcp'));
  const head = lines.filter((l) => !l.startsWith('tcp') && l.trim() !== '' && !/^\s/.test(l)).slice(0, 2);
  const fd = openSync(file, 'w');
  let buf = `${head.join('\n')}\n`;
  let n = 0;
  for (let k = 0; n < rows; k++) {
    for (const l of data) {
      if (n++ >= rows) break;
      buf += `${l.replace(/:(\d{5})(\s)/, `:${1024 + (k % 60000)}$2`)}\n`;
    }
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
}
makeCapture(values.small, 1000);
makeCapture(values.big, 2_000_000);
const tmp = mkdtempSync(join(tmpdir(), 'tcpstate-startup-'));
const perf = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', '--', 'true']).status === 0;

/** One whole process: wall ms, CPU s, peak RSS KB, stdout bytes. */
function run(argv, stdin = 'ignore') {
  const timeFile = join(tmp, 'time');
  const outFile = join(tmp, 'out');
  const fd = values.to === 'file' ? openSync(outFile, 'w') : values.to === 'null' ? openSync('/dev/null', 'w') : 'pipe';
  const t0 = process.hrtime.bigint();
  const perfFile = join(tmp, 'perf');
  const timed = ['/usr/bin/time', '-o', timeFile, '-f', '%U %S %M', ...argv];
  const r = spawnSync(perf ? 'perf' : timed[0], perf ? ['stat', '-x,', '-e', 'task-clock', '-o', perfFile, '--', ...timed] : timed.slice(1), { stdio: [stdin, fd, 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (typeof fd === 'number') closeSync(fd);
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  const [u, s, m] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  // perf's task-clock: the CPU time of every thread, in ms with decimals (GNU time's is in 10 ms steps).
  const clock = perf ? /^([\d.]+),msec,task-clock/m.exec(readFileSync(perfFile, 'utf8'))?.[1] : undefined;
  const out = values.to === 'file' ? readFileSync(outFile) : values.to === 'pipe' ? r.stdout : Buffer.alloc(0);
  return { ms, cpu: clock !== undefined ? Number(clock) / 1000 : u + s, rss: m, out };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log(`node ${process.version}; ${runs} runs each, interleaved; stdout to a ${values.to}; ${new Date().toISOString()}`);
console.log(`load average at start: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
console.log(`CPU: ${perf ? "perf stat's task-clock" : "GNU time's user + system"}`);
console.log(`${'case'.padEnd(12)} ${'build'.padEnd(5)} ${'wall ms'.padStart(8)} ${'min'.padStart(6)} ${'cpu ms'.padStart(7)} ${'RSS MB'.padStart(7)}`);
for (const [name, args] of Object.entries(cases)) {
  if (only && !only.includes(name)) continue;
  const lines = [...builds.map(([b, dir]) => [b, [process.execPath, join(dir, 'bin', 'tcpstate.js'), ...args]])];
  if (name === 'count-big') lines.push(['mawk', ['mawk', '/^tcp/ {++S[$NF]} END {for (s in S) print s, S[s]}', values.big]]);
  const got = new Map(lines.map(([b]) => [b, []]));
  const outs = new Map();
  for (let k = 0; k < runs; k++)
    for (const [b, argv] of lines) {
      const input = name === 'count-stdin' ? openSync(values.small, 'r') : 'ignore';
      const r = run(argv, input);
      if (typeof input === 'number') closeSync(input);
      got.get(b).push(r);
      if (b === 'mawk' || name === 'count-live' || name === 'explain') continue;
      if (!outs.has(b)) outs.set(b, r.out);
      else if (!outs.get(b).equals(r.out)) throw new Error(`${name}: ${b} printed something else on run ${k + 1}`);
    }
  if (outs.size === 2 && !outs.get('old').equals(outs.get('new'))) throw new Error(`${name}: old and new outputs differ`);
  for (const [b, rs] of got) {
    const col = (xs, digits, width) => xs.toFixed(digits).padStart(width);
    const ms = rs.map((r) => r.ms);
    console.log(
      `${name.padEnd(12)} ${b.padEnd(5)} ${col(median(ms), 1, 8)} ${col(Math.min(...ms), 1, 6)} ${col(median(rs.map((r) => r.cpu * 1000)), 1, 7)} ${col(median(rs.map((r) => r.rss)) / 1024, 1, 7)}`,
    );
  }
}
rmSync(tmp, { recursive: true, force: true });
