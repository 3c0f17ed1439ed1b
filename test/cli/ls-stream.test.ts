/**
 * `ls FILE` of a large capture is written as it is read, never held whole (report/ls-stream.ts):
 * the text must be the one the whole-table path prints (`ls -`, stdin, is read whole), row
 * for row and byte for byte, with rows wider than all the early ones near the end (the widths
 * come from every row), with a filter, with owners (-p) and -e; a bad line in the middle is
 * the same error, with nothing printed before it, as when read whole.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO, runCli } from '../lib/netns.js';
import { type LsColumns, planLs } from '../../src/render/ls.js';
import { CaptureListingStream, CaptureListingWidths } from '../../src/report/ls-stream.js';
import { parseCapture } from '../../src/sources/text/read.js';

const dir = mkdtempSync(join(tmpdir(), 'tcpstate-lsstream-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A capture of `rows` socket lines from a committed one (fresh local ports), then `tail` lines. */
function grow(fixture: string, isData: (l: string) => boolean, rows: number, tail: string[] = []): string {
  const lines = readFileSync(join(REPO, 'test', 'fixtures', 'text', fixture), 'utf8').split('\n');
  const head = lines.filter((l) => !isData(l) && l.trim() !== '' && !/^\s/.test(l)).slice(0, 2);
  const data = lines.filter(isData);
  const out = [...head];
  for (let k = 0; out.length - head.length < rows; k++) {
    for (const l of data) out.push(l.replace(/:(\d{4,5})(\s)/, `:${1024 + (k % 60000)}$2`));
  }
  out.length = head.length + rows;
  return `${out.join('\n')}\n${tail.map((l) => `${l}\n`).join('')}`;
}

const netstat = (l: string) => /^tcp/.test(l);
// Wider than every earlier row: a long IPv6 pair, a 9-digit Recv-Q, a 10-digit Send-Q.
const WIDE = [
  'tcp6       0      0 2001:db8:1234:5678:9abc:def0:1234:5678:65001 2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff:443 ESTABLISHED',
  'tcp  123456789 4000000000 10.1.2.3:80             10.200.30.4:51234       CLOSE_WAIT',
];

const big = join(dir, 'big.txt');
writeFileSync(big, grow('netstat-n.txt', netstat, 120_000, WIDE));
const ss = join(dir, 'ss.txt');
writeFileSync(
  ss,
  grow('ss-tan.txt', (l) => /^[A-Z]+-?[A-Z0-9-]*\s+\d/.test(l), 90_000, ['ESTAB      7654321 0      [2001:db8::1:2:3:4]:65000      [2001:db8:ffff::9]:443']),
);
const antp = join(dir, 'antp.txt');
writeFileSync(antp, grow('netstat-antp.txt', netstat, 70_000, ['tcp        0      0 10.0.0.1:22             10.0.0.9:40000          ESTABLISHED 4242/a-much-longer-program-name']));

/** `ls FLAGS FILE FILTER` streamed, and the same capture read whole (from stdin). */
function both(file: string, flags: readonly string[], filter: readonly string[]): { streamed: ReturnType<typeof runCli>; whole: ReturnType<typeof runCli> } {
  return { streamed: runCli(['ls', ...flags, file, ...filter]), whole: runCli(['ls', ...flags, '-', ...filter], { input: readFileSync(file) }) };
}

for (const [name, file, flags, filter] of [
  ['netstat -n, wide rows last', big, [], []],
  ['netstat -n, a filter', big, [], ['state', 'established']],
  ['netstat -n, -4 and a port filter', big, ['-4'], ['dport', '=', ':7001']],
  ['ss -tan, wide row last', ss, [], []],
  ['netstat -antp, -p', antp, ['-p'], []],
  ['netstat -antp, -e -p, -H, a filter', antp, ['-e', '-p', '-H'], ['sport', '>', ':2000']],
] as const) {
  test(`ls FILE as the whole listing prints it: ${name}`, () => {
    const { streamed, whole } = both(file, flags, filter);
    assert.equal(whole.code, 0, whole.stderr);
    assert.equal(streamed.code, 0, streamed.stderr);
    const s = streamed.stdout.split('\n');
    const w = whole.stdout.split('\n');
    assert.equal(s.length, w.length, 'as many lines');
    // Row for row, field for field first (a readable failure), then byte for byte.
    for (let i = 0; i < w.length; i++) assert.deepEqual(s[i]!.split(/\s+/), w[i]!.split(/\s+/), `line ${i + 1}`);
    assert.equal(streamed.stdout, whole.stdout);
  });
}

test('the widths come from every row: the wide rows at the end widen the columns of the first', () => {
  const out = runCli(['ls', big]).stdout;
  const [header, first] = out.split('\n');
  // The heading's Foreign Address starts after the widest local endpoint (45 characters), over the first row's.
  assert.equal(header!.indexOf('Foreign Address'), first!.search(/\S+\s+\S+$/));
  assert.ok(header!.indexOf('Foreign Address') > 20 + 45, header);
  assert.match(out, /^tcp +123456789 4000000000 10\.1\.2\.3:80 +10\.200\.30\.4:51234 +CLOSE_WAIT$/m);
  assert.equal(out.split('\n').length, 1 + 120_000 + WIDE.length + 1);
});

test('a bad line in the middle: the error read whole gives, naming file and line, nothing listed before it', () => {
  const text = grow('netstat-n.txt', netstat, 60_000).split('\n');
  text.splice(40_000, 0, 'tcp        0      0 127.0.0.1:7001          127.0.0.1:99999         ESTABLISHED');
  const bad = join(dir, 'bad.txt');
  writeFileSync(bad, text.join('\n'));
  const streamed = runCli(['ls', bad]);
  const whole = runCli(['ls', '-'], { input: readFileSync(bad) });
  assert.notEqual(streamed.code, 0);
  assert.equal(streamed.code, whole.code);
  assert.equal(streamed.stdout, '');
  assert.match(streamed.stderr, new RegExp(`${bad.replace(/[.]/g, '\\.')}:40001\\b.*Foreign Address`));
  assert.equal(streamed.stderr.replace(bad, '-'), whole.stderr);
});

test("the two passes in process, into an output that keeps each block a while: the whole table's text", async () => {
  const bytes = readFileSync(big);
  const columns: LsColumns = { header: true };
  const first = new CaptureListingWidths(big, { columns });
  // Pieces that cut lines anywhere.
  for (let at = 0; at < bytes.length; at += 100_003) first.push(bytes.subarray(at, at + 100_003));
  const read = first.end();
  assert.ok(CaptureListingWidths.listing(read));
  const parts: Buffer[] = [];
  let kept = 0;
  const second = new CaptureListingStream(big, { columns }, first.widths, (b) => {
    // The block is read only later: written over meanwhile, the text would differ.
    kept++;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        parts.push(Buffer.from(b));
        resolve();
      }),
    );
  });
  for (let at = 0; at < bytes.length; at += 1 << 20) {
    second.push(bytes.subarray(at, at + (1 << 20)));
    await second.settled();
  }
  await second.end();
  assert.ok(kept > 10, `${kept} blocks`);
  let whole = '';
  planLs(parseCapture(bytes, big).captures[0]!.table!, columns).write((t) => {
    whole += t;
  });
  assert.equal(Buffer.concat(parts).toString('latin1'), whole);
});
