/**
 * The sampler's worker thread: the only thread that scans the kernel's socket table, walks
 * /proc and enters network namespaces (setns moves the calling thread only), so the main
 * thread never blocks on a scan. One request at a time, in order; each answer moves the
 * table's columns to the main thread.
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { isTcpstateError } from '../model/errors.js';
import { ALL_MASK, LISTEN } from '../model/state.js';
import { attachProcesses, liveSnapshot, scanOptions } from '../snapshot.js';
import { readCounters, type Counters } from '../sources/counters.js';
import { loadNative, type NativeAddon, type StatesHandle } from '../sources/native.js';
import { netnsId, netnsPath } from '../sources/netns.js';
import { netDir } from '../sources/proc-source.js';
import { readSysctls, SYSCTLS, type Sysctls } from '../sources/sysctl.js';
import { aggregate, listenerRows } from './aggregates.js';
import { finishPortWalk, startPortWalk } from '../sources/bpf-tcp-states.js';
import { doctorReport } from './documents.js';
import { summarize } from '../history/sample-row.js';
import type { Sample } from './sampler.js';
import { type SampleRequest, toWire, type WireError, type WireSample } from './protocol.js';

/** Each namespace's previous sample with findings (a copy of its table), for rates. */
const previous = new Map<string, Sample>();
const MAX_PREVIOUS = 256;

const port = parentPort!;
const now = (): number => performance.timeOrigin + performance.now();

/**
 * Counters (and sysctls) of a namespace. Inside it when the addon can enter it: /proc/thread-self/net
 * and /proc/sys then show this thread's namespace. Else through a process living there
 * (counters only: /proc/sys shows the reader's namespace).
 */
function readNamespaceFiles(netns: string | undefined, wantSysctls: boolean): { counters?: Counters; sysctls?: Sysctls; sysctlsUnavailable?: string } {
  const opts = scanOptions({ netns });
  const unread = (c: Counters): Counters | undefined => (c.missing.length === 4 ? undefined : c);
  if (netns === undefined) {
    return { counters: unread(readCounters(opts.procRoot, now)), ...(wantSysctls ? { sysctls: readSysctls(opts.procRoot) } : {}) };
  }
  const native = opts.origin === 'live' ? loadNative() : undefined;
  if (native?.addon) {
    const path = netnsPath(netns);
    netnsId(path);
    const back = native.addon.netnsEnter(path);
    try {
      return {
        counters: unread(readCounters(`${opts.procRoot}/thread-self`, now)),
        ...(wantSysctls ? { sysctls: readSysctls(opts.procRoot) } : {}),
      };
    } finally {
      native.addon.netnsLeave(back);
    }
  }
  return {
    counters: unread(readCounters(netDir(opts), now)),
    ...(wantSysctls
      ? { sysctls: { values: {}, missing: Object.keys(SYSCTLS) }, sysctlsUnavailable: `the native addon is not loaded, so namespace "${netns}" cannot be entered to read its sysctls` }
      : {}),
  };
}

/**
 * /metrics' aggregates without rows, owners or findings come from the BPF walk with ports
 * (six bytes a socket, no sock_diag message), started here on the addon's thread so the
 * namespace's files and the listeners are read meanwhile: undefined where it cannot run, or
 * for a named source, so the sample is a full dump.
 */
function startWalk(r: SampleRequest, opts: ReturnType<typeof scanOptions>): { addon: NativeAddon; handle: StatesHandle } | undefined {
  if (!r.metrics || r.metrics.byProcess || r.rows !== false || r.findings || r.processes) return undefined;
  if ((r.source !== undefined && r.source !== 'auto') || opts.origin !== 'live') return undefined;
  const native = loadNative();
  if (!native.addon) return undefined;
  const handle = startPortWalk(native.addon, r.netns === undefined ? undefined : netnsPath(r.netns));
  return handle ? { addon: native.addon, handle } : undefined;
}

