/**
 * A thread of a parallel read (read-files.ts): reads whole capture files, counting only, as
 * the main thread reads one (in bounded pieces, every line through CaptureReader), and posts
 * each file's captures and warnings, or its error as data, back to the main thread.
 * @module
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { TcpstateError } from '../../model/errors.js';
import { CaptureReader } from './read.js';
import type { FileJob, FileRead } from './read-files.js';

const { format } = workerData as { format?: string };
const buf = Buffer.allocUnsafe(1 << 20);

/** One file read whole (never split: the threads are already busy with files). */
function readOne(path: string): FileRead {
  const reader = new CaptureReader(path, { format, tables: false });
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
    if (e instanceof TcpstateError) return { error: { code: e.code, message: e.message, where: e.where }, blankOnly: false };
    return { os: osCode(e) };
  } finally {
    closeSync(fd);
  }
  try {
    return { read: reader.end() };
  } catch (e) {
    if (e instanceof TcpstateError) return { error: { code: e.code, message: e.message, where: e.where }, blankOnly: reader.blankOnly };
    throw e;
  }
}

function osCode(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ?? err.message;
}

parentPort!.on('message', (job: FileJob) => {
  let out: FileRead;
  try {
    out = readOne(job.path);
  } catch (e) {
    out = { failed: String((e as Error)?.stack ?? e) };
  }
  parentPort!.postMessage({ index: job.index, out });
});
