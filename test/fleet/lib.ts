/**
 * For the fleet tests: namespaces as hosts, each with its own `tcpstate serve --netns` on
 * its own loopback port, a real Prometheus scraping them all with `host` and `role` target
 * labels, and the CLI run without blocking the test's event loop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseState, stateName } from '../../src/model/state.js';
import { CLI, type Netns, REPO } from '../lib/netns.js';
import { freePort, track } from '../lib/prometheus.js';
import { parseSs } from '../lib/ss.js';

export interface Target {
  address: string;
  labels: Record<string, string>;
}

/** Prometheus scraping `targets` every second, as `job_name: tcpstate`. */
export class FleetPrometheus {
  log = '';
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(targets: readonly Target[]): Promise<FleetPrometheus> {
    const dir = mkdtempSync(join(tmpdir(), 'tcpstate-fleet-prom-'));
    const port = await freePort();
    const tg = targets
      .map(
        (t) =>
          `      - targets: ['${t.address}']\n        labels: {${Object.entries(t.labels)
            .map(([k, v]) => `${k}: '${v}'`)
            .join(', ')}}\n`,
      )
      .join('');
    // The shipped rules, evaluated every second (fleet --recorded reads one).
    copyFileSync(join(REPO, 'contrib', 'prometheus', 'tcpstate.rules.yml'), join(dir, 'tcpstate.rules.yml'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nrule_files: [tcpstate.rules.yml]\nscrape_configs:\n  - job_name: tcpstate\n    static_configs:\n${tg}`,
    );
    const child = track(
      spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    );
    const p = new FleetPrometheus(child, port, dir);
    child.stderr!.on('data', (d: Buffer) => {
      p.log = (p.log + d.toString()).slice(-20_000);
    });
    return p;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async query(q: string): Promise<{ metric: Record<string, string>; value: number }[]> {
    try {
      const r = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(q)}`);
      const j = (await r.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      return j.status === 'success' ? j.data.result.map((x) => ({ metric: x.metric, value: Number(x.value[1]) })) : [];
    } catch {
      return [];
    }
  }

  /** Wait until `up` of the target with `host` is `want` (1 or 0). */
  async waitUp(host: string, want: number, timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const r = await this.query(`up{host="${host}"}`);
      if (r[0]?.value === want) return;
      await new Promise((res) => setTimeout(res, 250));
    }
    throw new Error(`up{host="${host}"} not ${want} in ${timeoutMs} ms\n${this.log}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) {
      const gone = new Promise<void>((res) => this.child.once('exit', () => res()));
      try {
        process.kill(this.child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const t = setTimeout(() => {
        try {
          process.kill(this.child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 5000);
      await gone.finally(() => clearTimeout(t));
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Run the CLI as a child without blocking this event loop (servers in this process keep answering). */
export function runCliAsync(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const c = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    c.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    c.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
  });
}

/** `ss -tan` in `ns` as netstat state names → counts, every state with a socket. */
export function ssCounts(ns: Netns): Record<string, number> {
  const c: Record<string, number> = {};
  for (const r of parseSs(ns.run('ss', ['-tanH']))) {
    const s = stateName(parseState(r.state)!);
    c[s] = (c[s] ?? 0) + 1;
  }
  return c;
}

/** A fleet JSON host's states, zero counts left out, to compare with {@link ssCounts}. */
export function nonZero(states: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(states).filter(([, v]) => v !== 0));
}

/** `ss -tan` in `ns`: one state's sockets by port as serve counts them (lport: local port that listens; rport: the others' remote port). */
export function ssPorts(ns: Netns, state: string, by: 'lport' | 'rport'): Record<string, number> {
  const rows = parseSs(ns.run('ss', ['-tanH']));
  const port = (e: string) => e.slice(e.lastIndexOf('|') + 1);
  const listening = new Set(rows.filter((r) => r.state === 'LISTEN').map((r) => port(r.local)));
  const c: Record<string, number> = {};
  for (const r of rows) {
    if (stateName(parseState(r.state)!) !== state) continue;
    const inbound = listening.has(port(r.local));
    if (inbound !== (by === 'lport')) continue;
    const p = inbound ? port(r.local) : port(r.remote);
    c[p] = (c[p] ?? 0) + 1;
  }
  return c;
}
