/**
 * The sampler's worker thread: the only thread that scans the kernel's socket table, walks
 * /proc and enters network namespaces (setns moves the calling thread only), so the main
 * thread never blocks on a scan. One request at a time, in order; each answer moves the
 * table's columns to the main thread.
 * @module
 */
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import { TcpstateError } from '../model/errors.js';
import { say as hs } from '../i18n/history.js';
import { say as ks } from '../i18n/kernel.js';
import type { Said } from '../i18n/catalogue.js';
import { errorToWire, warningsToWire } from '../model/wire.js';
import { ALL_MASK, LISTEN } from '../model/state.js';
import { attachProcesses, hiddenNotice, liveSnapshot, scanLive, scanOptions } from '../snapshot.js';
import type { ReadConfig } from '../sources/config.js';
import { readCounters, type Counters } from '../sources/counters.js';
import { loadNative, type NativeAddon, type StatesHandle } from '../sources/native.js';
import { netnsId, netnsPath } from '../sources/netns.js';
import { netDir } from '../sources/proc-source.js';
import { readSysctls, SYSCTLS, type Sysctls } from '../sources/sysctl.js';
import { aggregate, listenerRows } from './aggregates.js';
import { finishPortWalk, startPortWalk } from '../sources/bpf-tcp-states.js';
import { doctorReport } from './documents.js';
import { summarize } from '../history/sample-row.js';
import { SummaryCounter } from '../history/summary-counter.js';
import type { OwnerLookup } from '../model/table.js';
import type { Sample } from './sampler.js';
import { type HistoryAnswer, type HistoryRequest, type SampleRequest, type SummaryOptions, toWire, type WireError, type WireSample } from './protocol.js';
import type { HistoryStore } from '../history/store.js';

/** Each namespace's previous sample with findings (a copy of its table), for rates. */
const previous = new Map<string, Sample>();
const MAX_PREVIOUS = 256;

const port = parentPort!;
const req = createRequire(import.meta.url);
const now = (): number => performance.timeOrigin + performance.now();

/**
 * Counters (and sysctls) of a namespace. Inside it when the addon can enter it: /proc/thread-self/net
 * and /proc/sys then show this thread's namespace. Else through a process living there
 * (counters only: /proc/sys shows the reader's namespace).
 */
function readNamespaceFiles(netns: string | undefined, wantSysctls: boolean, config: ReadConfig): { counters?: Counters; sysctls?: Sysctls; sysctlsUnavailable?: Said } {
  const opts = scanOptions({ netns, config });
  const unread = (c: Counters): Counters | undefined => (c.missing.length === 4 ? undefined : c);
  if (netns === undefined) {
    return { counters: unread(readCounters(opts.procRoot, now)), ...(wantSysctls ? { sysctls: readSysctls(opts.procRoot) } : {}) };
  }
  const native = opts.origin === 'live' ? loadNative(config) : undefined;
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
    ...(wantSysctls ? { sysctls: { values: {}, missing: Object.keys(SYSCTLS) }, sysctlsUnavailable: ks('sysctlsNoNative', netns) } : {}),
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
  const native = loadNative(r.config);
  if (!native.addon) return undefined;
  const handle = startPortWalk(native.addon, r.netns === undefined ? undefined : netnsPath(r.netns), r.config);
  return handle ? { addon: native.addon, handle } : undefined;
}

async function take(r: SampleRequest): Promise<{ msg: WireSample; transfer: ArrayBuffer[] }> {
  const t0 = performance.now();
  const takenAt = Date.now();
  const opts = scanOptions({ netns: r.netns, tcp: true, udp: false, states: ALL_MASK, config: r.config });
  const walk = startWalk(r, opts);
  const files = readNamespaceFiles(r.netns, r.sysctls === true, r.config);
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
  if (r.summary && r.rows === false && !r.findings && !r.metrics) {
    const { summary, source, warnings, notices, scanMs, processes } = await summaryFromChunks(r, r.summary, opts, t0);
    return {
      msg: {
        id: r.id,
        ok: true,
        source,
        warnings,
        notices,
        takenAt,
        atMs,
        scanMs,
        totalMs: performance.now() - t0,
        summary,
        ...(files.counters ? { counters: files.counters } : {}),
        ...(files.sysctls ? { sysctls: files.sysctls } : {}),
        ...(files.sysctlsUnavailable ? { sysctlsUnavailable: files.sysctlsUnavailable } : {}),
        ...(processes ? { processes } : {}),
      },
      transfer: [],
    };
  }
  const snap = await liveSnapshot(r.source, opts);
  const scanMs = performance.now() - t0;
  let processes: WireSample['processes'];
  const notices = [...snap.notices];
  if (r.processes) {
    const p = await attachProcesses(snap.table, opts);
    processes = { scanned: p.scanned, hidden: p.hidden };
    notices.push(...p.notices);
  }
  // What the sample knows beside the table, for the doctor's rules and for the answer alike.
  const known = {
    ...(files.counters ? { counters: files.counters } : {}),
    ...(files.sysctls ? { sysctls: files.sysctls } : {}),
    ...(files.sysctlsUnavailable ? { sysctlsUnavailable: files.sysctlsUnavailable } : {}),
    ...(processes ? { processes } : {}),
  };
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
      ...known,
    };
    report = doctorReport(now, previous.get(key), r.netns === undefined ? 'this host' : `network namespace ${r.netns}`, r.lang).report;
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
      ...known,
    },
    transfer,
  };
}

/** One counter for every recorded sample: its columns grow to the largest table and are reused. */
let counter: SummaryCounter | undefined;

