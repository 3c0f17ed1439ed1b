/**
 * Lines read at byte level (sources/text/fast.ts) read exactly as the string parsers read
 * them: for every committed capture and for mutations of them (a byte changed, removed or
 * doubled, names, zones, `*`, CRLF, prompts, lines cut), the same captures, rows, counts,
 * warnings, or the same error, whether read whole or in pieces, counted only or kept.
 * And a large file counted on two threads (split.ts) gives what one thread gives, also when
 * the second half holds a prompt, another format, a bad line or no last line end.
 */
import assert from 'node:assert/strict';
import { closeSync, fstatSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { TcpstateError } from '../../src/model/errors.js';
import { CaptureReader, type ReadOptions, type ReadResult } from '../../src/sources/text/read.js';
import { nativeCount } from '../../src/sources/text/native-count.js';
import { loadNative } from '../../src/sources/native.js';
import { pushSplit, SPLIT_BYTES, type SplitOptions } from '../../src/sources/text/split.js';
import { runMain } from '../lib/cli.js';
import { REPO } from '../lib/netns.js';

const RUNS = Number(process.env['TCPSTATE_FUZZ_RUNS'] ?? 300);
/** The addon is built (CI builds it): its netstat counter is compared too. */
const ADDON = loadNative({ noNative: false }).addon?.textCount !== undefined;
const DIRS = ['text', 'vendor', 'pastes'].map((d) => join(REPO, 'test', 'fixtures', d));
const FIXTURES = DIRS.flatMap((d) => {
  try {
    return readdirSync(d)
      .filter((f) => f.endsWith('.txt'))
      .map((f) => readFileSync(join(d, f), 'latin1'));
  } catch {
    return [];
  }
});

function outcome(read: () => ReadResult): unknown {
  try {
    const r = read();
    return {
      captures: r.captures.map((c) => ({
        ...c,
        counts: [...c.counts],
        kept: c.kept && [...c.kept],
        // flags too: a dual-stack listener prints `*:22` where another prints `[::]:22`.
        table: c.table && [...Array(c.table.length).keys()].map((i) => ({ ...c.table!.record(i), flags: c.table!.flags[i] })),
      })),
      warnings: r.warnings,
    };
  } catch (e) {
    if (!(e instanceof TcpstateError)) throw e;
    return { error: e.code, message: e.message, where: e.where };
  }
}

/** Lines the byte level took in the reads so far (a read of a socket listing that takes none tests nothing). */
let taken = 0;

/** Read bytes in pieces of `piece` bytes through a reused buffer, as the CLI does. */
function read(bytes: Buffer, opts: ReadOptions, piece: number): unknown {
  return outcome(() => {
    const r = new CaptureReader('cap.txt', opts);
    const dec = (r as unknown as { decoder: { byteLines?: (run: { lines: number }) => boolean } }).decoder;
    const inner = dec.byteLines;
    if (inner)
      dec.byteLines = (run) => {
        const live = inner(run);
        taken += run.lines;
        return live;
      };
    const buf = Buffer.alloc(piece);
    for (let at = 0; at < bytes.length; at += piece) {
      const n = bytes.copy(buf, 0, at, Math.min(bytes.length, at + piece));
      r.push(buf.subarray(0, n));
      buf.fill(0x58);
    }
    return r.end();
  });
}

/** Reading `netstat -n` (rows and counts), `ss -tan` and `/proc/net/tcp` (counts) at byte level in JavaScript and in C (native/text_count.c, when built: every run, however short). */
const COUNTERS = ADDON ? [Number.POSITIVE_INFINITY, 0] : [Number.POSITIVE_INFINITY];

function same(bytes: Buffer, piece: number): void {
  for (const tables of [true, false]) {
    const text = read(bytes, { tables, byteLevel: false }, piece);
    for (const minBytes of COUNTERS) {
      const was = nativeCount.minBytes;
      nativeCount.minBytes = minBytes;
      try {
        assert.deepEqual(read(bytes, { tables, byteLevel: true }, piece), text);
      } finally {
        nativeCount.minBytes = was;
      }
    }
  }
}

/**
 * A capture long enough for the byte level: the first 40 lines (is it JSON?) and the first 60
 * of a section (which format?) are read as text. Five copies of a file, as five pastes of it.
 */
function long(f: string): string {
  return (f.endsWith('\n') ? f : `${f}\n`).repeat(5);
}

test('every committed capture reads the same at byte level, whole and in pieces', () => {
  assert.ok(FIXTURES.length >= 20);
  const before = taken;
  const inC = nativeCount.lines;
  for (const f of FIXTURES) {
    const b = Buffer.from(long(f), 'latin1');
    for (const piece of [1 << 20, 4096, 97]) same(b, piece);
    same(Buffer.from(long(f).replace(/\n/g, '\r\n'), 'latin1'), 512);
  }
  assert.ok(taken - before > 1000, `the byte level took ${taken - before} lines`);
  if (ADDON) assert.ok(nativeCount.lines - inC > 1000, `C counted ${nativeCount.lines - inC} lines`);
});

/** Bytes a mutation puts into a socket line. */
const NOISE = [' ', '\t', '.', ':', '*', '[', ']', '%', '#', '$', 'x', 'Z', '0', '9', '\r', '\u00e9', '\u0000', 'ffff', '::', 'localhost', 'ssh'];

test('mutated captures read the same at byte level (a byte changed, removed or doubled; names; prompts)', () => {
  const sources = FIXTURES.filter((f) => /^(tcp|[A-Z]{4,}|\s*\d+: [0-9A-F]{8}:)/m.test(f));
  fc.assert(
    fc.property(fc.nat(sources.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.nat(NOISE.length - 1)), { minLength: 1, maxLength: 6 }), fc.integer({ min: 7, max: 5000 }), (k, muts, piece) => {
      let t = long(sources[k]!);
      for (const [at, kind, n] of muts) {
        const i = at % Math.max(1, t.length);
        if (kind === 0) t = t.slice(0, i) + NOISE[n] + t.slice(i + 1);
        else if (kind === 1) t = t.slice(0, i) + t.slice(i + 1);
        else if (kind === 2) t = t.slice(0, i) + NOISE[n] + t.slice(i);
        else {
          const ls = t.split('\n');
          const j = at % ls.length;
          ls.splice(j, 0, n % 2 === 0 ? ls[j]! : `[root@web${n} ~]# ss -tan`);
          t = ls.join('\n');
        }
      }
      same(Buffer.from(t, 'latin1'), piece);
    }),
    { numRuns: RUNS, seed: 15 },
  );
});

