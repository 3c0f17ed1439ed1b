/**
 * `count --hosts` of files together large enough to be read on worker threads: the same
 * table, JSON and CSV as each file read alone on this thread, and with a bad file the error
 * of the first bad file in input order, naming file, line and field.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PARALLEL_BYTES } from '../../src/sources/text/read-files.js';
import { runMain } from '../lib/cli.js';
import { REPO } from '../lib/netns.js';

const tmp = mkdtempSync(join(tmpdir(), 'tcpstate-hosts-par-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A capture of about `bytes` from a committed one, its socket lines repeated with fresh ports. */
function grow(file: string, isData: (l: string) => boolean, bytes: number, name: string, bad?: string): string {
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
    if (bad && k === 400) out.push(bad);
  }
  const p = join(tmp, name);
  writeFileSync(p, out.join('\n') + '\n');
  return p;
}

const part = Math.ceil(PARALLEL_BYTES / 3) + (256 << 10);
const web1 = grow('netstat-n.txt', (l) => l.startsWith('tcp'), part, 'web1.txt');
const db1 = grow('ss-tan.txt', (l) => /^[A-Z]+-?[A-Z0-9-]*\s+\d/.test(l), part, 'db1.txt');
const lb1 = grow('netstat-n.txt', (l) => l.startsWith('tcp'), part, 'lb1.txt');
const bad1 = grow('netstat-n.txt', (l) => l.startsWith('tcp'), part, 'bad1.txt', 'tcp        0      0 10.0.0.1:22             10.0.0.2:5000           ESTAB LISHED');
const bad2 = grow('ss-tan.txt', (l) => /^[A-Z]+-?[A-Z0-9-]*\s+\d/.test(l), part, 'bad2.txt', 'ESTAB 0 0 10.0.0.1:22 10.0.0.2:99999');

test('count --hosts on worker threads: every format the same as each file alone', async () => {
  const files = [web1, db1, lb1];
  assert.ok(files.reduce((n, f) => n + statSync(f).size, 0) >= PARALLEL_BYTES);
  const all = await runMain(['count', '--hosts', '--json', ...files]);
  assert.equal(all.code, 0, all.stderr);
  const doc = JSON.parse(all.stdout) as { hosts: unknown[]; total: { total: number } };
  let total = 0;
  for (const [k, f] of files.entries()) {
    const one = await runMain(['count', '--hosts', '--json', f]);
    assert.equal(one.code, 0, one.stderr);
    const d = JSON.parse(one.stdout) as { hosts: unknown[]; total: { total: number } };
    assert.deepEqual(doc.hosts[k], d.hosts[0], f);
    total += d.total.total;
  }
  assert.equal(doc.total.total, total);
  // The table and CSV: rows in input order, each as the file alone prints it.
  for (const fmt of [[], ['--csv']]) {
    const t = await runMain(['count', '--hosts', ...fmt, ...files]);
    assert.equal(t.code, 0, t.stderr);
    for (const f of files) {
      const host = f.split('/').pop()!.replace('.txt', '');
      const one = await runMain(['count', '--hosts', ...fmt, f]);
      const row = one.stdout.split('\n').find((l) => l.startsWith(host))!;
      assert.ok(row, one.stdout);
      assert.ok(t.stdout.split('\n').includes(row), `${host}: ${row}\n${t.stdout}`);
    }
    assert.deepEqual(
      t.stdout
        .split('\n')
        .map((l) => l.split(/[ ,]/)[0])
        .filter((h) => ['web1', 'db1', 'lb1'].includes(h!)),
      ['web1', 'db1', 'lb1'],
    );
  }
});

test('count --hosts on worker threads: the first bad file in input order is the error, as read alone', async () => {
  for (const [files, first] of [
    [[web1, bad2, db1, bad1], bad2],
    [[bad1, web1, bad2], bad1],
  ] as const) {
    const all = await runMain(['count', '--hosts', ...files]);
    const one = await runMain(['count', '--hosts', first]);
    assert.notEqual(one.code, 0);
    assert.equal(all.code, one.code);
    assert.equal(all.stderr, one.stderr);
    assert.equal(all.stdout, '');
    assert.match(all.stderr, new RegExp(`${first.split('/').pop()}:\\d+: .*field`));
  }
});
