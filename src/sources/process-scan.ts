/**
 * Process attribution on every core: inode → owning processes from one pass over
 * /proc/PID/fd. With the native addon, native threads start at once and scan in the
 * background (native/fd_scan.c: pids claimed one at a time, and a process with
 * thousands of fds shared out in chunks, so one load balancer does not leave the other
 * cores idle); without it, one worker thread and this one share the pids through an atomic
 * counter ({@link scanShare}). Either way the result is flat (inode, pid, fd) triples in
 * Uint32Arrays and one `comm` per pid, merged here. Linear in processes and fds.
 *
 * Start it before reading the sockets ({@link startProcessScan}); the threads scan while
 * this thread dumps the socket table, then this thread joins the scan. This is the `proc`
 * implementation of src/sources/owners.ts's `OwnerSource` (the other is the BPF iterator);
 * callers choose through that module.
 * @module
 */
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import type { Warning } from '../model/errors.js';
import type { Owner, OwnerLookup } from '../model/table.js';
import type { NativeAddon, NativeScan } from './native.js';
import { listPids, type ProcessScan, readComm, SCAN_PER_CODE } from './processes.js';
import { Warnings } from '../model/warnings.js';

/** The flat result of scanning some pids. */
export interface FdTriples {
  /** inode, pid, fd; `n` triples. */
  triples: Uint32Array;
  n: number;
  /** comm of each pid that holds a socket. */
  comms: [number, string][];
  hidden: number;
  scanned: number;
  /** From reading `comm` ({@link readComm}). */
  warnings: Warning[];
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
  const warnings = new Warnings(SCAN_PER_CODE);
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
    if (holds) comms.push([pid, readComm(procRoot, pid, warnings)]);
  }
  return { triples, n, comms, hidden, scanned, warnings: warnings.list() };
}

/**
 * inode → owners without an object per fd: the triples of every part, chained per inode
 * through one Int32Array; {@link OwnerIndex.get} makes the (short-lived) Owner objects of
 * one socket when it is printed or grouped.
 */
export class OwnerIndex implements OwnerLookup {
  /** Open addressing: slot → 1 + index of the newest triple of an inode, 0 when empty. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  /** Per triple: index of the previous triple of the same inode, or -1. */
  private readonly next: Int32Array;
  private readonly t: Uint32Array;
  private readonly extra = new Map<number, Owner[]>();
  /** Number of socket inodes with an owner. */
  readonly size: number;

  constructor(
    parts: FdTriples[],
    private readonly comm: Map<number, string>,
  ) {
    let n = 0;
    for (const p of parts) n += p.n;
    // One part (the native scan's merged triples) is used as it is: no copy into fresh memory.
    this.t = parts.length === 1 ? parts[0]!.triples.subarray(0, 3 * n) : new Uint32Array(3 * n);
    this.next = new Int32Array(n);
    let cap = 16;
    while (cap < 2 * n) cap *= 2;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    let k = 0;
    let inodes = 0;
    for (const p of parts) {
      if (parts.length > 1) this.t.set(p.triples.subarray(0, 3 * p.n), 3 * k);
      for (let j = 0; j < p.n; j++, k++) {
        const s = this.slot(this.t[3 * k]!);
        const head = this.slots[s]!;
        if (head === 0) inodes++;
        this.next[k] = head - 1;
        this.slots[s] = k + 1;
      }
    }
    this.size = inodes;
  }

