/**
 * Recording: the engine's sampler feeding a history store, one sample per namespace per
 * interval, on fixed ticks (never overlapping). Shared by `record` and `serve`; the caller
 * says what to do with a failed sample (go on) and a failed write (a full disk: stop).
 * @module
 */
import type { Sampler, SampleWant } from '../engine/sampler.js';
import type { HistoryStore } from './store.js';
import type { TransitionCounter } from './transitions.js';

export interface RecorderOptions {
  /** Namespaces to record (undefined: the process's own). */
  targets: (string | undefined)[];
  want: SampleWant;
  intervalMs: number;
  /** A sample could not be taken (recording goes on). */
  onSampleError(e: Error): void;
  /** A sample could not be written (recording has stopped). */
  onWriteError(e: Error): void;
  /** Whether a sample of `netns` is still wanted (default: always). */
  wanted?(netns: string | undefined): boolean;
  /** A sample of `netns` was written. */
  onWritten?(netns: string | undefined): void;
  /** Kernel transition counters by namespace: each sample stores the changes since the last. */
  transitions?: Map<string | undefined, TransitionCounter>;
}

/** Start recording; returns the function that stops it (the store stays open). */
export function startRecorder(sampler: Sampler, store: HistoryStore, o: RecorderOptions): () => void {
  let stopped = false;
  if (o.transitions === undefined) {
    // history says why these samples have no transition counts (a full disk shows at the first write)
    try {
      store.note('transitions_unavailable', 'not counted by this recorder (serve records without them; tcpstate record counts them)');
    } catch {
      /* see above */
    }
  }
  const stops = o.targets.map((netns) =>
    sampler.every(o.intervalMs, { ...o.want, ...(netns === undefined ? {} : { netns }) }, (s) => {
      if (stopped) return;
      if (s instanceof Error) {
        o.onSampleError(s);
        return;
      }
      if (o.wanted && !o.wanted(netns)) return;
      try {
        const w = o.transitions?.get(netns)?.take();
        store.write(s, { intervalMs: o.intervalMs, ...(w ? { transitions: w } : {}) });
      } catch (e) {
        stop();
        o.onWriteError(e as Error);
        return;
      }
      o.onWritten?.(netns);
    }),
  );
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    for (const s of stops) s();
  };
  return stop;
}