test('IPv6, mapped, bracketed and odd addresses read the same at byte level', () => {
  const netstat = [
    'Proto Recv-Q Send-Q Local Address           Foreign Address         State',
    'tcp6       0      0 ::1:8080                ::1:41000               ESTABLISHED',
    'tcp6       0      0 127.0.0.1:8080          127.0.0.1:41000         TIME_WAIT',
    'tcp6       0      0 ::ffff:10.0.0.1:22      ::ffff:10.0.0.2:5000    ESTABLISHED',
    'tcp6       0      0 :::22                   :::*                    LISTEN',
    'tcp6       0      0 fe80::1%eth0:22         fe80::2:5000            ESTABLISHED',
    'tcp6       0      0 2001:db8:0:0:0:0:0:1:443 2001:db8::2:5000       CLOSE_WAIT',
    'tcp6       0      0 2001:db8:1234:5678:9abc:443 ::1:5000            FIN_WAIT2',
    'tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:065535         ESTABLISHED',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:65536          ESTABLISHED',
    'tcp        0      0 10.0.0.1:22             ::1:5000                ESTABLISHED',
    'tcp        0      0 256.0.0.1:22            10.0.0.2:5000           ESTABLISHED',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5000           established',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5000           ESTABLISHED   ',
    'tcp 4294967295 4294967296 10.0.0.1:22       10.0.0.2:5000           ESTABLISHED',
    'tcp        0      0 10.0.0.1:ssh            web1.lan:5000           ESTABLISHED',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5000           BOGUS',
    // A DEL or a byte above ASCII inside a token, where C looks eight bytes at a time.
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5000           ESTAB\x7fLISHED',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5000           ESTABLISHÉD',
    'tcp        0      0 10.0.0.1:2\x7f2            10.0.0.2:5000           ESTABLISHED',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5\x80000          ESTABLISHED',
  ];
  const ss = [
    'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
    'ESTAB  0      0      10.0.0.1:22        10.0.0.2:5000',
    'LISTEN 0      128    *:22               *:*',
    'ESTAB  0      0      [::1]:22           [::1]:5000',
    'ESTAB  0      0      [::ffff:10.0.0.1]:22 [::ffff:10.0.0.2]:5000',
    'LISTEN 0      128    [::]:22            [::]:*',
    'ESTAB  0      0      10.0.0.1:22        10.0.0.2:5000 users:(("sshd",pid=1,fd=3))',
    'ESTAB  0      0      10.0.0.1:22        10.0.0.2:5001',
    '\t cubic wscale:7,7 rto:204 rtt:0.05/0.025',
    'ESTAB  0      0      10.0.0.1:22        10.0.0.2:5002',
    '\t users:((cut',
    'TIME-WAIT 0   0      10.0.0.1:22        10.0.0.2:5003',
    'Estab  0      0      10.0.0.1:22        10.0.0.2:5004',
    'LISTEN 0      128    *:65536            *:*',
    'LISTEN 0      128    *:ssh              *:*',
    'LISTEN 0      128    *:22               *:80',
    'ESTAB  0      0      10.0.0.1:22        10.0.0.2:5005 users:(("s\x7fhd",pid=1,fd=3))',
    'ESTA\x7fB 0      0      10.0.0.1:22        10.0.0.2:5006',
    'ESTAB  0      0      10.0.0.1:22        10.0.0.2:5\u00e9007',
    'ESTAB  0      0      ::1:22             ::1:5008',
    'ESTAB  0      0      :::22              ::1:5009',
    'LISTEN 0      128    *:0022             *:*',
  ];
  const fill = (l: string) => Array.from({ length: 70 }, (_, k) => l.replace('5000', String(20000 + k)));
  for (const lines of [netstat, ss]) {
    const before = taken;
    const inC = nativeCount.lines;
    const filler = fill(lines === netstat ? 'tcp        0      0 10.9.9.1:22             10.9.9.2:5000           ESTABLISHED' : ss[1]!);
    for (let k = 0; k < lines.length; k++) {
      for (let j = k; j < lines.length; j++) {
        const t = [lines[0]!, ...filler, ...lines.slice(1, k + 1), ...lines.slice(j + 1)].join('\n') + '\n';
        same(Buffer.from(t), 1 << 20);
        same(Buffer.from(t), 13);
      }
    }
    assert.ok(taken - before > 1000, `the byte level took ${taken - before} lines of ${lines[1]}`);
    if (ADDON) assert.ok(nativeCount.lines - inC > 1000, `C counted ${nativeCount.lines - inC} lines`);
  }
});

