/**
 * The result `tcpstate count` prints, assembled for every caller (the CLI, serve's
 * `/api/v1/counts`, watch's sampling thread): counts by state (zeros included), with `by`
 * the counts per group, the `top` largest groups and the rest as "other (N)"; read from the
 * live table, from captures or from a sample's rows; and its `tcpstate.count/1` document.
 * Errors name the options by key (`by`, `top`; see {@link OptionNames}).
 * @module
 */
import { countStates, GroupCounter, type GroupKey, newCounts, parseGroupKey, type StateCounts } from '../model/count.js';
import type { CountDocument } from '../model/documents.js';
import { TcpstateError, type Warning } from '../model/errors.js';
import type { RowPredicate } from '../model/filter.js';
import { SocketTable } from '../model/table.js';
import { countJson, type GroupRow } from '../render/count.js';
import type { ScanOptions } from '../sources/live.js';
import { countLive, hiddenNotice, scanLive } from '../snapshot.js';
import { type OptionNames, optionName, optionUse } from './options.js';
import { say as opt } from '../i18n/options.js';

/** How many groups `by` shows when `top` is not given. */
export const DEFAULT_TOP = 10;

/** count's options, by key. */
export interface CountOptions {
  /** Group by `lport`, `rport`, `laddr`, `raddr`, `process`, `lnet/N[,N6]`, `rnet/N[,N6]`. */
  by?: string;
  /** The largest groups shown (needs `by`); {@link DEFAULT_TOP} when not given. */
  top?: number;
}

/** count's options checked: the grouping and how many groups to show. */
export interface CountPlan {
  /** `by` as given (the document's `by`). */
  by?: string;
  key?: GroupKey;
  top: number;
}

/** Check count's options: `by` parsed, `top` only with `by`. */
export function countPlan(o: CountOptions, names?: OptionNames): CountPlan {
  if (o.top !== undefined && o.by === undefined) {
    const top = optionName(names, 'top');
    throw new TcpstateError('ERR_USAGE', opt('topNeedsBy', top, optionName(names, 'by'), `${optionUse(names, 'by', 'KEY')} ${optionUse(names, 'top', 'N')}`), {
      field: top,
    });
  }
  if (o.by === undefined) return { top: DEFAULT_TOP };
  return { by: o.by, key: parseGroupKey(o.by, optionName(names, 'by')), top: o.top ?? DEFAULT_TOP };
}

/** What count answers: every state's count, and with `by` the top groups ("other (N)" last). */
export interface CountReport {
  counts: StateCounts;
  by?: string;
  groups?: GroupRow[];
}

/** Counts by state and, with a grouping, by group, added as rows are read. */
export class CountTally {
  readonly counts: StateCounts = newCounts();
  readonly groups: GroupCounter | undefined;

  constructor(readonly plan: CountPlan) {
    this.groups = plan.key ? new GroupCounter(plan.key) : undefined;
  }

  /** The rows of `t` that `keep` keeps, counted by state and by group. */
  add(t: SocketTable, keep: RowPredicate | undefined): void {
    countStates(t, keep, this.counts);
    this.groups?.add(t, keep);
  }

  /** The rows of `t` that `keep` keeps, by group only (their states counted elsewhere). */
  addGroups(t: SocketTable, keep: RowPredicate | undefined): void {
    this.groups?.add(t, keep);
  }

  /** Counts by state from elsewhere (a capture's tally, a row-free count). */
  addCounts(c: ArrayLike<number>): void {
    for (let s = 0; s < this.counts.length; s++) this.counts[s]! += c[s]!;
  }

  report(): CountReport {
    if (this.plan.by === undefined || !this.groups) return { counts: this.counts };
    return { counts: this.counts, by: this.plan.by, groups: this.groups.top(this.plan.top) };
  }
}

/** Where a count was read, for its document. */
export interface CountMeta {
  /** The live source (`netlink`, `proc`, `bpf`) or `capture:FORMAT` (several joined by commas). */
  source: string;
  host?: string;
  warnings: readonly Warning[];
}

/** The `tcpstate.count/1` document of a report. */
export function countDocument(r: CountReport, meta: CountMeta): CountDocument {
  return countJson(r.counts, { source: meta.source, ...(meta.host === undefined ? {} : { host: meta.host }), by: r.by, groups: r.groups, warnings: meta.warnings });
}

