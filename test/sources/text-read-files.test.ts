/**
 * Capture files read on worker threads (read-files.ts, count --hosts) give what this thread
 * gives reading them: every committed capture, mutations of them (a bad line, a line cut
 * short, garbage state, CRLF, no last line end, names instead of numbers, empty), and large
 * ones read in many pieces; errors with the same code, message and place, in input order.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { TcpstateError } from '../../src/model/errors.js';
import { CaptureReader } from '../../src/sources/text/read.js';
import { readFilesInParallel, settleRead } from '../../src/sources/text/read-files.js';
import { REPO } from '../lib/netns.js';

const tmp = mkdtempSync(join(tmpdir(), 'tcpstate-read-files-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** As this thread reads a file for count: the captures and warnings, or the error. */
function here(path: string): unknown {
  const r = new CaptureReader(path, { tables: false });
  try {
    r.push(readFileSync(path));
    return { read: r.end() };
  } catch (e) {
    if (!(e instanceof TcpstateError)) throw e;
    return { error: { code: e.code, message: e.message, where: e.where }, blankOnly: r.blankOnly };
  }
}

function settled(r: Parameters<typeof settleRead>[0]): unknown {
  const s = settleRead(r, (e) => new Error(e.code));
  assert.ok(s, `the worker failed: ${JSON.stringify(r)}`);
  if ('read' in s) return { read: s.read };
  const e = s.error as TcpstateError;
  assert.ok(e instanceof TcpstateError);
  return { error: { code: e.code, message: e.message, where: e.where }, blankOnly: s.blankOnly };
}

function files(): string[] {
  const out: string[] = [];
  for (const d of ['text', 'vendor', 'pastes', 'wrapped']) {
    let names: string[] = [];
    try {
      names = readdirSync(join(REPO, 'test', 'fixtures', d)).filter((f) => f.endsWith('.txt'));
    } catch {
      continue;
    }
    for (const f of names) {
      const text = readFileSync(join(REPO, 'test', 'fixtures', d, f), 'latin1');
      const lines = text.split('\n');
      const mid = Math.floor(lines.length / 2);
      const variants: Record<string, string> = {
        whole: text,
        crlf: text.replace(/\n/g, '\r\n'),
        'no last line end': text.replace(/\n+$/, ''),
        'a line cut short': [...lines.slice(0, mid), (lines[mid] ?? '').slice(0, 20), ...lines.slice(mid + 1)].join('\n'),
        'garbage state': text.replace(/ESTABLISHED|ESTAB\b/, 'ESTABLISHEDX'),
        'a name': text.replace(/127\.0\.0\.1:(\d+)/, 'localhost:$1'),
      };
      for (const [name, t] of Object.entries(variants)) {
        const p = join(tmp, `${d}-${f}-${name.replace(/ /g, '-')}.txt`);
        writeFileSync(p, t, 'latin1');
        out.push(p);
      }
    }
  }
  const empty = join(tmp, 'empty.txt');
  writeFileSync(empty, '');
  out.push(empty);
  // Large: many 1 MiB pieces, lines across their ends.
  const src = readFileSync(join(REPO, 'test', 'fixtures', 'text', 'netstat-n.txt'), 'utf8').split('\n');
  const data = src.filter((l) => l.startsWith('tcp'));
  const big: string[] = [src[0]!, src[1]!];
  for (let k = 0; big.length < 60_000; k++) for (const l of data) big.push(l.replace(/:(\d{5})(\s)/, `:${1024 + (k % 60000)}$2`));
  const bigPath = join(tmp, 'big.txt');
  writeFileSync(bigPath, big.join('\n') + '\n');
  out.push(bigPath);
  const badPath = join(tmp, 'big-bad.txt');
  writeFileSync(badPath, [...big.slice(0, 40_000), 'tcp        0      0 10.0.0.1:22             10.0.0.2:99999          ESTABLISHED', ...big.slice(40_000)].join('\n') + '\n');
  out.push(badPath);
  return out;
}

test('files read on worker threads give what this thread gives, file by file, in input order', async () => {
  const paths = files();
  assert.ok(paths.length > 100, `${paths.length} files`);
  const reads = await readFilesInParallel([...paths, '-', join(tmp, 'missing.txt')], undefined, 2, 0);
  assert.ok(reads, 'read on worker threads');
  assert.equal(reads.length, paths.length + 2);
  // stdin and a missing file are left to the caller.
  assert.equal(reads[paths.length], undefined);
  assert.equal(reads[paths.length + 1], undefined);
  let errors = 0;
  for (const [k, p] of paths.entries()) {
    const want = here(p);
    if ('error' in (want as object)) errors++;
    assert.deepEqual(settled(reads[k]!), want, p);
  }
  // The mutations make errors as well as answers.
  assert.ok(errors > 5 && errors < paths.length - 50, `${errors} of ${paths.length} with errors`);
});

test('too little to read, or one file: nothing read on worker threads', async () => {
  const a = join(tmp, 'a.txt');
  writeFileSync(a, readFileSync(join(REPO, 'test', 'fixtures', 'text', 'netstat-n.txt')));
  assert.equal(await readFilesInParallel([a, a], undefined, 2), undefined);
  assert.equal(await readFilesInParallel([a], undefined, 2, 0), undefined);
  assert.equal(await readFilesInParallel([a, a], undefined, 1, 0), undefined);
});
