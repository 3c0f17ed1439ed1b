/**
 * Rows seen twice in one read of a changing socket table. /proc/net/tcp is read a page at a
 * time and the kernel resumes its walk by position, so a table that changes during the read
 * can show a socket twice (measured: about 1 row in 700 under 400 connections/s). Rows with
 * an inode are the same socket when the inode is; rows without one (TIME_WAIT, SYN_RECV,
 * orphans) when protocol, state and 4-tuple are. Every reader of procfs removes them here.
 * @module
 */
import type { Warning } from './errors.js';
import type { RowPredicate } from './filter.js';
import type { SocketTable } from './table.js';
import { say } from '../i18n/captures.js';
import { warning } from './warnings.js';

/** Remembers the rows it was shown; `again` says whether row i is one of them. */
export class Deduper {
  dropped = 0;
  private readonly inodes = new Set<number>();
  private readonly tuples = new Set<string>();

  /** Whether row i of `t` was seen before (counted in {@link dropped}); else it is remembered. */
  again(t: SocketTable, i: number): boolean {
    const ino = t.inode[i]!;
    const seen = ino !== 0 ? this.inodes : this.tuples;
    const key = ino !== 0 ? ino : tupleOf(t, i);
    if ((seen as Set<number | string>).has(key)) {
      this.dropped++;
      return true;
    }
    (seen as Set<number | string>).add(key);
    return false;
  }

  /** `keep` that also refuses rows seen before (a row `keep` refuses is not remembered). */
  predicate(keep: RowPredicate | undefined): RowPredicate {
    return (t, i) => (!keep || keep(t, i)) && !this.again(t, i);
  }
}

/** Protocol, family, state and 4-tuple of row i as one string. */
function tupleOf(t: SocketTable, i: number): string {
  let s = String.fromCharCode(t.proto[i]!, t.family[i]!, t.state[i]!, t.lport[i]!, t.rport[i]!);
  const a = t.laddr;
  const b = t.raddr;
  for (let k = i * 16; k < i * 16 + 16; k++) s += String.fromCharCode((a[k]! << 8) | b[k]!);
  return s;
}

/** The table without rows seen twice (the same table when there are none) and how many were dropped. */
export function dedupe(t: SocketTable): { table: SocketTable; dropped: number } {
  const d = new Deduper();
  const kept = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) kept[i] = d.again(t, i) ? 0 : 1;
  return d.dropped === 0 ? { table: t, dropped: 0 } : { table: t.select((i) => kept[i] === 1), dropped: d.dropped };
}

/** The warning that `dropped` rows of `file`'s read were seen twice and counted once. */
export function duplicateWarning(dropped: number, file: string): Warning {
  return warning('W_DUPLICATE', say('duplicate', dropped), { file });
}
