/**
 * The sampler: snapshots of the live socket table taken on a worker thread
 * (./sample-worker.ts), so the thread serving requests never blocks on a scan.
 *
 * - Requests for the same moment share one snapshot: a request joins a sample of the same
 *   namespace still in flight when that sample holds at least what it wants.
 * - {@link Sampler.every} runs fixed ticks that never overlap: a tick due while the last
 *   is still running is skipped and counted, never queued.
 * - Every sample says which source answered and how long it took.
 * - {@link Sampler.close} ends the worker (and its native handles) and fails what is pending.
 * @module
 */
import type { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { TcpstateError } from '../model/errors.js';
import { errorFromWire, warningsFromWire } from '../model/wire.js';
import { say as ks } from '../i18n/kernel.js';
// The domains the worker's readers say things in, so that they render here (src/model/wire.ts).
import '../i18n/captures.js';
import '../i18n/options.js';
import { SocketTable } from '../model/table.js';
import { DEFAULT_CONFIG, type ReadConfig } from '../sources/config.js';
import { fromWire, type HistoryAnswer, type HistoryRequest, type SampleRequest, type SampleWant, type WireError, type WireSample } from './protocol.js';

export type { SampleWant } from './protocol.js';

/**
 * One look at one namespace's socket table (every TCP socket, every state): what the worker
 * sent (source, timings, counters, sysctls, report; see {@link WireSample}), with the table
 * rebuilt on this thread.
 */
export interface Sample extends Omit<WireSample, 'id' | 'ok' | 'table'> {
  netns?: string;
  /** Every TCP socket, every state; absent when the request asked for aggregates only (`rows: false`). */
  table?: SocketTable;
}

export interface SamplerOptions {
  /** Live source name; undefined or `auto`: the first available. */
  source?: string;
  /** How the kernel may be read, resolved by the caller's edge (src/sources/config.ts); default: no switch set. */
  config?: ReadConfig;
  /** Longest a sample may take before its requests fail (ms; default 30 s). */
  timeoutMs?: number;
}

interface Pending {
  want: SampleWant;
  promise: Promise<Sample>;
  resolve: (s: Sample) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const req = createRequire(import.meta.url);

function covers(have: SampleWant, want: SampleWant): boolean {
  return (
    have.netns === want.netns &&
    (!want.processes || have.processes === true) &&
    (!want.sysctls || have.sysctls === true) &&
    (!want.findings || (have.findings === true && (have.lang ?? 'en') === (want.lang ?? 'en'))) &&
    (want.rows === false || have.rows !== false) &&
    (!want.metrics || JSON.stringify(have.metrics) === JSON.stringify(want.metrics)) &&
    (!want.summary || JSON.stringify(have.summary) === JSON.stringify(want.summary)) &&
    (!want.record || JSON.stringify(have.record) === JSON.stringify(want.record))
  );
}

/** Counts of what the sampler did, for its own health metrics. */
export interface SamplerStats {
  samples: number;
  shared: number;
  errors: number;
  skippedTicks: number;
}

export class Sampler {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The history file the worker holds open, opened again by a worker that replaces it. */
  private historyOpen: Extract<HistoryRequest['history'], { open: string }> | undefined;
  /** History requests awaiting the worker's answer. */
  private readonly control = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private closed = false;
  private readonly timeoutMs: number;
  readonly stats: SamplerStats = { samples: 0, shared: 0, errors: 0, skippedTicks: 0 };

  constructor(private readonly opts: SamplerOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const { Worker: W } = req('node:worker_threads') as typeof import('node:worker_threads');
    // Resolves from dist/src/engine/ and from the command bundle in dist/src/cli/ alike.
    const w = new W(new URL('../engine/sample-worker.js', import.meta.url));
    w.on('message', (m: WireSample | WireError | HistoryAnswer) => this.answer(m));
    w.on('error', (e) => this.failAll(new TcpstateError('ERR_IO', ks('workerFailed', e.message))));
    w.on('exit', () => {
      if (this.worker === w) this.worker = undefined;
      if (!this.closed) this.failAll(new TcpstateError('ERR_IO', ks('workerExited')));
    });
    // A worker restarted after a stuck sample: the store the old one held is opened again (a
    // failure shows in the next recorded sample's recordError).
    if (this.historyOpen) w.postMessage({ id: this.nextId++, history: this.historyOpen } satisfies HistoryRequest);
    return (this.worker = w);
  }

  /** An idle worker does not keep the process alive; one with samples to answer does. */
  private idle(): void {
    if (this.pending.size === 0 && this.control.size === 0) this.worker?.unref();
  }

  private answer(m: WireSample | WireError | HistoryAnswer): void {
    const c = this.control.get(m.id);
    if (c) {
      this.control.delete(m.id);
      this.idle();
      if (m.ok) c.resolve();
      else c.reject(errorFromWire(m.error));
      return;
    }
    if ('history' in m) return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    this.idle();
    clearTimeout(p.timer);
    if (!m.ok) {
      this.stats.errors++;
      p.reject(errorFromWire(m.error));
      return;
    }
    this.stats.samples++;
    const { table, id: _id, ok: _ok, ...rest } = m;
    p.resolve({
      ...(p.want.netns === undefined ? {} : { netns: p.want.netns }),
      ...rest,
      warnings: warningsFromWire(rest.warnings),
      ...(table ? { table: fromWire(table, new SocketTable(16)) } : {}),
    });
  }

  private failAll(e: Error): void {
    for (const [id, c] of this.control) {
      this.control.delete(id);
      c.reject(e);
    }
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      this.stats.errors++;
      p.reject(e);
    }
  }

  /** Samples in flight. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * A fresh sample holding at least `want`; joins one in flight that already does
   * (concurrent requests for the same moment share it).
   */
  sample(want: SampleWant = {}): Promise<Sample> {
    if (this.closed) return Promise.reject(new TcpstateError('ERR_IO', ks('samplerClosed')));
    for (const p of this.pending.values()) {
      if (covers(p.want, want)) {
        this.stats.shared++;
        return p.promise;
      }
    }
    const id = this.nextId++;
    let resolve!: (s: Sample) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<Sample>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const timer = setTimeout(() => {
      if (!this.pending.delete(id)) return;
      this.stats.errors++;
      reject(new TcpstateError('ERR_IO', ks('sampleTimeout', this.timeoutMs)));
      // A scan stuck in the kernel cannot be interrupted: start over with a new worker.
      const w = this.worker;
      this.worker = undefined;
      void w?.terminate();
      this.failAll(new TcpstateError('ERR_IO', ks('samplerRestarted')));
    }, this.timeoutMs);
    timer.unref();
    const fixed: SampleWant = want.findings ? { ...want, processes: true, sysctls: true } : { ...want };
    this.pending.set(id, { want: fixed, promise, resolve, reject, timer });
    const w = this.start();
    w.ref();
    const request: SampleRequest = { id, ...fixed, ...(this.opts.source === undefined ? {} : { source: this.opts.source }), config: this.opts.config ?? DEFAULT_CONFIG };
    w.postMessage(request);
    return promise;
  }

  /**
   * Call `each` with a sample every `intervalMs`, on fixed ticks (t0 + k·interval). A tick
   * that comes while the previous sample is still being taken or handled is skipped
   * (counted in `stats.skippedTicks`), so ticks never overlap. Returns a stop function.
   */
  every(intervalMs: number, want: SampleWant, each: (s: Sample | Error, tick: number) => void | Promise<void>): () => void {
    const t0 = performance.now();
    let tick = 0;
    let busy = false;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const schedule = (): void => {
      if (stopped) return;
      tick++;
      const due = t0 + tick * intervalMs;
      timer = setTimeout(run, Math.max(0, due - performance.now()));
    };
    const run = (): void => {
      if (stopped) return;
      // Catch up to the current tick; the ones passed while busy are skipped.
      const current = Math.floor((performance.now() - t0) / intervalMs);
      if (current > tick) {
        this.stats.skippedTicks += current - tick;
        tick = current;
      }
      if (busy) {
        this.stats.skippedTicks++;
        schedule();
        return;
      }
      busy = true;
      const n = tick;
      // A schedule stopped while its sample is in flight delivers nothing (not even close()'s error).
      this.sample(want)
        .then(
          (s) => (stopped ? undefined : each(s, n)),
          (e: Error) => (stopped ? undefined : each(e, n)),
        )
        .catch(() => undefined)
        .finally(() => {
          busy = false;
        });
      schedule();
    };
    timer = setTimeout(run, 0);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }

  private history(h: HistoryRequest['history']): Promise<void> {
    if (this.closed) return Promise.reject(new TcpstateError('ERR_IO', ks('samplerClosed')));
    const id = this.nextId++;
    const done = new Promise<void>((resolve, reject) => this.control.set(id, { resolve, reject }));
    const w = this.start();
    w.ref();
    w.postMessage({ id, history: h } satisfies HistoryRequest);
    return done;
  }

  /**
   * Open the history file at `path` for writing on the worker (src/history/store.ts, `top`
   * groups per kind): samples asked for with `record` are written there before they are
   * answered, so SQLite's writes, fsyncs and retention never block this thread. Rejects as
   * `openStore` throws (another writer holds the file, no permission, not a history file).
   */
  openHistory(path: string, o: { top: number; env?: Record<string, string | undefined> }): Promise<void> {
    const open = { open: path, top: o.top, ...(o.env ? { env: o.env } : {}) };
    return this.history(open).then(() => {
      this.historyOpen = open;
    });
  }

  /** Keep a note in the worker's history file (`HistoryStore.note`). */
  noteHistory(key: string, value: string | undefined): Promise<void> {
    return this.history({ note: key, ...(value === undefined ? {} : { value }) });
  }

  /** Close the worker's history file (checkpointed, writer lock released); {@link close} does too. */
  closeHistory(): Promise<void> {
    this.historyOpen = undefined;
    return this.history({ close: true });
  }

  /** End the worker; pending samples fail. Resolves when the worker has exited. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new TcpstateError('ERR_IO', ks('samplerClosed')));
    const w = this.worker;
    this.worker = undefined;
    if (w) await endWorker(w);
  }
}

/**
 * Ask a sampling worker to close (its native handles with it) and wait for it to exit;
 * terminated after 2 s if a scan holds it.
 */
export async function endWorker(w: Worker): Promise<void> {
  const exited = new Promise<void>((res) => w.once('exit', () => res()));
  w.postMessage({ close: true });
  const t = setTimeout(() => void w.terminate(), 2000);
  await exited;
  clearTimeout(t);
}