async function take(r: SampleRequest): Promise<{ msg: WireSample; transfer: ArrayBuffer[] }> {
  const t0 = performance.now();
  const takenAt = Date.now();
  const opts = scanOptions({ netns: r.netns, tcp: true, udp: false, states: ALL_MASK });
  const walk = startWalk(r, opts);
  const files = readNamespaceFiles(r.netns, r.sysctls === true);
  const atMs = files.counters?.atMs ?? now();
  // Listeners' queues: a sock_diag dump of listening sockets alone, while the walk runs.
  const listeners = walk ? await liveSnapshot(r.source, { ...opts, states: 1 << LISTEN }) : undefined;
  const walked = walk ? finishPortWalk(walk.addon, walk.handle) : undefined;
  if (walked && listeners) {
    const scanMs = performance.now() - t0;
    return {
      msg: {
        id: r.id,
        ok: true,
        metrics: aggregate(walked.columns, r.metrics!, listenerRows(listeners.table)),
        source: 'bpf',
        warnings: [...walked.warnings, ...listeners.warnings],
        notices: listeners.notices,
        takenAt,
        atMs,
        scanMs,
        totalMs: scanMs,
        ...(files.counters ? { counters: files.counters } : {}),
        ...(files.sysctls ? { sysctls: files.sysctls } : {}),
        ...(files.sysctlsUnavailable ? { sysctlsUnavailable: files.sysctlsUnavailable } : {}),
      },
      transfer: [],
    };
  }
  const snap = await liveSnapshot(r.source, opts);
  const scanMs = performance.now() - t0;
  let processes: WireSample['processes'];
  const notices = [...snap.notices];
  if (r.processes) {
    const p = await attachProcesses(snap.table, opts.procRoot);
    processes = { scanned: p.scanned, hidden: p.hidden };
    notices.push(...p.notices);
  }
  let report: WireSample['report'];
  if (r.findings) {
    // The rules run here, off the serving thread; the table is copied for the next sample's
    // rates before its columns move to the main thread.
    const key = r.netns ?? '';
    const now: Sample = {
      table: snap.table,
      source: snap.source,
      warnings: snap.warnings,
      notices,
      takenAt,
      atMs,
      scanMs,
      totalMs: performance.now() - t0,
      ...(files.counters ? { counters: files.counters } : {}),
      ...(files.sysctls ? { sysctls: files.sysctls } : {}),
      ...(files.sysctlsUnavailable ? { sysctlsUnavailable: files.sysctlsUnavailable } : {}),
      ...(processes ? { processes } : {}),
    };
    report = doctorReport(now, previous.get(key), r.netns === undefined ? 'this host' : `network namespace ${r.netns}`).report;
    const copy = snap.table.select(() => true);
    copy.owners = snap.table.owners;
    // Least recently sampled first: namespaces that went away (containers) fall out.
    previous.delete(key);
    previous.set(key, { ...now, table: copy });
    if (previous.size > MAX_PREVIOUS) previous.delete(previous.keys().next().value!);
  }
  const metrics = r.metrics ? aggregate(snap.table, r.metrics) : undefined;
  const summary = r.summary ? summarize(snap.table, processes !== undefined, r.summary.top, r.summary.kinds) : undefined;
  const { table, transfer } = r.rows === false ? { table: undefined, transfer: [] } : toWire(snap.table, r.processes === true);
  return {
    msg: {
      id: r.id,
      ok: true,
      ...(table ? { table } : {}),
      ...(metrics ? { metrics } : {}),
      source: snap.source,
      warnings: snap.warnings,
      notices,
      takenAt,
      atMs,
      scanMs,
      totalMs: performance.now() - t0,
      ...(report ? { report } : {}),
      ...(summary ? { summary } : {}),
      ...(files.counters ? { counters: files.counters } : {}),
      ...(files.sysctls ? { sysctls: files.sysctls } : {}),
      ...(files.sysctlsUnavailable ? { sysctlsUnavailable: files.sysctlsUnavailable } : {}),
      ...(processes ? { processes } : {}),
    },
    transfer,
  };
}

/** How often, at most, freed memory goes back to the system (after a sample, never during one). */
const TRIM_EVERY_MS = 10_000;
let trimmedAt = 0;

/**
 * Walks and dumps fill buffers on threads of their own and the columns are freed on another
 * thread: glibc's arenas keep those pages (+40 MiB an hour at 100k sockets, a sample a second)
 * unless asked to give them back.
 */
function trimNow(): void {
  const now = Date.now();
  if (now - trimmedAt < TRIM_EVERY_MS) return;
  trimmedAt = now;
  loadNative().addon?.mallocTrim?.();
}

// Requests run one after another: the native dump shares one buffer, and a namespace is
// entered and left inside one call.
let queue: Promise<void> = Promise.resolve();
port.on('message', (m: SampleRequest | { close: true }) => {
  if ('close' in m) {
    queue = queue.then(() => port.close());
    return;
  }
  queue = queue.then(async () => {
    try {
      const { msg, transfer } = await take(m);
      port.postMessage(msg, transfer);
    } catch (e) {
      const err: WireError = isTcpstateError(e)
        ? { id: m.id, ok: false, error: { code: e.code, message: e.message, where: { ...e.where }, said: e.said } }
        : { id: m.id, ok: false, error: { code: 'ERR_IO', message: (e as Error).message ?? String(e), where: {} } };
      port.postMessage(err);
    }
    trimNow();
  });
});
