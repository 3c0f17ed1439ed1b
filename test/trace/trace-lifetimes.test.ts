// trace --lifetimes: the pure gathering (bytes with the SYN and FIN taken off, history letters,
// a socket address the kernel reuses, a connection begun before the trace), and against the
// real kernel in a namespace: bytes equal to what the test wrote and read, durations inside
// the test's own clock readings, the whole path for client-closes-first and
// server-closes-first, a reset and a refused connect, each end's owner.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { KIND_STATE, KIND_TW_ENTER, type TraceEvent } from '../../src/trace/events.js';
import { dataBytes, Tracker, type TraceOwners, type Transition } from '../../src/trace/tracker.js';
import type { LifetimeJson } from '../../src/model/documents.js';
import { historyOf, LifetimeCollector, lifetimeJson } from '../../src/trace/lifetimes.js';
import { lifetimeMatcher } from '../../src/trace/match.js';
import { parseFilter } from '../../src/model/filter.js';
import { CLOSE, CLOSE_WAIT, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, LAST_ACK, LISTEN, SYN_RECV, SYN_SENT, TIME_WAIT } from '../../src/model/state.js';
import { kernelOrSkip, kernelUnavailable, Netns, runCli } from '../lib/netns.js';
import { py, TraceRun, waitLine } from '../lib/trace-run.js';

function ev(f: Partial<TraceEvent> & { from: number; to: number }): TraceEvent {
  return {
    time: 1_000_000n,
    sk: 'a0',
    tw: '',
    inode: 5,
    netns: 1,
    cpuPid: 0,
    cpuComm: 'x',
    kind: KIND_STATE,
    shutdown: 0,
    family: 4,
    lport: 40000,
    rport: 80,
    laddr: new Uint8Array(16),
    raddr: new Uint8Array(16),
    err: 0,
    peerFin: false,
    acked: 0,
    received: 0,
    ...f,
  };
}

const owners: TraceOwners = { byInode: () => ({ pid: 7, program: 'curl' }), listener: () => undefined, noteListener: () => undefined };

test("data bytes: the SYN of a connect()ed socket, our acknowledged FIN and the peer's FIN are taken off the kernel's counters", () => {
  // a connect()ed socket, ESTABLISHED -> FIN_WAIT1: bytes_acked counts the SYN
  assert.deepEqual(dataBytes(ev({ from: ESTABLISHED, to: FIN_WAIT1, acked: 1001, received: 77 }), true), { sent: 1000, received: 77 });
  // a listener's child: its SYN is not counted; the peer's FIN came (SOCK_DONE)
  assert.deepEqual(dataBytes(ev({ from: ESTABLISHED, to: CLOSE_WAIT, acked: 77, received: 1001, peerFin: true }), false), { sent: 77, received: 1000 });
  // LAST_ACK -> CLOSE without error: our FIN was acknowledged
  assert.deepEqual(dataBytes(ev({ from: LAST_ACK, to: CLOSE, acked: 78, received: 1001, peerFin: true }), false), { sent: 77, received: 1000 });
  // ... with ECONNRESET it was not
  assert.deepEqual(dataBytes(ev({ from: LAST_ACK, to: CLOSE, acked: 77, received: 1001, peerFin: true, err: 104 }), false), { sent: 77, received: 1000 });
  // an orphan leaving FIN_WAIT2 before the peer's FIN (close() set RCV_SHUTDOWN: not looked at)
  assert.deepEqual(dataBytes(ev({ from: FIN_WAIT2, to: CLOSE, acked: 1002, received: 77, shutdown: 3, peerFin: false }), true), { sent: 1000, received: 77 });
  assert.deepEqual(dataBytes(ev({ from: FIN_WAIT2, to: CLOSE, acked: 1002, received: 78, shutdown: 3, peerFin: true }), true), { sent: 1000, received: 77 });
  // who opened it not seen: sent unknown unless nothing was acknowledged; flag unread leaving FIN_WAIT2: received unknown
  assert.deepEqual(dataBytes(ev({ from: ESTABLISHED, to: FIN_WAIT1, acked: 5, received: 0 }), undefined), { sent: undefined, received: 0 });
  assert.deepEqual(dataBytes(ev({ from: FIN_WAIT2, to: CLOSE, acked: 0, received: 9, peerFin: undefined }), true), { sent: 0, received: undefined });
  // a request socket and the timewait kinds have no counters
  assert.equal(dataBytes(ev({ from: LISTEN, to: 12, acked: 5 }), false), undefined);
  assert.equal(dataBytes(ev({ kind: 3, from: 0, to: TIME_WAIT }), true), undefined);
  assert.deepEqual(dataBytes(ev({ kind: KIND_TW_ENTER, from: FIN_WAIT2, to: TIME_WAIT, acked: 12, received: 8, peerFin: true }), true), { sent: 10, received: 7 });
});

