/**
 * Output files written whole or not at all: the bytes go to a temporary name beside the
 * destination, which is renamed over it once they are all written and synced. A full disk,
 * a read-only directory or a quota leaves the destination as it was and no temporary behind.
 * @module
 */
import { fs } from './builtins.js';

/** The temporary name beside `path`: hidden, unique to this process and call. */
function tempName(path: string): string {
  const slash = path.lastIndexOf('/');
  return `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
}

/**
 * Write `data` to `path` atomically. A destination that exists and is not a regular file (a
 * FIFO, `/dev/stdout`, a terminal) is written in place: it cannot be replaced, only written.
 * A symbolic link is followed, so the file it names is replaced and the link kept; a file
 * replaced keeps its permission bits; a file the user may write in a directory they may not
 * is written in place. Throws the OS error (its `path` the destination) after removing the
 * temporary.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  let target = path;
  let mode: number | undefined;
  try {
    const st = fs.statSync(path);
    if (!st.isFile()) { fs.writeFileSync(path, data); return; }
    target = fs.realpathSync(path);
    mode = st.mode & 0o7777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const temp = tempName(target);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', mode ?? 0o666);
  } catch (e) {
    // A file the user may write in a directory they may not: written in place, as before.
    const code = (e as NodeJS.ErrnoException).code;
    if (mode !== undefined && (code === 'EACCES' || code === 'EPERM') && writable(target)) { fs.writeFileSync(target, data); return; }
    throw named(e, path);
  }
  try {
    if (mode !== undefined) fs.fchmodSync(fd, mode);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let done = 0; done < bytes.length;) done += fs.writeSync(fd, bytes, done);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, target);
  } catch (e) {
    if (fd !== undefined) try { fs.closeSync(fd); } catch { /* already failing */ }
    try { fs.unlinkSync(temp); } catch { /* already gone */ }
    throw named(e, path);
  }
}

/** The error with the path the user named instead of the temporary's. */
function named(e: unknown, path: string): unknown {
  const err = e as NodeJS.ErrnoException & { dest?: string };
  if (typeof err === 'object' && err !== null && err.path !== undefined) { err.path = path; delete err.dest; }
  return e;
}

function writable(path: string): boolean {
  try {
    fs.accessSync(path, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
