/**
 * A capture read in pieces reads as the same capture read whole: for the committed real
 * captures and the seed article's pasted summaries, as UTF-8 (with and without BOM, CRLF,
 * bytes that are not UTF-8) and UTF-16 (LE and BE, BOM or none), cut at random and at every
 * byte of a short text (inside CRLF, inside UTF-8 characters, inside UTF-16 pairs) — the same
 * captures, rows, counts, warnings, or the same error. And what ls writes of captures in
 * blocks (JSON, CSV) is what it wrote whole.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { TcpstateError } from '../../src/model/errors.js';
import { lsJson, renderCsv } from '../../src/render/ls.js';
import { CaptureReader, parseCapture, type ReadResult } from '../../src/sources/text/read.js';
import { runMain } from '../lib/cli.js';
import { REPO } from '../lib/netns.js';

const RUNS = Number(process.env['TCPSTATE_FUZZ_RUNS'] ?? 200);
const TEXT = join(REPO, 'test', 'fixtures', 'text');
const SOURCES = ['ss-tanie.txt', 'ss-tanpoieO.txt', 'netstat-antpe.txt', 'netstat-anto.txt', 'proc-tcp.txt', 'netstat-n-awk.txt', 'busybox-an.txt', 'live.json']
  .map((f) => readFileSync(join(TEXT, f), 'utf8'))
  .concat(readFileSync(join(REPO, 'test', 'fixtures', 'seed', 'section1.txt'), 'utf8'))
  .concat(['freebsd-netstat-an.txt', 'windows-netstat-ano.txt'].map((f) => readFileSync(join(REPO, 'test', 'fixtures', 'vendor', f), 'utf8')));

type Encoding = 'utf8' | 'utf8-bom' | 'utf16le-bom' | 'utf16be-bom' | 'utf16le' | 'latin1-bytes';
const ENCODINGS: Encoding[] = ['utf8', 'utf8-bom', 'utf16le-bom', 'utf16be-bom', 'utf16le', 'latin1-bytes'];

function encode(text: string, enc: Encoding): Buffer {
  const le = () => Buffer.from(text, 'utf16le');
  switch (enc) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), le()]);
    case 'utf16le':
      return le();
    case 'utf16be-bom':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), le().swap16()]);
    // Bytes that are not UTF-8 (a GBK or Latin-1 line pasted in): replaced, with a warning.
    case 'latin1-bytes':
      return Buffer.concat([Buffer.from('caf\xe9 \xff\xfe notes\n', 'latin1'), Buffer.from(text, 'utf8')]);
  }
}

/** What a read gives, as data to compare: captures with their rows, warnings; or the error. */
function outcome(read: () => ReadResult): unknown {
  try {
    const r = read();
    return {
      captures: r.captures.map((c) => ({
        ...c,
        counts: [...c.counts],
        table: c.table && [...Array(c.table.length).keys()].map((i) => c.table!.record(i)),
      })),
      warnings: r.warnings,
    };
  } catch (e) {
    if (!(e instanceof TcpstateError)) throw e;
    return { error: e.code, message: e.message, where: e.where };
  }
}

function whole(bytes: Buffer, format?: string): unknown {
  return outcome(() => {
    const r = new CaptureReader('cap.txt', { format });
    r.push(bytes);
    return r.end();
  });
}

function pieces(bytes: Buffer, cuts: number[], format?: string): unknown {
  return outcome(() => {
    const r = new CaptureReader('cap.txt', { format });
    let at = 0;
    for (const n of cuts) {
      if (at >= bytes.length) break;
      // A reused buffer, as the CLI's: the reader must not keep it.
      const piece = Buffer.from(bytes.subarray(at, Math.min(bytes.length, at + n)));
      r.push(piece);
      piece.fill(0x58);
      at += n;
    }
    if (at < bytes.length) r.push(bytes.subarray(at));
    return r.end();
  });
}

/** Texts worth cutting: with CRLF, multi-byte characters, a pair outside the BMP, curly quotes, no-break spaces. */
function variant(k: number, crlf: boolean, extra: boolean): string {
  let t = SOURCES[k]!;
  if (extra) t = `# 生产服务器 “web” é\u00a0😀\n${t}`;
  if (crlf) t = t.replace(/\n/g, '\r\n');
  return t;
}

test('a capture cut into random pieces reads as the capture read whole', () => {
  fc.assert(
    fc.property(
      fc.nat({ max: SOURCES.length - 1 }),
      fc.boolean(),
      fc.boolean(),
      fc.constantFrom(...ENCODINGS),
      fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 60 }),
      (k, crlf, extra, enc, cuts) => {
        const bytes = encode(variant(k, crlf, extra), enc);
        assert.deepEqual(pieces(bytes, cuts), whole(bytes));
      },
    ),
    { numRuns: RUNS },
  );
});

