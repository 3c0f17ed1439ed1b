/**
 * The captures of one read, as their rows arrive in chunks: each row counted, chosen rows
 * kept (or only counted, when the reader of the capture needs no table), the two halves of
 * one snapshot (`cat /proc/net/tcp`, then `cat /proc/net/tcp6`) merged, a second capture of
 * a host named apart. Memory is what is kept: counts, and the rows asked for.
 * @module
 */
import { newCounts, type StateCounts } from '../../model/count.js';
import type { RowPredicate } from '../../model/filter.js';
import { SocketTable } from '../../model/table.js';
import type { WarningSink } from './common.js';
import { say as cm } from '../../i18n/captures.js';

/** One host's snapshot read from a capture. */
export interface Capture {
  host: string;
  /** File it came from (`-` for stdin). */
  file: string;
  /** First line of its section (the prompt or header line when there is one). */
  line: number;
  /** Format name (see registry.ts). */
  format: string;
  /** The command that printed it, when a prompt line said. */
  command?: string;
  /** A full listing (a row per socket), not a per-state summary. */
  listing: boolean;
  /** A listing's rows: every row, or those `keep` chose; absent when tables were not asked for. */
  table?: SocketTable;
  /** Sockets per state: every row of a listing, or the summary's counts. */
  counts: StateCounts;
  /** A listing read with `keep`: sockets per state among the rows it chose. */
  kept?: StateCounts;
}

/** What to keep of the rows read. */
export interface KeepOptions {
  /** Keep the rows of listings in `table` (default true). */
  tables?: boolean;
  /** The rows of listings to keep in `table` and count in `kept`; others are only counted in `counts`. */
  keep?: RowPredicate;
  /** Every chunk of rows as it is read, for counters that need no table (the chunk is reused after the call). */
  onRows?: (chunk: SocketTable) => void;
}

/** One run's rows (a section, a JSON document) as they arrive. */
export class CaptureRows {
  readonly counts = newCounts();
  readonly kept: StateCounts | undefined;
  readonly table: SocketTable | undefined;
  /** Families seen: 1 IPv4, 2 IPv6. */
  families = 0;

  constructor(
    private readonly opts: KeepOptions,
    readonly listing: boolean,
  ) {
    this.kept = opts.keep && listing ? newCounts() : undefined;
    this.table = listing && opts.tables !== false ? new SocketTable(1024) : undefined;
  }

  /** Rows are only counted (no table, no selection, no reader of chunks): a byte reader may tally them. */
  get countOnly(): boolean {
    return this.table === undefined && this.opts.keep === undefined && this.opts.onRows === undefined;
  }

  /** A chunk of rows (reused by the caller after this returns). */
  rows(chunk: SocketTable): void {
    const { counts, kept, table } = this;
    const keep = this.opts.keep;
    const st = chunk.state;
    const fam = chunk.family;
    let m = this.families;
    // Kept rows are appended in runs, a column at a time (ls of a large capture).
    let run = 0;
    for (let i = 0; i < chunk.length; i++) {
      counts[st[i]!]!++;
      m |= fam[i] === 4 ? 1 : 2;
      if (keep && !keep(chunk, i)) {
        if (table && run < i) appendRows(table, chunk, run, i);
        run = i + 1;
        continue;
      }
      if (kept) kept[st[i]!]!++;
    }
    if (table && run < chunk.length) appendRows(table, chunk, run, chunk.length);
    this.families = m;
    this.opts.onRows?.(chunk);
  }
}

/**
 * Rows `from` to `to` (not included) of `src` appended to `t` as `t.copyRow(src, j)` appends
 * them one by one (owners, extended info and names included), the columns copied whole.
 */
