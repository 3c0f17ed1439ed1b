/**
 * Recording: the engine's sampler feeding a history store, one sample per namespace per
 * interval, on fixed ticks (never overlapping). Shared by `record` and `serve`; the caller
 * says what to do with a failed sample (go on) and a failed write (a full disk: stop).
 * @module
 */
import type { Sample, Sampler, SampleWant } from '../engine/sampler.js';
import { say } from '../i18n/history.js';
import { TcpstateError } from '../model/errors.js';
import { errorFromWire } from '../model/wire.js';
import type { TransitionWindow } from './sample-row.js';
import type { TransitionCounter } from './transitions.js';

/** Where recorded samples go: a store on this thread (`HistoryStore`), or the sampler worker's ({@link workerStore}). */
export interface RecordSink {
  /** Write one sample; throws when it could not (a full disk: recording stops). */
  write(s: Sample, o: { intervalMs: number; transitions?: TransitionWindow }): unknown;
  note(key: string, value: string | undefined): void;
}

/**
 * The store the sampler's worker holds open (`Sampler.openHistory`): samples asked for with
 * `SampleWant.record` were written there before they were answered, so SQLite never blocks the
 * serving thread; a write that failed comes back in the sample. No transition windows: those
 * are counted on the recorder's thread (`tcpstate record` keeps its store there).
 */
export function workerStore(sampler: Sampler): RecordSink {
  return {
    write(s) {
      if (s.recordError) throw errorFromWire(s.recordError);
      if (!s.recorded) throw new TcpstateError('ERR_USAGE', say('notRecorded'));
    },
    note(key, value) {
      sampler.noteHistory(key, value).catch(() => undefined);
    },
  };
}

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
export function startRecorder(sampler: Sampler, store: RecordSink, o: RecorderOptions): () => void {
  let stopped = false;
  if (o.transitions === undefined) {
    // history says why these samples have no transition counts (a full disk shows at the first write)
    try {
      store.note('transitions_unavailable', say('serveNoTransitions').text);
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
