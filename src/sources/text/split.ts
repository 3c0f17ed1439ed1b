/**
 * A large capture file counted on two threads: this thread reads the first half as usual,
 * a worker (count-worker.ts) counts the second half with the format's byte reader, and its
 * counts are added when this thread, arriving where the worker began, is still in a section
 * of that format that reads lines as a fresh parser does (read.ts `addCounted`). The worker
 * starts later (this thread also started the program): when this thread is done with its
 * half it sets a limit in the worker's part and counts from there itself (count-range.ts),
 * added after the worker's count the same way, so both threads finish about together. Whatever
 * the worker did not take (a prompt, a header, a line it cannot read exactly, a last line
 * without line end) this thread reads from where the worker stopped; when anything is off
 * (no worker, a different section, a failed worker) it reads the half itself. So the answer,
 * warnings and errors are those of one thread reading the whole file. A format with a native
 * counter (TextFormat.countNative: netstat and ss, the addon built) has its second half counted
 * on a thread of the addon instead, added the same way, without a worker to start.
 * @module
 */
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { fs } from '../../builtins.js';
import { workerUrl } from './worker-url.js';
import { countRange, type RangeCount } from './count-range.js';
import type { CaptureReader } from './read.js';
import { TEXT_FORMATS } from './registry.js';
import { CTL, RES, type SplitJob, SplitState } from './split-protocol.js';

/** Files smaller than this are read on one thread: starting a worker costs more than it saves. */
export const SPLIT_BYTES = 24 << 20;
/** How far into the file the format must be known and the reader counting only. */
const HEAD_LIMIT = 8 << 20;
/** This thread takes no part of the worker's when less than this is left. */
const STEAL_BYTES = 8 << 20;
/** How long to wait for a worker that has begun, beyond the time this thread took for its half. */
const GRACE_MS = 10_000;

const req = createRequire(import.meta.url);

/**
 * This thread's share of the worker's part: from the first line start past half of what the
 * worker has left, set as the worker's limit before it is counted here with a fresh parser
 * in the worker's state. Undefined when too little is left or the count fails (the worker
 * may then have passed the limit: this thread reads on from where it stops, as without it).
 */
function countTail(fd: number, size: number, buf: Buffer, path: string, job: SplitJob, format: string): (RangeCount & { from: number }) | undefined {
  const fmt = TEXT_FORMATS[format];
  if (!fmt) return undefined;
  // The worker's progress is a hint: a piece ahead of it, so it rarely has passed the limit when it sees it.
  const at = Math.max(job.from, job.res[RES.progress]!) + buf.length;
  if (size - at < STEAL_BYTES) return undefined;
  const mid = at + Math.floor((size - at) / 2);
  const n = readAt(fd, buf, Math.min(buf.length, size - mid + 1), mid - 1);
  const lf = buf.subarray(0, n).indexOf(10);
  if (lf < 0) return undefined;
  const from = mid + lf;
  job.res[RES.limit] = from;
  Atomics.store(job.ctl, CTL.limitSet, 1);
  try {
    return { ...countRange(fmt, fd, path, from, job.state, buf, () => Number.POSITIVE_INFINITY, job.native), from };
  } catch {
    return undefined;
  }
}

