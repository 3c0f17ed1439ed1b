/**
 * Captures as people paste them (test/fixtures/pastes/, README there): output without -n
 * from Linux netstat and ss (made in a namespace whose /etc/hosts names its addresses), and
 * macOS and FreeBSD netstat in their documented form; a prompt or command line above,
 * `...` and `[snip]`, lines wrapped by a terminal, trailing blanks. Counts equal the oracle
 * (`ss -tan` of the same namespace, or the sockets the paste shows); ls keeps names as names.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runMain } from '../lib/cli.js';
import { REPO } from '../lib/netns.js';

const DIR = join(REPO, 'test', 'fixtures', 'pastes');

/** Per-state counts of `ss -tan` output (its own state spellings, folded as count --json names them). */
function oracle(): Record<string, number> {
  const names: Record<string, string> = { ESTAB: 'ESTABLISHED', LISTEN: 'LISTEN', 'TIME-WAIT': 'TIME_WAIT' };
  const out: Record<string, number> = {};
  for (const l of readFileSync(join(DIR, 'linux-ss-tan.oracle'), 'utf8').split('\n').slice(1)) {
    const st = l.split(/\s+/)[0];
    if (!st) continue;
    const name = names[st];
    assert.ok(name, `state ${st} in the oracle`);
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

async function counts(file: string): Promise<{ states: Record<string, number>; warnings: { code: string }[] }> {
  const r = await runMain(['count', '--json', join(DIR, file)]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { states: Record<string, number>; warnings?: { code: string }[] };
  const states: Record<string, number> = {};
  for (const [k, v] of Object.entries(doc.states)) if (v !== 0) states[k] = v;
  return { states, warnings: doc.warnings ?? [] };
}

test('Linux netstat and ss without -n count as ss -tan of the same namespace', async () => {
  const want = oracle();
  assert.deepEqual(want, { LISTEN: 4, ESTABLISHED: 6, TIME_WAIT: 2 });
  for (const f of ['linux-netstat-at.txt', 'linux-ss-ta.txt', 'linux-ss-tar.txt']) assert.deepEqual((await counts(f)).states, want, f);
  // netstat -t leaves out listeners, as netstat does.
  assert.deepEqual((await counts('linux-netstat-t.txt')).states, { ESTABLISHED: 6, TIME_WAIT: 2 });
});

test('pastes: prompts, ..., [snip], wrapped lines and trailing blanks count the sockets shown', async () => {
  const cases: Record<string, Record<string, number>> = {
    // ss -tar folded at 80 columns (header too), three sockets left out at "...".
    'linux-paste-ss-tar.txt': { LISTEN: 4, ESTABLISHED: 4, TIME_WAIT: 1 },
    'linux-paste-netstat-t.txt': { ESTABLISHED: 6, TIME_WAIT: 2 },
    'macos-netstat-p-tcp.txt': { ESTABLISHED: 6, TIME_WAIT: 1, LISTEN: 6 },
    'freebsd-netstat-a-paste.txt': { ESTABLISHED: 2, TIME_WAIT: 1, LISTEN: 2 },
  };
  for (const [f, want] of Object.entries(cases)) {
    const got = await counts(f);
    assert.deepEqual(got.states, want, f);
    // What was skipped is said: the "..." and "[snip]" lines.
    const text = readFileSync(join(DIR, f), 'utf8');
    const cuts = text.split('\n').filter((l) => /^(\.\.\.|\[snip\])$/.test(l.trim())).length;
    assert.equal(got.warnings.filter((w) => w.code === 'W_SKIPPED_LINE').length, cuts, f);
  }
});

test('ls keeps names as names (web1.lan:ssh, ec2-52-1-2-3.com.56647), in text, CSV and JSON', async () => {
  const r = await runMain(['ls', '-a', join(DIR, 'linux-netstat-at.txt')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^tcp +0 +0 localhost:ssh +0\.0\.0\.0:\* +LISTEN$/m);
  assert.match(r.stdout, /^tcp +0 +0 web1\.lan:ssh +ec2-52-1-2-3\.comp:56647 +ESTABLISHED$/m);
  assert.doesNotMatch(r.stdout, /0\.0\.0\.0:22/);
  const wrapped = await runMain(['ls', '-a', join(DIR, 'linux-paste-ss-tar.txt')]);
  assert.match(wrapped.stdout, /^tcp +0 +0 web1\.lan:https +ec2-52-1-2-3\.compute-1\.amazonaws\.com:56648 +ESTABLISHED$/m);
  const mac = await runMain(['ls', '-a', join(DIR, 'macos-netstat-p-tcp.txt')]);
  assert.match(mac.stdout, /^tcp +0 +0 ec2-52-1-2-3\.com\.56647 +web1\.lan\.ssh +ESTABLISHED$/m);
  const csv = await runMain(['ls', '-a', '--csv', join(DIR, 'linux-netstat-at.txt')]);
  assert.match(csv.stdout, /^tcp,4,ESTABLISHED,web1\.lan:ssh,22,ec2-52-1-2-3\.comp:56647,56647,/m);
  const json = JSON.parse((await runMain(['ls', '-a', '--json', join(DIR, 'linux-netstat-at.txt')])).stdout) as { sockets: { local: { name?: string; port: number } }[] };
  assert.deepEqual(json.sockets[0]!.local, { address: '0.0.0.0', port: 22, name: 'localhost:ssh' });
});

test('a line wrapped that does not join is the error it was', async () => {
  const { parseCapture } = await import('../../src/sources/text/read.js');
  const text = 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB  0      0      10.0.0.1:22\nESTAB  0      0      10.0.0.1:22        10.0.0.2:5000\n';
  assert.throws(
    () => parseCapture(Buffer.from(text), 'cut.txt'),
    (e: Error & { where?: { line?: number; field?: string } }) => e.where?.line === 2 && e.where?.field === 'Peer Address:Port',
  );
});

test('names survive ls --json read back', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-names-'));
  try {
    const json = (await runMain(['ls', '-a', '--json', join(DIR, 'linux-netstat-at.txt')])).stdout;
    writeFileSync(join(dir, 'web1.json'), json);
    const again = await runMain(['ls', '-a', join(dir, 'web1.json')]);
    const first = await runMain(['ls', '-a', join(DIR, 'linux-netstat-at.txt')]);
    assert.equal(again.stdout, first.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