/**
 * A history row's summary without the table (what `serve` records): the scan's chunks counted
 * as they pass, then the owner scan (after the sockets, as {@link attachProcesses} does).
 */
async function summaryFromChunks(r: SampleRequest, want: SummaryOptions, opts: ReturnType<typeof scanOptions>, t0: number) {
  counter ??= new SummaryCounter();
  counter.reset();
  const c = counter;
  const scan = await scanLive(r.source, opts, (chunk) => c.add(chunk));
  const scanMs = performance.now() - t0;
  const notices = [...scan.notices];
  let owners: OwnerLookup | undefined;
  let processes: WireSample['processes'];
  if (r.processes) {
    // Owners looked up once per socket here: packed in the scan's own buffer, no index beside it.
    const pending = (await import('../sources/owners.js')).ownerSource(opts).start();
    const p = await (pending.donePacked ? pending.donePacked() : pending.done());
    owners = p.owners;
    processes = { scanned: p.scanned, hidden: p.hidden };
    if (p.hidden > 0) notices.push(hiddenNotice(p.hidden));
  }
  return { summary: c.finish(owners, want.top, want.kinds), source: scan.source, warnings: scan.warnings, notices, scanMs, processes };
}

/** How often, at most, freed memory goes back to the system (after a sample, never during one). */
const TRIM_EVERY_MS = 10_000;
let trimmedAt = 0;

/**
 * Walks and dumps fill buffers on threads of their own and the columns are freed on another
 * thread: glibc's arenas keep those pages (+40 MiB an hour at 100k sockets, a sample a second)
 * unless asked to give them back: at most every 10 s. Not after every collection: pages given
 * back after each sample were faulted in again by the next (at 100k sockets a scrape took
 * 90 ms instead of 66).
 */
function trimNow(config: ReadConfig): void {
  const now = Date.now();
  if (now - trimmedAt < TRIM_EVERY_MS) return;
  trimmedAt = now;
  loadNative(config).addon?.mallocTrim?.();
}

/** Bytes of live ArrayBuffers after a sample past which the worker collects its garbage at once. */
const COLLECT_ABOVE = 4 * 1024 * 1024;
let gc: (() => void) | null | undefined;

/**
 * A sample's buffers (a walk's bytes and columns, an owner index: megabytes at 400k sockets)
 * are freed only when V8 collects, and V8 lets tens of megabytes of them pile up first (it
 * counts them as external memory, and this thread makes few objects, so it seldom collects):
 * that was most of serve's peak RSS. Past {@link COLLECT_ABOVE}, collect now. Returns whether
 * it did. `gc` is taken once through the flag (workers cannot be given --expose-gc) and the
 * flag reset, so no other context sees it.
 */
function collectGarbage(): boolean {
  if (process.memoryUsage().arrayBuffers < COLLECT_ABOVE) return false;
  if (gc === undefined) {
    try {
      const v8 = req('node:v8') as typeof import('node:v8');
      v8.setFlagsFromString('--expose-gc');
      gc = (req('node:vm') as typeof import('node:vm')).runInNewContext('gc') as () => void;
      v8.setFlagsFromString('--no-expose-gc');
    } catch {
      gc = null;
    }
  }
  if (!gc) return false;
  gc();
  return true;
}

/** The history store recorded samples are written into (`SampleWant.record`), while open. */
let store: HistoryStore | undefined;

function closeStore(): void {
  const s = store;
  store = undefined;
  s?.close();
}

async function history(h: HistoryRequest['history']): Promise<void> {
  if ('close' in h) return closeStore();
  if ('note' in h) return store?.note(h.note, h.value);
  closeStore();
  const { openStore } = await import('../history/store.js');
  store = openStore(h.open, { write: true, top: h.top, ...(h.env ? { env: h.env } : {}) });
}

/** Write a sample into the store; a failure (a full disk) closes it and is said in the answer. */
function record(msg: WireSample, r: SampleRequest): void {
  if (!store) {
    msg.recordError = errorToWire(new TcpstateError('ERR_USAGE', hs('noStore')));
    return;
  }
  const { id: _id, ok: _ok, table: _table, ...sample } = msg;
  try {
    store.write({ ...sample, ...(r.netns === undefined ? {} : { netns: r.netns }) }, { intervalMs: r.record!.intervalMs });
    msg.recorded = true;
  } catch (e) {
    msg.recordError = errorToWire(e);
    try {
      closeStore();
    } catch {
      /* the disk that failed the write fails the close too */
    }
  }
}

function wireError(id: number, e: unknown): WireError {
  return { id, ok: false, error: errorToWire(e) };
}

// Requests run one after another: the native dump shares one buffer, and a namespace is
// entered and left inside one call.
let queue: Promise<void> = Promise.resolve();
port.on('message', (m: SampleRequest | HistoryRequest | { close: true }) => {
  if ('close' in m) {
    queue = queue.then(() => {
      try {
        closeStore();
      } finally {
        port.close();
      }
    });
    return;
  }
  if ('history' in m) {
    queue = queue.then(() =>
      history(m.history).then(
        () => port.postMessage({ id: m.id, ok: true, history: true } satisfies HistoryAnswer),
        (e: unknown) => port.postMessage(wireError(m.id, e)),
      ),
    );
    return;
  }
  queue = queue.then(async () => {
    try {
      const { msg, transfer } = await take(m);
      if (m.record) record(msg, m);
      msg.warnings = warningsToWire(msg.warnings);
      port.postMessage(msg, transfer);
    } catch (e) {
      port.postMessage(wireError(m.id, e));
    }
    collectGarbage();
    trimNow(m.config);
  });
});