test('a line the text parser joins to the socket line before it is not read apart at byte level (a bare CR in a headerless capture)', () => {
  // `tcp        0` after a socket line reads as its User and Inode columns when joined: the
  // byte level, in JavaScript and in C, must leave the socket line before it to the text parser.
  const fill = (from: number) => Array.from({ length: 90 }, (_, k) => `tcp        0      0 127.0.0.1:${from + k}          127.0.0.1:33228         CLOSE_WAIT `);
  for (const cut of ['tcp        0\r     0 127.0.0.1:7004          127.0.0.1:41588         CLOSE_WAIT ', 'tcp        0', '-', 'tcp6       0']) {
    const t = [...fill(7000), cut, ...fill(8000)].join('\n') + '\n';
    for (const piece of [1 << 20, 4096, 7]) same(Buffer.from(t, 'latin1'), piece);
  }
});

test('netstat -p lines, odd ones among them, counted in C as the text parser reads them', () => {
  const header = ['Active Internet connections (servers and established)', 'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    '];
  const odd = [
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5000           ESTABLISHED -                   ',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5001           ESTABLISHED - x',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5002           ESTABLISHED 1234/',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5003           ESTABLISHED 1234/nginx: worker process',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5004           ESTABLISHED abc/x',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5015           ESTABLISHED 1234x',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5016           ESTABLISHED /x',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5005           ESTABLISHED 1234/x (1.00/0/0)',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5006           ESTABLISHED 12/a\tb',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5007           ESTABLISHED 1234/进程',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5008           ESTABLISHED 1234/a-very-long-prog',
    'tcpserver',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5009           ESTABLISHED',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5010           ESTABLISHED    ',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5011           ESTABLISHED 1234/sshd\r',
    'tcp6       0      0 ::1:22                  ::1:5012                ESTABLISHED 99999999999/x',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5013           BOGUS       1/x',
    'tcp        0      0 10.0.0.1:ssh            web1.lan:5014           ESTABLISHED 1/x',
  ];
  const filler = Array.from({ length: 70 }, (_, k) => `tcp        0      0 10.9.9.1:22             10.9.9.2:${20000 + k}          ESTABLISHED ${k % 3 === 0 ? '-' : `${100 + k}/node`}`);
  const inC = nativeCount.lines;
  for (let k = 0; k < odd.length; k++) {
    const t = [...header, ...filler, ...odd.slice(0, k + 1), ...filler].join('\n') + '\n';
    same(Buffer.from(t), 1 << 20);
    same(Buffer.from(t), 13);
    const alone = [...header, ...filler, odd[k]!, ...filler].join('\n') + '\n';
    same(Buffer.from(alone), 1 << 20);
  }
  if (ADDON) assert.ok(nativeCount.lines - inC > 1000, `C counted ${nativeCount.lines - inC} lines`);
});

