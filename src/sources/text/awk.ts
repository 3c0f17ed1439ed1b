/**
 * The awk one-liner's own output, as pasted into tickets and web pages:
 *
 *     netstat -n | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'
 *     TIME_WAIT 9137
 *     ESTABLISHED 597
 *
 * and the `sort | uniq -c` form (`  9137 TIME_WAIT`). Any state spelling the state table
 * knows is accepted (`TIME-WAIT 3` from an ss one-liner). An upper-case word it does not
 * know is counted as UNKNOWN with a warning; other text (headings between summaries) is
 * not a summary line and is reported as such by the reader. A state listed twice in one
 * summary is added up, with a warning.
 * @module
 */
import { newCounts } from '../../model/count.js';
import { stateName } from '../../model/state.js';
import { type LineKind, type LineParser, type ParseContext, type ParsedCapture, parseRun, stateWord, type StreamContext, type TextFormat } from './common.js';
import { say as c } from '../../i18n/captures.js';

/** `STATE N`, `STATE: N`, `STATE = N`: a space or a `:`/`=` then a space before the number. */
const STATE_N = /^\s*([A-Z][A-Z0-9_-]*)(?:\s*[:=])?\s+(\d{1,15})\s*$/;
const N_STATE = /^\s*(\d{1,15})\s+([A-Z][A-Z0-9_-]*)\s*$/;

/** Classify one line of an awk summary. */
export function classifyAwk(line: string): LineKind {
  if (line.trim() === '') return 'blank';
  return STATE_N.test(line) || N_STATE.test(line) ? 'data' : 'other';
}

/** A line parser of `STATE N` (or `N STATE`) lines: per-state counts. */
export function openAwk(ctx: StreamContext): LineParser {
  const counts = newCounts();
  const firstAt = new Map<number, number>();
  return {
    line(line, idx) {
      if (line.trim() === '') return;
      const a = STATE_N.exec(line);
      const b = a ? undefined : N_STATE.exec(line);
      if (!a && !b) {
        ctx.other(idx, line);
        return;
      }
      const word = a ? a[1]! : b![2]!;
      const n = Number(a ? a[2] : b![1]);
      const code = stateWord(ctx, idx, word, 'STATE');
      const prev = firstAt.get(code);
      if (prev !== undefined) {
        ctx.warnings.add('W_DUPLICATE_STATE', c('duplicateState', stateName(code), ctx.firstLine + prev), {
          file: ctx.file,
          line: ctx.firstLine + idx,
          field: 'STATE',
        });
      } else firstAt.set(code, idx);
      counts[code]! += n;
    },
    end: () => ({ counts }),
  };
}

/** Parse `STATE N` (or `N STATE`) lines held in memory into per-state counts. Pure. */
export function parseAwk(lines: readonly string[], ctx: ParseContext): ParsedCapture[] {
  return parseRun(openAwk, lines, ctx);
}

export const awkFormat: TextFormat = {
  name: 'awk',
  title: "the awk one-liner's STATE N lines (netstat -n | awk '/^tcp/ {++S[$NF]} ...')",
  kind: 'counts',
  command: /\|\s*(?:awk|gawk|mawk|sort|uniq)\b/,
  classify: classifyAwk,
  open: openAwk,
  parse: parseAwk,
};
