/**
 * Taking a snapshot of the live socket table: pick a source, scan it in chunks, keep the
 * rows a predicate selects, attach owning processes.
 * @module
 */
import { fs } from './builtins.js';
import { countStates } from './model/count.js';
import { Deduper, dedupe, duplicateWarning } from './model/dedupe.js';
import { TcpstateError } from './model/errors.js';
import type { RowPredicate } from './model/filter.js';
import { ALL_MASK, ESTABLISHED, TIME_WAIT } from './model/state.js';
import { SocketTable, type Snapshot } from './model/table.js';
import { LIVE_SOURCES, type LiveSource, type Origin, type ScanOptions, SOURCE_ORDER } from './sources/live.js';
import type { ChunkSink } from './sources/proc-net.js';
import type { ReadConfig } from './sources/config.js';
import { say as opt } from './i18n/options.js';
import { say as ks } from './i18n/kernel.js';
import type { Said } from './i18n/catalogue.js';
import type { Notice } from './model/warnings.js';

/** The proc root in force: the argument, else the configuration's (TCPSTATE_PROC_ROOT, src/sources/config.ts), else /proc. */
export function defaultProcRoot(given: string | undefined, config: ReadConfig): string {
  return given ?? config.procRoot ?? '/proc';
}

/** Where sockets read with this proc root and replay file come from. */
export function originOf(procRoot: string, replay?: string): Origin {
  return replay !== undefined ? 'replay' : procRoot === '/proc' ? 'live' : 'proc-root';
}

/**
 * Scan options with their defaults and their {@link Origin} (not taken from `partial`), under
 * the configuration the caller's edge resolved (`config`: required, so no scan runs under a
 * configuration nobody chose).
 */
export function scanOptions(partial: Partial<Omit<ScanOptions, 'origin' | 'config'>> & { config: ReadConfig }): ScanOptions {
  const procRoot = defaultProcRoot(partial.procRoot, partial.config);
  return {
    origin: originOf(procRoot, partial.replay),
    procRoot,
    config: partial.config,
    netns: partial.netns,
    tcp: partial.tcp ?? true,
    udp: partial.udp ?? false,
    v4: partial.v4 ?? true,
    v6: partial.v6 ?? true,
    states: partial.states ?? ALL_MASK,
    info: partial.info,
    memory: partial.memory,
    record: partial.record,
    replay: partial.replay,
  };
}

/**
 * Pick the live source: the one named, or the first available. A captured proc root
 * always means the proc source. Falling back says so once, in `notices`.
 */
export async function chooseSource(name: string | undefined, opts: ScanOptions): Promise<{ source: LiveSource; notices: Notice[] }> {
  const notices: Notice[] = [];
  if (opts.replay !== undefined) {
    if (name !== undefined && name !== 'auto' && name !== 'netlink' && name !== 'netlink-replay') {
      throw new TcpstateError('ERR_USAGE', opt('replaySource', name), { field: '--source' });
    }
    if (opts.record !== undefined) throw new TcpstateError('ERR_USAGE', opt('recordReplay'), { field: '--record' });
    name = 'netlink-replay';
  } else if (opts.record !== undefined && name !== undefined && name !== 'auto' && name !== 'netlink') {
    throw new TcpstateError('ERR_USAGE', opt('recordSource', name), { field: '--record' });
  } else if (opts.record !== undefined) {
    name = 'netlink';
  }
  if (name !== undefined && name !== 'auto') {
    const load = LIVE_SOURCES[name];
    if (!load) throw new TcpstateError('ERR_USAGE', opt('unknownSource', name, [...Object.keys(LIVE_SOURCES), 'auto'].join(', ')), { field: '--source' });
    const source = await load();
    const why = source.unavailable(opts);
    if (why) throw new TcpstateError('ERR_NATIVE', opt('sourceCannotRun', name, why), { field: '--source' });
    return { source, notices };
  }
  const order = opts.origin === 'proc-root' ? ['proc'] : SOURCE_ORDER.filter((n) => n !== 'netlink-replay');
  let reasons: Said | undefined;
  for (const n of order) {
    const source = await LIVE_SOURCES[n]!();
    const why = source.unavailable(opts);
    if (!why) {
      if (reasons) notices.push(ks('readingFallback', source.name, reasons));
      return { source, notices };
    }
    const reason = ks('sourceUnavailable', n, why);
    reasons = reasons ? ks('reasonsJoined', reasons, reason) : reason;
  }
  throw new TcpstateError('ERR_IO', opt('noSource', reasons ?? ''));
}

/** procfs can list a socket twice in one read (model/dedupe.ts): its rows pass a deduper. */
function deduper(source: LiveSource): Deduper | undefined {
  return source.name === 'proc' ? new Deduper() : undefined;
}

/** The warning of a deduper that dropped rows, added to a scan's warnings. */
function withDuplicates<W extends { warnings: Snapshot['warnings'] }>(r: W, d: Deduper | undefined, opts: ScanOptions): W {
  return d && d.dropped > 0 ? { ...r, warnings: [...r.warnings, duplicateWarning(d.dropped, `${opts.procRoot}/net/tcp`)] } : r;
}

