/**
 * Lines of a capture file counted from a line start by a fresh parser's byte reader, up to
 * the first line it does not take, the last whole line, or a limit another thread may lower
 * meanwhile: where it stopped, the lines and the counts. Both threads of a split count
 * (split.ts) run it: the worker on its part, this thread on the part it took back.
 * @module
 */
import { fs } from '../../builtins.js';
import { newCounts, type StateCounts } from '../../model/count.js';
import type { LineParser, StreamContext, TextFormat } from './common.js';
import { newByteRun } from './fast.js';

/** What a range count found: where it stopped (a line start), lines and counts. */
export interface RangeCount {
  stop: number;
  lines: number;
  counts: StateCounts;
  /** Families seen: 1 IPv4, 2 IPv6. */
  families: number;
}

/**
 * Count the lines of `fd` from `from` with a fresh parser of `fmt` in `state`, reading into
 * `buf`. `limit(pos)` is asked before every piece (with where the count has come to): the count stops at or before it (a line
 * start), at once when it is behind. `native`: the byte reader may count in C (native-count.ts).
 * Throws when the format has no byte reader for counting.
 */
export function countRange(fmt: TextFormat, fd: number, path: string, from: number, state: string, buf: Buffer, limit: (pos: number) => number, native = false): RangeCount {
  const counts = newCounts();
  const tally = { counts, families: 0 };
  let rowsSent = false;
  const ctx: StreamContext = {
    file: path,
    firstLine: 1,
    warnings: { add() {}, count: () => 0 },
    rows: () => {
      rowsSent = true;
    },
    other: () => {},
    tally,
    native,
  };
  const parser: LineParser | undefined = fmt.open?.(ctx);
  if (!parser?.bytes || !parser.bytesFresh?.()) throw new Error(`no byte reader for ${fmt.name}`);
  if (state !== '') {
    if (!parser.setBytesState) throw new Error(`no state ${state} for ${fmt.name}`);
    parser.setBytesState(state);
  }
  const r = newByteRun();
  let pos = from;
  let lines = 0;
  for (;;) {
    const lim = limit(pos);
    if (pos >= lim) break;
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, lim - pos), pos);
    if (n === 0) break;
    const last = buf.lastIndexOf(10, n - 1);
    if (last < 0) break;
    r.buf = buf;
    r.pos = 0;
    r.end = last + 1;
    r.lines = 0;
    parser.bytes(r, 0);
    lines += r.lines;
    pos += r.pos;
    if (rowsSent || r.lines === 0) break;
    // ss counts a line only when the next begins a socket: a piece's last line is read again with the next piece.
    if (r.pos < r.end && buf.indexOf(10, r.pos) + 1 !== r.end) break;
  }
  if (rowsSent) throw new Error('rows sent while counting');
  return { stop: pos, lines, counts, families: tally.families };
}
