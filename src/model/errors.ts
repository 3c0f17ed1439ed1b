/**
 * Errors as typed data. Every error tcpstate reports to a user is a {@link TcpstateError}
 * with a stable `code`; the CLI prints `tcpstate: <message>` and exits with `exitCode`,
 * never a stack trace.
 * @module
 */
import { util } from '../builtins.js';
import { type Lang, pick, render, type Said } from '../i18n/catalogue.js';
import { CATALOGUE as EDGE, say as es } from '../i18n/edge.js';

/** Stable error codes. Add, never rename: scripts match on them. */
export type ErrorCode =
  | 'ERR_USAGE' // unknown flag, missing value, bad combination (exit 2)
  | 'ERR_STATE' // unknown state or group name (exit 2)
  | 'ERR_FILTER' // malformed filter expression (exit 2)
  | 'ERR_PARSE' // malformed line in an input file (exit 1)
  | 'ERR_FORMAT' // input in no format tcpstate knows (exit 1)
  | 'ERR_EMPTY' // input holds nothing to read (exit 1)
  | 'ERR_IO' // a file or directory could not be read (exit 1)
  | 'ERR_NETNS' // a network namespace could not be entered or found (exit 1)
  | 'ERR_NATIVE' // the native addon is needed and missing (exit 1)
  | 'ERR_EVENT' // an event the state machine does not allow (exit 2)
  | 'ERR_PCAP'; // a capture file that cannot be read (exit 1)

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set(['ERR_USAGE', 'ERR_STATE', 'ERR_FILTER', 'ERR_EVENT']);

/** Where in an input a problem was found. All fields optional: give what is known. */
export interface Location {
  file?: string;
  line?: number;
  field?: string;
  /** Byte offset, for binary inputs. */
  offset?: number;
  /** Token position (1-based) in a command line or expression. */
  position?: number;
}

/**
 * Marks TcpstateError instances across module copies: the CLI is bundled per command
 * (scripts/bundle.mjs), so the class the command throws is not the one main.ts imported.
 */
const BRAND = Symbol.for('tcpstate.TcpstateError');

export class TcpstateError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly where: Location;
  /** 2 for usage errors, 1 for bad input or I/O. */
  readonly exitCode: number;
  /** The message as catalogue data, when it is in the catalogue (`message` is its English text). */
  readonly said?: Said;

  constructor(code: ErrorCode, message: string | Said, where: Location = {}) {
    super(capExcerpts(typeof message === 'string' ? message : message.text));
    this.name = 'TcpstateError';
    this.code = code;
    this.where = where;
    this.exitCode = USAGE_CODES.has(code) ? 2 : 1;
    if (typeof message !== 'string') this.said = message;
  }

  /** `file:line: byte N: field F: message`, omitting what is unknown, in `lang` where the catalogue has it. */
  describe(lang: Lang = 'en'): string {
    return describeAt(this.where, lang === 'en' || this.said === undefined ? this.message : render(this.said, lang), lang);
  }
}

/**
 * A message prefixed with where it applies: `file:line: byte N: field F: message` (in
 * Chinese `file:line: 字节偏移 N: 字段 F: ...`, names kept), ready for
 * a terminal: long quoted excerpts cut ({@link capExcerpts}), control characters made
 * visible ({@link escapeControls}).
 */
export function describeAt(w: Location, message: string | Said, lang: Lang = 'en'): string {
  const words = pick(EDGE, lang);
  const parts: string[] = [];
  if (w.file !== undefined) parts.push(w.line !== undefined ? `${w.file}:${w.line}` : w.file);
  else if (w.line !== undefined) parts.push(words.line(w.line));
  if (w.offset !== undefined) parts.push(words.byte(w.offset));
  if (w.field !== undefined) parts.push(words.field(w.field));
  parts.push(typeof message === 'string' ? message : render(message, lang));
  return escapeControls(capExcerpts(parts.join(': '), lang));
}

/**
 * Characters an input can use to act on the terminal a message is printed to: C0 controls
 * but newline (ESC starts colour, title and cursor sequences), DEL, C1 controls (U+009B is
 * a one-character CSI), line and paragraph separators, bidirectional overrides and
 * isolates, and surrogates that are not half of a pair.
 */
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `text` with every {@link CONTROL} character written as an escape (`\x1b`, `\t`,
 * `\u009b`, `\ud800`), newlines kept. Idempotent: what it writes holds no such character.
 */