/** A count of a table already read (a sample's rows): the rows `keep` keeps. */
export function countTable(t: SocketTable, plan: CountPlan, keep: RowPredicate | undefined): CountReport {
  const tally = new CountTally(plan);
  tally.add(t, keep);
  return tally.report();
}

/** A count of the live table, with what the read said. */
export interface LiveCount {
  report: CountReport;
  source: string;
  warnings: Warning[];
  /** For the user, once (owners of other users hidden, ...). */
  notices: import('../model/warnings.js').Notice[];
  /** The row-free count's time from the scan's start (which may precede the call), ms. */
  scanMs?: number;
  dumps?: number;
  method?: string;
}

/**
 * Count the live table. Without a grouping the source's row-free count answers (with
 * `countScan`'s options added: a walk already started, a dump in two halves) when `keep`
 * looks at states only (`statesOnly`); with one, rows are scanned and grouped as they come,
 * and `process` groups wait for the owners, scanned on other threads meanwhile.
 */
export async function countLiveTable(
  sourceName: string | undefined,
  scan: ScanOptions,
  plan: CountPlan,
  keep: RowPredicate | undefined,
  o: { statesOnly: boolean; countScan?: Partial<ScanOptions> },
): Promise<LiveCount> {
  const tally = new CountTally(plan);
  if (!plan.key) {
    const r = await countLive(sourceName, { ...scan, ...o.countScan }, tally.counts, keep, o.statesOnly);
    return {
      report: tally.report(),
      source: r.source,
      warnings: r.warnings,
      notices: r.notices,
      scanMs: r.scanMs,
      ...(r.dumps === undefined ? {} : { dumps: r.dumps }),
      ...(r.method === undefined ? {} : { method: r.method }),
    };
  }
  const pending = plan.key.by === 'process' ? (await import('../sources/owners.js')).ownerSource(scan).start() : undefined;
  const rows = pending ? new SocketTable(4096) : undefined;
  const r = await scanLive(sourceName, scan, (chunk) => {
    if (!rows) return tally.add(chunk, keep);
    countStates(chunk, keep, tally.counts);
    for (let i = 0; i < chunk.length; i++) if (!keep || keep(chunk, i)) rows.copyRow(chunk, i);
  });
  const warnings = [...r.warnings];
  const notices = [...r.notices];
  if (pending && rows) {
    const owners = await pending.done();
    rows.owners = owners.owners;
    warnings.push(...owners.warnings);
    if (owners.hidden > 0) notices.push(hiddenNotice(owners.hidden));
    tally.addGroups(rows, undefined);
  }
  return { report: tally.report(), source: r.source, warnings, notices };
}

/** A capture as count sees it once read: where it came from, whether it lists sockets, its counts. */
export interface CapturedCount {
  capture: { host: string; format: string; file: string; line: number; listing: boolean };
  counts: ArrayLike<number>;
}

/** A count of captures: the report, the source and host for its document, the hosts summed. */
export interface CaptureCount {
  report: CountReport;
  source: string;
  /** The host when every capture was of one. */
  host?: string;
  hosts: string[];
}

/**
 * The count of captures read (their rows grouped into `tally` as they were read): counts
 * summed; with `by`, every capture must be a listing, and `process` groups need captures
 * that name processes. `files` are the inputs as given (an error names the one file).
 */
export function countCaptures(tally: CountTally, picked: readonly CapturedCount[], files: readonly string[], names?: OptionNames): CaptureCount {
  for (const p of picked) tally.addCounts(p.counts);
  const hosts = [...new Set(picked.map((p) => p.capture.host))];
  const groups = tally.groups;
  if (groups) {
    const by = optionName(names, 'by');
    for (const p of picked) {
      if (!p.capture.listing) throw new TcpstateError('ERR_USAGE', opt('bySummary', p.capture.host, p.capture.format, by), { file: p.capture.file, line: p.capture.line });
    }
    if (groups.key.by === 'process' && groups.groups.size > 0 && [...groups.groups.keys()].every((k) => k === '-')) {
      throw new TcpstateError('ERR_USAGE', opt('noProcesses', files.length > 1, by), { file: files.length === 1 ? files[0] : undefined, field: by });
    }
  }
  const source = [...new Set(picked.map((p) => `capture:${p.capture.format}`))].join(',');
  return { report: tally.report(), source, ...(hosts.length === 1 ? { host: hosts[0] } : {}), hosts };
}
