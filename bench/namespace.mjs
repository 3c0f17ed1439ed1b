// The benchmarks' socket load: a network namespace filled by bench/holder processes with a
// realistic mix of loopback sockets (10% TIME_WAIT, 8% CLOSE_WAIT + 8% FIN_WAIT2, 16 LISTEN
// per holder, the rest ESTABLISHED), spread over processes because one may hold only
// FD_PER_HOLDER descriptors. Shared by run.mjs, serve.mjs and soak.mjs. Everything it starts
// is killed by PID and the namespace deleted on exit, SIGINT and SIGTERM.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const FD_PER_HOLDER = 19000;
export const LISTEN_PER_HOLDER = 16;

/** Build bench/build/holder (git ignores bench/build: a fresh clone has none). */
export function buildHolder() {
  mkdirSync(join(here, 'build'), { recursive: true });
  execFileSync('gcc', ['-O2', '-Wall', '-o', join(here, 'build', 'holder'), join(here, 'holder.c')], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** The socket mix for N sockets and how many holders it needs. */
export function mix(n) {
  const tw = Math.round(n * 0.1);
  const cw = Math.round(n * 0.08);
  let h = 1;
  for (;;) {
    const est = Math.max(0, Math.floor((n - tw - 2 * cw - LISTEN_PER_HOLDER * h) / 2));
    const fds = 2 * est + 2 * cw + LISTEN_PER_HOLDER * h;
    if (fds <= h * FD_PER_HOLDER) return { n, tw, cw, est, holders: h };
    h = Math.ceil(fds / FD_PER_HOLDER);
  }
}

/** The next line a holder prints; one exit listener per holder fails every wait. */
function lines(child) {
  let buf = '';
  const waiters = [];
  let exited;
  child.stdout.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const l = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      waiters.shift()?.res(l);
    }
  });
  child.once('exit', (c) => {
    exited = new Error(`holder exited with ${c}`);
    for (const w of waiters.splice(0)) w.rej(exited);
  });
  return () => new Promise((res, rej) => (exited ? rej(exited) : waiters.push({ res, rej })));
}

const split = (total, k, i) => Math.floor(total / k) + (i < total % k ? 1 : 0);

export class BenchNamespace {
  /** Create the namespace `${prefix}-${pid}` with loopback up and wide port ranges; holders live at most `holderSeconds`. */
  constructor(prefix, holderSeconds = 3600) {
    this.name = `${prefix}-${process.pid}`;
    this.holderSeconds = holderSeconds;
    this.path = `/run/netns/${this.name}`;
    this.holders = [];
    this.idBase = 0;
    this.twGen = 0;
    this.twAt = 0;
    this.mix = undefined;
    const cleanup = () => this.destroy();
    process.on('SIGINT', () => {
      cleanup();
      process.exit(130);
    });
    process.on('SIGTERM', () => {
      cleanup();
      process.exit(143);
    });
    process.on('exit', cleanup);
    execFileSync('ip', ['netns', 'add', this.name]);
    this.sh('ip link set lo up');
    // Clients bind explicit ports, but the range is widened too (ss -s, anything ephemeral).
    this.sh('echo "1024 65535" > /proc/sys/net/ipv4/ip_local_port_range; echo 2000000 > /proc/sys/net/ipv4/tcp_max_tw_buckets; echo 65535 > /proc/sys/net/core/somaxconn');
  }

  /** Run a shell command inside; its stdout. */
  sh(cmd) {
    return execFileSync('ip', ['netns', 'exec', this.name, 'sh', '-c', cmd], { encoding: 'utf8' });
  }

  /** Replace the load with N sockets; seconds it took. */
  async fill(n) {
    this.stopHolders();
    const m = mix(n);
    this.mix = m;
    // Fresh holder IDs, so fresh addresses, for each size: sockets a killed holder left
    // closing (FIN_WAIT1, LAST_ACK) would hold the previous size's ports.
    const base = this.idBase;
    this.idBase += m.holders;
    if (this.idBase > 250) throw new Error('bench: out of holder IDs (127.x.ID.y)');
    const t0 = Date.now();
    const ready = [];
    for (let i = 0; i < m.holders; i++) {
      const child = spawn(
        'ip',
        [
          'netns',
          'exec',
          this.name,
          join(here, 'build', 'holder'),
          String(base + i + 1),
          String(split(m.est, m.holders, i)),
          String(split(m.cw, m.holders, i)),
          String(LISTEN_PER_HOLDER),
          String(this.holderSeconds),
        ],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      const next = lines(child);
      this.holders.push({ child, next });
      ready.push(next());
    }
    for (const l of await Promise.all(ready)) if (!l.startsWith('ready')) throw new Error(`holder: ${l}`);
    await this.refreshTw(true);
    return (Date.now() - t0) / 1000;
  }

  /** TIME_WAIT lives 60 s: a fresh batch (new client addresses) every 45 s keeps the share. */
  async refreshTw(force = false) {
    if (!this.mix || (!force && Date.now() - this.twAt < 45_000)) return;
    this.twGen++;
    const k = this.holders.length;
    const oks = this.holders.map((h, i) => {
      const p = h.next();
      h.child.stdin.write(`tw ${split(this.mix.tw, k, i)} ${this.twGen}\n`);
      return p;
    });
    for (const l of await Promise.all(oks)) if (!l.startsWith('ok')) throw new Error(`holder: ${l}`);
    this.twAt = Date.now();
  }

  stopHolders() {
    for (const h of this.holders) {
      try {
        h.child.stdin.end();
        process.kill(h.child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    this.holders.length = 0;
  }

  destroy() {
    this.stopHolders();
    try {
      execFileSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
    } catch {
      /* gone */
    }
  }
}
