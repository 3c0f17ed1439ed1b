/**
 * The count's inner loop in C (native/text_count.c) for `netstat -n` and `ss -tan` captures,
 * when the addon is built and the reader allows it (ReadOptions.noNative unset): a piece's
 * socket lines counted as the format's byte reader counts them (netstat.ts netstatCount,
 * ss.ts's), up to the first other line, which JavaScript reads. The state words C knows are
 * those the format's own lookup maps, with the codes it maps them to, so the C loop changes
 * speed, never an answer (test/sources/text-capture-bytes.test.ts compares it with the
 * string parsers).
 * @module
 */
import { canonicalCode, KNOWN_CODES, ssStateName, stateName, UNKNOWN } from '../../model/state.js';
import { PROC_LINE_MAX } from '../proc-net.js';
import type { SocketTable } from '../../model/table.js';
import { loadNative, type NativeAddon, tableColumns } from '../native.js';
import type { NativeRange } from './common.js';

/** Count `buf[pos, end)` (whole lines) into `counts`; the lines counted, `at[0]` where it stopped, `at[1]` or-ed with the families seen. */
export type TextCounter = (buf: Uint8Array, pos: number, end: number, counts: Float64Array, at: Float64Array) => number;

/** A state word's code as the JavaScript byte reader maps it, or -1. */
export type StateLookup = (buf: Uint8Array, s: number, e: number) => number;

/** The formats counted in C: netstat's lines; ss's, before and after `[v6]:port` settled the style; /proc/net/tcp's; `netstat -p`'s (a PID/Program name column). */
export const CountKind = { Netstat: 0, Ss: 1, SsBracketed: 2, Proc: 3, NetstatProgram: 4 } as const;
export type CountKind = (typeof CountKind)[keyof typeof CountKind];

/**
 * `minBytes`: runs shorter than this are counted in JavaScript (loading the addon costs more);
 * tests lower it to 0, or raise it to Infinity to count in JavaScript only. `lines`: the lines
 * C counted so far (tests check it took some).
 */
export const nativeCount = { minBytes: 256 << 10, lines: 0 };

/**
 * When a byte reader asks the C loop again: at once after it took many lines, else after
 * {@link NativeTurns.WAIT} lines read in JavaScript (a stretch C does not read, such as lines
 * with names or extras, is not offered to it line by line).
 */
export class NativeTurns {
  static readonly FEW = 16;
  static readonly WAIT = 64;
  private wait = 0;

  /** Ask C at this line? (Counts a line read in JavaScript meanwhile.) */
  now(): boolean {
    if (this.wait === 0) return true;
    this.wait--;
    return false;
  }

  /** C took `n` lines, of at most `room`. */
  took(n: number, room = Number.POSITIVE_INFINITY): void {
    if (n < NativeTurns.FEW && n < room) this.wait = NativeTurns.WAIT;
  }
}

/**
 * Is a run of `bytes` worth reading in C? A long one; once the addon is loaded (a capture read
 * so far was long enough), any: a large capture's lines that stop C, such as ss's `*:*`
 * listeners, leave short runs at the end of each piece.
 */
export function worthC(bytes: number): boolean {
  return bytes >= nativeCount.minBytes || (addon != null && nativeCount.minBytes !== Number.POSITIVE_INFINITY);
}

type Counting = Pick<NativeAddon, 'textCount' | 'textRows' | 'textCountStart' | 'textCountFinish'>;

let addon: Counting | null | undefined;
const tables = new Map<CountKind, Uint8Array>();

/** The addon's counting functions, when built (asked only when the reader allows the addon). */
function addonFor(): Counting | undefined {
  if (addon === undefined) {
    const a = loadNative({ noNative: false }).addon;
    addon = a?.textCount ? a : null;
  }
  return addon ?? undefined;
}

