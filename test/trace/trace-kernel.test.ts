// tcpstate trace against the real kernel, in namespaces the tests create: each socket's
// sequence of states in known patterns, the owner of every event (client and server are
// separate processes), time in state against the test's own sleeps, and bpftrace on the same
// tracepoint as the oracle for the raw transitions.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CLI, kernelOrSkip, Netns } from '../lib/netns.js';

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

const SERVER = `
import socket, sys, time
mode, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', port)); s.listen()
print('ready', flush=True)
a, _ = s.accept()
if mode == 'client-first':
    while a.recv(100): pass
    time.sleep(0.2); a.close()
elif mode == 'server-first':
    time.sleep(0.3); a.close(); time.sleep(0.3)
elif mode == 'rst':
    time.sleep(0.2); a.close()
time.sleep(0.5)
print('done', flush=True)
`;

const CLIENT = `
import socket, sys, time
mode, port = sys.argv[1], int(sys.argv[2])
c = socket.socket()
try:
    c.connect(('127.0.0.1', port))
except ConnectionRefusedError:
    print('refused', flush=True); sys.exit(0)
print('port', c.getsockname()[1], flush=True)
if mode == 'client-first':
    c.send(b'hello'); time.sleep(0.3); c.close()
elif mode == 'server-first':
    while c.recv(100): pass
    c.close()
elif mode == 'rst':
    c.send(b'unread data'); time.sleep(0.6)
    try: c.recv(100)
    except ConnectionResetError: pass
    c.close()
time.sleep(0.5)
`;

