/**
 * Errors as typed data. Every error tcpstate reports to a user is a {@link TcpstateError}
 * with a stable `code`; the CLI prints `tcpstate: <message>` and exits with `exitCode`,
 * never a stack trace.
 * @module
 */

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

  constructor(code: ErrorCode, message: string, where: Location = {}) {
    super(message);
    this.name = 'TcpstateError';
    this.code = code;
    this.where = where;
    this.exitCode = USAGE_CODES.has(code) ? 2 : 1;
  }

  /** `file:line: byte N: field F: message`, omitting what is unknown. */
  describe(): string {
    return describeAt(this.where, this.message);
  }
}

/** A message prefixed with where it applies: `file:line: byte N: field F: message`. */
export function describeAt(w: Location, message: string): string {
  const parts: string[] = [];
  if (w.file !== undefined) parts.push(w.line !== undefined ? `${w.file}:${w.line}` : w.file);
  else if (w.line !== undefined) parts.push(`line ${w.line}`);
  if (w.offset !== undefined) parts.push(`byte ${w.offset}`);
  if (w.field !== undefined) parts.push(`field ${w.field}`);
  parts.push(message);
  return parts.join(': ');
}

export function isTcpstateError(e: unknown): e is TcpstateError {
  return e instanceof TcpstateError || (typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true);
}

/** A problem that did not stop reading: kept, reported, never silently dropped. */
export interface Warning {
  code: string;
  message: string;
  where: Location;
}