function run(evs: TraceEvent[]): { ts: Transition[]; lives: ReturnType<LifetimeCollector['push']>[] } {
  const tr = new Tracker(owners);
  const c = new LifetimeCollector();
  const ts = evs.flatMap((e) => tr.push(e));
  return { ts, lives: ts.map((t) => c.push(t)).filter((l) => l !== undefined) };
}

test("a client's life: one record at TIME_WAIT with bytes, ms, path, history ShDdFf; a listener is no connection", () => {
  const t = (ms: number): bigint => BigInt(ms) * 1_000_000n;
  const { lives } = run([
    ev({ sk: 'l1', time: t(0), from: CLOSE, to: LISTEN, lport: 80, rport: 0 }),
    ev({ time: t(10), from: CLOSE, to: SYN_SENT, lport: 0 }),
    ev({ time: t(11), from: SYN_SENT, to: ESTABLISHED, acked: 1 }),
    ev({ time: t(311), from: ESTABLISHED, to: FIN_WAIT1, acked: 101, received: 50 }),
    ev({ time: t(312), from: FIN_WAIT1, to: FIN_WAIT2, acked: 102, received: 50 }),
    ev({ kind: KIND_TW_ENTER, tw: 'b0', time: t(512), from: FIN_WAIT2, to: TIME_WAIT, acked: 102, received: 51, peerFin: true }),
    ev({ time: t(512), from: FIN_WAIT2, to: CLOSE, acked: 102, received: 51, peerFin: true }),
    ev({ sk: 'l1', time: t(600), from: LISTEN, to: CLOSE, lport: 80, rport: 0 }),
  ]);
  assert.equal(lives.length, 1);
  const l = lives[0]!;
  assert.deepEqual([l.sent, l.received, l.ms, l.history, l.owner?.pid], [100, 50, 502, 'ShDdFf', 7]);
  assert.deepEqual(l.path, [CLOSE, SYN_SENT, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, TIME_WAIT]);
  const j: LifetimeJson = lifetimeJson(l, 0n);
  assert.equal(j.schema, 'tcpstate.lifetime/1');
  assert.deepEqual(j.path, ['CLOSE', 'SYN_SENT', 'ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT']);
  assert.equal(j.error, null);
  assert.equal(lifetimeMatcher(parseFilter(['state', 'fin-wait-1']))(l), true);
  assert.equal(lifetimeMatcher(parseFilter(['state', 'close-wait']))(l), false);
  assert.equal(lifetimeMatcher(parseFilter(['dport', '=', ':80']))(l), true);
});

test("a reset, a refused connect, a connection begun before the trace, and a socket address reused before the old one's end", () => {
  const reset = run([ev({ from: CLOSE, to: SYN_SENT }), ev({ from: SYN_SENT, to: ESTABLISHED, acked: 1 }), ev({ from: ESTABLISHED, to: CLOSE, acked: 12, err: 104 })]).lives[0]!;
  assert.deepEqual([reset.sent, reset.history, reset.err], [11, 'ShDr', 104]);
  const server = run([ev({ from: LISTEN, to: SYN_RECV }), ev({ from: SYN_RECV, to: ESTABLISHED }), ev({ from: ESTABLISHED, to: CLOSE, received: 11 })]).lives[0]!;
  assert.deepEqual([server.received, server.history, server.err], [11, 'ShD', 0], 'our own RST is not a letter');
  const refused = run([ev({ from: CLOSE, to: SYN_SENT }), ev({ from: SYN_SENT, to: CLOSE, err: 111 })]).lives[0]!;
  assert.deepEqual([refused.history, lifetimeJson(refused, 0n).error], ['S', 'ECONNREFUSED'], "a refused connect's RST may be an ICMP error: no r");
  const old = run([ev({ from: CLOSE_WAIT, to: LAST_ACK, acked: 5, received: 9, peerFin: true }), ev({ from: LAST_ACK, to: CLOSE, acked: 6, received: 9, peerFin: true })]).lives[0]!;
  assert.deepEqual([old.start, old.ms, old.sent, old.received, old.history], [undefined, undefined, undefined, 8, undefined]);
  // the held end of the first life comes after the second life began at the same address
  const c = new LifetimeCollector();
  const a: Transition = { ...run([ev({ from: CLOSE, to: SYN_SENT })]).ts[0]!, life: 1 };
  const b: Transition = { ...a, life: 2 };
  assert.equal(c.push(a), undefined);
  assert.equal(c.push(b), undefined);
  assert.deepEqual(c.push({ ...a, from: SYN_SENT, to: CLOSE })?.path, [CLOSE, SYN_SENT, CLOSE]);
  assert.equal(c.size, 1);
  assert.equal(historyOf([], undefined), undefined);
});

