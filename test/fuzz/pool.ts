/**
 * Runs jobs one at a time in a worker thread (worker.ts) with resource limits and a wall
 * clock per input: a job that does not answer in time is a hang (the worker is terminated
 * and a fresh one started), a worker that runs out of heap is a memory finding, and so is a
 * job during which this process's resident memory grows past a bound (sampled while it runs;
 * Buffers live outside the worker's heap limit). One job at a time, so growth is the job's.
 * An input that is an existing path (/dev/zero) runs in a child process instead, its resident
 * memory sampled from /proc: native code reading such a file without end (readFileSync with
 * 'utf8' reads into a C++ string) aborts the whole process, which must not be this one.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { FuzzInput } from './mutate.js';
import type { Result } from './targets.js';
import type { JobMessage, ReplyMessage } from './worker.js';

export interface Limits {
  /** Wall clock per input: base, plus this much per MiB of input. */
  baseMs: number;
  perMiBMs: number;
  /** Growth of resident memory during one job that is a finding. */
  rssGrowthMiB: number;
  /** The worker's V8 heap (old generation). */
  heapMiB: number;
}

export const DEFAULT_LIMITS: Limits = { baseMs: 10_000, perMiBMs: 1_000, rssGrowthMiB: 1024, heapMiB: 512 };

export type Outcome = { kind: 'result'; result: Result; ms: number; polluted?: string[] } | { kind: 'hang'; ms: number } | { kind: 'memory'; detail: string; ms: number };

function inputSize(input: FuzzInput): number {
  if (input.kind === 'bytes') return input.bytes.length;
  if (input.kind === 'tree') return input.files.reduce((n, f) => n + (f.bytes?.length ?? 0), 0);
  return 0;
}

const WORKER = new URL('./worker.js', import.meta.url);

export class Pool {
  private worker: Worker | undefined;
  private dir: string | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 0;
  /** Called for each message of a job in flight, and when the worker dies. */
  private pending: ((m: ReplyMessage | { died: Error | number }) => void) | undefined;

  constructor(private readonly limits: Limits = DEFAULT_LIMITS) {}

  private start(): Promise<void> {
    const w = new Worker(WORKER, { resourceLimits: { maxOldGenerationSizeMb: this.limits.heapMiB, maxYoungGenerationSizeMb: 64, stackSizeMb: 4 } });
    this.worker = w;
    this.ready = new Promise<void>((resolve, reject) => {
      w.once('message', (m: { ready: string }) => {
        this.dir = m.ready;
        w.on('message', (r: ReplyMessage) => this.pending?.(r));
        resolve();
      });
      w.once('error', (e) => {
        this.pending?.({ died: e });
        reject(e);
      });
      w.once('exit', (code) => {
        if (this.worker === w) this.pending?.({ died: code });
      });
    });
    this.ready.catch(() => {});
    return this.ready;
  }

  private async stop(): Promise<void> {
    const w = this.worker;
    const dir = this.dir;
    this.worker = undefined;
    this.dir = undefined;
    this.ready = undefined;
    if (w) await w.terminate();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }

  /** Run one entry on one input (within `limitMs` when given, else the limits'). */
  async run(target: string, entry: string, input: FuzzInput, limitMs?: number): Promise<Outcome> {
    if (input.kind === 'path') return this.isolated(target, entry, input, limitMs ?? this.limits.baseMs);
    if (!this.worker) await this.start();
    await this.ready;
    limitMs ??= this.limits.baseMs + this.limits.perMiBMs * (inputSize(input) / (1 << 20));
    const id = ++this.nextId;
    const t0 = performance.now();
    const rss0 = process.memoryUsage.rss();
    let peak = rss0;
    const outcome = await new Promise<Outcome>((resolve) => {
      const done = (o: Outcome): void => {
        clearTimeout(timer);
        clearInterval(sampler);
        this.pending = undefined;
        resolve(o);
      };
      const timer = setTimeout(() => done({ kind: 'hang', ms: performance.now() - t0 }), limitMs);
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage.rss());
        if (peak - rss0 > this.limits.rssGrowthMiB * (1 << 20)) {
          done({ kind: 'memory', detail: `resident memory grew by more than ${this.limits.rssGrowthMiB} MiB`, ms: performance.now() - t0 });
        }
      }, 20);
      this.pending = (m) => {
        if ('died' in m) {
          const e = m.died;
          const oom = e instanceof Error && (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
          done(
            oom
              ? { kind: 'memory', detail: `the worker's heap passed ${this.limits.heapMiB} MiB`, ms: performance.now() - t0 }
              : {
                  kind: 'result',
                  ms: performance.now() - t0,
                  result: {
                    status: 'throw',
                    message: `the worker died: ${e instanceof Error ? e.message : `exit ${e}`}`,
                    warnings: 0,
                    longestLine: 0,
                    stack: e instanceof Error ? e.stack : undefined,
                  },
                },
          );
        } else if (m.id === id) {
          done({ kind: 'result', result: m.result, ms: performance.now() - t0, ...(m.polluted ? { polluted: m.polluted } : {}) });
        }
      };
      this.worker!.postMessage({ id, target, entry, input } satisfies JobMessage);
    });
    // A worker that hung, ran out of memory, died or was polluted is not used again.
    if (outcome.kind !== 'result' || outcome.polluted || outcome.result.message.startsWith('the worker died')) await this.stop();
    return outcome;
  }

  /** One job in a child process (worker.js run as a script), killed on the same limits. */
  private isolated(target: string, entry: string, input: FuzzInput, limitMs: number): Promise<Outcome> {
    const job: JobMessage = { id: ++this.nextId, target, entry, input };
    const t0 = performance.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${this.limits.heapMiB}`, new URL(WORKER).pathname, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      if (out.length < 1 << 20) out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 1 << 16) err += d.toString();
    });
    return new Promise<Outcome>((resolve) => {
      let verdict: Outcome | undefined;
      const kill = (o: Outcome): void => {
        verdict ??= o;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(() => kill({ kind: 'hang', ms: performance.now() - t0 }), limitMs);
      const sampler = setInterval(() => {
        let rss = 0;
        try {
          rss = Number(readFileSync(`/proc/${child.pid}/statm`, 'utf8').split(' ')[1]) * 4096;
        } catch {
          return;
        }
        if (rss > this.limits.rssGrowthMiB * (1 << 20)) kill({ kind: 'memory', detail: `resident memory passed ${this.limits.rssGrowthMiB} MiB`, ms: performance.now() - t0 });
      }, 20);
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        clearInterval(sampler);
        const ms = performance.now() - t0;
        if (verdict) return resolve(verdict);
        try {
          const r = JSON.parse(out) as ReplyMessage;
          return resolve({ kind: 'result', result: r.result, ms, ...(r.polluted ? { polluted: r.polluted } : {}) });
        } catch {
          const why = `the process ended (${signal ?? `exit ${code}`}) without an answer: ${err.trim().split('\n').slice(0, 3).join(' / ')}`;
          return resolve({ kind: 'result', ms, result: { status: 'throw', message: why, warnings: 0, longestLine: 0 } });
        }
      });
    });
  }

  async close(): Promise<void> {
    await this.stop();
  }
}
