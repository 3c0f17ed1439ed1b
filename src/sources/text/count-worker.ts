/**
 * The other thread of a split count (split.ts): counts the lines of a capture file from a
 * line start with a fresh parser's byte reader (count-range.ts), up to the limit the main
 * thread may set meanwhile, and hands back where it stopped, the lines and the counts.
 * Nothing it cannot read exactly is read here: the main thread reads on from where it stopped.
 * @module
 */
import { closeSync, openSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import type { TextFormat } from './common.js';
import { countRange } from './count-range.js';
import { CTL, RES, type SplitJob, SplitState } from './split-protocol.js';

/** The formats with a byte reader, loaded alone (not the whole registry). */
async function formatOf(name: string): Promise<TextFormat | undefined> {
  if (name === 'netstat') return (await import('./netstat.js')).netstatFormat;
  if (name === 'busybox') return (await import('./busybox.js')).busyboxFormat;
  if (name === 'ss') return (await import('./ss.js')).ssFormat;
  return undefined;
}

async function run(job: SplitJob): Promise<void> {
  const fmt = await formatOf(job.format);
  if (!fmt) throw new Error(`no byte reader for ${job.format}`);
  const { ctl, res } = job;
  const fd = openSync(job.path, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let r;
  try {
    r = countRange(
      fmt,
      fd,
      job.path,
      job.from,
      job.state,
      buf,
      (pos) => {
        res[RES.progress] = pos;
        // Told to stop (the main thread read everything itself), or where the main thread counts from.
        if (Atomics.load(ctl, CTL.state) !== SplitState.Reading) return -1;
        return Atomics.load(ctl, CTL.limitSet) === 1 ? res[RES.limit]! : Number.POSITIVE_INFINITY;
      },
      job.native,
    );
  } finally {
    closeSync(fd);
  }
  res[RES.stop] = r.stop;
  res[RES.lines] = r.lines;
  res[RES.families] = r.families;
  res.set(r.counts, RES.counts);
}

const job = workerData as SplitJob;
if (Atomics.compareExchange(job.ctl, CTL.state, SplitState.Waiting, SplitState.Reading) === SplitState.Waiting) {
  // No top-level await: the worker is also bundled as CommonJS (scripts/bundle.mjs).
  void run(job).then(
    () => finish(SplitState.Done),
    () => finish(SplitState.Failed),
  );
}

/** Only a reading worker finishes: the main thread may have stopped it meanwhile. */
function finish(end: number): void {
  Atomics.compareExchange(job.ctl, CTL.state, SplitState.Reading, end);
  Atomics.notify(job.ctl, CTL.state);
}