export function escapeControls(text: string): string {
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(text)) return text;
  return text.replace(CONTROL, (c) => {
    const n = c.charCodeAt(0);
    if (n === 9) return '\\t';
    if (n === 13) return '\\r';
    return n < 0x80 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** A quoted excerpt of input longer than this is cut to its first EXCERPT_KEEP characters. */
const EXCERPT_MAX = 120;
const EXCERPT_KEEP = 80;
/** Past this, a line of a message keeps its head and tail (excerpts not in quotes). */
const LINE_MAX = 1000;

/** `s` cut to at most `n` UTF-16 units, not between the halves of a surrogate pair. */
function head(s: string, n: number): string {
  const c = s.charCodeAt(n - 1);
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? n - 1 : n);
}

/**
 * A message with each quoted excerpt (`"..."` within a line) longer than 120 characters cut
 * to `"first 80…" (N characters)` (in `lang`), and each line still longer than 1000 characters cut in
 * the middle, saying how much went: a line of input full of spaces (or a 10 MB process
 * name) makes a message of a line, not of megabytes.
 */
export function capExcerpts(message: string, lang: Lang = 'en'): string {
  if (message.length <= EXCERPT_MAX) return message;
  const words = pick(EDGE, lang);
  const quoted = message.replace(/"([^"\n]*)"/g, (all, inner: string) => (inner.length > EXCERPT_MAX ? words.quoted(head(inner, EXCERPT_KEEP), inner.length) : all));
  if (quoted.length <= LINE_MAX) return quoted;
  return quoted
    .split('\n')
    .map((line) => {
      if (line.length <= LINE_MAX) return line;
      const tailAt = line.length - 200;
      const c = line.charCodeAt(tailAt);
      const tail = line.slice(c >= 0xdc00 && c <= 0xdfff ? tailAt + 1 : tailAt);
      const kept = head(line, 600);
      return `${kept}${words.cut(line.length - kept.length - tail.length)}${tail}`;
    })
    .join('\n');
}

/**
 * The reason an OS error gives, in words (`no space left on device` for ENOSPC), or
 * undefined when `e` is not an OS error (a Node system error or the native addon's errno
 * error: an `E...` code with an errno).
 */
export function osReason(e: unknown): string | undefined {
  const err = e as { code?: unknown; errno?: unknown };
  if (typeof err !== 'object' || err === null || typeof err.code !== 'string' || !/^E[A-Z0-9]+$/.test(err.code) || typeof err.errno !== 'number') return undefined;
  return systemErrors().get(-Math.abs(err.errno))?.[1] ?? err.code;
}

/**
 * An OS error as a reader is told it, in the reader's language: its words and code
 * (`no such file or directory (ENOENT)`); another error's message as it is.
 */
export function osSaid(e: unknown): Said | string {
  const code = (e as { code?: unknown })?.code;
  const text = osReason(e);
  if (text !== undefined && typeof code === 'string') return es('osWords', code, text === code ? '' : text);
  return (e as Error)?.message ?? String(e);
}

/** libuv's table (negative errno → [name, text]), made once, when a message needs it. */
let errorMap: Map<number, [string, string]> | undefined;
function systemErrors(): Map<number, [string, string]> {
  return (errorMap ??= util.getSystemErrorMap());
}

/**
 * `e`'s message (without its location) in `lang`: a TcpstateError's from the catalogue
 * where it has it, as a terminal may show it; any other error's message as it is.
 */
export function messageIn(e: unknown, lang: Lang): string {
  if (isTcpstateError(e) && e.said !== undefined && lang !== 'en') return escapeControls(capExcerpts(render(e.said, lang), lang));
  return (e as Error)?.message ?? String(e);
}

export function isTcpstateError(e: unknown): e is TcpstateError {
  return e instanceof TcpstateError || (typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true);
}

/** Warnings are defined, with their closed list of codes, in warnings.ts. */
export type { Warning, WarningCode, WarningSink } from './warnings.js';