/** Scan the live table into `sink`. */
export async function scanLive(sourceName: string | undefined, opts: ScanOptions, sink: ChunkSink): Promise<{ source: string; warnings: Snapshot['warnings']; notices: Notice[] }> {
  const { source, notices } = await chooseSource(sourceName, opts);
  const d = deduper(source);
  const r = withDuplicates(source.scan(opts, d ? (chunk) => sink(chunk.select((i) => !d.again(chunk, i))) : sink), d, opts);
  return { source: source.name, warnings: r.warnings, notices: [...notices, ...r.notices] };
}

/**
 * Count the live table by state into `counts`: through the source's row-free fast path
 * when it has one and no row predicate is needed beyond the states, else by scanning.
 */
export async function countLive(
  sourceName: string | undefined,
  opts: ScanOptions,
  counts: Float64Array,
  keep?: RowPredicate,
  statesOnly = false,
): Promise<{ source: string; warnings: Snapshot['warnings']; notices: Notice[]; scanMs: number; dumps?: number; method?: string }> {
  const { source, notices } = await chooseSource(sourceName, opts);
  // hrtime, not performance.now(): the global performance object loads perf_hooks (~10 modules).
  const t0 = process.hrtime.bigint();
  const d = deduper(source);
  const rows = d ? d.predicate(keep) : keep;
  const r = withDuplicates(source.count && (keep === undefined || statesOnly) ? source.count(opts, counts) : source.scan(opts, (chunk) => countStates(chunk, rows, counts)), d, opts);
  return {
    source: source.name,
    warnings: r.warnings,
    notices: [...notices, ...r.notices],
    scanMs: Number(process.hrtime.bigint() - (r.began ?? t0)) / 1e6,
    ...(r.dumps === undefined ? {} : { dumps: r.dumps }),
    ...(r.method === undefined ? {} : { method: r.method }),
  };
}

/** A sink that copies the rows `keep` selects into `into`. */
export function collector(into: SocketTable, keep?: RowPredicate): ChunkSink {
  return (chunk) => {
    for (let i = 0; i < chunk.length; i++) if (!keep || keep(chunk, i)) into.copyRow(chunk, i);
  };
}

/**
 * How many rows to expect, from /proc/net/sockstat (`TCP: inuse N orphan N tw N ...`), so
 * a large table is allocated once instead of doubling its way up. A hint only: 1024 when
 * it cannot tell (another namespace, a captured proc root, a replay).
 */
export function sizeHint(opts: ScanOptions): number {
  if (opts.netns !== undefined || opts.origin !== 'live') return 1024;
  // A dump of listeners (serve's queues) or of a few states is no table of every socket.
  if ((opts.states & ((1 << ESTABLISHED) | (1 << TIME_WAIT))) === 0) return 1024;
  try {
    const text = fs.readFileSync('/proc/net/sockstat', 'latin1');
    let n = 0;
    const tcp = /^TCP: inuse (\d+) orphan \d+ tw (\d+)/m.exec(text);
    if (tcp && opts.tcp) n += Number(tcp[1]) + Number(tcp[2]);
    const udp = /^UDP: inuse (\d+)/m.exec(text);
    if (udp && opts.udp) n += Number(udp[1]);
    return Math.min(1 << 22, Math.max(1024, Math.ceil(n * 1.05)));
  } catch {
    return 1024;
  }
}

/** Take a live snapshot of the rows `keep` selects. */
export async function liveSnapshot(sourceName: string | undefined, opts: ScanOptions, keep?: RowPredicate): Promise<Snapshot> {
  const table = new SocketTable(sizeHint(opts));
  if (keep === undefined) {
    // Every row wanted: a source that can append straight into the table skips the chunks.
    const { source, notices } = await chooseSource(sourceName, opts);
    const r = source.collect ? source.collect(opts, table) : source.scan(opts, collector(table));
    const d = source.name === 'proc' ? dedupe(table) : undefined;
    const warnings = d && d.dropped > 0 ? [...r.warnings, duplicateWarning(d.dropped, `${opts.procRoot}/net/tcp`)] : r.warnings;
    return { table: d ? d.table : table, source: source.name, warnings, notices: [...notices, ...r.notices], takenAt: Date.now() };
  }
  const r = await scanLive(sourceName, opts, collector(table, keep));
  return { table, source: r.source, warnings: r.warnings, notices: r.notices, takenAt: Date.now() };
}

/**
 * Attach owning processes to tables, from the owner source of the scan's origin and
 * configuration (src/sources/owners.ts: the BPF iterator, or the proc root's /proc/PID/fd
 * shared by threads). Says how many processes were scanned and how many were hidden (other
 * users' without root), with the notice to print, and what was odd in the tree (warnings).
 */
export async function attachProcesses(
  tables: SocketTable | SocketTable[],
  opts: Pick<ScanOptions, 'procRoot' | 'origin' | 'config'>,
): Promise<{ notices: Notice[]; warnings: Snapshot['warnings']; scanned: number; hidden: number }> {
  const scan = await (await import('./sources/owners.js')).ownerSource(opts).start().done();
  for (const t of Array.isArray(tables) ? tables : [tables]) t.owners = scan.owners;
  return { notices: scan.hidden > 0 ? [hiddenNotice(scan.hidden)] : [], warnings: scan.warnings, scanned: scan.scanned, hidden: scan.hidden };
}

/** The one notice a user without root gets about owners tcpstate cannot see. */
export function hiddenNotice(hidden: number): Said {
  return ks('hiddenProcesses', hidden);
}