  /** The slot of an inode: where it is, or the empty slot where it would go. */
  private slot(ino: number): number {
    let s = (Math.imul(ino, 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      const h = this.slots[s]!;
      if (h === 0 || this.t[3 * (h - 1)] === ino) return s;
      s = (s + 1) & this.mask;
    }
  }

  private readonly labels = new Map<number, string>();

  /** `pid/program` of the owners of an inode (as ownerCell joins them), from cached per-pid text when one fd holds it. */
  label(ino: number): string | undefined {
    if (this.extra.size) return undefined;
    const h = this.slots[this.slot(ino)]!;
    if (h === 0) return undefined;
    const k = h - 1;
    const pid = this.t[3 * k + 1]!;
    if (this.next[k]! < 0) {
      let l = this.labels.get(pid);
      if (l === undefined) {
        l = `${pid}/${this.comm.get(pid) ?? '?'}`;
        this.labels.set(pid, l);
      }
      return l;
    }
    return this.get(ino)!
      .map((o) => `${o.pid}/${o.program}`)
      .join(',');
  }

  /** Owners of a socket inode, in pid order then fd order. */
  get(ino: number): Owner[] | undefined {
    const x = this.extra.get(ino);
    if (x) return x;
    const h = this.slots[this.slot(ino)]!;
    if (h === 0) return undefined;
    const out: Owner[] = [];
    for (let k = h - 1; k >= 0; k = this.next[k]!) {
      const pid = this.t[3 * k + 1]!;
      out.push({ pid, program: this.comm.get(pid) ?? '?', fd: this.t[3 * k + 2]! });
    }
    if (out.length > 1) out.sort((a, b) => a.pid - b.pid || (a.fd ?? 0) - (b.fd ?? 0));
    return out;
  }

  set(ino: number, owners: Owner[]): this {
    this.extra.set(ino, owners);
    return this;
  }

  /** Every inode with its owners (tests, JSON). */
  *entries(): IterableIterator<[number, Owner[]]> {
    for (const h of this.slots)
      if (h !== 0) {
        const ino = this.t[3 * (h - 1)]!;
        yield [ino, this.get(ino)!];
      }
  }
}

/** Whether 64-bit elements store their low 32 bits first (then a pair [pid, inode] sorts by inode, then pid). */
const LITTLE_ENDIAN = new Uint32Array(new BigUint64Array([1n]).buffer)[0] === 1;

/**
 * inode → owners for one pass of lookups with the least memory (a recorded history sample at
 * 400k sockets: {@link OwnerIndex}'s chains and slots were 6 MiB of the sampler's peak): the
 * triples' (pid, inode) pairs packed in place into the triples' own buffer and sorted by inode
 * then pid, found by a binary search inside a bucket of a small directory (a quarter of an
 * index per pair). Owners carry no fd (not kept). It overwrites the triples it is given.
 */
export class PackedOwners implements OwnerLookup {
  /** Pair k: [2k] pid, [2k+1] inode. */
  private readonly u: Uint32Array;
  private readonly n: number;
  private readonly min: number;
  private readonly span: number;
  private readonly buckets: number;
  /** Bucket b's pairs are [dir[b], dir[b+1]). */
  private readonly dir: Uint32Array;
  private readonly extra = new Map<number, Owner[]>();
  private readonly labels = new Map<number, string>();

  /** Whether {@link PackedOwners} can take over this part's buffer (little-endian, 8-byte aligned). */
  static fits(p: FdTriples): boolean {
    return LITTLE_ENDIAN && p.triples.byteOffset % 8 === 0 && p.n > 0;
  }

  constructor(
    p: FdTriples,
    private readonly comm: Map<number, string>,
  ) {
    const u = p.triples;
    const n = p.n;
    // In place: pair k's words (2k, 2k+1) are triple k's or already read ones (2k+1 < 3k for k >= 1).
    for (let k = 0; k < n; k++) {
      const ino = u[3 * k]!;
      u[2 * k] = u[3 * k + 1]!;
      u[2 * k + 1] = ino;
    }
    new BigUint64Array(u.buffer, u.byteOffset, n).sort();
    this.u = u;
    this.n = n;
    this.min = u[1]!;
    this.span = u[2 * n - 1]! - this.min + 1;
    this.buckets = Math.max(1, n >>> 2);
    this.dir = new Uint32Array(this.buckets + 1);
    let k = 0;
    for (let b = 0; b <= this.buckets; b++) {
      while (k < n && this.bucket(u[2 * k + 1]!) < b) k++;
      this.dir[b] = k;
    }
  }

