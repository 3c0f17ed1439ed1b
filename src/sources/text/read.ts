/**
 * Reading a captured text, streamed: bytes are pushed in pieces of any size; lines are
 * decoded, split into host sections at shell prompts and `==> host <==` headers, each
 * section's format detected from its first lines (or the one forced), its lines parsed one
 * by one, and its rows handed on in chunks, kept or only counted (capture.ts). Memory is
 * bounded by what is kept, never by the size of the input: at most one line, the first
 * lines of a section while its format is detected, and a chunk of rows are held. Pure:
 * bytes in, captures and warnings out; the CLI reads the files.
 *
 * Policy for lines a format does not recognise: a line that is another format's data
 * (an `ss` line inside `netstat` output) is an ERR_FORMAT — counting half of a mixed file
 * would be a silent wrong number; any other line (a heading between pasted summaries) is
 * skipped with a warning naming it. A section in no known format is skipped with a warning
 * when other sections were read, and is an ERR_FORMAT naming the formats tried when nothing
 * else was. A last line without a line end (a capture cut short) is warned about.
 *
 * tcpstate's JSON is read whole, up to a size (json.ts).
 * @module
 */
import { TcpstateError, type Warning } from '../../model/errors.js';
import { type Capture, CaptureList, CaptureRows, type KeepOptions } from './capture.js';
import type { LineParser, StreamContext, TextFormat } from './common.js';
import { LineDecoder } from './decode.js';
import type { ByteRun } from './fast.js';
import { DETECT_LINES, detectFormat, formatOfCommand, scoreFormat } from './detect.js';
import { jsonTooLarge, MAX_JSON } from './json.js';
import { FORMAT_NAMES, TEXT_FORMATS } from './registry.js';
import { hostFromName, markerOf } from './sections.js';
import { PER_CODE, Warnings } from '../../model/warnings.js';
import { say as c } from '../../i18n/captures.js';

export type { Capture } from './capture.js';

export interface ReadOptions extends KeepOptions {
  /** Force this format instead of detecting. */
  format?: string;
  /** Host name for text before any prompt or header (default: from the file name). */
  host?: string;
  /** Read common socket lines at byte level (fast.ts; default true): false reads every line as text. */
  byteLevel?: boolean;
  /** Count in JavaScript only, never in the native addon (ReadConfig.noNative, TCPSTATE_NO_NATIVE=1). */
  noNative?: boolean;
}

export interface ReadResult {
  captures: Capture[];
  warnings: Warning[];
}

