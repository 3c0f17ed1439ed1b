/**
 * TCP scenarios for the capture tests: run inside a test namespace
 * (`ip netns exec NS node tcp-scenarios.js`), it drives real connections on loopback while the
 * test captures them with tcpdump, then holds every socket so `ss` can be read.
 *
 * Protocol (one JSON line each on stdout): `{"phase":"pre"}` once the listeners are up and the
 * mid-stream connection exists (the test starts tcpdump now), then on a `go` line from stdin it
 * plays every scenario and prints `{"phase":"done","expect":[...]}`; it exits when stdin closes
 * or after `--ttl` seconds (default 60).
 *
 * | port | scenario    | what happens                                                   | conn_state |
 * |------|-------------|----------------------------------------------------------------|------------|
 * | 7201 | client-close| data both ways, the client closes first (v4 and v6)            | SF         |
 * | 7202 | server-close| data both ways, the server closes first                        | SF         |
 * | 7203 | refused     | connect to a port nobody listens on: RST                       | REJ        |
 * | 7204 | rst-client  | data, then the client aborts (SO_LINGER 0: resetAndDestroy)    | RSTO       |
 * | 7205 | rst-server  | data, then the server aborts                                   | RSTR       |
 * | 7206 | half-close  | client shutdown(SHUT_WR), the server keeps sending, stays open | S2         |
 * | 7207 | no-accept   | a listener (backlog 1) whose process is stopped: two connections queue, the third's SYN is dropped | S1 S1 S0 |
 * | 7208 | simultaneous| FINs dropped until both ends closed: FIN_WAIT1 → CLOSING → TIME_WAIT on both | SF |
 * | 7209 | midstream   | connected before the capture starts, then data and close       | SF         |
 * | 7210 | port-reuse  | server closes first, then the client reconnects from the same port | SF S1  |
 * | 7211 | last-ack    | the client's last ACK dropped: LAST_ACK + TIME_WAIT            | SF         |
 * | 7212 | syn-recv    | the client's handshake ACK dropped: SYN_RECV + ESTABLISHED     | S1         |
 * | 7213 | fin-wait-1  | the server's ACKs dropped, the client closes: FIN_WAIT1 + CLOSE_WAIT | S2   |
 */
import { execFileSync, spawn } from 'node:child_process';
import net from 'node:net';

const args = process.argv.slice(2);
const ttlIdx = args.indexOf('--ttl');
const ttl = ttlIdx >= 0 ? Number(args[ttlIdx + 1]) : 60;

const keep: net.Socket[] = [];
const servers: net.Server[] = [];
const children: number[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');

export interface Expectation {
  scenario: string;
  port: number;
  family: 4 | 6;
  /** Expected conn_state of each connection on this port, in order of start. */
  connStates: string[];
}
const expect: Expectation[] = [];

function nft(rules: string): void {
  execFileSync('nft', ['-f', '-'], { input: rules });
}

interface Listener {
  server: net.Server;
  next(): Promise<net.Socket>;
}

function listen(port: number, host: string): Promise<Listener> {
  const queue: net.Socket[] = [];
  const waiters: ((s: net.Socket) => void)[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    keep.push(s);
    const w = waiters.shift();
    if (w) w(s);
    else queue.push(s);
  });
  servers.push(server);
  const next = () =>
    new Promise<net.Socket>((res) => {
      const s = queue.shift();
      if (s) res(s);
      else waiters.push(res);
    });
  return new Promise((res, rej) => {
    server.once('error', rej);
    server.listen({ port, host }, () => res({ server, next }));
  });
}

function connect(port: number, host: string, localPort?: number): Promise<net.Socket> {
  return new Promise((res, rej) => {
    const c = net.connect({ port, host, allowHalfOpen: true, ...(localPort ? { localPort } : {}) });
    c.on('error', () => {});
    keep.push(c);
    c.once('connect', () => res(c));
    c.once('error', rej);
  });
}