  private bucket(ino: number): number {
    return Math.floor(((ino - this.min) * this.buckets) / this.span);
  }

  /** Index of the first pair of an inode, or -1. */
  private first(ino: number): number {
    if (ino < this.min || ino - this.min >= this.span) return -1;
    const b = this.bucket(ino);
    let lo = this.dir[b]!;
    let hi = this.dir[b + 1]!;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.u[2 * m + 1]! < ino) lo = m + 1;
      else hi = m;
    }
    return lo < this.n && this.u[2 * lo + 1] === ino ? lo : -1;
  }

  label(ino: number): string | undefined {
    if (this.extra.size) return undefined;
    const k = this.first(ino);
    if (k < 0) return undefined;
    const pid = this.u[2 * k]!;
    if (k + 1 < this.n && this.u[2 * k + 3] === ino)
      return this.get(ino)!
        .map((o) => `${o.pid}/${o.program}`)
        .join(',');
    let l = this.labels.get(pid);
    if (l === undefined) {
      l = `${pid}/${this.comm.get(pid) ?? '?'}`;
      this.labels.set(pid, l);
    }
    return l;
  }

  /** Owners of a socket inode, in pid order (one per fd, without the fd). */
  get(ino: number): Owner[] | undefined {
    const x = this.extra.get(ino);
    if (x) return x;
    const out: Owner[] = [];
    for (let k = this.first(ino); k >= 0 && k < this.n && this.u[2 * k + 1] === ino; k++) {
      const pid = this.u[2 * k]!;
      out.push({ pid, program: this.comm.get(pid) ?? '?' });
    }
    return out.length ? out : undefined;
  }

  set(ino: number, owners: Owner[]): this {
    this.extra.set(ino, owners);
    return this;
  }
}

/**
 * As {@link mergeTriples}, for one pass of lookups: one part (the native or BPF scan's) becomes
 * {@link PackedOwners} over its own buffer; several parts (the JS scan's) an {@link OwnerIndex}.
 */
export function mergePacked(parts: FdTriples[]): ProcessScan & { owners: OwnerLookup } {
  if (parts.length !== 1 || !PackedOwners.fits(parts[0]!)) return mergeTriples(parts);
  const { comm, ...rest } = mergeMeta(parts);
  return { owners: new PackedOwners(parts[0]!, comm), ...rest };
}

/** The parts' program names, hidden and scanned processes and warnings, merged. */
function mergeMeta(parts: FdTriples[]): Omit<ProcessScan, 'owners'> & { comm: Map<number, string> } {
  const comm = new Map<number, string>();
  const warnings = new Warnings(SCAN_PER_CODE);
  let hidden = 0;
  let scanned = 0;
  for (const p of parts) {
    for (const [pid, c] of p.comms) comm.set(pid, c);
    hidden += p.hidden;
    scanned += p.scanned;
    warnings.addAll(p.warnings);
  }
  return { comm, hidden, scanned, warnings: warnings.list() };
}

/** Merge flat results into an inode → owners index (pid order, then fd order). */
export function mergeTriples(parts: FdTriples[]): ProcessScan & { owners: OwnerIndex } {
  const { comm, ...rest } = mergeMeta(parts);
  return { owners: new OwnerIndex(parts, comm), ...rest };
}

export interface PendingScan {
  /** Scan what is left on this thread, wait for the other threads, merge. */
  done(): Promise<ProcessScan & { owners: OwnerIndex }>;
  /** As {@link done}, the owners for one pass of lookups in less memory ({@link mergePacked}: no fds); absent where it is the same. */
  donePacked?(): Promise<ProcessScan & { owners: OwnerLookup }>;
}