test('cut at every byte of a short capture: inside CRLF, UTF-8 characters and UTF-16 pairs', () => {
  const text = 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\r\n# “é” 😀\r\rESTAB 0 0 [::1]:8002 [::1]:41000\r\nLISTEN 0 128 127.0.0.1:7001 0.0.0.0:*\n';
  for (const enc of ENCODINGS) {
    const bytes = encode(text, enc);
    const want = whole(bytes);
    // Without a BOM, U+DE00 (the low half of 😀) has a zero low byte: not told from binary, whole or cut.
    assert.equal('error' in (want as object), enc === 'utf16le', JSON.stringify(want));
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.deepEqual(pieces(bytes, [cut]), want, `${enc}, cut at byte ${cut}`);
      assert.deepEqual(pieces(bytes, [cut, 1, 1, 1]), want, `${enc}, cut at byte ${cut} then byte by byte`);
    }
  }
});

test('byte by byte: every format, forced or detected', () => {
  for (const [k, format] of [
    [0, undefined],
    [2, 'netstat'],
    [4, 'proc'],
    [5, 'awk'],
    [7, undefined],
    [8, undefined],
    [9, 'bsd'],
    [10, 'windows'],
  ] as const) {
    const bytes = encode(variant(k, false, false), 'utf8');
    const ones = new Array<number>(bytes.length).fill(1);
    assert.deepEqual(pieces(bytes, ones, format), whole(bytes, format), `source ${k}`);
  }
});

test('ls --json and --csv of captures, written in blocks, are the documents stringified whole', async () => {
  const files = [join(TEXT, 'ss-tanpoieO.txt'), join(TEXT, 'netstat-antp.txt'), join(REPO, 'test', 'fixtures', 'seed', 'section1.txt')];
  for (const set of [[files[0]!], [files[0]!, files[1]!]]) {
    const r = await runMain(['ls', '-a', '--json', ...set]);
    assert.equal(r.code, 0, r.stderr);
    const reads = set.map((f) => parseCapture(readFileSync(f), f));
    const warnings = reads.flatMap((x) => x.warnings);
    const docs = reads.flatMap((x) => x.captures).map((c) => lsJson(c.table!, { source: `capture:${c.format}`, host: c.host, warnings }));
    assert.equal(r.stdout, JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2) + '\n');
    const csv = await runMain(['ls', '-a', '--csv', set[0]!]);
    assert.equal(csv.stdout, renderCsv(reads[0]!.captures[0]!.table!, true));
  }
  // A capture of many sockets: several blocks.
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-stream-'));
  const big = join(dir, 'big.txt');
  const lines = readFileSync(join(TEXT, 'netstat-an.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('tcp '));
  writeFileSync(big, Array.from({ length: 9000 }, (_, k) => lines[k % lines.length]!.replace(/:(\d+) /, `:${1024 + k} `)).join('\n') + '\n');
  try {
    const r = await runMain(['ls', '-a', '--json', big]);
    const c = parseCapture(readFileSync(big), big).captures[0]!;
    assert.equal(r.stdout, JSON.stringify(lsJson(c.table!, { source: 'capture:netstat', host: c.host, warnings: [] }), null, 2) + '\n');
    const csv = await runMain(['ls', '-a', '--csv', big]);
    assert.equal(csv.stdout, renderCsv(c.table!, true));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ss: sockets bound to "*" wait, in bounded number, for the capture to show its address style', async () => {
  const { HOLD_ROWS } = await import('../../src/sources/text/ss.js');
  const head = 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\n';
  const star = (n: number) => Array.from({ length: n }, (_, k) => `LISTEN 0 128 *:${1 + (k % 60000)} *:*\n`).join('');
  const OLD = 'LISTEN 0 128 :::22 :::*\n';
  const NEW = 'ESTAB 0 0 [::1]:80 [::1]:5000\n';
  const families = (text: string) => {
    const t = parseCapture(Buffer.from(text), 'ss.txt').captures[0]!.table!;
    return new Set(Array.from({ length: t.length }, (_, i) => t.family[i]));
  };
  // Told by a line after them: the whole capture decides, as when it was read whole.
  assert.deepEqual(families(head + star(10) + OLD), new Set([4, 6]));
  assert.deepEqual(families(head + star(10) + NEW), new Set([6]));
  assert.deepEqual(families(head + OLD + star(HOLD_ROWS + 10)), new Set([4, 6]));
  // Nothing told within HOLD_ROWS: dual-stack, as ss since 4.18 prints; a later "]:" agrees.
  assert.deepEqual(families(head + star(HOLD_ROWS + 10) + NEW), new Set([6]));
  assert.deepEqual(families(head + star(HOLD_ROWS + 10)), new Set([6]));
  // A capture that says otherwise once HOLD_ROWS were read: an error, not a wrong family.
  for (const text of [head + star(HOLD_ROWS + 10) + OLD, head + OLD + star(HOLD_ROWS + 10) + NEW]) {
    assert.throws(
      () => parseCapture(Buffer.from(text), 'ss.txt'),
      (e: TcpstateError) => e.code === 'ERR_PARSE' && /both as ":::22" .* and as "\[::\]:22"/.test(e.message),
    );
  }
});