export function appendRows(t: SocketTable, src: SocketTable, from = 0, to = src.length): void {
  const n = to - from;
  const at = t.length;
  t.reserve(at + n);
  if (n < SHORT_RUN) copyShort(t, src, from, to, at);
  else copyLong(t, src, from, to, at);
  t.length = at + n;
  const byRow = src.rowOwners.size + src.ext.size + src.names.size > 0;
  const ino = src.inode;
  for (let j = from; j < to; j++) {
    if (ino[j] !== 0) {
      const o = src.owners.get(ino[j]!);
      if (o) t.owners.set(ino[j]!, o);
    } else if (!byRow) continue;
    else {
      const o = src.rowOwners.get(j);
      if (o) t.rowOwners.set(at + j - from, o);
    }
    if (!byRow) continue;
    const e = src.ext.get(j);
    if (e) t.ext.set(at + j - from, e);
    const nm = src.names.get(j);
    if (nm) t.names.set(at + j - from, nm);
  }
}

/** The captures of one read, in order. */
export class CaptureList {
  readonly captures: Capture[] = [];
  private lastFamilies = 0;
  private readonly names = new Set<string>();
  /** Per host, the suffix to try next for a second capture of it. */
  private readonly nextSuffix = new Map<string, number>();

  constructor(
    private readonly file: string,
    private readonly warnings: WarningSink,
  ) {}

  /** A run is over: add it as a capture, or merge it into the one before. */
  add(r: CaptureRows, host: string, format: string, line: number, command?: string): void {
    const prev = this.captures[this.captures.length - 1];
    // `cat /proc/net/tcp` and `cat /proc/net/tcp6` as two commands are one snapshot.
    if (prev && prev.host === host && prev.format === format && prev.listing && r.listing && (this.lastFamilies & r.families) === 0) {
      if (prev.table && r.table) appendRows(prev.table, r.table);
      for (let s = 0; s < 16; s++) prev.counts[s]! += r.counts[s]!;
      if (prev.kept && r.kept) for (let s = 0; s < 16; s++) prev.kept[s]! += r.kept[s]!;
      this.lastFamilies |= r.families;
      return;
    }
    let name = host;
    if (this.names.has(name)) {
      let k = this.nextSuffix.get(host) ?? 2;
      while (this.names.has(`${host} (${k})`)) k++;
      this.nextSuffix.set(host, k + 1);
      name = `${host} (${k})`;
      this.warnings.add('W_SAME_HOST', cm('sameHost', host, line, name), { file: this.file, line });
    }
    this.names.add(name);
    this.lastFamilies = r.families;
    const c: Capture = { host: name, file: this.file, line, format, command, listing: r.listing, counts: r.counts };
    if (r.table) c.table = r.table;
    if (r.kept) c.kept = r.kept;
    this.captures.push(c);
  }
}

/** Runs shorter than this are copied a row at a time: a subarray per column costs more (ls of a capture whose hidden rows interleave). */
const SHORT_RUN = 64;

function copyLong(t: SocketTable, src: SocketTable, from: number, to: number, at: number): void {
  t.proto.set(src.proto.subarray(from, to), at);
  t.family.set(src.family.subarray(from, to), at);
  t.state.set(src.state.subarray(from, to), at);
  t.flags.set(src.flags.subarray(from, to), at);
  t.lport.set(src.lport.subarray(from, to), at);
  t.rport.set(src.rport.subarray(from, to), at);
  t.laddr.set(src.laddr.subarray(from * 16, to * 16), at * 16);
  t.raddr.set(src.raddr.subarray(from * 16, to * 16), at * 16);
  t.recvQ.set(src.recvQ.subarray(from, to), at);
  t.sendQ.set(src.sendQ.subarray(from, to), at);
  t.timer.set(src.timer.subarray(from, to), at);
  t.timerMs.set(src.timerMs.subarray(from, to), at);
  t.retrans.set(src.retrans.subarray(from, to), at);
  t.probes.set(src.probes.subarray(from, to), at);
  t.uid.set(src.uid.subarray(from, to), at);
  t.inode.set(src.inode.subarray(from, to), at);
}

function copyShort(t: SocketTable, src: SocketTable, from: number, to: number, at: number): void {
  for (let j = from, i = at; j < to; j++, i++) t.setColumns(i, src, j);
}