/** The native scan's result as {@link FdTriples}: `comm` read once per distinct pid. */
export function nativeTriples(procRoot: string, r: NativeScan): FdTriples {
  const t = r.triples;
  const comms: [number, string][] = [];
  const warnings = new Warnings(SCAN_PER_CODE);
  const seen = new Set<number>();
  let last = -1;
  // A pid's triples come in runs (a big process's from several threads, interleaved).
  for (let k = 1; k < t.length; k += 3) {
    const pid = t[k]!;
    if (pid === last) continue;
    last = pid;
    if (!seen.has(pid)) {
      seen.add(pid);
      comms.push([pid, readComm(procRoot, pid, warnings)]);
    }
  }
  return { triples: t, n: t.length / 3, comms, hidden: r.hidden, scanned: r.scanned, warnings: warnings.list() };
}

/** Background threads by default: the cores but one, at most 3 (the caller joins at the end). */
export function defaultScanThreads(): number {
  const os = req('node:os') as typeof import('node:os');
  return Math.max(1, Math.min(3, os.availableParallelism() - 1));
}

/** Built-ins loaded when needed only: `count` without owners loads neither os nor worker_threads. */
const req = createRequire(import.meta.url);

/** Options of {@link startProcessScan}. */
export interface ScanOptions {
  /** Threads in all, this one included; 1: everything on this thread, in `done()`. */
  threads?: number;
  /** Scan these pids instead of every pid under the proc root. */
  pids?: readonly number[];
  /** The native addon, whose threads scan (native/fd_scan.c); absent: the JS path (worker + readlinkSync). */
  addon?: NativeAddon;
}

/**
 * Start scanning /proc/PID/fd of every pid: on native threads when given the addon
 * (by default {@link defaultScanThreads} of them besides this one), else on one worker;
 * `done()` joins in. With `threads: 1` (or, in JS, when the worker cannot start)
 * everything is scanned on this thread, in `done()`.
 */
export function startProcessScan(procRoot: string, opts: ScanOptions = {}): PendingScan {
  const list = opts.pids ? [...opts.pids] : listPids(procRoot);
  const addon = opts.addon;
  if (addon && list.length > 0) return startNative(addon, procRoot, list, opts.threads === undefined ? defaultScanThreads() : Math.max(0, Math.floor(opts.threads) - 1));
  return startWorker(procRoot, list, opts.threads ?? 2);
}

function startNative(addon: NativeAddon, procRoot: string, list: number[], background: number): PendingScan {
  const handle = addon.scanStart(Int32Array.from(list), procRoot, background);
  return {
    async done() {
      return mergeTriples([nativeTriples(procRoot, addon.scanFinish(handle))]);
    },
    async donePacked() {
      return mergePacked([nativeTriples(procRoot, addon.scanFinish(handle))]);
    },
  };
}

/** The JS path: this thread and one worker share the pids; readlinkSync per fd. */
function startWorker(procRoot: string, list: number[], threads: number): PendingScan {
  const pids = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, list.length)));
  pids.set(list);
  const view = list.length === pids.length ? pids : pids.subarray(0, list.length);
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  let worker: Worker | undefined;
  let result: Promise<FdTriples> | undefined;
  if (threads > 1 && list.length > 1) {
    try {
      // Loaded here only: the native path never needs worker_threads.
      const { Worker: W } = req('node:worker_threads') as typeof import('node:worker_threads');
      // '../sources/' so the path also holds from the CLI bundle in dist/src/cli/.
      worker = new W(new URL('../sources/process-scan-worker.js', import.meta.url), { workerData: { procRoot, pids: view, ctl } });
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
      const scan = (c: Int32Array) =>
        scanShare(
          procRoot,
          view,
          c,
          (p) => fs.readdirSync(p),
          (p) => fs.readlinkSync(p),
        );
      const parts = [scan(ctl)];
      if (worker && result) {
        if (Atomics.compareExchange(ctl, WORKER, 0, 2) === 0) {
          // It never started: everything is scanned already; do not wait for it to boot.
          void worker.terminate();
        } else {
          try {
            parts.push(await result);
          } catch {
            // The worker died mid-scan: the pids it had claimed are lost; rescan them all here.
            return mergeTriples([scan(new Int32Array(2))]);
          }
        }
      }
      return mergeTriples(parts);
    },
  };
}

export { WORKER as WORKER_SLOT };
