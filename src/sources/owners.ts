/**
 * Which processes hold which sockets, behind one interface ({@link OwnerSource}) with two
 * implementations, chosen once by {@link ownerSource}:
 *
 * - `bpf`: the addon's BPF task_file iterator (native/bpf_owners.c), one walk of every open
 *   file without a syscall per fd; the running machine only (root, kernel BTF, the initial
 *   pid namespace), never under TCPSTATE_NO_BPF=1.
 * - `proc`: the /proc/PID/fd pass of src/sources/process-scan.ts (native threads, else a JS
 *   worker), under any proc root.
 *
 * Every caller that names owners (ls -p, count --by process, doctor, serve, watch, trace) goes
 * through here, so they see the same owners for the same sockets.
 * @module
 */
import { fs } from '../builtins.js';
import type { ReadConfig } from './config.js';
import type { Origin } from './live.js';
import { loadNative, type NativeAddon } from './native.js';
import { mergePacked, mergeTriples, nativeTriples, type PendingScan, scanShare, startProcessScan } from './process-scan.js';
import { listPids } from './processes.js';

/** A way to find socket owners. */
export interface OwnerSource {
  /** `bpf` (the task_file iterator) or `proc` (/proc/PID/fd). */
  readonly name: 'bpf' | 'proc';
  /**
   * Begin finding the owners of every socket: background threads start now, so the pass runs
   * while the caller reads the sockets; `done()` joins it and gives inode → owners. The BPF
   * source that finds the iterator will not run here reads /proc/PID/fd instead (and from then on).
   */
  start(): PendingScan;
  /**
   * One pass on this thread: (inode, pid, fd) triples of every socket fd, program names not
   * read (trace walks again for sockets made since, and names only the owners it shows).
   * @throws Error where this source cannot run (the iterator refused, the proc root unreadable).
   */
  walk(): Uint32Array;
}

/** What {@link ownerSource} chooses by: where the sockets come from and the configuration. */
export interface OwnerOptions {
  /** The proc tree whose processes are scanned (/proc when `origin` is `live`). */
  procRoot: string;
  /** Only a `live` scan may use the BPF iterator: it sees the running kernel, not a captured tree. */
  origin: Origin;
  config: ReadConfig;
  /** Threads in all for the /proc pass, this one included (default: process-scan.ts's `defaultScanThreads` besides this one). */
  threads?: number;
  /** false: the JS /proc pass even when the addon is loaded. */
  native?: boolean;
}

/** The owner source for a scan: the BPF iterator where it may run, else /proc/PID/fd. */
export function ownerSource(o: OwnerOptions): OwnerSource {
  const addon = o.native === false ? undefined : loadNative(o.config).addon;
  const proc = procOwners(o, addon);
  return addon && o.origin === 'live' && !o.config.noBpf ? bpfOwners(addon, o.procRoot, proc) : proc;
}

/** Socket owners from the addon's BPF iterator, or undefined where it cannot run. */
export function bpfTriples(addon: NativeAddon): Uint32Array | undefined {
  try {
    return addon.bpfOwners();
  } catch {
    // No BTF, no CAP_BPF, another pid namespace, a kernel that refuses: /proc/PID/fd instead.
    return undefined;
  }
}

function bpfOwners(addon: NativeAddon, procRoot: string, fallback: OwnerSource): OwnerSource {
  let refused = false;
  return {
    name: 'bpf',
    start() {
      const triples = refused ? undefined : bpfTriples(addon);
      if (!triples) {
        refused = true;
        return fallback.start();
      }
      const scan = nativeTriples(procRoot, { triples, hidden: 0, scanned: listPids(procRoot).length });
      return {
        async done() {
          return mergeTriples([scan]);
        },
        async donePacked() {
          return mergePacked([scan]);
        },
      };
    },
    walk() {
      return addon.bpfOwners();
    },
  };
}

function procOwners(o: OwnerOptions, addon: NativeAddon | undefined): OwnerSource {
  return {
    name: 'proc',
    start() {
      return startProcessScan(o.procRoot, { ...(o.threads === undefined ? {} : { threads: o.threads }), ...(addon ? { addon } : {}) });
    },
    walk() {
      const pids = listPids(o.procRoot);
      if (addon) return addon.scanFinish(addon.scanStart(Int32Array.from(pids), o.procRoot, 0)).triples;
      const r = scanShare(
        o.procRoot,
        Int32Array.from(pids),
        new Int32Array(2),
        (p) => fs.readdirSync(p),
        (p) => fs.readlinkSync(p),
      );
      return r.triples.subarray(0, 3 * r.n);
    },
  };
}
