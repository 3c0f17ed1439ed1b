/**
 * A real Prometheus (Debian's `prometheus` binary) for tests: its own config and data
 * directory under a temporary dir, a free loopback port, stopped by PID. And `serve`
 * started the same way.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './netns.js';

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Every serve and Prometheus this test process started and has not yet seen exit: killed by
 * PID when the process exits or is stopped by a signal before its `after` hooks ran (a run
 * interrupted from outside left a Prometheus behind).
 */
const started = new Set<ChildProcess>();
export function track(c: ChildProcess): ChildProcess {
  started.add(c);
  c.once('exit', () => started.delete(c));
  return c;
}
function killStarted(): void {
  for (const c of started)
    if (c.pid !== undefined)
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
}
process.once('exit', killStarted);
for (const sig of ['SIGTERM', 'SIGINT'] as const)
  process.once(sig, () => {
    killStarted();
    process.kill(process.pid, sig);
  });

function stop(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return Promise.resolve();
  const gone = new Promise<void>((res) => c.once('exit', () => res()));
  try {
    process.kill(c.pid, 'SIGTERM');
  } catch {
    /* gone */
  }
  const t = setTimeout(() => {
    try {
      process.kill(c.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 5000);
  return gone.finally(() => clearTimeout(t));
}

export class Serve {
  stderr = '';
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  /** Start `tcpstate serve` on a free loopback port with `args`; resolves after its start line. */
  static async start(args: string[]): Promise<Serve> {
    const port = await freePort();
    // serve records history by default, as root into /var/lib/tcpstate: tests that do not
    // name a history file of their own record nothing
    const history = args.some((a) => a.startsWith('--history-db')) ? [] : ['--no-history'];
    const child = track(spawn(process.execPath, [CLI, 'serve', '--listen', `127.0.0.1:${port}`, ...history, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
    const s = new Serve(child, port);
    await new Promise<void>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`serve did not start in 20 s: ${s.stderr}`)), 20_000);
      child.stderr!.on('data', (d: Buffer) => {
        s.stderr += d.toString();
        if (/listening on|正在监听/.test(s.stderr)) {
          clearTimeout(t);
          res();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(t);
        rej(new Error(`serve exited with ${code}: ${s.stderr}`));
      });
    });
    return s;
  }

  url(path: string, scheme = 'http'): string {
    return `${scheme}://127.0.0.1:${this.port}${path}`;
  }

  /** SIGTERM, then wait for the exit; resolves to the exit code. */
  async stop(): Promise<number | null> {
    await stop(this.child);
    return this.child.exitCode;
  }
}

export class Prometheus {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly dir: string,
    public log: string,
  ) {}

  /** Start Prometheus scraping `target` (host:port) every second. */
  static async start(target: string, extra: { scheme?: string; basicAuth?: { user: string; password: string } } = {}): Promise<Prometheus> {
    const dir = mkdtempSync(join(tmpdir(), 'tcpstate-prom-'));
    const port = await freePort();
    const auth = extra.basicAuth ? `    basic_auth:\n      username: ${extra.basicAuth.user}\n      password: ${extra.basicAuth.password}\n` : '';
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: tcpstate\n    scheme: ${extra.scheme ?? 'http'}\n${auth}    static_configs:\n      - targets: ['${target}']\n`,
    );
    const child = track(
      spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    );
    const p = new Prometheus(child, port, dir, '');
    child.stderr!.on('data', (d: Buffer) => {
      p.log = (p.log + d.toString()).slice(-20_000);
    });
    return p;
  }

  async api<T>(path: string): Promise<T> {
    const r = await fetch(`http://127.0.0.1:${this.port}${path}`);
    const j = (await r.json()) as { status: string; data: unknown; error?: string };
    if (j.status !== 'success') throw new Error(`prometheus ${path}: ${j.error}`);
    return j.data as T;
  }

  /** Wait until the target has been scraped with no error; resolves to the target. */
  async waitUp(timeoutMs = 30_000): Promise<{ health: string; lastError: string }> {
    const end = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < end) {
      try {
        const d = await this.api<{ activeTargets?: { health: string; lastError: string }[] }>('/api/v1/targets');
        const t = d.activeTargets?.[0];
        last = t;
        if (t && t.health === 'up' && t.lastError === '') return t;
      } catch (e) {
        last = e;
      }
      await sleep(300);
    }
    throw new Error(`target not up in ${timeoutMs} ms: ${JSON.stringify(last)}\n${this.log}`);
  }

  /** An instant query's vector as label sets and values. */
  async query(q: string): Promise<{ metric: Record<string, string>; value: number }[]> {
    const d = await this.api<{ result: unknown }>(`/api/v1/query?query=${encodeURIComponent(q)}`);
    return (d.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  async stop(): Promise<void> {
    await stop(this.child);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
