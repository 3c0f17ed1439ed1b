/**
 * Process attribution on both cores: inode → owning processes from one pass over
 * /proc/PID/fd, the pids shared out between this thread and one worker thread through an
 * atomic counter (each takes the next pid when it is free, so one process with 20k fds
 * does not leave the other core idle). Each side returns flat (inode, pid, fd) triples in a
 * Uint32Array and one `comm` per pid; they are merged here. Linear in processes and fds.
 *
 * Start it before reading the sockets ({@link startProcessScan}); the worker boots and
 * scans while this thread dumps the socket table, then this thread joins the scan.
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { Owner } from '../model/table.js';
import { listPids, type ProcessScan, readComm } from './processes.js';

/** The flat result of scanning some pids. */
export interface FdTriples {
  /** inode, pid, fd; `n` triples. */
  triples: Uint32Array;
  n: number;
  /** comm of each pid that holds a socket. */
  comms: [number, string][];
  hidden: number;
  scanned: number;
}

/** Slots of the shared control array. */
const NEXT = 0; // index of the next pid to scan
const WORKER = 1; // 0 not started, 1 running, 2 cancelled before it started

/**
 * Scan pids[next++] until none are left. Shared by the worker and the main thread.
 * `fdCount` per pid is unknown ahead, so the triple array grows by doubling.
 */
export function scanShare(procRoot: string, pids: Int32Array, ctl: Int32Array, readdir: (p: string) => string[], readlink: (p: string) => string): FdTriples {
  let triples = new Uint32Array(3 * 4096);
  let n = 0;
  const comms: [number, string][] = [];
  let hidden = 0;
  let scanned = 0;
  for (;;) {
    const k = Atomics.add(ctl, NEXT, 1);
    if (k >= pids.length) break;
    const pid = pids[k]!;
    const dir = `${procRoot}/${pid}/fd/`;
    let fds: string[];
    try {
      fds = readdir(dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') hidden++;
      continue; // ENOENT: exited between listing and reading
    }
    scanned++;
    let holds = false;
    for (const fd of fds) {
      let target: string;
      try {
        target = readlink(dir + fd);
      } catch {
        continue;
      }
      // "socket:[12345]"
      if (target.charCodeAt(0) !== 115 || !target.startsWith('socket:[')) continue;
      let ino = 0;
      for (let j = 8; j < target.length - 1; j++) ino = ino * 10 + (target.charCodeAt(j) - 48);
      if (ino <= 0 || ino > 0xffffffff) continue;
      if (3 * (n + 1) > triples.length) {
        const g = new Uint32Array(triples.length * 2);
        g.set(triples);
        triples = g;
      }
      triples[3 * n] = ino;
      triples[3 * n + 1] = pid;
      triples[3 * n + 2] = Number(fd);
      n++;
      holds = true;
    }
    if (holds) comms.push([pid, readComm(procRoot, pid)]);
  }
  return { triples, n, comms, hidden, scanned };
}

/** Merge flat results into inode → owners (pid order, then fd order). */
export function mergeTriples(parts: FdTriples[]): ProcessScan {
  const comm = new Map<number, string>();
  for (const p of parts) for (const [pid, c] of p.comms) comm.set(pid, c);
  const owners = new Map<number, Owner[]>();
  let hidden = 0;
  let scanned = 0;
  for (const p of parts) {
    hidden += p.hidden;
    scanned += p.scanned;
    const t = p.triples;
    for (let k = 0; k < p.n; k++) {
      const ino = t[3 * k]!;
      const pid = t[3 * k + 1]!;
      const o: Owner = { pid, program: comm.get(pid) ?? '?', fd: t[3 * k + 2]! };
      const list = owners.get(ino);
      if (list) list.push(o);
      else owners.set(ino, [o]);
    }
  }
  for (const list of owners.values()) if (list.length > 1) list.sort((a, b) => a.pid - b.pid || (a.fd ?? 0) - (b.fd ?? 0));
  return { owners, hidden, scanned };
}

export interface PendingScan {
  /** Scan what is left on this thread, wait for the worker, merge. */
  done(): Promise<ProcessScan>;
}

/**
 * Start scanning /proc/PID/fd of every pid on a worker; `done()` joins in. With
 * `threads: 1` (or when workers cannot start) everything runs on this thread.
 */
export function startProcessScan(procRoot: string, opts: { threads?: number } = {}): PendingScan {
  const list = listPids(procRoot);
  const pids = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, list.length)));
  pids.set(list);
  const view = list.length === pids.length ? pids : pids.subarray(0, list.length);
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  let worker: Worker | undefined;
  let result: Promise<FdTriples> | undefined;
  if ((opts.threads ?? 2) > 1 && list.length > 1) {
    try {
      worker = new Worker(new URL('./process-scan-worker.js', import.meta.url), { workerData: { procRoot, pids: view, ctl } });
      worker.unref();
      const w = worker;
      result = new Promise<FdTriples>((res, rej) => {
        w.once('message', (m: FdTriples) => res(m));
        w.once('error', rej);
        w.once('exit', (code) => rej(new Error(`process scan worker exited with ${code}`)));
      });
      result.catch(() => {}); // handled in done()
    } catch {
      worker = undefined;
    }
  }
  return {
    async done() {
      const fs = await import('node:fs');
      const mine = scanShare(procRoot, view, ctl, (p) => fs.readdirSync(p), (p) => fs.readlinkSync(p));
      const parts = [mine];
      if (worker && result) {
        if (Atomics.compareExchange(ctl, WORKER, 0, 2) === 0) {
          // It never started: everything is scanned already; do not wait for it to boot.
          void worker.terminate();
        } else {
          try {
            parts.push(await result);
          } catch {
            // The worker died mid-scan: the pids it had claimed are lost; rescan them all here.
            return mergeTriples([scanShare(procRoot, view, new Int32Array(2), (p) => fs.readdirSync(p), (p) => fs.readlinkSync(p))]);
          }
        }
      }
      return mergeTriples(parts);
    },
  };
}

export { WORKER as WORKER_SLOT };
