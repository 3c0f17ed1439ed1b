/**
 * Many capture files counted at once (`count --hosts web*.txt`): this thread and worker
 * threads (read-worker.ts), one per core in all and no more than files, each taking the next
 * file through a shared counter when done with one. Each file is read as the main thread would read it, so its captures, warnings
 * and errors are the same; the caller takes them in input order, so the first error in that
 * order is the one reported.
 * @module
 */
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { fs } from '../../builtins.js';
import { workerUrl } from './worker-url.js';
import { errorFromWire, type WireErrorData, type WireWarning, warningsFromWire } from '../../model/wire.js';
import type { ReadResult } from './read.js';

/** Files together smaller than this are read on this thread: starting threads costs more (~40 ms each). */
export const PARALLEL_BYTES = 4 << 20;

/** A file for a worker. */
export interface FileJob {
  index: number;
  path: string;
}

/** What a worker made of a file: its captures, its error (as data), an OS error's code, or a failure of the worker's own. */
export type FileRead = { read: { captures: ReadResult['captures']; warnings: WireWarning[] } } | { error: WireErrorData; blankOnly: boolean } | { os: string } | { failed: string };

const req = createRequire(import.meta.url);

/** Regular files, their sizes; undefined for anything else (a pipe, a missing file). */
function sizeOf(path: string): number | undefined {
  try {
    const st = fs.statSync(path);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Read the regular files among `paths` on worker threads when there are at least two and
 * together at least `minBytes`: a result per index read so (others undefined, for the caller
 * to read itself), or undefined when nothing was read so.
 */
export async function readFilesInParallel(
  paths: readonly string[],
  format: string | undefined,
  threads: number,
  minBytes = PARALLEL_BYTES,
  noNative = false,
): Promise<(FileRead | undefined)[] | undefined> {
  const jobs: FileJob[] = [];
  let bytes = 0;
  for (const [index, path] of paths.entries()) {
    const size = path === '-' ? undefined : sizeOf(path);
    if (size === undefined) continue;
    jobs.push({ index, path });
    bytes += size;
  }
  const url = workerUrl('read-worker', import.meta.url);
  if (jobs.length < 2 || bytes < minBytes || url === undefined || threads < 2) return undefined;
  const { Worker: W } = req('node:worker_threads') as typeof import('node:worker_threads');
  const results: (FileRead | undefined)[] = new Array(paths.length).fill(undefined);
  // Every thread, this one too, takes the next file through one shared counter.
  const next = new Int32Array(new SharedArrayBuffer(4));
  const pool: Worker[] = [];
  const done: Promise<void>[] = [];
  try {
    for (let k = 1; k < Math.min(threads, jobs.length); k++) {
      const w = new W(url, { workerData: { format, jobs, next, noNative } });
      pool.push(w);
      done.push(
        new Promise<void>((resolve) => {
          w.on('message', (m: { index: number; out?: FileRead }) => {
            if (m.index < 0) resolve();
            else results[m.index] = m.out;
          });
          // A worker that failed (it could not load, say): whatever it took and left is read by the caller.
          w.on('error', () => resolve());
          w.on('exit', () => resolve());
        }),
      );
    }
  } catch {
    // No worker: this thread reads them all.
  }
  const { readOne } = await import('./read-worker.js');
  for (let k = Atomics.add(next, 0, 1); k < jobs.length; k = Atomics.add(next, 0, 1)) results[jobs[k]!.index] = readOne(jobs[k]!.path, format, noNative);
  await Promise.all(done);
  for (const w of pool) void w.terminate();
  return results;
}

/**
 * A worker's result as the main thread's read gives it: the captures, or the same error
 * thrown (an OS error through `ioError`, as the caller makes it). Undefined for a worker's
 * own failure: the caller reads the file itself.
 */
export function settleRead(r: FileRead, ioError: (e: { code: string }) => Error): { read: ReadResult } | { error: Error; blankOnly: boolean } | undefined {
  if ('read' in r) return { read: { captures: r.read.captures, warnings: warningsFromWire(r.read.warnings) } };
  if ('error' in r) return { error: errorFromWire(r.error), blankOnly: r.blankOnly };
  if ('os' in r) return { error: ioError({ code: r.os }), blankOnly: false };
  return undefined;
}
