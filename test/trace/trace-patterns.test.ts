// tcpstate trace on two patterns the other kernel tests do not make: a simultaneous close (two
// namespaces joined by a veth pair whose tbf queues hold each FIN behind data, both ends
// shutting down at one instant so both FINs are in flight at once) and a listener whose
// accept queue is full. Each socket's sequence of states, both ends' owners, and times in
// state against the test's own clock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kernelOrSkip, kernelUnavailable, Netns } from '../lib/netns.js';
import { py, TraceRun, waitLine } from '../lib/trace-run.js';

interface Line {
  time: string;
  netns: number;
  pid: number | null;
  program: string | null;
  family: number;
  local: { address: string; port: number };
  remote: { address: string; port: number };
  from: string;
  to: string;
  ms: number | null;
  socket: string;
  observed?: true;
}

/** A trace of `ns`, ready once it has shown a marker listener on port 9 there. */
async function traceOf(ns: Netns): Promise<TraceRun<Line>> {
  const tr = new TraceRun<Line>(['--netns', ns.name, '--json']);
  await tr.until(
    () => tr.lines.some((l) => l.local.port === 9 && l.to === 'LISTEN'),
    'marker LISTEN on port 9',
    15000,
    () => {
      ns.run('python3', ['-c', 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 9)); s.listen(); s.close()']);
    },
  );
  return tr;
}

/**
 * Each socket's events on `port` (local or remote), by kernel socket, in order. The kernel
 * gives a freed socket's address to a new one: a new list starts where a socket is born, and
 * a line of another connection under that address (a timewait socket's change that a dump saw
 * later, carrying the address its full socket had) goes to its own connection's list, found by
 * its ends, not to the socket now living there.
 */
function sockets(lines: Line[], port: number): Line[][] {
  const m = new Map<string, Line[]>();
  const out: Line[][] = [];
  const ends = (l: Line): string => `${l.local.address}:${l.local.port} ${l.remote.address}:${l.remote.port}`;
  for (const l of lines) {
    if (l.local.port !== port && l.remote.port !== port) continue;
    const born = (l.from === 'CLOSE' && l.to !== 'CLOSE') || (l.from === 'LISTEN' && l.to === 'SYN_RECV');
    const bound = m.get(l.socket)?.find((x) => x.local.port !== 0);
    if (!born && bound && l.local.port !== 0 && ends(bound) !== ends(l)) {
      let own = out.find((ls) => ls.some((x) => x.local.port !== 0 && ends(x) === ends(l)));
      if (!own) out.push((own = []));
      own.push(l);
      continue;
    }
    if (!m.has(l.socket) || born) {
      m.set(l.socket, []);
      out.push(m.get(l.socket)!);
    }
    m.get(l.socket)!.push(l);
  }
  return out;
}

const pathOf = (ls: Line[]): string => ls.map((l) => `${l.from}>${l.to}`).join(' ');

let portSeq = 23000 + (process.pid % 20000);

