/**
 * Output files written whole or not at all: the bytes go to a temporary name beside the
 * destination, which is renamed over it once they are all written and synced. A full disk,
 * a read-only directory, a quota or an interrupted run leaves the destination as it was and
 * no temporary behind. `diagram -o` writes through {@link writeFileAtomic}, `--record`
 * streams its dumps through an {@link AtomicFile}.
 * @module
 */
import { fs } from './builtins.js';

/** The temporary name beside `path`: hidden, unique to this process and call. */
function tempName(path: string): string {
  const slash = path.lastIndexOf('/');
  return `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
}

/**
 * A file being written under a temporary name, renamed over `path` by {@link commit}. A
 * destination that exists and is not a regular file (a FIFO, `/dev/stdout`, a terminal) is
 * written in place: it cannot be replaced, only written. A symbolic link is followed, so the
 * file it names is replaced and the link kept; a file replaced keeps its permission bits; a
 * file the user may write in a directory they may not is written in place. Every method
 * throws the OS error with `path` (not the temporary's name) as its path.
 */
export class AtomicFile {
  readonly fd: number;
  /** Where commit() renames the temporary (the destination, or what its link names). */
  private readonly target: string;
  /** Undefined when the destination is written in place. */
  private readonly temp: string | undefined;
  private open = true;

  constructor(readonly path: string) {
    let target = path;
    let mode: number | undefined;
    let inPlace = false;
    try {
      const st = fs.statSync(path);
      if (st.isFile()) {
        target = fs.realpathSync(path);
        mode = st.mode & 0o7777;
      } else inPlace = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw named(e, path);
    }
    this.target = target;
    if (inPlace) {
      this.temp = undefined;
      this.fd = openNamed(path, 'w', path);
      return;
    }
    const temp = tempName(target);
    try {
      this.fd = fs.openSync(temp, 'wx', mode ?? 0o666);
      this.temp = temp;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (mode === undefined || (code !== 'EACCES' && code !== 'EPERM') || !writable(target)) throw named(e, path);
      this.temp = undefined;
      this.fd = openNamed(target, 'w', path);
      return;
    }
    if (mode !== undefined) this.guard(() => fs.fchmodSync(this.fd, mode!));
  }

  /** Write the first `n` bytes of `data`, all of them. */
  write(data: Uint8Array, n = data.length): void {
    this.guard(() => {
      for (let done = 0; done < n; ) done += fs.writeSync(this.fd, data, done, n - done);
    });
  }

  /** Sync, close and rename into place; on failure the temporary is removed and the error thrown. */
  commit(): void {
    this.guard(() => {
      if (this.temp !== undefined) fs.fsyncSync(this.fd);
      this.open = false;
      fs.closeSync(this.fd);
      if (this.temp !== undefined) fs.renameSync(this.temp, this.target);
    });
  }

  /** Close and remove the temporary (what was written in place stays). Never throws. */
  abort(): void {
    if (this.open) {
      this.open = false;
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already failing */
      }
    }
    if (this.temp !== undefined)
      try {
        fs.unlinkSync(this.temp);
      } catch {
        /* never made, or gone */
      }
  }

  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.abort();
      throw named(e, this.path);
    }
  }
}

/** Write `data` to `path` atomically (see {@link AtomicFile}). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const f = new AtomicFile(path);
  f.write(typeof data === 'string' ? Buffer.from(data) : data);
  f.commit();
}

function openNamed(file: string, flags: string, path: string): number {
  try {
    return fs.openSync(file, flags);
  } catch (e) {
    throw named(e, path);
  }
}

/** The error with the path the user named instead of the temporary's. */
function named(e: unknown, path: string): unknown {
  const err = e as NodeJS.ErrnoException & { dest?: string };
  if (typeof err === 'object' && err !== null && err.path !== undefined) {
    err.path = path;
    delete err.dest;
  }
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
