/**
 * Helpers for the doctor's namespace tests: start load roles (doctor-load.ts) inside a
 * namespace and read their JSON lines; run `tcpstate doctor` there without blocking.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI, type Netns, REPO } from './netns.js';

const LOAD = join(REPO, 'dist', 'test', 'lib', 'doctor-load.js');

/** A running load process and its JSON lines. */
export class Load {
  private lines: Record<string, unknown>[] = [];
  private waiters: (() => void)[] = [];
  readonly pid: number;

  constructor(
    readonly child: ChildProcess,
    first: Record<string, unknown>,
  ) {
    this.pid = first['pid'] as number;
  }

  push(o: Record<string, unknown>): void {
    this.lines.push(o);
    for (const w of this.waiters.splice(0)) w();
  }

  /** The first line (after ready) that has `key`, waiting up to `ms`. */
  async line(key: string, ms = 20_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.lines.find((l) => key in l);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no "${key}" line from load pid ${this.pid} in ${ms} ms: ${JSON.stringify(this.lines)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  send(line: string): void {
    this.child.stdin!.write(line + '\n');
  }

  /** Close stdin: the role stops, printing its `done` line. */
  async stop(): Promise<Record<string, unknown>> {
    this.child.stdin!.end();
    return this.line('done', 10_000);
  }
}

/** Start a load role inside `ns` and wait for its ready line. */
export async function startLoad(ns: Netns, role: 'server' | 'client', args: string[]): Promise<Load> {
  const child = ns.spawn(process.execPath, [LOAD, role, ...args]);
  let load: Load | undefined;
  return new Promise<Load>((res, rej) => {
    let buf = '';
    const timer = setTimeout(() => rej(new Error(`${role} ${args.join(' ')}: not ready in 20 s: ${buf}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const o = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
        buf = buf.slice(nl + 1);
        if (!load && o['ready']) {
          clearTimeout(timer);
          load = new Load(child, o);
          res(load);
        } else load?.push(o);
      }
    });
    child.once('exit', (code) => {
      if (!load) {
        clearTimeout(timer);
        rej(new Error(`${role} exited with ${code}: ${buf}`));
      }
    });
  });
}

export interface DoctorRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The parsed document when --json was given. */
  json: DoctorDoc;
  /** Epoch ms when the run ended. */
  endedAt: number;
}

export interface DoctorFinding {
  id: string;
  severity: string;
  title: string;
  subject: { pids?: number[]; programs?: string[]; local?: string; localPort?: number; peer?: string };
  metrics: Record<string, number | string | boolean | null>;
  evidence: { label: string; value: string }[];
  sockets: { state: string; local: string; remote: string; owners: string[]; timer: string | null }[];
  socketCount: number;
}

export interface DoctorDoc {
  worst: string;
  findings: DoctorFinding[];
  checks: { id: string; status: string; notes: string[] }[];
  [k: string]: unknown;
}

/** Run `tcpstate ARGS` (async, so load keeps running), parsing stdout as JSON when asked. */
export function runTcpstate(args: string[], json = true): Promise<DoctorRun> {
  return new Promise((res, rej) => {
    const c = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    c.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    c.once('error', rej);
    c.once('close', (code) => {
      let doc: DoctorDoc = { worst: '', findings: [], checks: [] };
      if (json) {
        try {
          doc = JSON.parse(out) as DoctorDoc;
        } catch {
          rej(new Error(`not JSON (exit ${code}): ${out}\n${err}`));
          return;
        }
      }
      res({ code: code ?? -1, stdout: out, stderr: err, json: doc, endedAt: Date.now() });
    });
  });
}

/** `tcpstate doctor --netns NS --json ARGS`. */
export function doctorIn(ns: Netns, args: string[] = []): Promise<DoctorRun> {
  return runTcpstate(['doctor', '--netns', ns.name, '--json', ...args]);
}

/** Findings of one rule. */
export function findingsOf(doc: DoctorDoc, id: string): DoctorFinding[] {
  return doc.findings.filter((f) => f.id === id);
}