describe('simultaneous close across a veth pair whose queues hold the FINs', () => {
  let a: Netns | undefined;
  let b: Netns | undefined;
  before(() => {
    if (kernelUnavailable()) return;
    a = Netns.create('tsima');
    b = Netns.create('tsimb');
    // the pair is made inside a: its names cannot collide with another test's
    a.run('ip', ['link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb', 'netns', b.name]);
    for (const [ns, dev, addr] of [
      [a, 'va', '10.77.0.1/24'],
      [b, 'vb', '10.77.0.2/24'],
    ] as const) {
      ns.run('ip', ['addr', 'add', addr, 'dev', dev]);
      ns.run('ip', ['link', 'set', dev, 'up']);
      // 25 kB/s with one packet of burst: 4000 bytes written just before the FIN keep it
      // queued for about 90 ms (no netem here: tbf is what this kernel has)
      ns.run('tc', ['qdisc', 'add', 'dev', dev, 'root', 'tbf', 'rate', '200kbit', 'burst', '2000', 'limit', '100000']);
    }
  });
  after(() => {
    a?.destroy();
    b?.destroy();
  });

  // Both ends write 4000 bytes and shutdown(SHUT_WR) at one agreed instant: each FIN leaves
  // TCP (its ack field filled) before the peer's arrives, then waits in its queue behind the
  // data, so each arrives at a FIN_WAIT1 socket without acknowledging that socket's FIN.
  // shutdown, not close(): data reaching a close()d socket would be answered with a RST.
  // The instant is agreed once both ends are connected (read from stdin): python's start,
  // seconds on a loaded machine, is not in it.
  const END = (host: string, port: number, listen: boolean): string => `
import socket, sys, time
if ${listen ? 'True' : 'False'}:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('${host}', ${port})); s.listen()
    print('ready', flush=True)
    c, _ = s.accept()
else:
    c = socket.create_connection(('${host}', ${port}))
print('port', c.getsockname()[1], flush=True)
at = float(sys.stdin.readline())
time.sleep(max(0, at - time.time()))
t0 = time.monotonic(); c.sendall(b'x' * 4000); c.shutdown(socket.SHUT_WR); t1 = time.monotonic()
got = 0
while True:
    d = c.recv(65536)
    if not d: break
    got += len(d)
t2 = time.monotonic()
print('eof', t0, t1, t2, got, flush=True)
time.sleep(0.5); c.close(); time.sleep(0.5)
`;

  test("both ends FIN_WAIT1 -> CLOSING -> TIME_WAIT, FIN_WAIT1 until the peer's FIN came (the test's EOF), each owned by its process", async (t) => {
    if (!kernelOrSkip(t, ['python3', 'tc'])) return;
    const port = ++portSeq;
    const ta = await traceOf(a!);
    const tb = await traceOf(b!);
    try {
      const srv = py(a!, END('10.77.0.1', port, true), []);
      await waitLine(srv.lines, 'ready');
      const cl = py(b!, END('10.77.0.1', port, false), []);
      const cport = Number((await waitLine(cl.lines, 'port')).split(' ')[1]);
      await waitLine(srv.lines, 'port');
      const at = `${Date.now() / 1000 + 0.5}\n`;
      srv.child.stdin!.write(at);
      cl.child.stdin!.write(at);
      const [cOut, sOut] = await Promise.all([cl.out, srv.out]);
      const eof = (out: string[]): number[] =>
        out
          .find((l) => l.startsWith('eof'))!
          .split(' ')
          .slice(1)
          .map(Number);
      const done = (tr: TraceRun<Line>): boolean => tr.lines.some((l) => (l.local.port === port || l.remote.port === port) && l.to === 'TIME_WAIT');
      await ta.until(() => done(ta), "the server's TIME_WAIT");
      await tb.until(() => done(tb), "the client's TIME_WAIT");
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await ta.stop(), 0, ta.stderr);
      assert.equal(await tb.stop(), 0, tb.stderr);
      const server = sockets(ta.lines, port).find((ls) => ls.some((l) => l.remote.port === cport))!;
      const client = sockets(tb.lines, port).find((ls) => ls.some((l) => l.local.port === cport))!;
      assert.equal(pathOf(server), 'LISTEN>SYN_RECV SYN_RECV>ESTABLISHED ESTABLISHED>FIN_WAIT1 FIN_WAIT1>CLOSING CLOSING>TIME_WAIT');
      assert.equal(pathOf(client), 'CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>FIN_WAIT1 FIN_WAIT1>CLOSING CLOSING>TIME_WAIT');
      for (const l of server) assert.equal(l.pid, srv.child.pid, `server ${l.from} -> ${l.to} owner`);
      for (const l of client) assert.equal(l.pid, cl.child.pid, `client ${l.from} -> ${l.to} owner`);
      for (const [who, ls, out] of [
        ['server', server, sOut],
        ['client', client, cOut],
      ] as const) {
        const [t0, , t2, got] = eof(out) as [number, number, number, number];
        assert.equal(got, 4000);
        const fw1 = ls.find((l) => l.from === 'FIN_WAIT1')!;
        const closing = ls.find((l) => l.from === 'CLOSING')!;
        // from shutdown() to the peer's FIN: at least the queue's hold, at most until the test saw EOF
        assert.ok(fw1.ms! >= 20 && fw1.ms! <= (t2 - t0) * 1000 + 1, `${who} in FIN_WAIT1 ${fw1.ms} ms; the test wrote at ${t0} and saw EOF ${((t2 - t0) * 1000).toFixed(3)} ms later`);
        assert.ok(closing.ms! >= 0 && closing.ms! < 1000, `${who} in CLOSING ${closing.ms} ms`);
        assert.equal(closing.observed, undefined, "the peer's FIN had come: CLOSING -> TIME_WAIT at the kernel's instant");
      }
    } finally {
      await ta.stop();
      await tb.stop();
    }
  });
});