/** Read buf from the file at pos until full or end of file; bytes read. */
function readAt(fd: number, buf: Buffer, len: number, pos: number): number {
  let got = 0;
  while (got < len) {
    const n = fs.readSync(fd, buf, got, len - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** For tests. */
export interface SplitOptions {
  /** The worker reads its part even when this thread is done with its half before the worker has begun. */
  awaitWorker?: boolean;
  /** This thread takes its share of the worker's part as soon as the worker has begun, before reading its own half. */
  tailFirst?: boolean;
  /** This thread takes no share of the worker's part. */
  noTail?: boolean;
  /** A worker even where the format has a native thread (TextFormat.countNative). */
  noNative?: boolean;
  /** Filled in: the lines this thread counted of the worker's part (added to the answer). */
  stats?: { tail: number };
}

/**
 * Push the regular file `fd` (`path`) of `size` bytes into the reader, the second half
 * counted on a worker when it can be, this thread taking back the second half of what the
 * worker has left when it is done with its own (`opts` for tests). OS errors are thrown as they are.
 * @returns the lines the worker counted (0 when this thread read everything).
 */
export function pushSplit(fd: number, size: number, reader: CaptureReader, buf: Buffer, path: string, opts: SplitOptions = {}): number {
  let pos = 0;
  const pushTo = (stop: number) => {
    while (pos < stop) {
      const n = readAt(fd, buf, Math.min(buf.length, stop - pos), pos);
      if (n === 0) {
        pos = stop;
        return;
      }
      reader.push(buf.subarray(0, n));
      pos += n;
    }
  };
  const rest = () => {
    for (;;) {
      const n = readAt(fd, buf, buf.length, pos);
      if (n === 0) return;
      reader.push(buf.subarray(0, n));
      pos += n;
    }
  };
  // The head, until the format is known.
  while (pos < HEAD_LIMIT && pos < size && reader.splitFormat === undefined) pushTo(Math.min(size, pos + buf.length));
  const format = reader.splitFormat;
  const url = format === undefined ? undefined : workerUrl('count-worker', import.meta.url);
  if (format === undefined || url === undefined || size - pos < SPLIT_BYTES) {
    rest();
    return 0;
  }
  // The worker begins at the first line start at or after the middle of what is left.
  const mid = pos + Math.floor((size - pos) / 2);
  const n = readAt(fd, buf, Math.min(buf.length, size - mid + 1), mid - 1);
  const lf = buf.subarray(0, n).indexOf(10);
  if (lf < 0) {
    rest();
    return 0;
  }
  const from = mid + lf;
  // A format counted on a native thread (netstat, ss; the addon built): no worker to start.
  const state = reader.splitState;
  const range = opts.noNative || !reader.native ? undefined : TEXT_FORMATS[format]?.countNative?.(fd, from, state);
  if (range) {
    pushTo(from);
    const r = range.finish();
    let counted = 0;
    if (r && reader.addCounted(format, state, r.stop - from, r.lines, r.counts, r.families)) {
      pos = r.stop;
      counted = r.lines;
    }
    rest();
    return counted;
  }
  const job: SplitJob = {
    path,
    from,
    format,
    state,
    native: reader.native,
    ctl: new Int32Array(new SharedArrayBuffer(4 * CTL.length)),
    res: new Float64Array(new SharedArrayBuffer(8 * RES.length)),
  };
  let worker: Worker | undefined;
  try {
    const { Worker: W } = req('node:worker_threads') as typeof import('node:worker_threads');
    worker = new W(url, { workerData: job });
    worker.unref();
    worker.on('error', () => {});
  } catch {
    rest();
    return 0;
  }
  const began = Date.now();
  let counted = 0;
  const ctl = job.ctl;
  const r = job.res;
  const begun = () => {
    while (Atomics.load(ctl, CTL.state) === SplitState.Waiting) Atomics.wait(ctl, CTL.state, SplitState.Waiting, 20);
  };
  const tail = () => (Atomics.load(ctl, CTL.state) === SplitState.Reading ? countTail(fd, size, buf, path, job, format) : undefined);
  // Tests: this thread takes its share of the worker's part before reading its own.
  let own;
  if (opts.tailFirst) {
    begun();
    own = tail();
  }
  pushTo(from);
  // Tests: the worker's part is read by the worker even when this thread is first.
  if (opts.awaitWorker) begun();
  if (Atomics.compareExchange(ctl, CTL.state, SplitState.Waiting, SplitState.Taken) !== SplitState.Waiting) {
    // It has begun (later than this thread, which also started the program): this thread
    // counts the second half of what it has left, from a line start it sets as the worker's limit.
    if (!opts.tailFirst && !opts.noTail) own = tail();
    // Wait for it, as long as this thread took for its half and a grace.
    const deadline = Date.now() + (Date.now() - began) + GRACE_MS;
    while (Atomics.load(ctl, CTL.state) === SplitState.Reading && Date.now() < deadline) Atomics.wait(ctl, CTL.state, SplitState.Reading, 50);
    Atomics.compareExchange(ctl, CTL.state, SplitState.Reading, SplitState.Taken);
    if (Atomics.load(ctl, CTL.state) === SplitState.Done) {
      const stop = r[RES.stop]!;
      if (reader.addCounted(format, job.state, stop - from, r[RES.lines]!, r.subarray(RES.counts, RES.counts + 16), r[RES.families]!)) {
        pos = stop;
        counted = r[RES.lines]!;
        // What the worker left before the limit (a line it does not read exactly) is read here, then this thread's count added.
        if (own && pos <= own.from) {
          pushTo(own.from);
          if (reader.addCounted(format, job.state, own.stop - own.from, own.lines, own.counts, own.families)) {
            pos = own.stop;
            counted += own.lines;
            if (opts.stats) opts.stats.tail = own.lines;
          }
        }
      }
    }
  }
  void worker.terminate();
  rest();
  return counted;
}
