// A `tcpstate trace ... --json` run for kernel tests: NDJSON lines as they come, waiting for a
// condition, stopping by SIGINT (by PID); and python programs in a namespace with their lines.
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI, type Netns } from './netns.js';

export class TraceRun<T> {
  lines: T[] = [];
  stderr = '';
  readonly child: ChildProcess;
  private buf = '';
  constructor(args: string[]) {
    this.child = spawn(process.execPath, [CLI, 'trace', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.buf += d.toString();
      let nl;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        this.lines.push(JSON.parse(this.buf.slice(0, nl)) as T);
        this.buf = this.buf.slice(nl + 1);
      }
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
  }

  async until(cond: () => boolean, what: string, ms = 15000, poke?: () => void): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`trace: no ${what} in ${ms} ms; stderr: ${this.stderr}; lines: ${JSON.stringify(this.lines.slice(-10))}`);
      poke?.();
      await new Promise((r) => setTimeout(r, poke ? 200 : 50));
    }
  }

  async stop(): Promise<number> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const code = new Promise<number>((r) => this.child.once('close', (c) => r(c ?? -1)));
    this.child.kill('SIGINT');
    return code;
  }
}

/** A python program inside `ns`: its stdout lines as they come, and all of them at its end. */
export function py(ns: Netns, src: string, args: string[]): { child: ChildProcess; out: Promise<string[]>; lines: string[] } {
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

/** The first line of `lines` starting with `prefix`, waiting up to 30 s for it (python starts in over 10 s on a machine at load 20). */
export async function waitLine(lines: string[], prefix: string, ms = 30000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const l = lines.find((x) => x.startsWith(prefix));
    if (l) return l;
    if (Date.now() > end) throw new Error(`no "${prefix}" line: ${lines.join('|')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
