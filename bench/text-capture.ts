/**
 * How fast, and in how much memory, captured text is read. A large capture is made from the
 * committed real ones (their socket lines repeated with fresh port numbers); then:
 *
 * - `tcpstate count FILE` on `netstat -n`, `ss -tan` and `/proc/net/tcp` captures of ROWS
 *   socket lines (2,000,000 by default, ~160 MB of netstat), against the awk one-liner that
 *   counts each, every command a whole process under /usr/bin/time (elapsed and CPU seconds,
 *   peak RSS), RUNS runs interleaved, medians; the totals (and netstat's per-state numbers)
 *   must agree;
 * - `tcpstate ls FILE` against `cat FILE`, to /dev/null and into a pipe (and against an older
 *   build's `ls`, OLD, alternately: the same text, its time and peak RSS); ls's peak RSS at a
 *   fifth of ROWS; ls's two passes in this process (widths, then lines to nowhere) beside a
 *   read that only makes the rows: where its time goes;
 * - `tcpstate count --hosts` of eight netstat captures of ROWS/8 lines against awk counting
 *   by FILENAME;
 * - the reader in this process (CaptureReader, 1 MiB pieces) on listings of each format,
 *   CPU time with the byte level and with every line read as text.
 *
 *   npx tsc -p . && node dist/bench/text-capture.js [ROWS] [RUNS] [OLD]
 *
 * OLD: a checkout of another build (npm ci there), e.g. `git worktree add /work/wt-old main`.
 *
 * Needs GNU time as /usr/bin/time (Debian: apt-get install time) and mawk or awk.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureReader } from '../src/sources/text/read.js';
import { CaptureListingStream, CaptureListingWidths } from '../src/report/ls-stream.js';

const ROWS = Number(process.argv[2] ?? 2_000_000);
const RUNS = Number(process.argv[3] ?? 3);
const OLD = process.argv[4];
const REPO = join(import.meta.dirname, '..', '..');
const FIXTURES = join(REPO, 'test', 'fixtures', 'text');
const CLI = join(REPO, 'bin', 'tcpstate.js');
const AWK = '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}';

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
    if (buf.length > 1 << 20) {
      bytes += writeSync(fd, buf);
      buf = '';
    }
  }
  bytes += writeSync(fd, buf);
  closeSync(fd);
  return bytes;
}

interface Timed {
  s: number;
  cpu: number;
  mb: number;
  out: string;
}

/** One run under /usr/bin/time: elapsed and CPU (user + system) seconds, peak RSS, stdout. */
function once(argv: string[], stdout?: string): Timed {
  const cmd = stdout === undefined ? argv : ['sh', '-c', `"$@" ${stdout}`, 'sh', ...argv];
  const p = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...cmd], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (p.status !== 0) throw new Error(`${argv.join(' ')}: ${p.stderr}`);
  const [e, u, sy, kb] = p.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { s: e!, cpu: u! + sy!, mb: kb! / 1024, out: p.stdout };
}

function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[v.length >> 1]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
}

/** Commands run RUNS times each, interleaved (so load on a shared machine falls on all alike); medians. */
function race(cmds: Record<string, { argv: string[]; stdout?: string }>): Record<string, Timed & { runs: number[] }> {
  const runs: Record<string, Timed[]> = {};
  for (let r = 0; r < RUNS; r++) for (const [k, c] of Object.entries(cmds)) (runs[k] ??= []).push(once(c.argv, c.stdout));
  const out: Record<string, Timed & { runs: number[] }> = {};
  for (const [k, xs] of Object.entries(runs)) {
    out[k] = { s: median(xs.map((x) => x.s)), cpu: median(xs.map((x) => x.cpu)), mb: Math.max(...xs.map((x) => x.mb)), out: xs[0]!.out, runs: xs.map((x) => x.s) };
  }
  return out;
}

