/**
 * Capture files on the command line: telling files from ss filter words, reading them
 * (stdin for `-`) in bounded pieces, and applying the command's selection to the rows as
 * they are read. Commands use this; the parsing itself is pure (sources/text/read.ts).
 * @module
 */
import { configFromEnv } from '../sources/config.js';
import { fs } from '../builtins.js';
import { newCounts, selectStates, type StateCounts } from '../model/count.js';
import { pick } from '../i18n/catalogue.js';
import { CATALOGUE as EDGE, say } from '../i18n/edge.js';
import { langFromEnv } from '../lang.js';
import { describeAt, osSaid, TcpstateError, type Warning } from '../model/errors.js';
import { type Notice, noticeText, warning } from '../model/warnings.js';
import { ALL_MASK } from '../model/state.js';
import type { RowPredicate } from '../model/filter.js';
import type { SocketTable } from '../model/table.js';
import type { Capture, CaptureReader } from '../sources/text/read.js';
import { hostFromName as hostName } from '../sources/text/sections.js';
import { str } from './args.js';
import type { Io } from './io.js';
import type { Selection } from './socket-options.js';

/** Words that start an ss filter (ss(8) FILTER, plus its operators). */
const FILTER_WORDS = new Set(['state', 'exclude', 'excl', 'sport', 'dport', 'src', 'dst', 'not', 'and', 'or', '(', ')', '!', '&', '|', '&&', '||', 'autobound']);

/** Is this positional a filter word (or an operator glued to one, like `(dport`)? */
export function isFilterWord(word: string): boolean {
  const w = word.toLowerCase();
  return FILTER_WORDS.has(w) || w.startsWith('(') || w.startsWith('!');
}

/** What a positional names on disk: a readable kind (a file, or a pipe such as bash's <(ssh web1 ss -tan)), a directory, or nothing. */
export type PathKind = 'file' | 'directory' | 'none';

export function pathKind(path: string): PathKind {
  try {
    return fs.statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'none';
  }
}

/**
 * ss's habit of quoting a whole filter as one argument (`'dport = :8080 or sport = :8080'`):
 * a positional with spaces whose first word starts a filter is a filter.
 */
function quotedFilter(p: string): boolean {
  const first = p.trim().split(/\s+/)[0];
  return /\s/.test(p.trim()) && first !== undefined && isFilterWord(first);
}

/**
 * Split positionals into input files and filter words: a positional that is `-` or an
 * existing file is an input, until the first filter word; from there on all is filter.
 * A positional that is neither is an error naming it (a missing file is the likely cause).
 */
export function splitPositionals(positionals: readonly string[], kind: (p: string) => PathKind = pathKind): { inputs: string[]; filter: string[] } {
  const inputs: string[] = [];
  for (let k = 0; k < positionals.length; k++) {
    const p = positionals[k]!;
    if (p === '-') {
      inputs.push(p);
      continue;
    }
    const what = kind(p);
    if (what === 'file') {
      inputs.push(p);
      continue;
    }
    if (isFilterWord(p) || quotedFilter(p)) return { inputs, filter: positionals.slice(k) };
    if (what === 'directory') throw new TcpstateError('ERR_IO', say('isDirectory', p, k + 1, p.replace(/\/+$/, '')), { file: p, position: k + 1 });
    throw new TcpstateError('ERR_IO', say('noSuchFile', p, k + 1), { file: p, position: k + 1 });
  }
  return { inputs, filter: [] };
}

/** Bytes read from a file at a time, into one reused buffer. */
const READ_BYTES = 1 << 20;
let readBuf: Buffer | undefined;
/** The Ios whose stdin was read: it can be read once. */
const stdinRead = new WeakSet<Io>();

function ioError(path: string, e: unknown): TcpstateError {
  const err = e as NodeJS.ErrnoException;
  return new TcpstateError('ERR_IO', say('cannotRead', osSaid(err)), { file: path });
}

/** Push a file into the reader in bounded pieces (a pipe such as <(ssh web1 ss -tan) too). */
function pushFile(path: string, reader: CaptureReader, split: typeof import('../sources/text/split.js')): void {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw ioError(path, e);
  }
  const buf = (readBuf ??= Buffer.allocUnsafe(READ_BYTES));
  try {
    // A large file counted only: its second half on another thread (sources/text/split.ts).
    const st = fs.fstatSync(fd);
    if (st.isFile() && st.size >= split.SPLIT_BYTES && reader.countOnly) {
      try {
        split.pushSplit(fd, st.size, reader, buf, path);
      } catch (e) {
        if (e instanceof TcpstateError) throw e;
        throw ioError(path, e);
      }
      return;
    }
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        // A non-blocking descriptor with nothing yet (an inherited pipe): wait a little.
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
          continue;
        }
        throw ioError(path, e);
      }
      if (n === 0) return;
      reader.push(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
}

async function pushStdin(io: Io, reader: CaptureReader): Promise<void> {
  if (stdinRead.has(io)) throw new TcpstateError('ERR_USAGE', say('stdinTwice'), { file: '-' });
  stdinRead.add(io);
  const chunks = io.stdinChunks ?? io.stdinStream;
  if (chunks) {
    for await (const c of chunks()) reader.push(c);
  } else reader.push(await io.stdin());
}

/** What a command reads captures for. */
export interface ReadRequest {
  /** `--input-format`. */
  format?: string;
  /** The command's selection: rows it does not choose are neither kept nor counted for it. */
  sel: Selection;
  /** Keep each listing's chosen rows (ls, diff); counting needs no table. */
  tables: boolean;
  /** Every chunk of rows as it is read, with the selection's predicate (count --by). */
  onRows?: (chunk: SocketTable, keep: RowPredicate | undefined) => void;
  /** Nothing at all on stdin is no error but `emptyStdin` (diff then reads the live table). */
  allowEmptyStdin?: boolean;
}

