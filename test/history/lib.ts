/**
 * History tests' helpers: a socket driver inside a namespace (listen, connect, half-close,
 * close on command, answering when done), `record` started as a child, samples read
 * straight from the file, ss's counts by state.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { KNOWN_CODES, stateName } from '../../src/model/state.js';
import { CLI, type Netns } from '../lib/netns.js';
import { parseSs } from '../lib/ss.js';

/** ss -tan's counts by netstat state name, every state present. */
export function ssCounts(ns: Netns): Record<string, number> {
  const c: Record<string, number> = Object.fromEntries(KNOWN_CODES.map((s) => [stateName(s), 0]));
  for (const r of parseSs(ns.run('ss', ['-tanH']))) c[r.state] = (c[r.state] ?? 0) + 1;
  return c;
}

const DRIVER = `
const net = require('node:net');
const servers = [], accepted = [], clients = [];
const say = (x) => process.stdout.write(JSON.stringify(x) + '\\n');
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
let chain = Promise.resolve();
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, a, b] = line.trim().split(/\\s+/);
  chain = chain.then(async () => {
    if (cmd === 'listen') {
      const s = net.createServer({ allowHalfOpen: true }, (c) => { accepted.push(c); c.on('error', () => {}); });
      await new Promise((r) => s.listen(Number(a), '127.0.0.1', r));
      servers.push(s);
    } else if (cmd === 'connect') {
      for (let i = 0; i < Number(b); i++) {
        const c = net.connect(Number(a), '127.0.0.1');
        c.on('error', () => {});
        await new Promise((r) => c.once('connect', r));
        clients.push(c);
      }
      while (accepted.length < clients.length) await wait(10);
    } else if (cmd === 'halfclose') {
      for (const c of clients.splice(0, Number(a))) c.end();
    } else if (cmd === 'serverclose') {
      for (const c of accepted.splice(0, Number(a))) c.end();
    }
    await wait(200);
    say({ done: cmd });
  });
});
say({ ready: true });
`;

/** A process in `ns` that changes its sockets on command and says when the change is done. */
export class Driver {
  private buf = '';
  private waiters: ((line: string) => void)[] = [];
  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => {
      this.buf += d.toString();
      let nl;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        this.waiters.shift()?.(line);
      }
    });
  }

  static async start(ns: Netns): Promise<Driver> {
    const d = new Driver(ns.spawn(process.execPath, ['-e', DRIVER]));
    await d.next();
    return d;
  }

  next(): Promise<string> {
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error('socket driver did not answer in 10 s')), 10_000);
      this.waiters.push((l) => {
        clearTimeout(t);
        res(l);
      });
    });
  }

  /** Send a command; resolves when the sockets have changed. */
  async do(cmd: string): Promise<void> {
    const p = this.next();
    this.child.stdin!.write(cmd + '\n');
    await p;
  }
}

/** `tcpstate record` as a child, its stderr collected. */
export function startRecord(args: string[]): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'record', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdout!.resume();
  const exited = new Promise<number | null>((res) => child.once('close', (code) => res(code)));
  return { child, stderr: () => err, exited };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
