/**
 * The count's inner loop for `netstat -n` captures in C (native/text_count.c), when the addon
 * is built and allowed (not TCPSTATE_NO_NATIVE=1): a piece's `tcp` and `tcp6` lines counted as
 * netstat.ts netstatCount counts them, up to the first other line, which JavaScript reads. The
 * state words it knows are those JavaScript's own lookup maps, with the codes it maps them to,
 * so the C loop changes speed, never an answer (test/sources/native-count.test.ts).
 * @module
 */
import { KNOWN_CODES, stateName } from '../../model/state.js';
import { configFromEnv } from '../config.js';
import { loadNative } from '../native.js';

/** Count `buf[pos, end)` (whole lines) into `counts`; the lines counted, `at[0]` where it stopped, `at[1]` or-ed with the families seen. */
export type NetstatCounter = (buf: Uint8Array, pos: number, end: number, counts: Float64Array, at: Float64Array) => number;

/**
 * `minBytes`: runs shorter than this are counted in JavaScript (loading the addon costs more);
 * tests lower it to 0, or raise it to Infinity to count in JavaScript only. `lines`: the lines
 * C counted so far (tests check it took some).
 */
export const nativeCount = { minBytes: 256 << 10, lines: 0 };

let counter: NetstatCounter | null | undefined;

/**
 * The C counter for the state words `lookup` maps (netstat's names of every state, each
 * kept only when `lookup` gives it a code), or undefined without the addon.
 */
export function netstatCounter(lookup: (buf: Uint8Array, s: number, e: number) => number): NetstatCounter | undefined {
  if (counter !== undefined) return counter ?? undefined;
  counter = null;
  const addon = loadNative(configFromEnv(process.env)).addon;
  if (!addon?.netstatCount4) return undefined;
  const table: number[] = [];
  for (const code of KNOWN_CODES) {
    const word = Buffer.from(stateName(code), 'latin1');
    const got = lookup(word, 0, word.length);
    if (got >= 0 && word.length < 256) table.push(word.length, got, ...word);
  }
  const words = Uint8Array.from(table);
  const count = addon.netstatCount4.bind(addon);
  counter = (buf, pos, end, counts, at) => {
    const n = count(buf, pos, end, counts, words, at);
    nativeCount.lines += n;
    return n;
  };
  return counter;
}
