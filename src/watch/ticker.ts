/**
 * The watch's clock and its reader: fixed ticks (t0 + k·interval) that never overlap (a
 * tick due while the last one is still running is skipped and counted, never queued), and
 * the sampling worker (./tick-worker.ts) that reads the kernel off the main thread.
 * @module
 */
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { TcpstateError } from '../model/errors.js';
import { errorFromWire, type WireErrorData, type WireWarning, warningsFromWire } from '../model/wire.js';
import { say as ks } from '../i18n/kernel.js';
// The domains the worker's readers say things in, so that they render here (src/model/wire.ts).
import '../i18n/captures.js';
import '../i18n/options.js';
import type { ScanOptions } from '../sources/live.js';
import type { TickSample } from './view.js';
import { endWorker } from '../engine/sampler.js';

/** What the main thread asks the worker for: one read of the selection. */
export interface TickRequest {
  id: number;
  scan: ScanOptions;
  /** Live source name; undefined: the first available. */
  source?: string;
  /** ss filter words (validated on the main thread first). */
  filter: string[];
  /** Group key (`count --by`'s), when groups are shown; else counts only. */
  by?: string;
  top?: number;
}

export type TickReply =
  | {
      id: number;
      ok: true;
      counts: number[];
      takenAt: number;
      atMs: number;
      source: string;
      method?: string;
      scanMs: number;
      /** With their catalogue data (src/model/wire.ts). */
      warnings: WireWarning[];
      notices: import('../model/warnings.js').Notice[];
      groups?: { key: string; counts: number[]; total: number }[];
    }
  | { id: number; ok: false; error: WireErrorData };

/**
 * The tick to run after tick `last` finished at `now` (ms, same clock as `t0`): the next one
 * not yet due, or due at this moment; those that came due while `last` ran are skipped.
 */
export function nextTick(t0: number, intervalMs: number, last: number, now: number): { tick: number; due: number; skipped: number } {
  const next = last + 1;
  if (now <= t0 + next * intervalMs) return { tick: next, due: t0 + next * intervalMs, skipped: 0 };
  const tick = Math.floor((now - t0) / intervalMs) + 1;
  return { tick, due: t0 + tick * intervalMs, skipped: tick - next };
}

const req = createRequire(import.meta.url);

/** The sampling worker, one read at a time. */
export class TickReader {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (s: TickSample) => void; reject: (e: Error) => void }>();

  private start(): Worker {
    if (this.worker) return this.worker;
    const { Worker: W } = req('node:worker_threads') as typeof import('node:worker_threads');
    // Resolves from dist/src/watch/ and from the command bundle in dist/src/cli/ alike.
    const w = new W(new URL('../watch/tick-worker.js', import.meta.url));
    w.on('message', (m: TickReply) => this.answer(m));
    w.on('error', (e) => this.failAll(new TcpstateError('ERR_IO', ks('watchFailed', e.message))));
    w.on('exit', () => {
      this.worker = undefined;
      this.failAll(new TcpstateError('ERR_IO', ks('watchExited')));
    });
    return (this.worker = w);
  }

  private answer(m: TickReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (!m.ok) {
      p.reject(errorFromWire(m.error));
      return;
    }
    p.resolve({
      counts: Float64Array.from(m.counts),
      takenAt: m.takenAt,
      atMs: m.atMs,
      source: m.source,
      ...(m.method === undefined ? {} : { method: m.method }),
      scanMs: m.scanMs,
      warnings: warningsFromWire(m.warnings),
      notices: m.notices,
      ...(m.groups ? { groups: m.groups.map((g) => ({ key: g.key, counts: Float64Array.from(g.counts), total: g.total })) } : {}),
    });
  }

  private failAll(e: Error): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(e);
    }
  }

  read(r: Omit<TickRequest, 'id'>): Promise<TickSample> {
    const id = this.nextId++;
    const w = this.start();
    w.ref();
    return new Promise<TickSample>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, ...r });
    });
  }

  /** End the worker; resolves when it has exited. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new TcpstateError('ERR_IO', ks('watchClosed')));
    if (w) await endWorker(w);
  }
}

/**
 * Fixed ticks: `run(tick)` at t0 + k·interval, one at a time; {@link TickLoop.done} settles
 * when stopped, after `count` ticks, or with the error `run` threw.
 */
export class TickLoop {
  private t0 = 0;
  private last = -1;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private ran = 0;
  skipped = 0;
  readonly done: Promise<void>;
  private finish!: () => void;
  private fail!: (e: unknown) => void;

  constructor(
    private intervalMs: number,
    private readonly run: (tick: number) => Promise<void>,
    private readonly count?: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.done = new Promise<void>((res, rej) => {
      this.finish = res;
      this.fail = rej;
    });
  }

  start(): void {
    this.t0 = this.clock();
    this.schedule(0, this.t0);
  }

  get interval(): number {
    return this.intervalMs;
  }

  /** A new interval from now on (the next tick comes one new interval after the last). */
  setInterval(ms: number): void {
    this.intervalMs = ms;
    this.t0 = this.clock();
    this.last = 0;
    if (this.timer) {
      clearTimeout(this.timer);
      this.schedule(1, this.t0 + ms);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.finish();
  }

  private schedule(tick: number, due: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.last = tick;
        this.run(tick).then(
          () => {
            if (this.stopped) return;
            if (this.count !== undefined && ++this.ran >= this.count) {
              this.stop();
              return;
            }
            // The first tick also started the worker: the grid starts when it is done.
            if (tick === 0) this.t0 = this.clock();
            const n = nextTick(this.t0, this.intervalMs, this.last, this.clock());
            this.skipped += n.skipped;
            this.schedule(n.tick, n.due);
          },
          (e: unknown) => {
            this.stopped = true;
            this.fail(e);
          },
        );
      },
      Math.max(0, due - this.clock()),
    );
  }
}
