/**
 * Load for the doctor's reproductions, run inside a test namespace
 * (`ip netns exec NS node doctor-load.js ROLE ...`). Every role stops by itself after
 * `--ttl` seconds (default 120; tests end them sooner) or when stdin closes, and prints one JSON line when ready.
 *
 * server --port P [--host H] [--backlog B] [--mode leak|echo|block]
 *   leak:  accepts, reads, never closes (its sockets stay in CLOSE_WAIT)
 *   echo:  closes its end when the client closes (client ends in TIME_WAIT)
 *   block: listens, then blocks its event loop, so it never accepts
 * client --port P [--host H] --count N [--rate R] [--close end|destroy|none] [--ready-after K]
 *   opens N connections, R per second (0: one after another), and on each:
 *   end: half-close (shutdown(SHUT_WR)), keep the descriptor; destroy: close() at once (orphan);
 *   none: keep it open. Stdin lines: `send BYTES` writes to every open socket,
 *   `more N` opens N more at the same rate, `pause` stops opening (answers `{"paused":…}`). On exit it prints
 *   {"done":true,"opened":N,"errors":{CODE:n},"firstErrorAt":epochMs|null}.
 */
import net from 'node:net';

const args = process.argv.slice(3);
const role = process.argv[2];
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
};
const ttl = Number(opt('--ttl', '120'));
const port = Number(opt('--port', '7000'));
const host = opt('--host', '127.0.0.1');
const say = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');
const keep: net.Socket[] = [];

function onStdinLine(f: (line: string) => void): void {
  let buf = '';
  process.stdin.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      f(buf.slice(0, nl).trim());
      buf = buf.slice(nl + 1);
    }
  });
}

function server(): void {
  const mode = opt('--mode', 'leak');
  const backlog = Number(opt('--backlog', '511'));
  const srv = net.createServer({ allowHalfOpen: mode === 'leak' }, (s) => {
    s.on('error', () => {});
    keep.push(s);
    s.resume(); // read (and drop) whatever comes, never close in leak mode
  });
  srv.listen({ port, host, backlog }, () => {
    say({ ready: true, pid: process.pid, port });
    if (mode === 'block') {
      // Never return to the event loop: the kernel completes connections, nobody accepts.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ttl * 1000);
      process.exit(0);
    }
  });
}

function client(): void {
  const count = Number(opt('--count', '10'));
  const perSec = Number(opt('--rate', '0'));
  const close = opt('--close', 'none');
  const readyAfter = Number(opt('--ready-after', String(count)));
  const errors: Record<string, number> = {};
  let firstErrorAt: number | null = null;
  let opened = 0;
  let attempted = 0;
  let ready = false;
  const markReady = () => {
    if (!ready && attempted >= readyAfter) {
      ready = true;
      say({ ready: true, pid: process.pid, attempted, opened });
    }
  };
  const one = () =>
    new Promise<void>((res) => {
      attempted++;
      const c = net.connect({ port, host, allowHalfOpen: close === 'end' });
      c.on('error', (e: NodeJS.ErrnoException) => {
        const code = e.code ?? 'ERR';
        errors[code] = (errors[code] ?? 0) + 1;
        firstErrorAt ??= Date.now();
        res();
      });
      c.once('connect', () => {
        opened++;
        if (close === 'destroy') {
          c.destroy();
          res();
          return;
        }
        keep.push(c);
        if (close === 'end') {
          c.resume();
          c.end(() => res());
          return;
        }
        res();
      });
      // Blocked connects (full accept queue, dropped ACKs) resolve at once; they stay pending.
      if (perSec > 0) setTimeout(res, 0);
    });
  let paused = false;
  const open = async (n: number) => {
    for (let k = 0; k < n && !paused; k++) {
      if (perSec > 0) {
        void one();
        markReady();
        await new Promise((r) => setTimeout(r, 1000 / perSec));
      } else {
        await one();
        markReady();
      }
    }
  };
  onStdinLine((line) => {
    const [cmd, n] = line.split(/\s+/);
    if (cmd === 'send') for (const s of keep) if (!s.destroyed) s.write(Buffer.alloc(Number(n), 120));
    if (cmd === 'more') void open(Number(n)).then(() => say({ more: true, attempted, opened }));
    if (cmd === 'pause') {
      paused = true;
      // Let connects in flight settle before answering.
      setTimeout(() => say({ paused: true, attempted, opened }), 300);
    }
  });
  void open(count).then(() => {
    markReady();
    say({ finished: true, attempted, opened });
  });
  process.on('exit', () => say({ done: true, attempted, opened, errors, firstErrorAt }));
}

const stop = () => {
  for (const s of keep) s.destroy();
  process.exit(0);
};
setTimeout(stop, ttl * 1000).unref();
process.stdin.on('end', stop);
process.stdin.resume();
setInterval(() => {}, 1 << 30);
if (role === 'server') server();
else if (role === 'client') client();
else {
  process.stderr.write(`unknown role ${role}\n`);
  process.exit(2);
}
