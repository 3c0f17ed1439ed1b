/**
 * What the two threads of a split count share (split.ts, count-worker.ts): a state word,
 * changed only by compare-and-exchange, a word saying a limit was set, and the worker's
 * progress and results.
 * @module
 */

/** States of the shared word. */
export const SplitState = {
  /** The worker has not begun. */
  Waiting: 0,
  /** The worker is reading its part. */
  Reading: 1,
  /** The main thread took the part back (the worker had not begun, or took too long). */
  Taken: 2,
  /** The worker's results are in. */
  Done: 3,
  /** The worker failed: the main thread reads the part. */
  Failed: 4,
} as const;

/** Indexes of the Int32Array control words: the state; 1 once `RES.limit` holds where the worker must stop. */
export const CTL = { state: 0, limitSet: 1, length: 2 } as const;

/**
 * Indexes of the Float64Array: where it stopped, lines, families, 16 counts; where the
 * worker has read to so far (a hint, written after every piece); the limit (a line start)
 * the main thread set.
 */
export const RES = { stop: 0, lines: 1, families: 2, counts: 3, progress: 19, limit: 20, length: 21 } as const;

/** What the worker is given. */
export interface SplitJob {
  path: string;
  /** The first byte of a line: where the worker begins. */
  from: number;
  format: string;
  /** The parser's state to read in (read.ts `splitState`). */
  state: string;
  /** The worker may count in C (the reader's ReadOptions.noNative unset). */
  native: boolean;
  ctl: Int32Array;
  res: Float64Array;
}
