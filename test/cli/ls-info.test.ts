/**
 * `ls -i` against `ss -tni` in a namespace made here (issue 15 §4): the same last-activity
 * keys on each socket, and ages that fall between two ss readings taken before and after ours
 * (they are milliseconds since the last packet, and the connection is idle meanwhile).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { addonOrSkip, kernelUnavailable, Netns, runCli } from '../lib/netns.js';

const KEYS = ['lastsnd', 'lastrcv', 'lastack'] as const;
type Ages = Map<string, Partial<Record<(typeof KEYS)[number], number>>>;

/** Per local endpoint, the ages in a text where each socket's line holds its info (ss: the line after). */
function ages(text: string, ss: boolean): Ages {
  const out: Ages = new Map();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const ep = /\b(127\.0\.0\.1:\d+)\s+127\.0\.0\.1:\d+/.exec(lines[i]!);
    if (!ep) continue;
    const info = ss ? (lines[i + 1] ?? '') : lines[i]!;
    const a: Partial<Record<(typeof KEYS)[number], number>> = {};
    for (const k of KEYS) {
      const m = new RegExp(`\\b${k}:(\\d+)\\b`).exec(info);
      if (m) a[k] = Number(m[1]);
    }
    out.set(ep[1]!, a);
  }
  return out;
}

let ns: Netns | undefined;
const PORT = 20000 + (process.pid % 20000);

before(async () => {
  if (kernelUnavailable()) return;
  ns = Netns.create('lsi');
  // Client sends, server reads and answers 300 ms later: every age is then non-zero and the two
  // ends differ (the client's lastsnd is the older one).
  const src = `
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', ${PORT})); s.listen()
c = socket.create_connection(('127.0.0.1', ${PORT})); a, _ = s.accept()
c.send(b'ping'); a.recv(10); time.sleep(0.3); a.send(b'pong'); c.recv(10)
print('ready', flush=True)
time.sleep(120)
`;
  const child = ns.spawn('python3', ['-c', src]);
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error('python did not get ready in 30 s')), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(t);
        res();
      }
    });
  });
  // Let every age grow past zero.
  await new Promise((r) => setTimeout(r, 50));
});

after(() => ns?.destroy());

test('ls -i shows lastsnd/lastrcv/lastack as ss -tni does, between two ss readings', (t) => {
  if (!addonOrSkip(t, ['python3']) || !ns) return;
  const first = ages(ns.run('ss', ['-tniH', 'state', 'established']), true);
  const r = runCli(['ls', '-i', '-N', ns.name, '--source', 'netlink', 'state', 'established']);
  assert.equal(r.code, 0, r.stderr);
  const second = ages(ns.run('ss', ['-tniH', 'state', 'established']), true);
  const ours = ages(r.stdout, false);
  assert.equal(ours.size, 2, r.stdout);
  assert.deepEqual([...ours.keys()].sort(), [...first.keys()].sort());
  for (const [ep, a] of ours) {
    const lo = first.get(ep)!;
    const hi = second.get(ep)!;
    assert.deepEqual(Object.keys(a).sort(), Object.keys(lo).sort(), `${ep}: same keys as ss (${r.stdout})`);
    assert.deepEqual(Object.keys(a).sort(), [...KEYS].sort(), `${ep}: every age is non-zero`);
    for (const k of KEYS) assert.ok(lo[k]! <= a[k]! && a[k]! <= hi[k]!, `${ep} ${k}: ss ${lo[k]} <= ours ${a[k]} <= ss ${hi[k]}`);
  }
  // The ends differ as the traffic says: the client sent first, so its lastsnd is older than the server's.
  const server = ours.get(`127.0.0.1:${PORT}`)!;
  const client = [...ours.entries()].find(([ep]) => ep !== `127.0.0.1:${PORT}`)![1];
  assert.ok(client.lastsnd! > server.lastsnd!, `client lastsnd ${client.lastsnd} > server lastsnd ${server.lastsnd}`);
});
