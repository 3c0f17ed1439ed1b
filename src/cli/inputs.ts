/**
 * Capture files on the command line: telling files from ss filter words, reading them
 * (stdin for `-`), and applying the command's selection to what was read. Commands use
 * this; the parsing itself is pure (sources/text/read.ts).
 * @module
 */
import { fs } from '../builtins.js';
import { newCounts, type StateCounts } from '../model/count.js';
import { describeAt, TcpstateError, type Warning } from '../model/errors.js';
import { ALL_MASK, maskHas, PRINT_ORDER } from '../model/state.js';
import type { SocketTable } from '../model/table.js';
import type { Capture, ReadResult } from '../sources/text/read.js';
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

/** A path that can be read as a capture: a file, or a pipe such as bash's <(ssh web1 ss -tan). */
function isFile(path: string): boolean {
  try {
    return !fs.statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Split positionals into input files and filter words: a positional that is `-` or an
 * existing file is an input, until the first filter word; from there on all is filter.
 * A positional that is neither is an error naming it (a missing file is the likely cause).
 */
export function splitPositionals(positionals: readonly string[], exists: (p: string) => boolean = isFile): { inputs: string[]; filter: string[] } {
  const inputs: string[] = [];
  for (let k = 0; k < positionals.length; k++) {
    const p = positionals[k]!;
    if (p === '-' || exists(p)) { inputs.push(p); continue; }
    if (isFilterWord(p)) return { inputs, filter: positionals.slice(k) };
    throw new TcpstateError('ERR_IO', `no such file: "${p}" (argument ${k + 1} is neither a capture file nor a filter word such as state, sport, dst)`, { file: p, position: k + 1 });
  }
  return { inputs, filter: [] };
}

/** Read the inputs (files, `-` for stdin) and parse them. */
export async function readCaptures(paths: readonly string[], io: Io, opts: { format?: string }): Promise<ReadResult> {
  const { parseCapture } = await import('../sources/text/read.js');
  const captures: Capture[] = [];
  const warnings: Warning[] = [];
  let stdin: Buffer | undefined;
  for (const path of paths) {
    let bytes: Uint8Array;
    if (path === '-') {
      stdin ??= await io.stdin();
      bytes = stdin;
    } else {
      try {
        bytes = fs.readFileSync(path);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new TcpstateError('ERR_IO', `cannot read: ${err.code ?? err.message}`, { file: path });
      }
    }
    const r = parseCapture(bytes, path, { format: opts.format });
    captures.push(...r.captures);
    warnings.push(...r.warnings);
  }
  return { captures, warnings };
}

/** Options that read the live table and make no sense with capture files. */
export function refuseLiveOptions(values: Record<string, unknown>): void {
  for (const name of ['netns', 'net', 'proc-root', 'source']) {
    if (values[name] !== undefined) throw new TcpstateError('ERR_USAGE', `--${name} reads the live table; it does not apply to capture files`, { field: `--${name}` });
  }
  if (values['udp']) throw new TcpstateError('ERR_USAGE', 'captured inputs are read for TCP sockets only; -u does not apply to them', { field: '--udp' });
}

/** What a capture holds after the command's selection. */
export interface Selected {
  capture: Capture;
  /** Selected rows (full listings only). */
  table?: SocketTable;
  counts: StateCounts;
}

/**
 * Apply the selection to a capture: rows that pass the filter and the -4/-6 choice, or, for
 * a summary, the states selected. A summary cannot answer address or port filters.
 */
export function selectCapture(c: Capture, sel: Selection): Selected {
  const v4 = sel.scan.v4;
  const v6 = sel.scan.v6;
  if (c.table) {
    const keep = sel.keep;
    const table = c.table.select((i) => ((c.table!.family[i] === 4 ? v4 : v6) && keep(c.table!, i)));
    const counts = newCounts();
    for (let i = 0; i < table.length; i++) counts[table.state[i]!]!++;
    return { capture: c, table, counts };
  }
  if (sel.filter.expr) {
    throw new TcpstateError('ERR_USAGE', `${c.host} is a per-state summary (${c.format}): address and port filters need a full listing (netstat -an, ss -tan, /proc/net/tcp)`, { file: c.file, line: c.line });
  }
  if (!(v4 && v6)) {
    throw new TcpstateError('ERR_USAGE', `${c.host} is a per-state summary (${c.format}): it does not tell IPv4 from IPv6, so -4/-6 cannot apply`, { file: c.file, line: c.line });
  }
  const counts = newCounts();
  for (const s of PRINT_ORDER) if (sel.states === ALL_MASK || maskHas(sel.states, s)) counts[s] = c.counts[s]!;
  return { capture: c, counts };
}

/** Print warnings to stderr. */
export function printWarnings(io: Io, warnings: readonly Warning[]): void {
  for (const w of warnings) io.err(`tcpstate: warning: ${describeAt(w.where, w.message)}\n`);
}

/** `--input-format` value, if given. */
export function inputFormat(values: Record<string, unknown>): string | undefined {
  return str(values['input-format']);
}
