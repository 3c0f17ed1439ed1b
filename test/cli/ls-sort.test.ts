/**
 * `ls --sort FIELD` and `--top N` on a capture: the order a sort of the capture's own lines
 * gives, the first N, ties in the capture's order; bad fields and `--sort process` without -p refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runMain } from '../lib/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'tcpstate-ls-sort-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// ss -tan lines: state, Recv-Q, Send-Q, local, peer (queues made distinct per column).
const ROWS: [string, number, number, string, string][] = [];
for (let k = 0; k < 40; k++) {
  const st = ['ESTAB', 'CLOSE-WAIT', 'TIME-WAIT', 'FIN-WAIT-1'][k % 4]!;
  ROWS.push([st, st === 'TIME-WAIT' ? 0 : (k * 37) % 41, st === 'TIME-WAIT' ? 0 : ((k * 53) % 43) + 1, `10.0.${k % 3}.1:${8000 + ((k * 7) % 11)}`, `192.168.${k % 5}.${k}:${40000 + k}`]);
}
const file = join(tmp, 'web1.txt');
writeFileSync(file, 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\n' + ROWS.map((r) => r.join(' ')).join('\n') + '\n');

/** `local remote` of each listed socket, in order. */
function listed(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('tcp'))
    .map((l) => l.trim().split(/\s+/).slice(3, 5).join(' '));
}

test("--sort recv-q / send-q: largest first, ties in the capture's order; --top cuts", async () => {
  for (const [field, col] of [
    ['recv-q', 1],
    ['send-q', 2],
  ] as const) {
    const r = await runMain(['ls', '-a', '--sort', field, '--top', '7', file]);
    assert.equal(r.code, 0, r.stderr);
    const want = ROWS.map((row, k) => ({ row, k }))
      .sort((a, b) => b.row[col] - a.row[col] || a.k - b.k)
      .slice(0, 7)
      .map(({ row }) => `${row[3]} ${row[4]}`);
    assert.deepEqual(listed(r.stdout), want, field);
  }
});

test("--sort lport, raddr, state; --top alone keeps the capture's order", async () => {
  const port = (e: string) => Number(e.split(':')[1]);
  const lp = listed((await runMain(['ls', '-a', '--sort', 'lport', file])).stdout).map((l) => port(l.split(' ')[0]!));
  assert.deepEqual(
    lp,
    [...lp].sort((a, b) => a - b),
  );
  assert.equal(lp.length, 40);
  const ra = listed((await runMain(['ls', '-a', '--sort', 'raddr', '--top', '5', file])).stdout).map((l) => l.split(' ')[1]!);
  assert.deepEqual(ra, ['192.168.0.0:40000', '192.168.0.5:40005', '192.168.0.10:40010', '192.168.0.15:40015', '192.168.0.20:40020']);
  const st = (await runMain(['ls', '-a', '--sort', 'state', file])).stdout
    .split('\n')
    .filter((l) => l.startsWith('tcp'))
    .map((l) => l.trim().split(/\s+/)[5]);
  assert.deepEqual([...new Set(st)], ['ESTABLISHED', 'FIN_WAIT1', 'TIME_WAIT', 'CLOSE_WAIT']);
  const top = listed((await runMain(['ls', '-a', '--top', '3', file])).stdout);
  assert.deepEqual(
    top,
    ROWS.slice(0, 3).map((r) => `${r[3]} ${r[4]}`),
  );
  const j = JSON.parse((await runMain(['ls', '-a', '--json', '--sort', 'send-q', '--top', '2', file])).stdout) as { sockets: { sendQ: number }[] };
  assert.equal(j.sockets.length, 2);
  assert.equal(j.sockets[0]!.sendQ, Math.max(...ROWS.map((r) => r[2])));
  assert.ok(j.sockets[0]!.sendQ >= j.sockets[1]!.sendQ);
});

test('a bad field names the choices; --sort process without -p is refused on the live table', async () => {
  const r = await runMain(['ls', '--sort', 'bogus', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--sort takes state \| recv-q \| send-q/);
  const p = await runMain(['ls', '--sort', 'process']);
  assert.equal(p.code, 2);
  assert.match(p.stderr, /--sort process needs the owners: add -p/);
});