test('--lifetimes with --count or --poll is a usage error naming both', () => {
  let r = runCli(['trace', '--lifetimes', '--count']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--lifetimes reads each connection's byte counters in the kernel at its close and cannot be combined with --count/);
  r = runCli(['trace', '--lifetimes', '--poll']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot be combined with --poll/);
});

interface Run {
  code: number;
  lives: LifetimeJson[];
  stderr: string;
}

const SERVER = `
import socket, sys, time
mode, port, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', port)); s.listen()
print('ready', flush=True)
a, _ = s.accept()
got = 0
while mode != 'rst' and got < n:
    got += len(a.recv(65536))
if mode != 'rst': a.sendall(b'y' * m)
if mode == 'client-first':
    while a.recv(65536): pass
    time.sleep(0.2)
elif mode == 'server-first':
    time.sleep(0.3)
else:
    time.sleep(0.3)
t0 = time.monotonic(); a.close(); t1 = time.monotonic()
print('closed', t0, t1, got, flush=True)
time.sleep(0.5)
`;

const CLIENT = `
import socket, sys, time
mode, port, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
c = socket.socket()
t0 = time.monotonic()
try:
    c.connect(('127.0.0.1', port))
except ConnectionRefusedError:
    print('refused', flush=True); sys.exit(0)
t1 = time.monotonic()
print('port', c.getsockname()[1], t0, t1, flush=True)
c.sendall(b'x' * n)
got = 0
if mode == 'client-first':
    while got < m: got += len(c.recv(65536))
    time.sleep(0.3)
elif mode == 'server-first':
    while True:
        d = c.recv(65536)
        if not d: break
        got += len(d)
else:
    time.sleep(0.6)
    try: c.recv(100)
    except ConnectionResetError: pass
t2 = time.monotonic(); c.close(); t3 = time.monotonic()
print('closed', t2, t3, got, flush=True)
time.sleep(0.5)
`;

describe('trace --lifetimes in a namespace', () => {
  let ns: Netns | undefined;
  before(() => {
    if (!kernelUnavailable()) ns = Netns.create('tlife');
  });
  after(() => ns?.destroy());
  let portSeq = 21000 + (process.pid % 20000);

  /** Start the trace, wait until it prints a marker connection's lifetime, run the scenario. */
  async function scenario(mode: string, n: number, m: number): Promise<Run & { port: number; cport?: number; client: number; server?: number; c: number[]; s?: number[] }> {
    const port = ++portSeq;
    const tr = new TraceRun<LifetimeJson>(['--lifetimes', '--json', '--netns', ns!.name]);
    try {
      await tr.until(
        () => tr.lines.some((l) => l.remote.port === 9),
        'marker connection',
        15000,
        () => {
          ns!.run('python3', [
            '-c',
            'import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 9)); s.listen(); c=socket.create_connection(("127.0.0.1", 9)); a,_=s.accept(); a.close(); c.close(); s.close()',
          ]);
        },
      );
      let srv;
      if (mode !== 'refused') {
        srv = py(ns!, SERVER, [mode, String(port), String(n), String(m)]);
        await waitLine(srv.lines, 'ready');
      }
      const cl = py(ns!, CLIENT, [mode, String(port), String(n), String(m)]);
      const clOut = await cl.out;
      const srvOut = srv ? await srv.out : undefined;
      const p = clOut.find((l) => l.startsWith('port'))?.split(' ');
      const cc = clOut
        .find((l) => l.startsWith('closed'))
        ?.split(' ')
        .slice(1)
        .map(Number);
      const sc = srvOut
        ?.find((l) => l.startsWith('closed'))
        ?.split(' ')
        .slice(1)
        .map(Number);
      const cport = p ? Number(p[1]) : undefined;
      // every end of this port's connections printed (an orphan's TIME_WAIT is seen by a dump)
      const want = mode === 'refused' ? 1 : 2;
      await tr.until(() => tr.lines.filter((l) => l.local.port === port || l.remote.port === port).length >= want, `${want} lifetimes on port ${port}`, 10000);
      await new Promise((r) => setTimeout(r, 300));
      const code = await tr.stop();
      return {
        code,
        stderr: tr.stderr,
        lives: tr.lines.filter((l) => l.local.port === port || l.remote.port === port),
        port,
        cport,
        client: cl.child.pid!,
        server: srv?.child.pid,
        c: p ? [Number(p[2]), Number(p[3]), ...cc!] : [],
        s: sc,
      };
    } finally {
      await tr.stop();
    }
  }

  test("client closes first: bytes each way as written and read, ms inside the test's clock, the seed's paths, ShDdFf on both ends, each end's owner", async (t) => {
    if (!kernelOrSkip(t, ['python3'])) return;
    const n = 200_000;
    const m = 4321;
    const r = await scenario('client-first', n, m);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.lives.length, 2, JSON.stringify(r.lives));
    const client = r.lives.find((l) => l.local.port === r.cport)!;
    const server = r.lives.find((l) => l.local.port === r.port)!;
    assert.deepEqual(client.path, ['CLOSE', 'SYN_SENT', 'ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT']);
    assert.deepEqual(server.path, ['LISTEN', 'SYN_RECV', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSE']);
    assert.deepEqual([client.sent, client.received, server.sent, server.received], [n, m, m, n]);
    assert.deepEqual([client.history, server.history], ['ShDdFf', 'ShDdFf']);
    assert.deepEqual([client.pid, server.pid, client.error, server.error], [r.client, r.server, null, null]);
    const [cConn0, cConn1] = r.c as [number, number];
    const [sClose0, sClose1] = r.s as [number, number];
    // the server's life: from the SYN (during connect()) to the ACK of its FIN (within its close())
    const lo = (sClose0 - cConn1) * 1000;
    const hi = (sClose1 - cConn0) * 1000 + 100;
    assert.ok(server.ms! >= lo - 1 && server.ms! <= hi, `server lived ${server.ms} ms, the test measured ${lo.toFixed(3)} to ${hi.toFixed(3)}`);
    // the client's ends when the server's FIN reaches its orphan: seen by a dump (observed)
    assert.equal(client.observed, true);
    assert.ok(client.ms! >= lo - 1 && client.ms! <= hi + 1500, `client lived ${client.ms} ms, the server's FIN came after ${lo.toFixed(3)}: ${JSON.stringify(r)}`);
  });

  test("server closes first: the client ends CLOSE_WAIT, LAST_ACK, CLOSE at the kernel's instant, the server in TIME_WAIT; bytes and owners", async (t) => {
    if (!kernelOrSkip(t, ['python3'])) return;
    const n = 1234;
    const m = 150_000;
    const r = await scenario('server-first', n, m);
    assert.equal(r.code, 0, r.stderr);
    const client = r.lives.find((l) => l.local.port === r.cport)!;
    const server = r.lives.find((l) => l.local.port === r.port)!;
    assert.deepEqual(client.path, ['CLOSE', 'SYN_SENT', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSE']);
    assert.deepEqual(server.path, ['LISTEN', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT']);
    assert.deepEqual([client.sent, client.received, server.sent, server.received], [n, m, m, n]);
    assert.deepEqual([client.history, server.history], ['ShDdfF', 'ShDdfF']);
    assert.deepEqual([client.pid, server.pid], [r.client, r.server]);
    const [cConn0, cConn1, cClose0, cClose1] = r.c as [number, number, number, number];
    const lo = (cClose0 - cConn1) * 1000;
    const hi = (cClose1 - cConn0) * 1000 + 100;
    assert.equal(client.observed, undefined);
    assert.ok(client.ms! >= lo - 1 && client.ms! <= hi, `client lived ${client.ms} ms, the test measured ${lo.toFixed(3)} to ${hi.toFixed(3)}`);
  });

  test("close with unread data: the client ends by the peer's RST (ShDr, ECONNRESET), the server sent 0 and received what the client wrote", async (t) => {
    if (!kernelOrSkip(t, ['python3'])) return;
    const r = await scenario('rst', 11, 0);
    assert.equal(r.code, 0, r.stderr);
    const client = r.lives.find((l) => l.local.port === r.cport)!;
    const server = r.lives.find((l) => l.local.port === r.port)!;
    assert.deepEqual([client.path.join('>'), client.sent, client.received, client.history, client.error], ['CLOSE>SYN_SENT>ESTABLISHED>CLOSE', 11, 0, 'ShDr', 'ECONNRESET']);
    assert.deepEqual([server.path.join('>'), server.sent, server.received, server.history, server.error], ['LISTEN>SYN_RECV>ESTABLISHED>CLOSE', 0, 11, 'ShD', null]);
    assert.deepEqual([client.pid, server.pid], [r.client, r.server]);
  });

  test("bpftrace reading tcp_sock at CLOSE (as tcplife) is the oracle: the kernel's counters are ours plus the SYN and FINs taken off", async (t) => {
    if (!kernelOrSkip(t, ['python3', 'bpftrace'])) return;
    if (!existsSync('/sys/kernel/tracing/events')) execFileSync('mount', ['-t', 'tracefs', 'nodev', '/sys/kernel/tracing']);
    const inum = statSync(`/run/netns/${ns!.name}`).ino;
    const bt = spawn(
      'bpftrace',
      [
        '-e',
        `tracepoint:sock:inet_sock_set_state /args->protocol == 6 && args->newstate == 7 && ((struct sock *)args->skaddr)->__sk_common.skc_net.net->ns.inum == ${inum}/ { $tp = (struct tcp_sock *)args->skaddr; printf("%d %d %lu %lu\\n", args->sport, args->dport, $tp->bytes_acked, $tp->bytes_received); }`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    bt.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    try {
      const end = Date.now() + 20000;
      while (!out.includes('Attaching')) {
        if (Date.now() > end || bt.exitCode !== null) throw new Error(`bpftrace did not attach: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const n = 30_000;
      const m = 777;
      const r = await scenario('client-first', n, m);
      assert.equal(r.code, 0, r.stderr);
      const raw = (sport: number, dport: number): number[] => {
        const l = out.split('\n').find((x) => x.startsWith(`${sport} ${dport} `));
        assert.ok(l, `bpftrace saw no CLOSE of ${sport} -> ${dport}: ${out}`);
        return l.split(' ').slice(2).map(Number);
      };
      const client = r.lives.find((l) => l.local.port === r.cport)!;
      const server = r.lives.find((l) => l.local.port === r.port)!;
      // the client's full socket closed in FIN_WAIT2 (an orphan turned timewait socket): its SYN and FIN acknowledged, the server's FIN not yet come
      assert.deepEqual(raw(r.cport!, r.port), [client.sent! + 2, client.received!], `${out} ${JSON.stringify(r)}`);
      // the server's in LAST_ACK: its FIN acknowledged, the client's FIN received
      assert.deepEqual(raw(r.port, r.cport!), [server.sent! + 1, server.received! + 1], `${out} ${JSON.stringify(r)}`);
      assert.deepEqual([client.sent, server.received], [n, n]);
    } finally {
      if (bt.pid !== undefined && bt.exitCode === null) process.kill(bt.pid, 'SIGINT');
    }
  });

  test("refused connect: one life CLOSE>SYN_SENT>CLOSE, ECONNREFUSED, history S, the client's", async (t) => {
    if (!kernelOrSkip(t, ['python3'])) return;
    const r = await scenario('refused', 0, 0);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.lives.length, 1, JSON.stringify(r.lives));
    const l = r.lives[0]!;
    assert.deepEqual([l.path.join('>'), l.sent, l.received, l.history, l.error, l.pid], ['CLOSE>SYN_SENT>CLOSE', 0, 0, 'S', 'ECONNREFUSED', r.client]);
  });
});