describe('a listener whose accept queue is full', () => {
  let ns: Netns | undefined;
  before(() => {
    if (!kernelUnavailable()) ns = Netns.create('tqueue');
  });
  after(() => ns?.destroy());

  const overflows = (): number => {
    const text = ns!.run('cat', ['/proc/net/netstat']).split('\n');
    const head = text.find((l) => l.startsWith('TcpExt:'))!.split(/\s+/);
    const vals = text.filter((l) => l.startsWith('TcpExt:'))[1]!.split(/\s+/);
    return Number(vals[head.indexOf('ListenOverflows')]);
  };

  test('as Linux gives: the SYN is dropped (ListenOverflows), no SYN_RECV socket; the client stays in SYN_SENT (or gives up: SYN_SENT -> CLOSE) until the queue drains and its SYN sent again after 1 s gets in', async (t) => {
    if (!kernelOrSkip(t, ['python3'])) return;
    const port = ++portSeq;
    const tr = await traceOf(ns!);
    try {
      const before0 = overflows();
      const srv = py(
        ns!,
        `
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', ${port})); s.listen(0)
s.settimeout(60)
print('ready', flush=True)
sys.stdin.readline()
a1, _ = s.accept(); print('accepted', flush=True)
a2, _ = s.accept(); print('accepted', flush=True)
time.sleep(0.5); a1.close(); a2.close(); s.close()
time.sleep(0.5)
`,
        [],
      );
      await waitLine(srv.lines, 'ready');
      // the first connection fills the queue (listen(0) holds one)
      const c1 = py(
        ns!,
        `
import socket, time
c = socket.create_connection(('127.0.0.1', ${port})); print('port', c.getsockname()[1], flush=True)
time.sleep(3); c.close(); time.sleep(0.5)
`,
        [],
      );
      const p1 = Number((await waitLine(c1.lines, 'port')).split(' ')[1]);
      // the second waits for its connect; the third gives up after 0.3 s. Both are started
      // before and connect when told (stdin): python's start, seconds on a loaded machine,
      // must not hold the queue full past the second's SYNs sent again (1 s, 3 s, 7 s, ...)
      const c2 = py(
        ns!,
        `
import socket, select, sys, time
print('started', flush=True); sys.stdin.readline()
c = socket.socket(); c.setblocking(False)
try: c.connect(('127.0.0.1', ${port}))
except BlockingIOError: pass
t0 = time.monotonic(); print('port', c.getsockname()[1], flush=True)
select.select([], [c], [], 60)
print('connected', time.monotonic() - t0, c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), flush=True)
time.sleep(1); c.close(); time.sleep(0.5)
`,
        [],
      );
      const c3 = py(
        ns!,
        `
import socket, sys, time
print('started', flush=True); sys.stdin.readline()
c = socket.socket(); c.setblocking(False)
try: c.connect(('127.0.0.1', ${port}))
except BlockingIOError: pass
print('port', c.getsockname()[1], flush=True)
time.sleep(0.3); c.close(); print('gave up', flush=True); time.sleep(0.5)
`,
        [],
      );
      await waitLine(c2.lines, 'started');
      await waitLine(c3.lines, 'started');
      c2.child.stdin!.write('connect\n');
      const p2 = Number((await waitLine(c2.lines, 'port')).split(' ')[1]);
      c3.child.stdin!.write('connect\n');
      const p3 = Number((await waitLine(c3.lines, 'port')).split(' ')[1]);
      await waitLine(c3.lines, 'gave up');
      const dropped = overflows() - before0;
      srv.child.stdin!.write('go\n');
      const conn = (await waitLine(c2.lines, 'connected')).split(' ');
      await Promise.all([srv.out, c1.out, c2.out, c3.out]);
      await tr.until(() => sockets(tr.lines, port).filter((ls) => ls.at(-1)!.to === 'CLOSE' || ls.at(-1)!.to === 'TIME_WAIT').length >= 5, "every socket's end", 10000);
      assert.equal(await tr.stop(), 0, tr.stderr);
      assert.ok(dropped >= 2, `ListenOverflows grew by ${dropped}: both SYNs dropped at the full queue`);
      assert.equal(Number(conn[2]), 0, 'the second connect succeeded');
      assert.ok(Number(conn[1]) >= 0.9, `the second connect took ${conn[1]} s: its first SYN was dropped`);
      const socks = sockets(tr.lines, port);
      const of = (local: number, remote: number): Line[] => socks.find((ls) => ls.some((l) => l.local.port === local && l.remote.port === remote)) ?? [];
      const [s1, s2, s3] = [of(port, p1), of(port, p2), of(port, p3)];
      // the third never reached the listener: no socket on its side at all
      assert.deepEqual(s3, [], JSON.stringify(s3));
      assert.equal(pathOf(of(p3, port)), 'CLOSE>SYN_SENT SYN_SENT>CLOSE');
      for (const l of of(p3, port)) assert.equal(l.pid, c3.child.pid);
      const c2s = of(p2, port);
      assert.equal(pathOf(c2s).split(' ').slice(0, 2).join(' '), 'CLOSE>SYN_SENT SYN_SENT>ESTABLISHED');
      assert.ok(c2s[1]!.ms! >= 900, `SYN_SENT ${c2s[1]!.ms} ms: the first SYN was dropped, the one sent again after 1 s got in`);
      for (const l of c2s) assert.equal(l.pid, c2.child.pid);
      // the listener's side of the second appears only then, and the first waited in the queue ESTABLISHED
      assert.equal(pathOf(s2).split(' ').slice(0, 2).join(' '), 'LISTEN>SYN_RECV SYN_RECV>ESTABLISHED');
      assert.ok(Date.parse(s2[0]!.time) - Date.parse(c2s[0]!.time) >= 900, 'the listener saw the second connection only at the SYN sent again');
      assert.equal(pathOf(s1).split(' ').slice(0, 2).join(' '), 'LISTEN>SYN_RECV SYN_RECV>ESTABLISHED');
      const queued = s1.find((l) => l.from === 'ESTABLISHED')!;
      assert.ok(queued.ms! >= 300, `the first waited ${queued.ms} ms in the queue`);
      // not yet accepted, a connection is the listener's owner's; after accept() the same process's
      for (const l of [...s1, ...s2]) assert.equal(l.pid, srv.child.pid, `listener side ${l.from} -> ${l.to} owner`);
      for (const l of of(p1, port)) assert.equal(l.pid, c1.child.pid);
    } finally {
      await tr.stop();
    }
  });
});