function line(name: string, t: Timed & { runs: number[] }, base?: Timed): string {
  const ratio = base ? `  ${(t.s / base.s).toFixed(2)}x wall, ${(t.cpu / base.cpu).toFixed(2)}x CPU` : '';
  return `${name.padEnd(22)} ${t.s.toFixed(2).padStart(6)} s wall ${t.cpu.toFixed(2).padStart(6)} s CPU ${t.mb.toFixed(0).padStart(5)} MB  runs ${t.runs.map((x) => x.toFixed(2)).join(' ')}${ratio}`;
}

/** Read a file through the streaming reader, counting only; CPU milliseconds and rows. */
function readInProcess(path: string, byteLevel: boolean): { ms: number; rows: number } {
  const t = process.cpuUsage();
  const r = new CaptureReader(path, { tables: false, byteLevel });
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) r.push(buf.subarray(0, n));
  closeSync(fd);
  const rows = r.end().captures.reduce((a, c) => a + c.counts.reduce((x, y) => x + y, 0), 0);
  const u = process.cpuUsage(t);
  return { ms: (u.user + u.system) / 1000, rows };
}

/** CPU milliseconds of `f`. */
function cpuMs(f: () => void): number {
  const t = process.cpuUsage();
  f();
  const u = process.cpuUsage(t);
  return (u.user + u.system) / 1000;
}

/** Pieces of a file, 1 MiB at a time, into `push`. */
function pieces(path: string, push: (b: Buffer) => void): void {
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) push(buf.subarray(0, n));
  closeSync(fd);
}

/** ls's passes in this process, CPU ms (best of RUNS): rows made and dropped; widths; lines laid out and dropped; the reads alone. */
function lsPasses(path: string): { rows: number; widths: number; lines: number; read: number } {
  const best = { rows: Infinity, widths: Infinity, lines: Infinity, read: Infinity };
  for (let r = 0; r < RUNS; r++) {
    best.read = Math.min(
      best.read,
      cpuMs(() => pieces(path, () => {})),
    );
    best.rows = Math.min(
      best.rows,
      cpuMs(() => {
        const c = new CaptureReader(path, { tables: false, onRows: () => {} });
        pieces(path, (b) => c.push(b));
        c.end();
      }),
    );
    let first: CaptureListingWidths | undefined;
    best.widths = Math.min(
      best.widths,
      cpuMs(() => {
        first = new CaptureListingWidths(path, { columns: { native: true } });
        pieces(path, (b) => first!.push(b));
        first.end();
      }),
    );
    best.lines = Math.min(
      best.lines,
      cpuMs(() => {
        const second = new CaptureListingStream(path, { columns: { native: true } }, first!.widths, () => {});
        pieces(path, (b) => second.push(b));
        void second.end();
      }),
    );
  }
  return best;
}