/** Formats whose lines are the same as another's and so never "mixed" with it. */
const SAME_LINES: Record<string, readonly string[]> = { netstat: ['busybox'], busybox: ['netstat'] };
/** Lines of the file examined for tcpstate's JSON (a document, not sections). */
const JSON_HEAD = 40;
/** Every prompt and header has one of these (sections.ts): other lines skip the marker patterns. */
const MARKER_HINT = /[#$%>]/;

function clip(text: string, n = 60): string {
  const t = text.trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

/** Throw ERR_USAGE if a forced format name is unknown. */
export function checkFormatName(name: string): TextFormat {
  const f = TEXT_FORMATS[name];
  if (!f) throw new TcpstateError('ERR_USAGE', c('inputFormat', name, FORMAT_NAMES.join(', ')), { field: '--input-format' });
  return f;
}

/** A run of lines between prompts or headers. */
interface Section {
  host?: string;
  command?: string;
  /** 1-based file line of its first line, and of the prompt or header before it (0: none). */
  firstLine: number;
  markerLine: number;
  /** Lines so far. */
  count: number;
  /**
   * The first lines, held until the format is known: every one of the first JSON_HEAD (what
   * detection reads whole), then the non-blank ones (blank lines mean nothing to a parser,
   * and a run of them must not be held); `headIdx` has their indexes.
   */
  head?: string[];
  headIdx?: number[];
  nonBlank: number;
  format?: TextFormat;
  parser?: LineParser;
  rows?: CaptureRows;
  /** A format read whole (JSON): its text so far, in blocks of lines joined, the lines not yet joined, and its characters. */
  whole?: string[];
  wholeLines?: string[];
  chars: number;
  /** In no known format: its first non-blank line. */
  unknown?: { text: string; idx: number };
}

/** A section in no known format, reported at the end. */
interface Unknown {
  line: number;
  text: string;
  lines: number;
}

/** Reads one capture pushed in pieces. */
export class CaptureReader {
  private readonly warnings = new Warnings();
  private readonly decoder: LineDecoder;
  private readonly forced: TextFormat | undefined;
  private readonly defaultHost: string;
  private readonly list: CaptureList;
  /** The file's first lines, until it is known whether the file is one JSON document. */
  private head: string[] | undefined = [];
  private json: Section | undefined;
  private nonBlank = false;
  private host: string | undefined;
  private sec: Section = { firstLine: 1, markerLine: 0, count: 0, head: [], headIdx: [], nonBlank: 0, chars: 0 };
  private readonly unknown: Unknown[] = [];
  private unknownMore = 0;
  private lastText = '';

  constructor(
    private readonly file: string,
    private readonly opts: ReadOptions = {},
  ) {
    this.forced = opts.format === undefined ? undefined : checkFormatName(opts.format);
    this.defaultHost = opts.host ?? (file === '-' ? 'stdin' : hostFromName(file));
    this.list = new CaptureList(file, this.warnings);
    this.decoder = new LineDecoder(file, this.warnings, (text, n) => this.line(text, n));
    if (opts.byteLevel !== false) this.decoder.byteLines = (run) => this.byteLines(run);
  }

  /** Rows are only counted (no tables, no selection): a file may be split between threads. */
  get countOnly(): boolean {
    return this.opts.tables === false && this.opts.keep === undefined && this.opts.onRows === undefined && this.opts.byteLevel !== false;
  }

  /**
   * The format whose lines another thread may count from here on (split.ts): the section
   * being read is in it, counts only, and reads lines as a fresh parser of it would.
   */
  get splitFormat(): string | undefined {
    const sec = this.sec;
    if (this.head || this.json || this.opts.byteLevel === false || !sec.rows?.countOnly || !sec.parser?.bytesFresh?.()) return undefined;
    return sec.format!.name;
  }

  /** Counting may use the native addon (not ReadOptions.noNative). */
  get native(): boolean {
    return this.opts.noNative !== true;
  }

  /** What the section's parser carries into another thread's (LineParser.bytesState). */
  get splitState(): string {
    return this.sec.parser?.bytesState?.() ?? '';
  }

  /**
   * Lines counted by another thread with a fresh parser of `format` set to `state`, following
   * the bytes pushed so far: added as if read here. False (nothing changed) when the reader is no
   * longer where they can be added.
   */
  addCounted(format: string, state: string, bytes: number, lines: number, counts: ArrayLike<number>, families: number): boolean {
    if (this.splitFormat !== format || (state !== '' && this.splitState !== state)) return false;
    if (!this.decoder.skipLines(bytes, lines)) return false;
    const sec = this.sec;
    const rows = sec.rows!;
    sec.count += lines;
    for (let s = 0; s < rows.counts.length; s++) rows.counts[s]! += counts[s]!;
    rows.families |= families;
    return true;
  }

  /** Lines at byte level, when the section being read has a parser that takes them. */
  private byteLines(run: ByteRun): boolean {
    if (this.head || this.json) return false;
    const sec = this.sec;
    const parser = sec.parser;
    if (!parser?.bytes || sec.whole) return false;
    const live = parser.bytes(run, sec.count);
    sec.count += run.lines;
    return live;
  }

  /** Bytes pushed so far. */
  get bytes(): number {
    return this.decoder.bytes;
  }

  /** Nothing but blank lines so far (or nothing at all). */
  get blankOnly(): boolean {
    return !this.nonBlank;
  }

  /** Bytes of the capture, in order; the caller may reuse `bytes` once this returns. */
  push(bytes: Uint8Array): void {
    this.decoder.push(bytes);
  }

  /** The capture is over: its captures and warnings. */
  end(): ReadResult {
    const file = this.file;
    try {
      this.decoder.end();
      if (this.decoder.bytes === 0) throw new TcpstateError('ERR_EMPTY', c('emptyNothing'), { file });
      if (this.head) this.decide();
      if (!this.nonBlank) throw new TcpstateError('ERR_EMPTY', c('emptyBlank'), { file });
      if (this.json) {
        this.endWhole(this.json, this.defaultHost, 1);
        if (this.list.captures.length === 0) throw new TcpstateError('ERR_EMPTY', c('jsonNoCapture'), { file });
        return { captures: this.list.captures, warnings: this.warnings.list() };
      }
      this.endSection();
    } catch (e) {
      throw this.hint(e);
    }
    const last = this.lastText;
    if (this.decoder.lastOpen && last.trim() !== '' && !this.sec.format?.whole && !(MARKER_HINT.test(last) && markerOf(last))) {
      this.warnings.add('W_NO_LINE_END', c('noLineEnd'), { file, line: this.decoder.lines });
    }
    const captures = this.list.captures;
    for (const u of this.unknown) {
      if (captures.length === 0) {
        throw new TcpstateError('ERR_FORMAT', c('noFormat', FORMAT_NAMES.join(', '), clip(u.text)), { file, line: u.line });
      }
      this.warnings.add('W_UNRECOGNIZED', c('unrecognized', u.lines, clip(u.text)), { file, line: u.line });
    }
    for (let k = 0; k < this.unknownMore; k++) this.warnings.add('W_UNRECOGNIZED', '', {});
    if (captures.length === 0) throw new TcpstateError('ERR_EMPTY', c('onlyPrompts'), { file });
    return { captures, warnings: this.warnings.list() };
  }

  /** An error on a last line without a line end says the capture may have been cut there. */
  private hint(e: unknown): unknown {
    if (!(e instanceof TcpstateError) || !this.decoder.lastOpen || e.code !== 'ERR_PARSE' || e.where.line !== this.decoder.lines) return e;
    return new TcpstateError(e.code, c('lastLineCut', e.said ?? e.message), e.where);
  }

  private line(text: string, n: number): void {
    this.lastText = text;
    if (!this.nonBlank && text.trim() !== '') this.nonBlank = true;
    if (this.head) {
      this.head.push(text);
      if (this.head.length >= JSON_HEAD) this.decide();
      return;
    }
    if (this.json) {
      this.wholeLine(this.json, text, n);
      return;
    }
    this.sectionLine(text, n);
  }

  /** The first lines are in: one JSON document, or sections of lines. */
  private decide(): void {
    const lines = this.head!;
    this.head = undefined;
    const json = TEXT_FORMATS['json']!;
    // `[root@web1 ~]# tcpstate ls --json` opens with "[", but is a prompt: its output is a section.
    const first = lines.find((l) => l.trim() !== '');
    const prompt = first !== undefined && MARKER_HINT.test(first) && markerOf(first) !== undefined;
    if (this.forced === json || (!this.forced && !prompt && scoreFormat(json, lines).score >= 1)) {
      this.json = { firstLine: 1, markerLine: 0, count: 0, nonBlank: 0, format: json, whole: [], chars: 0 };
      for (let k = 0; k < lines.length; k++) this.wholeLine(this.json, lines[k]!, k + 1);
      return;
    }
    for (let k = 0; k < lines.length; k++) this.sectionLine(lines[k]!, k + 1);
  }

  private wholeLine(sec: Section, text: string, n: number): void {
    sec.chars += text.length + 1;
    if (sec.chars > MAX_JSON + 1) throw jsonTooLarge(this.file, n);
    // Lines joined in blocks: a string per line costs more than its characters.
    const lines = (sec.wholeLines ??= []);
    lines.push(text);
    if (lines.length >= 4096) {
      sec.whole!.push(lines.join('\n'));
      lines.length = 0;
    }
  }

  private sectionLine(text: string, n: number): void {
    const mk = MARKER_HINT.test(text) ? markerOf(text) : undefined;
    if (mk) {
      this.endSection();
      if (mk.host !== undefined) this.host = mk.host;
      this.sec = { host: this.host, command: mk.command, firstLine: n + 1, markerLine: n, count: 0, head: [], headIdx: [], nonBlank: 0, chars: 0 };
      return;
    }
    const sec = this.sec;
    if (sec.whole) {
      this.wholeLine(sec, text, n);
      return;
    }
    const idx = sec.count++;
    if (sec.parser) {
      sec.parser.line(text, idx);
      return;
    }
    if (sec.unknown) return;
    const blank = text.trim() === '';
    if (blank && idx >= JSON_HEAD) return;
    sec.head!.push(text);
    sec.headIdx!.push(idx);
    if (!blank && ++sec.nonBlank >= DETECT_LINES) this.detect(sec);
  }

  /** Detect the format of a section from its first lines; start reading it. */
  private detect(sec: Section): void {
    const head = sec.head!;
    const at = sec.headIdx!;
    sec.head = undefined;
    sec.headIdx = undefined;
    // Detection reads the first JSON_HEAD lines and the non-blank ones: all are here.
    const name = this.forced?.name ?? detectFormat(head, sec.command);
    if (name === undefined) {
      const k = head.findIndex((l) => l.trim() !== '');
      sec.unknown = { text: head[k]!, idx: at[k]! };
      return;
    }
    const fmt = TEXT_FORMATS[name]!;
    sec.format = fmt;
    if (!fmt.open) {
      sec.whole = [];
      const count = sec.count;
      // Blank lines not held come back empty: JSON white space.
      for (let k = 0, idx = 0; k < head.length; k++, idx++) {
        for (; idx < at[k]!; idx++) this.wholeLine(sec, '', sec.firstLine + idx);
        this.wholeLine(sec, head[k]!, sec.firstLine + idx);
      }
      for (let idx = head.length === 0 ? 0 : at[head.length - 1]! + 1; idx < count; idx++) this.wholeLine(sec, '', sec.firstLine + idx);
      return;
    }
    const rows = new CaptureRows(this.opts, fmt.kind === 'sockets');
    sec.rows = rows;
    const ctx: StreamContext = {
      file: this.file,
      firstLine: sec.firstLine,
      warnings: this.warnings,
      rows: (chunk) => rows.rows(chunk),
      other: (idx, line) => this.other(line, idx, sec, fmt),
      tally: rows.countOnly ? rows : undefined,
      native: this.native,
    };
    sec.parser = fmt.open(ctx);
    for (let k = 0; k < head.length; k++) sec.parser.line(head[k]!, at[k]!);
  }

  private endSection(): void {
    const sec = this.sec;
    const host = sec.host ?? this.defaultHost;
    const at = sec.markerLine || sec.firstLine;
    if (sec.head) {
      if (sec.nonBlank === 0) {
        // awk prints nothing when there is nothing to count: an empty summary is zeros.
        const f = sec.command === undefined ? undefined : (this.forced ?? formatOfCommand(sec.command));
        if (f && f.kind === 'counts') this.list.add(new CaptureRows(this.opts, false), host, f.name, at, sec.command);
        return;
      }
      this.detect(sec);
    }
    if (sec.unknown) {
      const u = { line: sec.firstLine + sec.unknown.idx, text: sec.unknown.text, lines: sec.count };
      if (this.unknown.length <= PER_CODE) this.unknown.push(u);
      else this.unknownMore++;
      return;
    }
    if (sec.whole) {
      this.endWhole(sec, host, at);
      return;
    }
    const end = sec.parser!.end();
    const rows = sec.rows!;
    if (end.counts) rows.counts.set(end.counts);
    if (rows.table) end.fixup?.(rows.table);
    this.list.add(rows, host, sec.format!.name, at, sec.command);
  }

  /** A format read whole: every document it holds is a capture. */
  private endWhole(sec: Section, host: string, at: number): void {
    const fmt = sec.format!;
    // Blocks of lines joined by line ends, as parse joins lines: the same text.
    const lines = sec.whole!;
    if (sec.wholeLines && sec.wholeLines.length > 0) lines.push(sec.wholeLines.join('\n'));
    sec.whole = undefined;
    sec.wholeLines = undefined;
    for (const p of fmt.parse(lines, { file: this.file, firstLine: sec.firstLine, warnings: this.warnings })) {
      const rows = new CaptureRows(this.opts, p.table !== undefined);
      if (p.table) rows.rows(p.table);
      else rows.counts.set(p.counts);
      this.list.add(rows, p.host ?? host, fmt.name, at, sec.command);
    }
  }

  /** A line the parser did not take: another format's data is an error, anything else a warning. */
  private other(line: string, idx: number, sec: Section, fmt: TextFormat): void {
    for (const n of FORMAT_NAMES) {
      const other = TEXT_FORMATS[n]!;
      if (other === fmt || other.whole || SAME_LINES[fmt.name]?.includes(n)) continue;
      if (other.classify(line) === 'data') {
        throw new TcpstateError('ERR_FORMAT', c('mixedFormats', other.name, fmt.name, sec.firstLine), { file: this.file, line: sec.firstLine + idx });
      }
    }
    this.warnings.add('W_SKIPPED_LINE', c('skippedLine', fmt.name, clip(line)), { file: this.file, line: sec.firstLine + idx });
  }
}

/** Parse one capture held in memory. */
export function parseCapture(bytes: Uint8Array, file: string, opts: ReadOptions = {}): ReadResult {
  const r = new CaptureReader(file, opts);
  r.push(bytes);
  return r.end();
}