/** Write, and wait until the peer has read exactly that much. */
async function exchange(a: net.Socket, b: net.Socket, text: string): Promise<void> {
  const got = new Promise<void>((res) => {
    let n = 0;
    const on = (d: Buffer) => {
      n += d.length;
      if (n >= text.length) {
        b.off('data', on);
        res();
      }
    };
    b.on('data', on);
  });
  a.write(text);
  await got;
}

const ended = (s: net.Socket) =>
  new Promise<void>((res) => {
    if (s.readableEnded) res();
    else s.once('end', () => res());
  });
const closed = (s: net.Socket) =>
  new Promise<void>((res) => {
    if (s.closed) res();
    else s.once('close', () => res());
  });

async function closeClientFirst(port: number, host: string, family: 4 | 6, name: string): Promise<void> {
  const l = await listen(port, host);
  const c = await connect(port, host);
  const s = await l.next();
  await exchange(c, s, 'hello server');
  await exchange(s, c, 'hello client');
  s.once('end', () => s.end());
  c.end();
  await closed(c);
  expect.push({ scenario: name, port, family, connStates: ['SF'] });
}

let midClient: net.Socket | undefined;
let midServer: net.Socket | undefined;

async function pre(): Promise<void> {
  nft('add table inet pcaptest\nadd chain inet pcaptest in { type filter hook input priority 0; }\n');
  const l = await listen(7209, '127.0.0.1');
  midClient = await connect(7209, '127.0.0.1');
  midServer = await l.next();
  await exchange(midClient, midServer, 'before the capture');
  await exchange(midServer, midClient, 'answer before the capture');
}

