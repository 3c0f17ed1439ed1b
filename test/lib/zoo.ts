/**
 * The socket zoo: run inside a test network namespace (`ip netns exec NS node zoo.js`),
 * it puts real kernel sockets into every TCP state it can reach on loopback, using
 * nftables rules to hold the states that need a lost packet:
 *
 * | port | scenario   | sockets left                                                      |
 * |------|------------|-------------------------------------------------------------------|
 * | 7001 | listen     | LISTEN on 127.0.0.1 and on [::1]                                  |
 * | 7001 | est        | ESTABLISHED pair, v4 and v6                                       |
 * | 7001 | cw         | client shutdown(WR), server never closes: FIN_WAIT2 + CLOSE_WAIT   |
 * | 7001 | tw         | client closes first: TIME_WAIT on the client side, v4 and v6     |
 * | 7002 | synsent    | SYN dropped: SYN_SENT                                             |
 * | 7003 | synrecv    | client's final ACK dropped: SYN_RECV (request sock) + ESTABLISHED |
 * | 7004 | finwait1   | server's ACKs dropped, client closes: FIN_WAIT1 + CLOSE_WAIT      |
 * | 7005 | lastack    | client's last ACK dropped: LAST_ACK + TIME_WAIT                   |
 * | 7006 | closing    | client's FINs and ACKs dropped, both close: CLOSING + FIN_WAIT1   |
 * | 7008 | orphan     | server closes, client never does: orphaned FIN_WAIT2 (a timewait   |
 * |      |            | socket in substate FIN_WAIT2, for tcp_fin_timeout) + CLOSE_WAIT,  |
 * |      |            | v4 and v6                                                         |
 * | 7007 | mapped     | (opt-in) dual-stack listener on [::], IPv4 client: ::ffff: addresses |
 * | 7100 | udp        | (opt-in) UDP: one bound socket, one connected socket                |
 *
 * It prints one JSON line `{"ready":true,"pid":N,"expect":{STATE:count}}` once the kernel
 * shows every expected socket, then holds them until stdin closes or `--ttl` seconds pass.
 * Options: `--only a,b` (scenarios), `--ttl S` (default 120), `--repeat N` (multiply
 * est/tw/cw/orphan).
 *
 * TIME_WAIT lasts 60 s and an orphaned FIN_WAIT2 tcp_fin_timeout (60 s by default; above
 * 60 s the kernel keeps the orphan a full socket at first, which is not this scenario): a
 * test reads those within a minute of the ready line.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import dgram from 'node:dgram';
import net from 'node:net';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
};
const ALL = ['listen', 'est', 'cw', 'tw', 'synsent', 'synrecv', 'finwait1', 'lastack', 'closing', 'orphan'];
/** Scenarios run only when named in --only. */
const OPT_IN = ['mapped', 'udp'];
const only = opt('--only', ALL.join(',')).split(',');
for (const s of only) if (!ALL.includes(s) && !OPT_IN.includes(s)) throw new Error(`unknown zoo scenario ${s}`);
const ttl = Number(opt('--ttl', '120'));
const repeat = Number(opt('--repeat', '1'));
const on = (s: string) => only.includes(s);

const keep: net.Socket[] = [];
const servers: net.Server[] = [];
const udpSockets: dgram.Socket[] = [];
const expect: Record<string, number> = {};
const add = (state: string, n = 1) => {
  expect[state] = (expect[state] ?? 0) + n;
};

function nft(rules: string): void {
  execFileSync('nft', ['-f', '-'], { input: rules });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function listen(port: number, host: string): Promise<{ server: net.Server; accepted: net.Socket[]; next: () => Promise<net.Socket> }> {
  const accepted: net.Socket[] = [];
  const waiters: ((s: net.Socket) => void)[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    accepted.push(s);
    keep.push(s);
    const w = waiters.shift();
    if (w) w(s);
  });
  servers.push(server);
  let taken = 0;
  const next = () =>
    new Promise<net.Socket>((res) => {
      if (accepted.length > taken) res(accepted[taken++]!);
      else
        waiters.push((s) => {
          taken++;
          res(s);
        });
    });
  return new Promise((res, rej) => {
    server.once('error', rej);
    server.listen({ port, host, backlog: 16 }, () => res({ server, accepted, next }));
  });
}

function connect(port: number, host: string): Promise<net.Socket> {
  return new Promise((res, rej) => {
    const c = net.connect({ port, host, allowHalfOpen: true });
    c.on('error', () => {});
    keep.push(c);
    c.once('connect', () => res(c));
    c.once('error', rej);
  });
}

/** Count sockets per state in this namespace from /proc (the zoo's own oracle for readiness). */
function stateCounts(): Record<string, number> {
  const names: Record<string, string> = {
    '01': 'ESTABLISHED',
    '02': 'SYN_SENT',
    '03': 'SYN_RECV',
    '04': 'FIN_WAIT1',
    '05': 'FIN_WAIT2',
    '06': 'TIME_WAIT',
    '07': 'CLOSE',
    '08': 'CLOSE_WAIT',
    '09': 'LAST_ACK',
    '0A': 'LISTEN',
    '0B': 'CLOSING',
  };
  const out: Record<string, number> = {};
  for (const f of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    for (const line of readFileSync(f, 'latin1').split('\n').slice(1)) {
      const st = line.trim().split(/\s+/)[3];
      if (!st) continue;
      const n = names[st] ?? 'UNKNOWN';
      out[n] = (out[n] ?? 0) + 1;
    }
  }
  return out;
}