/** The format's name of every state that `lookup` maps, as (length, code, bytes) entries. */
function wordsFor(kind: CountKind, lookup: StateLookup): Uint8Array {
  const key = kind === CountKind.Netstat || kind === CountKind.NetstatProgram ? CountKind.Netstat : CountKind.Ss;
  let words = tables.get(key);
  if (words) return words;
  const table: number[] = [];
  for (const code of KNOWN_CODES) {
    const word = Buffer.from(key === CountKind.Netstat ? stateName(code) : ssStateName(code), 'latin1');
    const got = lookup(word, 0, word.length);
    if (got >= 0 && word.length < 256) table.push(word.length, got, ...word);
  }
  words = Uint8Array.from(table);
  tables.set(key, words);
  return words;
}

/**
 * /proc/net/tcp's table for C: the code of each kernel state number as the /proc parser maps it
 * (canonicalCode; UNKNOWN, which it warns of, left to it), then PROC_LINE_MAX (u32, little-endian).
 */
function procTable(): Uint8Array {
  let t = tables.get(CountKind.Proc);
  if (t) return t;
  t = new Uint8Array(260);
  for (let n = 0; n < 256; n++) {
    const code = canonicalCode(n);
    t[n] = code === UNKNOWN ? 0 : code;
  }
  new DataView(t.buffer).setUint32(256, PROC_LINE_MAX, true);
  tables.set(CountKind.Proc, t);
  return t;
}

/** The C counter of /proc/net/tcp lines (`at` of 6: also IPv4 and IPv6 lines counted, then their bytes, added to), or undefined without the addon. */
export function procCounter(): TextCounter | undefined {
  const a = addonFor();
  if (!a?.textCount) return undefined;
  const table = procTable();
  return (buf, pos, end, counts, at) => {
    const n = a.textCount!(CountKind.Proc, buf, pos, end, counts, table, at);
    nativeCount.lines += n;
    return n;
  };
}

/** The C counter of format `kind` for the state words `lookup` maps, or undefined without the addon. */
export function textCounter(kind: CountKind, lookup: StateLookup): TextCounter | undefined {
  const a = addonFor();
  if (!a?.textCount) return undefined;
  const words = wordsFor(kind, lookup);
  return (buf, pos, end, counts, at) => {
    const n = a.textCount!(kind, buf, pos, end, counts, words, at);
    nativeCount.lines += n;
    return n;
  };
}

/** Rows of `buf[pos, end)` into `t` from row `t.length`, at most `room`; the rows added (`t.length` is the caller's to move), `at[0]` where it stopped. */
export type TextRower = (buf: Uint8Array, pos: number, end: number, t: SocketTable, room: number, at: Float64Array) => number;

/**
 * The C reader of rows of format `kind` (not /proc: netstat.ts netstatBytes' lines, ss.ts
 * ssBytes', each of those only when the next line begins a socket) for the state words
 * `lookup` maps, or undefined without the addon.
 */
export function textRower(kind: Exclude<CountKind, typeof CountKind.Proc>, lookup: StateLookup): TextRower | undefined {
  const a = addonFor();
  if (!a?.textRows) return undefined;
  const words = wordsFor(kind, lookup);
  return (buf, pos, end, t, room, at) => {
    const n = a.textRows!(buf, pos, end, words, tableColumns(t), t.length, room, at, kind);
    nativeCount.lines += n;
    return n;
  };
}

/**
 * The lines of file `fd` from `from` (a line start of a section of format `kind`) counted on a
 * thread of the addon as the C counter counts pieces, up to the first line it does not take
 * (a last line without line end is left); undefined without the addon or under
 * `nativeCount.minBytes` = Infinity.
 */
export function textRange(kind: CountKind, fd: number, from: number, lookup: StateLookup): NativeRange | undefined {
  const a = nativeCount.minBytes === Number.POSITIVE_INFINITY ? undefined : addonFor();
  if (!a?.textCountStart || !a.textCountFinish) return undefined;
  const finish = a.textCountFinish.bind(a);
  const handle = a.textCountStart(kind, fd, from, wordsFor(kind, lookup));
  return {
    finish() {
      const r = finish(handle);
      if (r[3] !== 0) return undefined;
      nativeCount.lines += r[1]!;
      return { stop: r[0]!, lines: r[1]!, families: r[2]!, counts: r.subarray(4, 20) };
    },
  };
}
