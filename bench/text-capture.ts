/**
 * How fast captured text is read: a large capture is made from the committed real ones
 * (their socket lines repeated with fresh port numbers), then read by parseCapture (detect,
 * parse, count) and, for scale, by the awk one-liner the project replaces.
 *
 *   npx tsc -p . && node dist/bench/text-capture.js [ROWS]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCapture } from '../src/sources/text/read.js';

const ROWS = Number(process.argv[2] ?? 200_000);
const here = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'text');

function grow(file: string, isData: (l: string) => boolean): string {
  const lines = readFileSync(join(here, file), 'utf8').split('\n');
  const head = lines.filter((l) => !isData(l) && l.trim() !== '' && !/^\s/.test(l)).slice(0, 2);
  const data = lines.filter(isData);
  const out: string[] = [...head];
  for (let k = 0; out.length < ROWS + head.length; k++) {
    const port = 1024 + (k % 60000);
    for (const l of data) out.push(l.replace(/:(\d{5})(\s)/, `:${port}$2`));
  }
  return out.slice(0, ROWS + head.length).join('\n') + '\n';
}

function best(fn: () => void, runs = 5): number {
  let b = Infinity;
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    fn();
    b = Math.min(b, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return b;
}

const dir = mkdtempSync(join(tmpdir(), 'tcpstate-bench-'));
try {
  const cases: [string, string, (l: string) => boolean][] = [
    ['netstat -antp', 'netstat-antp.txt', (l) => /^tcp/.test(l)],
    ['ss -tan', 'ss-tan.txt', (l) => /^[A-Z]+-?[A-Z0-9-]*\s+\d/.test(l)],
    ['ss -tanpoieO', 'ss-tanpoieO.txt', (l) => /^[A-Z]+-?[A-Z0-9-]*\s+\d/.test(l)],
    ['/proc/net/tcp', 'proc-tcp.txt', (l) => /^\s*\d+:/.test(l)],
  ];
  console.log(`rows: ${ROWS}`);
  for (const [name, file, isData] of cases) {
    const text = grow(file, isData);
    const path = join(dir, file);
    writeFileSync(path, text);
    const bytes = readFileSync(path);
    let n = 0;
    const ms = best(() => { n = parseCapture(bytes, file).captures[0]!.counts.reduce((a, b) => a + b, 0); });
    const awk = name.startsWith('netstat')
      ? best(() => { execFileSync('awk', ['/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}', path]); }, 3)
      : undefined;
    const mb = bytes.length / 1e6;
    console.log(`${name.padEnd(14)} ${mb.toFixed(1).padStart(6)} MB  ${ms.toFixed(0).padStart(6)} ms  ${(n / ms / 1000).toFixed(2)} M rows/s  ${(mb / ms * 1000).toFixed(0)} MB/s` + (awk === undefined ? '' : `   (awk one-liner: ${awk.toFixed(0)} ms)`));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
