/**
 * A file of a parallel read (read-files.ts) read whole, counting only, as the main thread
 * reads one (in bounded pieces, every line through CaptureReader): its captures and warnings,
 * or its error as data. On a worker thread, files taken in turn from a shared counter, each
 * result posted back; the main thread takes its turns with the same function.
 * @module
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { TcpstateError } from '../../model/errors.js';
import { errorToWire, warningsToWire } from '../../model/wire.js';
import { CaptureReader } from './read.js';
import type { FileJob, FileRead } from './read-files.js';

const buf = Buffer.allocUnsafe(1 << 20);

/** One file read whole (never split: the threads are already busy with files). */
export function readOne(path: string, format: string | undefined, noNative: boolean): FileRead {
  const reader = new CaptureReader(path, { format, tables: false, noNative });
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return { os: osCode(e) };
  }
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      reader.push(buf.subarray(0, n));
    }
  } catch (e) {
    if (e instanceof TcpstateError) return { error: errorToWire(e), blankOnly: false };
    return { os: osCode(e) };
  } finally {
    closeSync(fd);
  }
  try {
    const r = reader.end();
    return { read: { captures: r.captures, warnings: warningsToWire(r.warnings) } };
  } catch (e) {
    if (e instanceof TcpstateError) return { error: errorToWire(e), blankOnly: reader.blankOnly };
    throw e;
  }
}

function osCode(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ?? err.message;
}

/** On a worker: files taken in turn through the shared counter until none is left, each result posted. */
if (parentPort && (workerData as { jobs?: unknown } | null)?.jobs) {
  const { format, jobs, next, noNative } = workerData as { format?: string; jobs: FileJob[]; next: Int32Array; noNative?: boolean };
  for (let k = Atomics.add(next, 0, 1); k < jobs.length; k = Atomics.add(next, 0, 1)) {
    const job = jobs[k]!;
    let out: FileRead;
    try {
      out = readOne(job.path, format, noNative === true);
    } catch (e) {
      out = { failed: String((e as Error)?.stack ?? e) };
    }
    parentPort.postMessage({ index: job.index, out });
  }
  parentPort.postMessage({ index: -1 });
}
