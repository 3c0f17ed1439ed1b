/**
 * How fast, and in how much memory, captured text is read. A large capture is made from the
 * committed real ones (their socket lines repeated with fresh port numbers); then:
 *
 * - `tcpstate count FILE` on a `netstat -n` capture of ROWS lines (2,000,000 by default,
 *   ~157 MB), against the awk one-liner it replaces, each run as a process under
 *   /usr/bin/time (elapsed seconds, peak RSS); the totals must agree;
 * - the reader in this process (CaptureReader, 1 MiB pieces) on listings of each format,
 *   for rows per second.
 *
 *   npx tsc -p . && node dist/bench/text-capture.js [ROWS] [RUNS]
 *
 * Needs GNU time as /usr/bin/time (Debian: apt-get install time) and mawk or awk.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureReader } from '../src/sources/text/read.js';

const ROWS = Number(process.argv[2] ?? 2_000_000);
const RUNS = Number(process.argv[3] ?? 3);
const REPO = join(import.meta.dirname, '..', '..');
const FIXTURES = join(REPO, 'test', 'fixtures', 'text');
const CLI = join(REPO, 'bin', 'tcpstate.js');
const AWK = "/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}";

/** Write a capture of `rows` socket lines: the fixture's head, then its data lines with fresh ports. */
function grow(file: string, isData: (l: string) => boolean, rows: number, out: string): number {
  const lines = readFileSync(join(FIXTURES, file), 'utf8').split('\n');
  const head = lines.filter((l) => !isData(l) && l.trim() !== '' && !/^\s/.test(l)).slice(0, 2);
  const data = lines.filter(isData);
  const fd = openSync(out, 'w');
  let bytes = 0;
  let buf = head.join('\n') + '\n';
  let n = 0;
  for (let k = 0; n < rows; k++) {
    const port = 1024 + (k % 60000);
    for (const l of data) {
      if (n++ >= rows) break;
      buf += l.replace(/:(\d{5})(\s)/, `:${port}$2`) + '\n';
    }
    if (buf.length > 1 << 20) { bytes += writeSync(fd, buf); buf = ''; }
  }
  bytes += writeSync(fd, buf);
  closeSync(fd);
  return bytes;
}

/** Best elapsed seconds and largest peak RSS (MB) of a command, and its output. */
function timed(argv: string[]): { s: number; mb: number; out: string } {
  let s = Infinity;
  let mb = 0;
  let out = '';
  for (let r = 0; r < RUNS; r++) {
    const p = spawnSync('/usr/bin/time', ['-f', '%e %M', ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (p.status !== 0) throw new Error(`${argv.join(' ')}: ${p.stderr}`);
    const [e, kb] = p.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    s = Math.min(s, e!);
    mb = Math.max(mb, kb! / 1024);
    out = p.stdout;
  }
  return { s, mb, out };
}

/** Read a file through the streaming reader, counting only; CPU milliseconds and rows. */
function readInProcess(path: string): { ms: number; rows: number } {
  const t = process.cpuUsage();
  const r = new CaptureReader(path, { tables: false });
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) r.push(buf.subarray(0, n));
  closeSync(fd);
  const rows = r.end().captures.reduce((a, c) => a + c.counts.reduce((x, y) => x + y, 0), 0);
  const u = process.cpuUsage(t);
  return { ms: (u.user + u.system) / 1000, rows };
}

if (!existsSync('/usr/bin/time')) throw new Error('needs GNU time as /usr/bin/time (apt-get install time)');
const awk = ['mawk', 'awk'].find((a) => spawnSync('sh', ['-c', `command -v ${a}`]).status === 0)!;
const dir = mkdtempSync(join(tmpdir(), 'tcpstate-bench-'));
try {
  const path = join(dir, 'netstat-n.txt');
  const bytes = grow('netstat-n.txt', (l) => /^tcp/.test(l), ROWS, path);
  console.log(`netstat -n capture: ${ROWS} lines, ${(bytes / 1e6).toFixed(1)} MB; best of ${RUNS}; node ${process.version}, ${awk} ${execFileSync('sh', ['-c', `${awk} -W version 2>&1 | head -1 || true`], { encoding: 'utf8' }).trim()}`);
  const t = timed([process.execPath, CLI, 'count', '--json', path]);
  const a = timed([awk, AWK, path]);
  const total = (JSON.parse(t.out) as { total: number }).total;
  const awkTotal = a.out.trim().split('\n').reduce((n, l) => n + Number(l.split(' ')[1]), 0);
  if (total !== awkTotal) throw new Error(`tcpstate counted ${total}, awk ${awkTotal}`);
  console.log(`tcpstate count   ${t.s.toFixed(2).padStart(6)} s  ${t.mb.toFixed(0).padStart(5)} MB peak RSS  ${total} sockets`);
  console.log(`${awk} one-liner ${a.s.toFixed(2).padStart(6)} s  ${a.mb.toFixed(0).padStart(5)} MB peak RSS  (${(t.s / a.s).toFixed(1)}x)`);
  rmSync(path);

  console.log('\nin process (CaptureReader, 1 MiB pieces, counts only), CPU time:');
  const cases: [string, string, (l: string) => boolean][] = [
    ['netstat -antp', 'netstat-antp.txt', (l) => /^tcp/.test(l)],
    ['ss -tan', 'ss-tan.txt', (l) => /^[A-Z]+-?[A-Z0-9-]*\s+\d/.test(l)],
    ['ss -tanpoieO', 'ss-tanpoieO.txt', (l) => /^[A-Z]+-?[A-Z0-9-]*\s+\d/.test(l)],
    ['/proc/net/tcp', 'proc-tcp.txt', (l) => /^\s*\d+:/.test(l)],
  ];
  const rows = Math.min(ROWS, 500_000);
  for (const [name, file, isData] of cases) {
    const p = join(dir, file);
    const b = grow(file, isData, rows, p);
    let best = { ms: Infinity, rows: 0 };
    for (let r = 0; r < RUNS; r++) { const x = readInProcess(p); if (x.ms < best.ms) best = x; }
    console.log(`${name.padEnd(14)} ${(b / 1e6).toFixed(1).padStart(6)} MB  ${best.ms.toFixed(0).padStart(6)} ms  ${(best.rows / best.ms / 1000).toFixed(2)} M rows/s  ${(b / 1e3 / best.ms).toFixed(0)} MB/s`);
    rmSync(p);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