async function main(): Promise<void> {
  nft('add table inet zoo\nadd chain inet zoo in { type filter hook input priority 0; }\n');
  const hosts = ['127.0.0.1', '::1'];
  const l7001: Awaited<ReturnType<typeof listen>>[] = [];
  if (on('listen') || on('est') || on('cw') || on('tw')) {
    for (const h of hosts) l7001.push(await listen(7001, h));
    add('LISTEN', 2);
  }
  const l7008: Awaited<ReturnType<typeof listen>>[] = [];
  if (on('orphan')) {
    for (const h of hosts) l7008.push(await listen(7008, h));
    add('LISTEN', 2);
  }
  for (let r = 0; r < repeat; r++) {
    for (let k = 0; k < hosts.length; k++) {
      const h = hosts[k]!;
      const l = l7001[k]!;
      if (on('est')) {
        await connect(7001, h);
        await l.next();
        add('ESTABLISHED', 2);
      }
      if (on('cw')) {
        const c = await connect(7001, h);
        const s = await l.next();
        const gotEnd = new Promise((res) => s.once('end', res));
        s.resume();
        c.end();
        await gotEnd;
        add('FIN_WAIT2');
        add('CLOSE_WAIT');
      }
      if (on('tw')) {
        const c = await connect(7001, h);
        const s = await l.next();
        s.resume();
        c.resume();
        const closed = new Promise((res) => c.once('close', res));
        s.once('end', () => s.end());
        c.end();
        await closed;
        add('TIME_WAIT');
      }
      if (on('orphan')) {
        // The server's close() sends a FIN the client acknowledges; the socket, closed and so
        // orphaned, is replaced by a timewait socket whose substate is FIN_WAIT2.
        const c = await connect(7008, h);
        const s = await l7008[k]!.next();
        const gotEnd = new Promise((res) => c.once('end', res));
        c.resume();
        s.destroy();
        await gotEnd;
        add('FIN_WAIT2');
        add('CLOSE_WAIT');
      }
    }
  }
  if (on('synsent')) {
    nft('add rule inet zoo in tcp dport 7002 tcp flags & syn == syn drop\n');
    const c = net.connect({ port: 7002, host: '127.0.0.1' });
    c.on('error', () => {});
    keep.push(c);
    add('SYN_SENT');
  }
  if (on('synrecv')) {
    nft('add rule inet zoo in tcp dport 7003 tcp flags == ack drop\n');
    await listen(7003, '127.0.0.1');
    await connect(7003, '127.0.0.1');
    add('LISTEN');
    add('SYN_RECV');
    add('ESTABLISHED');
  }
  if (on('finwait1')) {
    const l = await listen(7004, '127.0.0.1');
    const c = await connect(7004, '127.0.0.1');
    const s = await l.next();
    s.pause();
    nft('add rule inet zoo in tcp sport 7004 drop\n');
    c.end();
    add('LISTEN');
    add('FIN_WAIT1');
    add('CLOSE_WAIT');
  }
  if (on('lastack')) {
    const l = await listen(7005, '127.0.0.1');
    const c = await connect(7005, '127.0.0.1');
    const s = await l.next();
    const gotEnd = new Promise((res) => s.once('end', res));
    s.resume();
    c.resume();
    c.end();
    await gotEnd;
    nft('add rule inet zoo in tcp dport 7005 tcp flags == ack drop\n');
    s.end();
    add('LISTEN');
    add('LAST_ACK');
    add('TIME_WAIT');
  }
  if (on('closing')) {
    const l = await listen(7006, '127.0.0.1');
    const c = await connect(7006, '127.0.0.1');
    const s = await l.next();
    s.pause();
    c.resume();
    nft('add rule inet zoo in tcp dport 7006 tcp flags & fin == fin drop\nadd rule inet zoo in tcp dport 7006 tcp flags == ack drop\n');
    c.end();
    await sleep(50);
    s.end();
    add('LISTEN');
    add('CLOSING');
    add('FIN_WAIT1');
  }
  if (on('mapped')) {
    const l = await listen(7007, '::');
    await connect(7007, '127.0.0.1');
    await l.next();
    add('LISTEN');
    add('ESTABLISHED', 2);
  }
  if (on('udp')) {
    const a = dgram.createSocket('udp4');
    await new Promise<void>((res) => a.bind(7100, '127.0.0.1', () => res()));
    const b = dgram.createSocket('udp4');
    await new Promise<void>((res) => b.connect(7100, '127.0.0.1', () => res()));
    udpSockets.push(a, b);
  }
  // Wait until the kernel shows at least what we expect (bounded).
  const deadline = Date.now() + 10_000;
  for (;;) {
    const have = stateCounts();
    const missing = Object.entries(expect).filter(([s, n]) => (have[s] ?? 0) < n);
    if (missing.length === 0) break;
    if (Date.now() > deadline) {
      process.stdout.write(JSON.stringify({ ready: false, pid: process.pid, expect, have }) + '\n');
      process.exit(3);
    }
    await sleep(50);
  }
  process.stdout.write(JSON.stringify({ ready: true, pid: process.pid, expect }) + '\n');
}

const stop = () => {
  for (const s of keep) s.destroy();
  for (const s of servers) s.close();
  process.exit(0);
};
setTimeout(stop, ttl * 1000).unref();
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
// Keep the event loop alive for the ttl even if stdin is not a pipe.
setInterval(() => {}, 1 << 30);
main().catch((e) => {
  process.stdout.write(JSON.stringify({ ready: false, error: String(e) }) + '\n');
  process.exit(2);
});
