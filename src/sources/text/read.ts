/**
 * Reading a captured text: decode, split into host sections, detect each section's format
 * (or use the one forced), parse, and check what the parser did not recognise. Pure: bytes
 * in, captures and warnings out; the CLI reads the files.
 *
 * Policy for lines a format does not recognise: a line that is another format's data
 * (an `ss` line inside `netstat` output) is an ERR_FORMAT — counting half of a mixed file
 * would be a silent wrong number; any other line (a heading between pasted summaries) is
 * skipped with a warning naming it. A section in no known format is skipped with a warning
 * when other sections were read, and is an ERR_FORMAT naming the formats tried when nothing
 * else was.
 * @module
 */
import { newCounts, type StateCounts } from '../../model/count.js';
import { TcpstateError, type Warning } from '../../model/errors.js';
import type { SocketTable } from '../../model/table.js';
import type { ParseContext, ParsedCapture, TextFormat } from './common.js';
import { decodeLines } from './decode.js';
import { detectFormat, formatOfCommand, scoreFormat } from './detect.js';
import { FORMAT_NAMES, TEXT_FORMATS } from './registry.js';
import { hostFromName, type Section, splitSections } from './sections.js';
import { Warnings } from './warnings.js';

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
  /** Full listings only. */
  table?: SocketTable;
  counts: StateCounts;
}

export interface ReadOptions {
  /** Force this format instead of detecting. */
  format?: string;
  /** Host name for text before any prompt or header (default: from the file name). */
  host?: string;
}

export interface ReadResult {
  captures: Capture[];
  warnings: Warning[];
}

/** Formats whose lines are the same as another's and so never "mixed" with it. */
const SAME_LINES: Record<string, readonly string[]> = { netstat: ['busybox'], busybox: ['netstat'] };

function clip(text: string, n = 60): string {
  const t = text.trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

/** Throw ERR_USAGE if a forced format name is unknown. */
export function checkFormatName(name: string): TextFormat {
  const f = TEXT_FORMATS[name];
  if (!f) throw new TcpstateError('ERR_USAGE', `unknown --input-format "${name}": expected ${FORMAT_NAMES.join(', ')}`, { field: '--input-format' });
  return f;
}

function familyMask(t: SocketTable): number {
  let m = 0;
  for (let i = 0; i < t.length; i++) m |= t.family[i] === 4 ? 1 : 2;
  return m;
}

/** Parse one capture held in memory. */
export function parseCapture(bytes: Uint8Array, file: string, opts: ReadOptions = {}): ReadResult {
  const forced = opts.format === undefined ? undefined : checkFormatName(opts.format);
  if (bytes.length === 0) throw new TcpstateError('ERR_EMPTY', 'empty input: nothing to read', { file });
  const warnings = new Warnings();
  const lines = decodeLines(bytes, file, warnings);
  if (lines.every((l) => l.trim() === '')) throw new TcpstateError('ERR_EMPTY', 'empty input: only blank lines', { file });
  const defaultHost = opts.host ?? (file === '-' ? 'stdin' : hostFromName(file));
  const captures: Capture[] = [];
  const add = (p: ParsedCapture, host: string, format: string, line: number, command?: string) => {
    const prev = captures[captures.length - 1];
    // `cat /proc/net/tcp` and `cat /proc/net/tcp6` as two commands are one snapshot.
    if (prev && prev.host === host && prev.format === format && prev.table && p.table && (familyMask(prev.table) & familyMask(p.table)) === 0) {
      for (let i = 0; i < p.table.length; i++) prev.table.copyRow(p.table, i);
      for (let s = 0; s < 16; s++) prev.counts[s]! += p.counts[s]!;
      return;
    }
    let name = host;
    if (captures.some((c) => c.host === name)) {
      let k = 2;
      while (captures.some((c) => c.host === `${host} (${k})`)) k++;
      name = `${host} (${k})`;
      warnings.add('W_SAME_HOST', `a second capture of ${host} (line ${line}) is shown as "${name}"`, { file, line });
    }
    captures.push({ host: name, file, line, format, command, table: p.table, counts: p.counts });
  };

  const json = TEXT_FORMATS['json']!;
  if (forced === json || (!forced && scoreFormat(json, lines).score >= 1)) {
    const parsed = json.parse(lines, { file, firstLine: 1, warnings });
    for (const p of parsed) add(p, p.host ?? defaultHost, 'json', 1);
    if (captures.length === 0) throw new TcpstateError('ERR_EMPTY', 'the JSON holds no capture', { file });
    return { captures, warnings: warnings.list() };
  }

  const unknown: Section[] = [];
  for (const sec of splitSections(lines)) {
    const host = sec.host ?? defaultHost;
    const at = sec.markerLine || sec.firstLine;
    const blank = sec.lines.every((l) => l.trim() === '');
    if (blank) {
      // awk prints nothing when there is nothing to count: an empty summary is zeros.
      const f = sec.command === undefined ? undefined : forced ?? formatOfCommand(sec.command);
      if (f && f.kind === 'counts') add({ counts: newCounts(), otherLines: [] }, host, f.name, at, sec.command);
      continue;
    }
    const name = forced?.name ?? detectFormat(sec.lines, sec.command);
    if (name === undefined) { unknown.push(sec); continue; }
    const fmt = TEXT_FORMATS[name]!;
    const ctx: ParseContext = { file, firstLine: sec.firstLine, warnings };
    for (const p of fmt.parse(sec.lines, ctx)) {
      checkOther(p, sec, fmt, ctx);
      add(p, p.host ?? host, name, at, sec.command);
    }
  }
  for (const sec of unknown) {
    const first = sec.lines.findIndex((l) => l.trim() !== '');
    const where = { file, line: sec.firstLine + first };
    if (captures.length === 0) {
      throw new TcpstateError('ERR_FORMAT', `not in a format tcpstate reads (tried ${FORMAT_NAMES.join(', ')}): "${clip(sec.lines[first]!)}"; name one with --input-format`, where);
    }
    warnings.add('W_UNRECOGNIZED', `${sec.lines.length} lines in no known format skipped, starting "${clip(sec.lines[first]!)}"`, where);
  }
  if (captures.length === 0) throw new TcpstateError('ERR_EMPTY', 'no socket lines or counts: only shell prompts', { file });
  return { captures, warnings: warnings.list() };
}

/** Lines the parser skipped: another format's data is an error, anything else a warning. */
function checkOther(p: ParsedCapture, sec: Section, fmt: TextFormat, ctx: ParseContext): void {
  for (const idx of p.otherLines) {
    const line = sec.lines[idx]!;
    for (const n of FORMAT_NAMES) {
      const other = TEXT_FORMATS[n]!;
      if (other === fmt || other.whole || SAME_LINES[fmt.name]?.includes(n)) continue;
      if (other.classify(line) === 'data') {
        throw new TcpstateError('ERR_FORMAT', `mixed formats: this line is ${other.name} output inside ${fmt.name} output (read from line ${sec.firstLine}); put a shell prompt line before each command's output, or split the file`, { file: ctx.file, line: sec.firstLine + idx });
      }
    }
    ctx.warnings.add('W_SKIPPED_LINE', `not ${fmt.name} output, skipped: "${clip(line)}"`, { file: ctx.file, line: sec.firstLine + idx });
  }
}
