/**
 * Process attribution: socket inode → the processes holding it, from one pass over
 * /proc/PID/fd. The pass reads only fd directories and, for processes that hold a socket,
 * their `comm`; it is linear in the number of open files.
 * @module
 */
import { fs } from '../builtins.js';
import type { Owner, OwnerLookup } from '../model/table.js';

export interface ProcessScan {
  /** inode → owners, in pid order. */
  owners: OwnerLookup;
  /** Processes whose fd directory could not be read (other users' without root). */
  hidden: number;
  /** Processes scanned. */
  scanned: number;
}

/** Parse the target of an fd symlink: `socket:[12345]` → 12345, else -1. */
export function parseSocketLink(target: string): number {
  if (!target.startsWith('socket:[') || !target.endsWith(']')) return -1;
  const n = Number(target.slice(8, -1));
  return Number.isInteger(n) && n > 0 ? n : -1;
}

/** The numeric entries of a proc root: the pids. */
export function listPids(procRoot: string): number[] {
  const out: number[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(procRoot);
  } catch {
    return out;
  }
  for (const n of names) {
    const c = n.charCodeAt(0);
    if (c >= 48 && c <= 57) {
      const pid = Number(n);
      if (Number.isInteger(pid)) out.push(pid);
    }
  }
  return out.sort((a, b) => a - b);
}

/** Read `comm` of a pid, without its newline; `?` if it vanished. */
export function readComm(procRoot: string, pid: number): string {
  try {
    return fs.readFileSync(`${procRoot}/${pid}/comm`, 'latin1').replace(/\n$/, '');
  } catch {
    return '?';
  }
}

/**
 * Scan the fd directories of `pids` (all of them by default). `wanted`, when given,
 * limits the result to those inodes (the walk still reads every fd link).
 */
export function scanProcesses(procRoot: string, pids: number[] = listPids(procRoot), wanted?: Set<number>): ProcessScan {
  const owners = new Map<number, Owner[]>();
  let hidden = 0;
  let scanned = 0;
  for (const pid of pids) {
    const dir = `${procRoot}/${pid}/fd`;
    let fds: string[];
    try {
      fds = fs.readdirSync(dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') hidden++;
      continue; // ENOENT: the process exited between listing and reading
    }
    scanned++;
    let comm: string | undefined;
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`${dir}/${fd}`);
      } catch {
        continue;
      }
      const ino = parseSocketLink(target);
      if (ino < 0 || (wanted && !wanted.has(ino))) continue;
      comm ??= readComm(procRoot, pid);
      const o: Owner = { pid, program: comm, fd: Number(fd) };
      const list = owners.get(ino);
      if (list) list.push(o);
      else owners.set(ino, [o]);
    }
  }
  return { owners, hidden, scanned };
}
