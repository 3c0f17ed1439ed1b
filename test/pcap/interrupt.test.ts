/**
 * `tcpdump -w - | tcpstate pcap -` stopped with Ctrl-C: on SIGINT or SIGTERM the input ends
 * there and the connections and final counts are printed (as tshark -z does), exit 0.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CLI, REPO, runCli } from '../lib/netns.js';

/**
 * A capture larger than a pipe holds (the fixture's packets again and again): when its last
 * byte is taken by the pipe (a socket pair: some 200 KiB), tcpstate has read all but that, so it is reading, its
 * handlers installed.
 */
const tmp = mkdtempSync(join(tmpdir(), 'tcpstate-pcap-int-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const fixture = readFileSync(join(REPO, 'test', 'fixtures', 'pcap', 'ipv4.pcap'));
const BIG = Buffer.concat([fixture, ...Array.from({ length: 2000 }, () => fixture.subarray(24))]);
const FILE = join(tmp, 'big.pcap');
writeFileSync(FILE, BIG);

async function interrupted(signal: 'SIGINT' | 'SIGTERM', args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'pcap', ...args, '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // The capture so far, and the pipe left open: tcpdump is still running.
  await new Promise<void>((resolve, reject) => child.stdin.write(BIG, (e) => (e ? reject(e) : resolve())));
  // What is left in the pipe is read at once.
  await new Promise((r) => setTimeout(r, 500));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(timer);
  child.stdin.destroy();
  return { code, stdout, stderr };
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} while stdin is still open: the connections and counts of what was read, exit 0`, async () => {
    const whole = runCli(['pcap', FILE]);
    assert.equal(whole.code, 0, whole.stderr);
    const r = await interrupted(signal, []);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, whole.stdout);
    assert.match(r.stdout, /^TOTAL +\d+$/m);
    assert.ok(BIG.length > 2_000_000);
    assert.match(r.stderr, new RegExp(`${signal}: input ended here`));
  });
}

test('--count and --json are closed documents after SIGINT', async () => {
  const j = await interrupted('SIGINT', ['--json']);
  assert.equal(j.code, 0, j.stderr);
  const doc = JSON.parse(j.stdout) as { schema: string; connections: unknown[] };
  assert.equal(doc.schema, 'tcpstate.pcap/1');
  const c = await interrupted('SIGINT', ['--count']);
  assert.equal(c.stdout, runCli(['pcap', '--count', FILE]).stdout);
});