if (!existsSync('/usr/bin/time')) throw new Error('needs GNU time as /usr/bin/time (apt-get install time)');
const awk = ['mawk', 'awk'].find((a) => spawnSync('sh', ['-c', `command -v ${a}`]).status === 0)!;
const dir = mkdtempSync(join(tmpdir(), 'tcpstate-bench-'));
try {
  console.log(
    `${ROWS} socket lines per capture; medians of ${RUNS} interleaved runs; node ${process.version}, ${awk} ${execFileSync('sh', ['-c', `${awk} -W version 2>&1 | head -1 || true`], { encoding: 'utf8' }).trim()}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`,
  );
  // Per format: the capture, and the awk one-liner that counts it (the state's column).
  const formats: [string, string, (l: string) => boolean, string][] = [
    ['netstat -n', 'netstat-n.txt', (l) => /^tcp/.test(l), AWK],
    // With -p the state is $6 (the one-liner's $NF would count programs).
    ['netstat -antp', 'netstat-antp.txt', (l) => /^tcp/.test(l), '/^tcp/ {++S[$6]} END {for(a in S) print a, S[a]}'],
    ['ss -tan', 'ss-tan.txt', (l) => /^[A-Z]+-?[A-Z0-9-]*\s+\d/.test(l), 'NR > 1 {++S[$1]} END {for(a in S) print a, S[a]}'],
    ['/proc/net/tcp', 'proc-tcp.txt', (l) => /^\s*\d+:/.test(l), '$1 ~ /^[0-9]+:$/ {++S[$4]} END {for(a in S) print a, S[a]}'],
  ];
  for (const [name, file, isData, prog] of formats) {
    const path = join(dir, file);
    const bytes = grow(file, isData, ROWS, path);
    const r = race({ tcpstate: { argv: [process.execPath, CLI, 'count', '--json', path] }, awk: { argv: [awk, prog, path] } });
    const total = (JSON.parse(r['tcpstate']!.out) as { total: number }).total;
    const awkTotal = r['awk']!.out.trim()
      .split('\n')
      .reduce((n, l) => n + Number(l.split(' ')[1]), 0);
    if (total !== awkTotal) throw new Error(`${name}: tcpstate counted ${total}, awk ${awkTotal}`);
    if (name.startsWith('netstat')) {
      const states = (JSON.parse(r['tcpstate']!.out) as { states: Record<string, number> }).states;
      for (const l of r['awk']!.out.trim().split('\n')) {
        const [st, n] = l.split(' ');
        if (states[st!] !== Number(n)) throw new Error(`${name}: ${st} tcpstate ${states[st!]}, awk ${n}`);
      }
    }
    console.log(`count, ${name} capture (${(bytes / 1e6).toFixed(1)} MB, ${total} sockets, same ${name.startsWith('netstat') ? 'per-state numbers' : 'total'} as ${awk}):`);
    console.log(line(`  tcpstate count`, r['tcpstate']!, r['awk']));
    console.log(line(`  ${awk} one-liner`, r['awk']!));
    let lsMb = 0;
    if (name === 'netstat -n' || name === 'ss -tan') {
      const netstat = name === 'netstat -n';
      const l = race({
        ...(netstat ? { ls: { argv: [process.execPath, CLI, 'ls', path], stdout: '> /dev/null' }, cat: { argv: ['cat', path], stdout: '> /dev/null' } } : {}),
        'ls | cat': { argv: [process.execPath, CLI, 'ls', path], stdout: '| cat > /dev/null' },
        'cat | cat': { argv: ['cat', path], stdout: '| cat > /dev/null' },
        ...(OLD ? { 'old ls | cat': { argv: [process.execPath, join(OLD, 'bin', 'tcpstate.js'), 'ls', path], stdout: '| cat > /dev/null' } } : {}),
      });
      console.log('ls against cat, same capture:');
      if (netstat) {
        console.log(line('  tcpstate ls >/dev/null', l['ls']!, l['cat']));
        console.log(line('  cat >/dev/null', l['cat']!));
      }
      console.log(line('  tcpstate ls | cat', l['ls | cat']!, l['cat | cat']));
      console.log(line('  cat | cat', l['cat | cat']!));
      if (netstat) {
        console.log(line('  ls | cat, to count', l['ls | cat']!, r['tcpstate']));
        console.log(line('  tcpstate count', r['tcpstate']!));
        lsMb = l['ls']!.mb;
      }
      if (OLD) {
        console.log(line('  ls | cat, to old', l['ls | cat']!, l['old ls | cat']));
        console.log(line('  old build ls | cat', l['old ls | cat']!));
        const sum = (cli: string) => execFileSync('sh', ['-c', '"$@" | md5sum', 'sh', process.execPath, cli, 'ls', path], { encoding: 'utf8' }).split(' ')[0];
        const [a, b] = [sum(CLI), sum(join(OLD, 'bin', 'tcpstate.js'))];
        if (a !== b) throw new Error(`ls: this build's text differs from the old build's (md5 ${a}, ${b})`);
        console.log(`  the same text as the old build (md5 ${a})`);
      }
    }
    if (name === 'netstat -n') {
      const fifth = join(dir, 'fifth.txt');
      grow(file, isData, Math.ceil(ROWS / 5), fifth);
      const small = once([process.execPath, CLI, 'ls', fifth], '> /dev/null');
      rmSync(fifth);
      console.log(`  peak RSS of ls: ${small.mb.toFixed(0)} MB at ${Math.ceil(ROWS / 5)} lines, ${lsMb.toFixed(0)} MB at ${ROWS}`);
      const p = lsPasses(path);
      console.log(
        `  in process, CPU ms, best of ${RUNS}: rows made only ${p.rows.toFixed(0)}, ls's widths pass ${p.widths.toFixed(0)}, its lines pass (to nowhere) ${p.lines.toFixed(0)}, reading the file ${p.read.toFixed(0)}`,
      );
      // count --hosts of 8 files of an eighth each (read on worker threads), against awk keyed by file.
      const hostFiles: string[] = [];
      for (let k = 0; k < 8; k++) {
        const h = join(dir, `web${k + 1}.txt`);
        grow(file, isData, Math.ceil(ROWS / 8), h);
        hostFiles.push(h);
      }
      const hr = race({
        tcpstate: { argv: [process.execPath, CLI, 'count', '--hosts', '--json', ...hostFiles] },
        awk: { argv: [awk, '/^tcp/ {++S[FILENAME" "$NF]} END {for(a in S) print a, S[a]}', ...hostFiles] },
      });
      const hostsTotal = (JSON.parse(hr['tcpstate']!.out) as { total: { total: number } }).total.total;
      const awkHosts = hr['awk']!.out.trim()
        .split('\n')
        .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
      if (hostsTotal !== awkHosts) throw new Error(`count --hosts: tcpstate counted ${hostsTotal}, awk ${awkHosts}`);
      console.log(`count --hosts, 8 files of ${Math.ceil(ROWS / 8)} lines (same total as ${awk}):`);
      console.log(line('  tcpstate count --hosts', hr['tcpstate']!, hr['awk']));
      console.log(line(`  ${awk} by FILENAME`, hr['awk']!));
      for (const h of hostFiles) rmSync(h);
    }
    rmSync(path);
  }

  console.log('\nin process (CaptureReader, 1 MiB pieces, counts only), CPU time, best of RUNS: byte level / every line as text');
  const cases: [string, string, (l: string) => boolean][] = [
    ['netstat -n', 'netstat-n.txt', (l) => /^tcp/.test(l)],
    ['netstat -antp', 'netstat-antp.txt', (l) => /^tcp/.test(l)],
    ['ss -tan', 'ss-tan.txt', (l) => /^[A-Z]+-?[A-Z0-9-]*\s+\d/.test(l)],
    ['ss -tanpoieO', 'ss-tanpoieO.txt', (l) => /^[A-Z]+-?[A-Z0-9-]*\s+\d/.test(l)],
    ['/proc/net/tcp', 'proc-tcp.txt', (l) => /^\s*\d+:/.test(l)],
  ];
  const rows = Math.min(ROWS, 500_000);
  for (const [name, file, isData] of cases) {
    const p = join(dir, file);
    const b = grow(file, isData, rows, p);
    // Interleaved, so a busy spell on a shared machine does not fall on one side's runs only.
    let fast = { ms: Infinity, rows: 0 };
    let text = { ms: Infinity, rows: 0 };
    for (let r = 0; r < RUNS; r++) {
      const y = readInProcess(p, true);
      if (y.ms < fast.ms) fast = y;
      const z = readInProcess(p, false);
      if (z.ms < text.ms) text = z;
    }
    if (fast.rows !== text.rows) throw new Error(`${name}: ${fast.rows} rows at byte level, ${text.rows} as text`);
    console.log(
      `${name.padEnd(14)} ${(b / 1e6).toFixed(1).padStart(6)} MB  ${fast.ms.toFixed(0).padStart(6)} ms / ${text.ms.toFixed(0).padStart(6)} ms  ${(fast.rows / fast.ms / 1000).toFixed(2)} / ${(text.rows / text.ms / 1000).toFixed(2)} M rows/s`,
    );
    rmSync(p);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