export interface CapturesRead {
  picked: Selected[];
  warnings: Warning[];
  /** `-` was read and held nothing (with `allowEmptyStdin`). */
  emptyStdin?: boolean;
}

/**
 * Read the inputs (files, `-` for stdin) in bounded pieces and parse them as they come, the
 * selection applied to rows as they are read: memory holds the rows kept (`tables`) and
 * counts, never the input.
 */
export async function readCaptures(paths: readonly string[], io: Io, req: ReadRequest): Promise<CapturesRead> {
  const { CaptureReader } = await import('../sources/text/read.js');
  const split = await import('../sources/text/split.js');
  const sel = req.sel;
  const { v4, v6 } = sel.scan;
  const every = v4 && v6 && sel.states === ALL_MASK && !sel.filter.expr;
  const keep: RowPredicate | undefined = every ? undefined : (t, i) => (t.family[i] === 4 ? v4 : v6) && sel.keep(t, i);
  const onRows = req.onRows;
  const captures: Capture[] = [];
  const warnings: Warning[] = [];
  // Many files counted only (count --hosts): read on worker threads, taken here in input order.
  const noNative = configFromEnv(io.env).noNative;
  const parallel = req.tables || keep || onRows ? undefined : await readParallel(paths, req.format, noNative);
  for (const [k, path] of paths.entries()) {
    const done = parallel?.[k];
    const reader = done ? undefined : new CaptureReader(path, { format: req.format, tables: req.tables, keep, onRows: onRows && ((chunk) => onRows(chunk, keep)), noNative });
    if (reader && path === '-') await pushStdin(io, reader);
    else if (reader) pushFile(path, reader, split);
    if (path === '-' && req.allowEmptyStdin && reader?.bytes === 0) return { picked: [], warnings, emptyStdin: true };
    let r;
    try {
      if (!done) r = reader!.end();
      else if ('read' in done) r = done.read;
      else throw done.error;
    } catch (e) {
      // `ss -tanH state close-wait | tcpstate count -` on a quiet host prints nothing: no sockets.
      if (!(e instanceof TcpstateError && e.code === 'ERR_EMPTY' && (done && 'error' in done ? done.blankOnly : reader?.blankOnly))) throw e;
      const { SocketTable } = await import('../model/table.js');
      captures.push({ host: path === '-' ? 'stdin' : hostName(path), file: path, line: 1, format: 'empty', listing: true, table: req.tables ? new SocketTable(0) : undefined, counts: newCounts() });
      warnings.push(warning('W_EMPTY_INPUT', say('emptyInput'), { file: path }));
      continue;
    }
    captures.push(...r.captures);
    warnings.push(...r.warnings);
  }
  return { picked: captures.map((c) => selectCapture(c, sel)), warnings };
}

/** The files of `paths` read on worker threads (sources/text/read-files.ts), each settled as read here; undefined where not. */
async function readParallel(
  paths: readonly string[],
  format: string | undefined,
  noNative: boolean,
): Promise<(ReturnType<typeof import('../sources/text/read-files.js').settleRead> | undefined)[] | undefined> {
  if (paths.length < 2) return undefined;
  const { readFilesInParallel, settleRead } = await import('../sources/text/read-files.js');
  const os = await import('node:os');
  const reads = await readFilesInParallel(paths, format, os.availableParallelism(), undefined, noNative);
  return reads?.map((r, k) => r && settleRead(r, (e) => ioError(paths[k]!, e)));
}

/** Options that read the live table and make no sense with capture files. */
export function refuseLiveOptions(values: Record<string, unknown>): void {
  for (const name of ['netns', 'net', 'proc-root', 'source']) {
    if (values[name] !== undefined) throw new TcpstateError('ERR_USAGE', say('liveOption', `--${name}`), { field: `--${name}` });
  }
  if (values['udp']) throw new TcpstateError('ERR_USAGE', say('udpCaptured'), { field: '--udp' });
}

/** What a capture holds after the command's selection. */
export interface Selected {
  capture: Capture;
  /** Selected rows (full listings read with `tables`). */
  table?: SocketTable;
  counts: StateCounts;
}

/**
 * The selection of a capture read with it: a listing's chosen rows and their counts, or, for
 * a summary, the states selected. A summary cannot answer address or port filters.
 */
function selectCapture(c: Capture, sel: Selection): Selected {
  if (c.listing) return { capture: c, table: c.table, counts: c.kept ?? c.counts };
  if (sel.filter.expr) {
    throw new TcpstateError('ERR_USAGE', say('summaryFilter', c.host, c.format), {
      file: c.file,
      line: c.line,
    });
  }
  if (!(sel.scan.v4 && sel.scan.v6)) {
    throw new TcpstateError('ERR_USAGE', say('summaryFamily', c.host, c.format), { file: c.file, line: c.line });
  }
  return { capture: c, counts: selectStates(c.counts, sel.states) };
}

/** Print warnings to stderr. */
export function printWarnings(io: Io, warnings: readonly Warning[]): void {
  const lang = langFromEnv(io.env);
  for (const w of warnings) io.err(`tcpstate: ${pick(EDGE, lang).warning}: ${describeAt(w.where, w.said ?? w.message, lang)}\n`);
}

/** Print notices, each on its own line, in the user's language. */
export function printNotices(io: Io, notices: Iterable<Notice>): void {
  const lang = langFromEnv(io.env);
  for (const n of notices) io.err(`tcpstate: ${noticeText(n, lang)}\n`);
}

/** `--input-format` value, if given. */
export function inputFormat(values: Record<string, unknown>): string | undefined {
  return str(values['input-format']);
}
