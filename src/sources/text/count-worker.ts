/**
 * The other thread of a split count (split.ts): counts the lines of a capture file from a
 * line start to the first line the byte reader of a fresh parser of the format does not
 * take (or the last whole line), and hands back where it stopped, the lines and the counts.
 * Nothing it cannot read exactly is read here: the main thread reads on from where it stopped.
 * @module
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { newCounts } from '../../model/count.js';
import type { LineParser, StreamContext, TextFormat } from './common.js';
import { newByteRun } from './fast.js';
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
  if (!fmt?.open) throw new Error(`no byte reader for ${job.format}`);
  const counts = newCounts();
  const tally = { counts, families: 0 };
  let rowsSent = false;
  const ctx: StreamContext = {
    file: job.path,
    firstLine: 1,
    warnings: { add() {}, count: () => 0 },
    rows: () => {
      rowsSent = true;
    },
    other: () => {},
    tally,
  };
  const parser: LineParser = fmt.open(ctx);
  if (!parser.bytes || !parser.bytesFresh?.()) throw new Error(`no byte reader for ${job.format}`);
  if (job.state !== '') {
    if (!parser.setBytesState) throw new Error(`no state ${job.state} for ${job.format}`);
    parser.setBytesState(job.state);
  }
  const fd = openSync(job.path, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  const r = newByteRun();
  let pos = job.from;
  let lines = 0;
  try {
    for (;;) {
      // Told to stop: the main thread read everything itself.
      if (Atomics.load(job.ctl, CTL.state) !== SplitState.Reading) return;
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      const last = buf.lastIndexOf(10, n - 1);
      if (last < 0) break;
      r.buf = buf;
      r.pos = 0;
      r.end = last + 1;
      r.lines = 0;
      parser.bytes(r, 0);
      lines += r.lines;
      pos += r.pos;
      if (rowsSent || r.lines === 0) break;
      // ss counts a line only when the next begins a socket: a piece's last line is read again with the next piece.
      if (r.pos < r.end && buf.indexOf(10, r.pos) + 1 !== r.end) break;
    }
  } finally {
    closeSync(fd);
  }
  if (rowsSent) throw new Error('rows sent while counting');
  const res = job.res;
  res[RES.stop] = pos;
  res[RES.lines] = lines;
  res[RES.families] = tally.families;
  res.set(counts, RES.counts);
}

const job = workerData as SplitJob;
if (Atomics.compareExchange(job.ctl, CTL.state, SplitState.Waiting, SplitState.Reading) === SplitState.Waiting) {
  let end: number = SplitState.Done;
  try {
    await run(job);
  } catch {
    end = SplitState.Failed;
  }
  // Only a reading worker finishes: the main thread may have stopped it meanwhile.
  Atomics.compareExchange(job.ctl, CTL.state, SplitState.Reading, end);
  Atomics.notify(job.ctl, CTL.state);
}
