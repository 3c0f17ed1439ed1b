/**
 * `GET /api/v1/transitions`: state changes of the served namespace as Server-Sent Events,
 * each subscriber with its own ss filter; a bad filter is a 400 naming it; the stream's first
 * event says how the kernel is read.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { kernelOrSkip, kernelUnavailable, Netns } from '../lib/netns.js';
import { Serve } from '../lib/prometheus.js';

/** Read SSE events from a response until `enough` says so or `ms` pass. */
async function events(res: Response, enough: (ev: { event: string; data: string }[]) => boolean, ms: number): Promise<{ event: string; data: string }[]> {
  const out: { event: string; data: string }[] = [];
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  const end = Date.now() + ms;
  try {
    while (!enough(out) && Date.now() < end) {
      const r = await Promise.race([reader.read(), new Promise<{ done: true; value: undefined }>((ok) => setTimeout(() => ok({ done: true, value: undefined }), Math.max(1, end - Date.now())))]);
      if (r.done) break;
      buf += dec.decode(r.value, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (block.startsWith(':')) continue;
        const ev = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n');
        out.push({ event: ev, data });
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return out;
}

describe('serve: /api/v1/transitions', () => {
  let ns: Netns | undefined;
  let serve: Serve | undefined;
  before(async () => {
    if (kernelUnavailable()) return;
    ns = Netns.create('sse');
    serve = await Serve.start(['--netns', ns.name]);
  });
  after(async () => {
    await serve?.stop();
    ns?.destroy();
  });

  test("a connection opened and closed in the namespace streams its changes; another port's are filtered out", async (t) => {
    if (!kernelOrSkip(t, ['python3'])) return;
    const port = 7600 + (process.pid % 300);
    const res = await fetch(serve!.url(`/api/v1/transitions?filter=${encodeURIComponent(`sport = :${port} or dport = :${port}`)}`));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    // Ends at LAST_ACK; the time limit covers starting python in the namespace on a loaded machine.
    const got = events(res, (evs) => evs.some((e) => e.data.includes('"from":"LAST_ACK"')), 60_000);
    await new Promise((r) => setTimeout(r, 500));
    ns!.run('python3', [
      '-c',
      `
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', ${port})); s.listen()
o = socket.socket(); o.bind(('127.0.0.1', ${port + 1})); o.listen(); o.close()
c = socket.create_connection(('127.0.0.1', ${port})); a, _ = s.accept()
time.sleep(0.2); c.close(); time.sleep(0.2); a.close(); time.sleep(0.3)
`,
    ]);
    const evs = await got;
    const bpf = existsSync('/sys/kernel/btf/vmlinux') && process.getuid?.() === 0;
    assert.equal(evs[0]?.event, 'source');
    assert.equal(JSON.parse(evs[0]!.data).source, bpf ? 'bpf' : 'snapshots');
    const ts = evs.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data) as { from: string; to: string; local: { port: number }; remote: { port: number } });
    assert.ok(
      ts.every((x) => x.local.port === port || x.remote.port === port),
      'only the filtered port',
    );
    const server = ts.filter((x) => x.local.port === port && x.remote.port !== 0).map((x) => `${x.from}>${x.to}`);
    assert.deepEqual(server, ['LISTEN>SYN_RECV', 'SYN_RECV>ESTABLISHED', 'ESTABLISHED>CLOSE_WAIT', 'CLOSE_WAIT>LAST_ACK', 'LAST_ACK>CLOSE'], JSON.stringify(ts));
  });

  test('a bad filter or parameter is a 400 naming it', async (t) => {
    if (!kernelOrSkip(t)) return;
    let r = await fetch(serve!.url('/api/v1/transitions?filter=sport%20%3D%20%3Anosuchservice'));
    assert.equal(r.status, 400);
    const body = (await r.json()) as { error: { parameter: string; message: string } };
    assert.equal(body.error.parameter, 'filter');
    assert.match(body.error.message, /nosuchservice/);
    r = await fetch(serve!.url('/api/v1/transitions?since=1'));
    assert.equal(r.status, 400);
    assert.match(await r.text(), /unknown query parameter \\"since\\"; this endpoint takes netns, filter/);
  });
});
