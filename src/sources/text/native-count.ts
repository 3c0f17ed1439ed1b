/**
 * The count's inner loop for `netstat -n` captures in C (native/text_count.c), when the addon
 * is built and the reader allows it (ReadOptions.noNative unset): a piece's `tcp` and `tcp6` lines counted as
 * netstat.ts netstatCount counts them, up to the first other line, which JavaScript reads. The
 * state words it knows are those JavaScript's own lookup maps, with the codes it maps them to,
 * so the C loop changes speed, never an answer (test/sources/native-count.test.ts).
 * @module
 */
import { KNOWN_CODES, stateName } from '../../model/state.js';
import { loadNative, type NativeAddon } from '../native.js';
import type { NativeRange } from './common.js';

/** Count `buf[pos, end)` (whole lines) into `counts`; the lines counted, `at[0]` where it stopped, `at[1]` or-ed with the families seen. */
export type NetstatCounter = (buf: Uint8Array, pos: number, end: number, counts: Float64Array, at: Float64Array) => number;

/**
 * `minBytes`: runs shorter than this are counted in JavaScript (loading the addon costs more);
 * tests lower it to 0, or raise it to Infinity to count in JavaScript only. `lines`: the lines
 * C counted so far (tests check it took some).
 */
export const nativeCount = { minBytes: 256 << 10, lines: 0 };

let counter: NetstatCounter | null | undefined;
let words: Uint8Array | undefined;

/** The addon's counting functions, when built and allowed. */
function addonFor(): Pick<NativeAddon, 'netstatCount4' | 'netstatCountStart' | 'netstatCountFinish'> | undefined {
  // Asked only when the configuration allows the addon (ReadOptions.noNative).
  const addon = loadNative({ noNative: false }).addon;
  return addon?.netstatCount4 ? addon : undefined;
}

/** netstat's name of every state that `lookup` maps, as (length, code, bytes) entries. */
function wordsFor(lookup: StateLookup): Uint8Array {
  if (words) return words;
  const table: number[] = [];
  for (const code of KNOWN_CODES) {
    const word = Buffer.from(stateName(code), 'latin1');
    const got = lookup(word, 0, word.length);
    if (got >= 0 && word.length < 256) table.push(word.length, got, ...word);
  }
  words = Uint8Array.from(table);
  return words;
}

/** A state word's code as the JavaScript byte reader maps it, or -1. */
export type StateLookup = (buf: Uint8Array, s: number, e: number) => number;

/**
 * The C counter for the state words `lookup` maps (netstat's names of every state, each
 * kept only when `lookup` gives it a code), or undefined without the addon.
 */
export function netstatCounter(lookup: StateLookup): NetstatCounter | undefined {
  if (counter !== undefined) return counter ?? undefined;
  counter = null;
  const addon = addonFor();
  if (!addon?.netstatCount4) return undefined;
  const table = wordsFor(lookup);
  const count = addon.netstatCount4.bind(addon);
  counter = (buf, pos, end, counts, at) => {
    const n = count(buf, pos, end, counts, table, at);
    nativeCount.lines += n;
    return n;
  };
  return counter;
}

/**
 * The lines of file `fd` from `from` (a line start of a `netstat -n` section) counted on a
 * thread of the addon as the C counter counts a piece, up to the first line it does not take
 * (a last line without line end is left); undefined without the addon or under
 * `nativeCount.minBytes` = Infinity.
 */
export function netstatRange(fd: number, from: number, lookup: StateLookup): NativeRange | undefined {
  const addon = nativeCount.minBytes === Number.POSITIVE_INFINITY ? undefined : addonFor();
  if (!addon?.netstatCountStart || !addon.netstatCountFinish) return undefined;
  const finish = addon.netstatCountFinish.bind(addon);
  const handle = addon.netstatCountStart(fd, from, wordsFor(lookup));
  return {
    finish() {
      const r = finish(handle);
      if (r[3] !== 0) return undefined;
      nativeCount.lines += r[1]!;
      return { stop: r[0]!, lines: r[1]!, families: r[2]!, counts: r.subarray(4, 20) };
    },
  };
}