test('/proc/net/tcp lines, odd ones among them, read the same at byte level and in C', () => {
  const good = '   0: 0100007F:1B59 0200007F:D4A2 01 00000000:00000000 00:00000000 00000000     0        0 78190 1 0000000097b76cce 100 0 0 10 0';
  const six = '   1: 0000000000000000FFFF00000100007F:1B59 00000000000000000000000001000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 78191 1 0000000097b76cce 100 0 0 10 0';
  const odd = [
    good.replace(' 01 ', ' 0C '), // NEW_SYN_RECV, counted as SYN_RECV
    good.replace(' 01 ', ' 00 '), // unknown: a warning
    good.replace(' 01 ', ' FF '),
    good.replace(' 01 ', ' 1 '),
    good.replace(' 01 ', ' 001 '),
    good.replace('0200007F', '0200007f'),
    good.replace('0200007F', '0200007'),
    good.replace(':D4A2', ':D4A'),
    good.replace('1B59', '1B5'),
    good.replace(' 0200007F', '\t0200007F'),
    good.replace('00:00000000 ', '00:0000000000000000 '),
    good.replace('00:00000000 ', '00:00000000000000000 '),
    good.replace('     0        0 78190', '     -1        0 78190'),
    good.replace(' 78190 ', ' 4294967296 '),
    good.replace(' 78190 ', ' 42949672950 '),
    good.replace(' 78190 1', ' 78190'),
    good.replace(' 78190 ', ' 78190x '),
    good.replace('00000000:00000000', '00000000;00000000'),
    good.replace(' 0000000097b76cce', ' 0000000097b76c\u00e9e'),
    `${good}\r`,
    `${good}${' '.repeat(4100)}`,
    good.slice(0, 60),
    six,
    six.replace('FFFF00000100007F', 'FFFF0000100007F'),
  ];
  const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
  const filler = Array.from({ length: 70 }, (_, k) => good.replace('D4A2', (0x4000 + k).toString(16).toUpperCase()).replace(/^ {3}0:/, `${String(k).padStart(4)}:`));
  const before = taken;
  const inC = nativeCount.lines;
  for (let k = 0; k < odd.length; k++) {
    const t = [header, ...filler, ...odd.slice(0, k + 1), ...filler].join('\n') + '\n';
    same(Buffer.from(t, 'latin1'), 1 << 20);
    same(Buffer.from(t, 'latin1'), 13);
    const alone = [header, ...filler, odd[k]!, ...filler].join('\n') + '\n';
    same(Buffer.from(alone, 'latin1'), 1 << 20);
  }
  assert.ok(taken - before > 1000, `the byte level took ${taken - before} lines`);
  if (ADDON) assert.ok(nativeCount.lines - inC > 1000, `C counted ${nativeCount.lines - inC} lines`);
});

/** A netstat -n (or ss -tan) capture of about `bytes` bytes from the committed one, ports renumbered. */
function bigNetstat(bytes: number, file = 'netstat-n.txt', isData = (l: string) => l.startsWith('tcp')): string {
  const src = readFileSync(join(REPO, 'test', 'fixtures', 'text', file), 'utf8').split('\n');
  const data = src.filter(isData);
  const out = [src[0]!, src[1]!];
  let size = 0;
  for (let k = 0; size < bytes; k++) {
    for (const l of data) {
      const line = l.replace(/:(\d{5})(\s)/, `:${1024 + (k % 60000)}$2`);
      out.push(line);
      size += line.length + 1;
    }
  }
  return out.join('\n') + '\n';
}

/** Lines the worker counted in the last splitRead. */
let workerLines = 0;