class Trace {
  lines: Line[] = [];
  stderr = '';
  private child: ChildProcess;
  private buf = '';
  constructor(ns: string) {
    this.child = spawn(process.execPath, [CLI, 'trace', '--netns', ns, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.buf += d.toString();
      let nl;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        this.lines.push(JSON.parse(this.buf.slice(0, nl)) as Line);
        this.buf = this.buf.slice(nl + 1);
      }
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
  }
  async until(cond: () => boolean, what: string, ms = 15000): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`trace: no ${what} in ${ms} ms; stderr: ${this.stderr}; lines: ${JSON.stringify(this.lines.slice(-10))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  async stop(): Promise<number> {
    const code = new Promise<number>((r) => this.child.once('close', (c) => r(c ?? -1)));
    this.child.kill('SIGINT');
    return code;
  }
}

function py(ns: Netns, src: string, args: string[]): { child: ChildProcess; out: Promise<string[]>; lines: string[] } {
  const child = ns.spawn('python3', ['-c', src, ...args]);
  const lines: string[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  });
  const out = new Promise<string[]>((r) => child.once('close', () => r(lines)));
  return { child, out, lines };
}

async function waitLine(lines: string[], prefix: string): Promise<string> {
  const end = Date.now() + 10000;
  for (;;) {
    const l = lines.find((x) => x.startsWith(prefix));
    if (l) return l;
    if (Date.now() > end) throw new Error(`no "${prefix}" line: ${lines.join('|')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Start the trace and wait until it sees a marker listener in the namespace. */
async function startTrace(ns: Netns): Promise<Trace> {
  const tr = new Trace(ns.name);
  await tr.until(() => {
    ns.run('python3', ['-c', 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 9)); s.listen(); s.close()']);
    return tr.lines.some((l) => l.local.port === 9 && l.to === 'LISTEN');
  }, 'marker LISTEN on port 9');
  return tr;
}

/** Each socket's path (from -> to, ...) and its events, by kernel socket. */
function paths(lines: Line[], port: number): Map<string, Line[]> {
  const m = new Map<string, Line[]>();
  for (const l of lines) {
    if (l.local.port !== port && l.remote.port !== port) continue;
    if (!m.has(l.socket)) m.set(l.socket, []);
    m.get(l.socket)!.push(l);
  }
  return m;
}

function pathOf(ls: Line[]): string {
  return ls.map((l) => `${l.from}>${l.to}`).join(' ');
}

let portSeq = 20000 + (process.pid % 20000);

async function scenario(ns: Netns, mode: string, onReady: () => void = () => {}): Promise<{ tr: Trace; server?: number; client: number; port: number; cport?: number; lines: Line[]; code: number }> {
  const port = ++portSeq;
  const tr = await startTrace(ns);
  onReady();
  let srv;
  if (mode !== 'refused') {
    srv = py(ns, SERVER, [mode, String(port)]);
    // a failure here must not leave the trace running (it keeps the test process alive)
    await waitLine(srv.lines, 'ready').catch(async (e: unknown) => {
      await tr.stop();
      throw e;
    });
  }
  const cl = py(ns, CLIENT, [mode, String(port)]);
  const clOut = await cl.out;
  if (srv) await srv.out;
  const cport = mode === 'refused' ? undefined : Number(clOut.find((l) => l.startsWith('port'))!.split(' ')[1]);
  // settle: the last transitions (and a held FIN_WAIT2 -> CLOSE) reach the output
  await new Promise((r) => setTimeout(r, 400));
  const code = await tr.stop();
  return { tr, server: srv?.child.pid, client: cl.child.pid!, port, cport, lines: tr.lines, code };
}

/** The python process inside `ip netns exec`: its pid is the one ip execs into (same pid). */
describe('tcpstate trace (kernel)', () => {
  let ns: Netns | undefined;
  before(() => {
    if (!kernelUnavailable2()) ns = Netns.create('trace');
  });
  after(() => ns?.destroy());

  test('client closes first: SYN_SENT .. FIN_WAIT2 -> TIME_WAIT on the client, CLOSE_WAIT, LAST_ACK, CLOSE on the server, each with its owner', async (t) => {
    if (!kernelOrSkip(t, ['python3'])) return;
    const r = await scenario(ns!, 'client-first');
    assert.equal(r.code, 0, r.tr.stderr);
    const ps = [...paths(r.lines, r.port).values()];
    const client = ps.find((ls) => ls.some((l) => l.local.port === r.cport))!;
    const server = ps.find((ls) => ls.some((l) => l.local.port === r.port && l.remote.port === r.cport))!;
    assert.equal(pathOf(client), 'CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>FIN_WAIT1 FIN_WAIT1>FIN_WAIT2 FIN_WAIT2>TIME_WAIT');
    assert.equal(pathOf(server), 'LISTEN>SYN_RECV SYN_RECV>ESTABLISHED ESTABLISHED>CLOSE_WAIT CLOSE_WAIT>LAST_ACK LAST_ACK>CLOSE');
    for (const l of client) assert.equal(l.pid, r.client, `client event ${l.from} -> ${l.to} owner`);
    for (const l of server) assert.equal(l.pid, r.server, `server event ${l.from} -> ${l.to} owner`);
    for (const l of [...client, ...server]) assert.equal(l.program, 'python3');
    // the client sleeps 0.3 s between connecting and closing; the server 0.2 s after EOF
    const est = client.find((l) => l.from === 'ESTABLISHED')!;
    assert.ok(est.ms! >= 295 && est.ms! < 2000, `ESTABLISHED for ${est.ms} ms, slept 300`);
    const cw = server.find((l) => l.from === 'CLOSE_WAIT')!;
    assert.ok(cw.ms! >= 195 && cw.ms! < 2000, `CLOSE_WAIT for ${cw.ms} ms, slept 200`);
    const tw = client.at(-1)!;
    assert.equal(tw.observed, true, 'FIN_WAIT2 -> TIME_WAIT of an orphan is seen by a dump here (no fentry)');
    assert.ok(tw.ms! >= 195, `FIN_WAIT2 for ${tw.ms} ms, the server closed after 200`);
    for (const l of r.lines) assert.equal(l.netns, r.lines[0]!.netns);
  });

  test('server closes first: the server walks FIN_WAIT1, FIN_WAIT2, TIME_WAIT; the client CLOSE_WAIT, LAST_ACK, CLOSE', async (t) => {
    if (!kernelOrSkip(t, ['python3'])) return;
    const r = await scenario(ns!, 'server-first');
    assert.equal(r.code, 0, r.tr.stderr);
    const ps = [...paths(r.lines, r.port).values()];
    const client = ps.find((ls) => ls.some((l) => l.local.port === r.cport))!;
    const server = ps.find((ls) => ls.some((l) => l.local.port === r.port && l.remote.port === r.cport))!;
    assert.equal(pathOf(client), 'CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>CLOSE_WAIT CLOSE_WAIT>LAST_ACK LAST_ACK>CLOSE');
    assert.equal(pathOf(server), 'LISTEN>SYN_RECV SYN_RECV>ESTABLISHED ESTABLISHED>FIN_WAIT1 FIN_WAIT1>FIN_WAIT2 FIN_WAIT2>TIME_WAIT');
    for (const l of client) assert.equal(l.pid, r.client, `client event ${l.from} -> ${l.to} owner`);
    for (const l of server) assert.equal(l.pid, r.server, `server event ${l.from} -> ${l.to} owner`);
  });

  test('refused connect: SYN_SENT -> CLOSE, owned by the client', async (t) => {
    if (!kernelOrSkip(t, ['python3'])) return;
    const r = await scenario(ns!, 'refused');
    assert.equal(r.code, 0, r.tr.stderr);
    const ps = [...paths(r.lines, r.port).values()];
    assert.equal(ps.length, 1, JSON.stringify(r.lines));
    assert.equal(pathOf(ps[0]!), 'CLOSE>SYN_SENT SYN_SENT>CLOSE');
    for (const l of ps[0]!) assert.equal(l.pid, r.client);
  });

  test('close with unread data: the server resets (ESTABLISHED -> CLOSE), and so does the client on the RST', async (t) => {
    if (!kernelOrSkip(t, ['python3'])) return;
    const r = await scenario(ns!, 'rst');
    assert.equal(r.code, 0, r.tr.stderr);
    const ps = [...paths(r.lines, r.port).values()];
    const client = ps.find((ls) => ls.some((l) => l.local.port === r.cport))!;
    const server = ps.find((ls) => ls.some((l) => l.local.port === r.port && l.remote.port === r.cport))!;
    assert.equal(pathOf(client), 'CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>CLOSE');
    assert.equal(pathOf(server), 'LISTEN>SYN_RECV SYN_RECV>ESTABLISHED ESTABLISHED>CLOSE');
    for (const l of client) assert.equal(l.pid, r.client);
    for (const l of server) assert.equal(l.pid, r.server);
  });

  test('events the output cannot keep up with are lost in the kernel, counted exactly, and reported (exit 1)', async (t) => {
    if (!kernelOrSkip(t, ['python3'])) return;
    const port = ++portSeq;
    const n = 1500;
    // stdout is a pipe nobody reads during the burst: node's writes to it block, so the
    // addon's thread stops draining and the 64 KiB ring (585 records) fills
    const child = spawn(process.execPath, [CLI, 'trace', '--netns', ns!.name, '--json', '--buffer-kb', '64', 'sport', '=', `:${port}`, 'or', 'dport', '=', `:${port}`, 'or', 'sport', '=', ':9'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
    };
    child.stdout!.on('data', onData);
    const end = Date.now() + 15000;
    while (!/"port":9[,}]/.test(out)) {
      if (Date.now() > end) throw new Error(`trace not ready: ${stderr}`);
      ns!.run('python3', ['-c', 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 9)); s.listen(); s.close()']);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.stdout!.off('data', onData);
    child.stdout!.pause();
    // pad the pipe full first, then the burst: n connections, 6 changes each, and the listener's 2
    ns!.run('python3', [
      '-c',
      `
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', ${port})); s.listen(4096)
for i in range(${n}):
    c = socket.create_connection(('127.0.0.1', ${port})); a, _ = s.accept()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b'\\x01' + b'\\x00' * 7)
    c.close(); a.close()
s.close()
`,
    ]);
    const code = new Promise<number>((r) => child.once('close', (c) => r(c ?? -1)));
    let rest = '';
    child.stdout!.on('data', (d: Buffer) => {
      rest += d.toString();
    });
    child.stdout!.resume();
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    assert.equal(await code, 1, stderr);
    const got = rest.split('\n').filter((l) => l.includes(`"port":${port}`)).length;
    const lost = Number(/(\d+) state changes lost/.exec(stderr)?.[1] ?? 'NaN');
    assert.ok(lost > 0, `nothing lost? ${stderr}`);
    assert.equal(got + lost, 6 * n + 2, `${got} printed + ${lost} lost`);
  });

  test('bpftrace on the same tracepoint sees the same raw transitions', async (t) => {
    if (!kernelOrSkip(t, ['python3', 'bpftrace'])) return;
    if (!existsSync('/sys/kernel/tracing/events')) execFileSync('mount', ['-t', 'tracefs', 'nodev', '/sys/kernel/tracing']);
    const inum = statSync(`/run/netns/${ns!.name}`).ino;
    const bt = spawn(
      'bpftrace',
      [
        '-e',
        `tracepoint:sock:inet_sock_set_state /args->protocol == 6 && ((struct sock *)args->skaddr)->__sk_common.skc_net.net->ns.inum == ${inum}/ { printf("%lx %d %d\\n", (uint64)args->skaddr, args->oldstate, args->newstate); }`,
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
      const r = await scenario(ns!, 'client-first');
      await new Promise((res) => setTimeout(res, 300));
      // each address's lifetimes (a socket freed, its memory reused: the marker listeners'
      // addresses come back), split after each change to CLOSE (7)
      const kernel = new Map<string, string[][]>();
      for (const l of out.split('\n')) {
        const m = /^([0-9a-f]+) (\d+) (\d+)$/.exec(l);
        if (!m) continue;
        const lives = kernel.get(m[1]!) ?? [[]];
        kernel.set(m[1]!, lives);
        if (lives.at(-1)!.at(-1)?.endsWith('>7')) lives.push([]);
        lives.at(-1)!.push(`${m[2]}>${m[3]}`);
      }
      const codes: Record<string, number> = { ESTABLISHED: 1, SYN_SENT: 2, SYN_RECV: 3, FIN_WAIT1: 4, FIN_WAIT2: 5, TIME_WAIT: 6, CLOSE: 7, CLOSE_WAIT: 8, LAST_ACK: 9, LISTEN: 10, CLOSING: 11 };
      const ps = paths(r.lines, r.port);
      assert.ok(ps.size >= 2);
      for (const [sk, ls] of ps) {
        // the tracepoint's raw view: a timewait socket taking over is the full socket's X -> CLOSE
        const raw = ls.map((l) => `${codes[l.from]}>${l.to === 'TIME_WAIT' ? codes.CLOSE : codes[l.to]}`);
        assert.deepEqual(raw, kernel.get(sk)?.at(-1), `socket ${sk}: ${JSON.stringify(kernel.get(sk))}`);
      }
    } finally {
      if (bt.pid !== undefined && bt.exitCode === null) process.kill(bt.pid, 'SIGINT');
    }
  });
});

function kernelUnavailable2(): boolean {
  return process.platform !== 'linux' || process.getuid?.() !== 0;
}