async function go(): Promise<void> {
  // Slow starters first: the SYN_RECV needs a SYN-ACK retransmission (1 s) in the capture.
  nft('add rule inet pcaptest in tcp dport 7212 tcp flags == ack drop\n');
  const lsr = await listen(7212, '127.0.0.1');
  void lsr;
  const synrecvClient = net.connect({ port: 7212, host: '127.0.0.1' });
  synrecvClient.on('error', () => {});
  keep.push(synrecvClient);
  expect.push({ scenario: 'syn-recv', port: 7212, family: 4, connStates: ['S1'] });

  // A listener whose process never runs accept(): a stopped child.
  const child = spawn(process.execPath, ['-e', "require('net').createServer().listen({port:7207,host:'127.0.0.1',backlog:1},()=>console.log('up'))"], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child.pid!);
  await new Promise((res) => child.stdout!.once('data', res));
  process.kill(child.pid!, 'SIGSTOP');
  for (let i = 0; i < 3; i++) {
    const s = net.connect({ port: 7207, host: '127.0.0.1' });
    s.on('error', () => {});
    keep.push(s);
    await sleep(60);
  }
  expect.push({ scenario: 'no-accept', port: 7207, family: 4, connStates: ['S1', 'S1', 'S0'] });

  await closeClientFirst(7201, '127.0.0.1', 4, 'client-close');
  await closeClientFirst(7201, '::1', 6, 'client-close-v6');

  {
    const l = await listen(7202, '127.0.0.1');
    const c = await connect(7202, '127.0.0.1');
    const s = await l.next();
    await exchange(c, s, 'request');
    await exchange(s, c, 'response');
    c.once('end', () => c.end());
    s.end();
    await closed(s);
    await closed(c);
    expect.push({ scenario: 'server-close', port: 7202, family: 4, connStates: ['SF'] });
  }
  await connect(7203, '127.0.0.1').catch(() => undefined);
  expect.push({ scenario: 'refused', port: 7203, family: 4, connStates: ['REJ'] });

  for (const [port, who] of [
    [7204, 'client'],
    [7205, 'server'],
  ] as const) {
    const l = await listen(port, '127.0.0.1');
    const c = await connect(port, '127.0.0.1');
    const s = await l.next();
    await exchange(c, s, 'data before the reset');
    await exchange(s, c, 'reply before the reset');
    const aborter = who === 'client' ? c : s;
    const other = who === 'client' ? s : c;
    const gone = closed(other);
    aborter.resetAndDestroy();
    await gone;
    expect.push({ scenario: `rst-${who}`, port, family: 4, connStates: [who === 'client' ? 'RSTO' : 'RSTR'] });
  }

  {
    const l = await listen(7206, '127.0.0.1');
    const c = await connect(7206, '127.0.0.1');
    const s = await l.next();
    await exchange(c, s, 'last words from the client');
    c.end();
    await ended(s);
    await exchange(s, c, 'the server still talks after the half-close');
    expect.push({ scenario: 'half-close', port: 7206, family: 4, connStates: ['S2'] });
  }

  {
    const l = await listen(7208, '127.0.0.1');
    const c = await connect(7208, '127.0.0.1');
    const s = await l.next();
    await exchange(c, s, 'before the simultaneous close');
    nft('add rule inet pcaptest in tcp dport 7208 tcp flags & fin == fin drop\nadd rule inet pcaptest in tcp sport 7208 tcp flags & fin == fin drop\n');
    c.end();
    s.end();
    await sleep(50);
    nft('flush chain inet pcaptest in\nadd rule inet pcaptest in tcp dport 7212 tcp flags == ack drop\n');
    await Promise.all([closed(c), closed(s)]);
    expect.push({ scenario: 'simultaneous', port: 7208, family: 4, connStates: ['SF'] });
  }

  {
    const c = midClient!;
    const s = midServer!;
    await exchange(c, s, 'during the capture');
    await exchange(s, c, 'answer during the capture');
    s.once('end', () => s.end());
    c.end();
    await closed(c);
    expect.push({ scenario: 'midstream', port: 7209, family: 4, connStates: ['SF'] });
  }

  {
    const l = await listen(7210, '127.0.0.1');
    const local = 45210;
    const c1 = await connect(7210, '127.0.0.1', local);
    const s1 = await l.next();
    await exchange(c1, s1, 'first incarnation');
    c1.once('end', () => c1.end());
    s1.end();
    await closed(c1);
    await sleep(20);
    const c2 = await connect(7210, '127.0.0.1', local);
    const s2 = await l.next();
    await exchange(c2, s2, 'second incarnation');
    expect.push({ scenario: 'port-reuse', port: 7210, family: 4, connStates: ['SF', 'S1'] });
  }

  {
    const l = await listen(7211, '127.0.0.1');
    const c = await connect(7211, '127.0.0.1');
    const s = await l.next();
    await exchange(c, s, 'before last-ack');
    c.end();
    await ended(s);
    nft('add rule inet pcaptest in tcp dport 7211 tcp flags == ack drop\n');
    s.end();
    expect.push({ scenario: 'last-ack', port: 7211, family: 4, connStates: ['SF'] });
  }

  {
    const l = await listen(7213, '127.0.0.1');
    const c = await connect(7213, '127.0.0.1');
    const s = await l.next();
    await exchange(c, s, 'before fin-wait-1');
    nft('add rule inet pcaptest in tcp sport 7213 drop\n');
    c.end();
    expect.push({ scenario: 'fin-wait-1', port: 7213, family: 4, connStates: ['S2'] });
  }

  // Let retransmissions happen: FINs (RTO ≥ 200 ms) and the SYN-ACK (1 s after the SYN).
  await sleep(1500);
}

function stop(): void {
  for (const s of keep) s.destroy();
  for (const s of servers) s.close();
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  try {
    execFileSync('nft', ['delete', 'table', 'inet', 'pcaptest'], { stdio: 'ignore' });
  } catch {
    /* gone */
  }
  process.exit(0);
}

setTimeout(stop, ttl * 1000).unref();
setInterval(() => {}, 1 << 30);
let started = false;
let buf = '';
process.stdin.on('data', (d: Buffer) => {
  buf += d.toString();
  if (!started && buf.includes('go')) {
    started = true;
    go().then(
      () => say({ phase: 'done', expect }),
      (e: unknown) => {
        say({ phase: 'error', error: String(e) });
      },
    );
  }
});
process.stdin.on('end', stop);
pre().then(
  () => say({ phase: 'pre' }),
  (e: unknown) => {
    say({ phase: 'error', error: String(e) });
  },
);