/** Lines this thread counted of the worker's part in the last splitRead. */
let tailLines = 0;

function splitRead(path: string, opts: SplitOptions = {}): unknown {
  return outcome(() => {
    const r = new CaptureReader(path, { tables: false });
    const fd = openSync(path, 'r');
    try {
      const stats = { tail: 0 };
      workerLines = pushSplit(fd, fstatSync(fd).size, r, Buffer.allocUnsafe(1 << 20), path, { awaitWorker: true, ...opts, stats });
      tailLines = stats.tail;
    } finally {
      closeSync(fd);
    }
    return r.end();
  });
}

function oneThread(path: string): unknown {
  return outcome(() => {
    const r = new CaptureReader(path, { tables: false, byteLevel: false });
    r.push(readFileSync(path));
    return r.end();
  });
}

test('a large file counted on two threads gives what one thread gives', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-split-'));
  try {
    const base = bigNetstat(SPLIT_BYTES + (4 << 20));
    const lines = base.split('\n');
    const late = Math.floor(lines.length * 0.8);
    const at = (l: string) => [...lines.slice(0, late), l, ...lines.slice(late)].join('\n');
    const cases: Record<string, string> = {
      plain: base,
      'no last line end': base.slice(0, -1),
      'a bad line late': at('tcp        0      0 10.0.0.1:22             10.0.0.2:5000           ESTAB LISHED'),
      'a name late': at('tcp        0      0 10.0.0.1:ssh            web1.lan:5000           ESTABLISHED'),
      'an ss section late': at('[root@db1 ~]# ss -tan\nState  Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB  0      0      10.0.0.1:22        10.0.0.2:5000\n[root@db1 ~]# netstat -n'),
      'prose late': at('... [snip] ...'),
      crlf: base.replace(/\n/g, '\r\n'),
    };
    for (const [name, text] of Object.entries(cases)) {
      const path = join(dir, `${name.replace(/ /g, '-')}.txt`);
      writeFileSync(path, text);
      const one = oneThread(path);
      assert.deepEqual(splitRead(path, { noTail: true, noNative: true }), one, name);
      if (name === 'plain') assert.ok(workerLines > lines.length * 0.3, `the worker counted ${workerLines} of ${lines.length} lines`);
      // This thread's share of the worker's part, counted before its own half: the limit set in the worker's part holds.
      assert.deepEqual(splitRead(path, { tailFirst: true, noNative: true }), one, `${name}, this thread's share first`);
      if (name === 'plain') assert.ok(tailLines > lines.length * 0.1 && workerLines > tailLines, `this thread counted ${tailLines} of the worker's ${workerLines} lines`);
      assert.deepEqual(splitRead(path, { noNative: true }), one, `${name}, as run without the addon`);
      // The second half on the addon's thread (native/text_count.c).
      assert.deepEqual(splitRead(path), one, `${name}, as run`);
      if (ADDON && name === 'plain') assert.ok(workerLines > lines.length * 0.3, `the addon's thread counted ${workerLines} of ${lines.length} lines`);
    }
    // ss: the worker reads `[v6]:port` when this thread had seen one before it began (its parser's state).
    const ss = bigNetstat(SPLIT_BYTES + (4 << 20), 'ss-tan.txt', (l) => /^[A-Z]+-?[A-Z0-9-]*\s+\d/.test(l));
    const ssLines = ss.split('\n');
    const ssLate = Math.floor(ssLines.length * 0.8);
    const ssCases: Record<string, string> = {
      'ss plain': ss,
      'ss brackets only late': [...ssLines.slice(0, ssLate).filter((l) => !l.includes(']:')), ...ssLines.slice(ssLate)].join('\n'),
      'ss old style late': [
        ...ssLines.slice(0, ssLate).filter((l) => !l.includes(']:')),
        'LISTEN 0 128 :::22 :::*',
        'LISTEN 0 128 *:23 *:*',
        ...ssLines.slice(ssLate).filter((l) => !l.includes(']:')),
      ].join('\n'),
    };
    for (const [name, text] of Object.entries(ssCases)) {
      const path = join(dir, `${name.replace(/ /g, '-')}.txt`);
      writeFileSync(path, text);
      const one = oneThread(path);
      assert.deepEqual(splitRead(path, { noTail: true, noNative: true }), one, name);
      assert.deepEqual(splitRead(path, { tailFirst: true, noNative: true }), one, `${name}, this thread's share first`);
      if (name === 'ss plain') assert.ok(tailLines > ssLines.length * 0.1, `${name}: this thread counted ${tailLines} of the worker's part`);
      assert.deepEqual(splitRead(path, { noNative: true }), one, `${name}, as run without the addon`);
      // The worker counted its part (in the others, `*:PORT` lines stop it before brackets settle the style).
      if (name === 'ss plain') assert.ok(workerLines > ssLines.length * 0.3, `${name}: the worker counted ${workerLines} of ${ssLines.length} lines`);
      // The second half on the addon's thread, in the parser's state (`[v6]:port` seen or not).
      assert.deepEqual(splitRead(path), one, `${name}, as run`);
      if (ADDON && name === 'ss plain') assert.ok(workerLines > ssLines.length * 0.3, `${name}: the addon's thread counted ${workerLines} of ${ssLines.length} lines`);
    }
    // Through the CLI: count of the file equals the sum of its socket lines.
    const path = join(dir, 'plain.txt');
    const inC = nativeCount.lines;
    const out = await runMain(['count', '--json', path]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal((JSON.parse(out.stdout) as { total: number }).total, lines.filter((l) => l.startsWith('tcp')).length);
    if (ADDON) assert.ok(nativeCount.lines - inC > lines.length * 0.9, `C counted ${nativeCount.lines - inC} of ${lines.length} lines`);
    // TCPSTATE_NO_NATIVE=1 (the edge's configuration) keeps counting in JavaScript, one file or many, with the same answer.
    for (const files of [[path], [path, join(dir, 'a-name-late.txt')]]) {
      const args = ['count', '--json', ...(files.length > 1 ? ['--hosts'] : []), ...files];
      const withC = await runMain(args);
      const before = nativeCount.lines;
      const without = await runMain(args, undefined, { TCPSTATE_NO_NATIVE: '1' });
      assert.equal(nativeCount.lines, before, 'TCPSTATE_NO_NATIVE=1 counted in C');
      assert.deepEqual(without, withC);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a byte reader that declines thousands of lines in a row still reads what follows the same (ss -O extras, then plain sections)', () => {
  const before = taken;
  const extras = Array.from({ length: 5000 }, (_, k) => `ESTAB 0 0 10.0.0.1:22 10.0.0.2:${10000 + k} users:(("sshd",pid=${k + 1},fd=3)) ino:${k} sk:1`);
  const plain = Array.from({ length: 3000 }, (_, k) => `ESTAB 0 0 10.0.0.1:22 10.0.0.3:${10000 + k}`);
  const netstat = Array.from(
    { length: 3000 },
    (_, k) => `tcp${k % 3 ? '' : '6'}        0      0 ${k % 3 ? '10.0.0.1' : '::1'}:22 ${k % 3 ? '10.0.0.2' : '::1'}:${10000 + k}  ${k % 5 ? 'ESTABLISHED' : 'TIME_WAIT'}`,
  );
  const header = 'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process';
  const bad = ['ESTAB 0 0 10.0.0.1:22 10.0.0.9:1 users:(("x",pid=1,fd=3))', 'ESTAB 0', 'BOGUS 0 0 10.0.0.1:22 10.0.0.9:2'];
  for (const tail of [[], ...bad.map((b) => [b])]) {
    const t = [
      header,
      ...extras,
      '[root@b ~]# ss -tan',
      header,
      ...plain,
      ...tail,
      '[root@c ~]# netstat -n',
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State',
      ...netstat,
    ].join('\n');
    for (const piece of [1 << 20, 4093]) {
      same(Buffer.from(`${t}\n`), piece);
      same(Buffer.from(t), piece);
    }
  }
  assert.ok(taken - before > 40_000, `the byte level took ${taken - before} lines`);
  // A bad line after the byte reader was declined for long still names its file, line and field.
  const r = read(Buffer.from([header, ...extras, '[root@b ~]# ss -tan', header, ...plain, 'ESTAB 0 0 10.0.0.1:22 10.0.0.9:99999', ''].join('\n')), { tables: false }, 1 << 20) as {
    error: string;
    where: { file: string; line: number; field: string };
  };
  assert.equal(r.error, 'ERR_PARSE');
  assert.deepEqual(r.where, { file: 'cap.txt', line: 1 + 5000 + 2 + 3000 + 1, field: 'Peer Address:Port' });
});
