/**
 * What the /proc/PID/fd pass (src/sources/process-scan.ts) and the owner sources
 * (src/sources/owners.ts) share: a scan's result, the pids of a proc root, a process's
 * `comm` read bounded, fd link targets.
 * @module
 */
import { fs } from '../builtins.js';
import type { Warning } from '../model/errors.js';
import type { WarningSink } from '../model/warnings.js';
import type { OwnerLookup } from '../model/table.js';
import { readHead } from './small-file.js';
import { say as ks } from '../i18n/kernel.js';

export interface ProcessScan {
  /** inode → owners, in pid order. */
  owners: OwnerLookup;
  /** Processes whose fd directory could not be read (other users' without root). */
  hidden: number;
  /** Processes scanned. */
  scanned: number;
  /** What was odd in the tree read (a `comm` longer than the kernel allows); at most a few. */
  warnings: Warning[];
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

/**
 * The longest process name, 15 bytes: TASK_COMM_LEN (include/linux/sched.h) is 16 with the
 * NUL, and the kernel cuts what prctl(PR_SET_NAME) or exec gives it to that.
 */
export const COMM_MAX = 15;
/** The most any comm file holds: a kernel thread's full name (63 bytes) and a newline. */
const COMM_FILE_MAX = 64;

/**
 * Read `comm` of a pid, without its newline; `?` if it vanished. At most
 * {@link COMM_FILE_MAX} bytes are read; a name longer than {@link COMM_MAX} is cut there, as
 * the kernel cuts it, with a warning in `warnings` (no process holding a socket has one:
 * the tree was altered).
 */
export function readComm(procRoot: string, pid: number, warnings?: WarningSink): string {
  const path = `${procRoot}/${pid}/comm`;
  let h;
  try {
    h = readHead(path, COMM_FILE_MAX);
  } catch {
    return '?';
  }
  if (!h) return '?';
  let name = !h.more && h.text.endsWith('\n') ? h.text.slice(0, -1) : h.text;
  if (h.more || name.length > COMM_MAX) {
    warnings?.add('W_LONG_COMM', h.more ? ks('longCommMore', COMM_FILE_MAX, COMM_MAX) : ks('longComm', name.length, COMM_MAX), { file: path });
    name = name.slice(0, COMM_MAX);
  }
  // The bytes (one latin1 character each) as UTF-8, as ss prints them: `服务`, not `æœåŠ¡`.
  return Buffer.from(name, 'latin1').toString('utf8');
}

/** Warnings a process scan keeps of each code (one summary counts the rest). */
export const SCAN_PER_CODE = 3;
