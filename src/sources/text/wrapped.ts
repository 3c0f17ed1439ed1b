/**
 * Socket lines a terminal wrapped: pasted from a terminal narrower than the line (tmux's copy
 * mode, `fold`, a mail client), a netstat socket line arrives as two lines, the second not
 * one of the format's. The socket line is held until the next line shows whether it goes on;
 * a line that is not the format's is joined to it when exactly one way of joining (as cut,
 * or with the space the cut ate) reads as one whole socket line. Two ways that both read: when
 * the first line is whole by itself it is read alone and the second reported as skipped (with
 * its file and line); else an error naming both lines: a wrong socket is worse than none.
 * @module
 */
import { TcpstateError } from '../../model/errors.js';
import type { ParseContext } from './common.js';
import { parseState } from '../../model/state.js';
import { say as c } from '../../i18n/captures.js';

/** What a paste puts where lines were left out (`...`, `[snip]`, `---`): never a line's rest. */
const MARKER = /^\s*(?:\.{2,}|…+|\[[^\]]*\]|\(\s*snip\s*\)|[-=_*#~]{2,})?\s*$/u;

export class WrappedLines {
  private pending: { text: string; idx: number } | undefined;

  /**
   * @param fits would this text read as one whole socket line (no error, no warning)?
   * @param take read a socket line (`idx`: its first line).
   */
  constructor(
    private readonly ctx: ParseContext,
    private readonly fits: (text: string) => boolean,
    private readonly take: (text: string, idx: number) => void,
  ) {}

  /** A socket line: the one held is read, this one held in its place. */
  hold(text: string, idx: number): void {
    this.release();
    this.pending = { text, idx };
  }

  /** Read the socket line held, if any (at any line that is not its continuation, and at the end). */
  release(): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    this.take(p.text, p.idx);
  }

  /**
   * A line that is not one of the format's: true when it was the rest of the socket line
   * held (then read, joined). False otherwise, the held line read as it is.
   */
  join(text: string, idx: number): boolean {
    const p = this.pending;
    if (p === undefined) return false;
    const a = p.text.replace(/[\r\n]+$/, '');
    const b = text.replace(/[\r\n]+$/, '');
    // Cut at a blank: one way. Cut inside a word: as cut, or a space lost at the cut (tmux
    // drops the blanks that end a wrapped row).
    const ways = /\s$/.test(a) || /^\s/.test(b) ? [a + b] : [a + b, `${a} ${b}`];
    const whole = MARKER.test(b) ? [] : ways.filter(this.fits);
    if (whole.length === 0) {
      this.release();
      return false;
    }
    if (whole.length > 1) {
      // A whole line before: the next is a note, not its rest (a paste's own words).
      if (this.fits(a)) {
        this.release();
        return false;
      }
      throw new TcpstateError('ERR_PARSE', c('wrappedTwoWays', this.ctx.firstLine + idx, whole[0]!.trim(), whole[1]!.trim()), { file: this.ctx.file, line: this.ctx.firstLine + p.idx });
    }
    this.pending = undefined;
    this.take(whole[0]!, p.idx);
    return true;
  }
}

/** A parse context that records any warning: what `fits` dry runs read into. */
export function dryContext(ctx: ParseContext): ParseContext & { warned: boolean } {
  const dry = {
    file: ctx.file,
    firstLine: ctx.firstLine,
    warned: false,
    warnings: {
      add: () => {
        dry.warned = true;
      },
      count: () => 0,
    },
  };
  return dry;
}

/**
 * Could this line (not a socket line) be the rest of a wrapped one? It ends with a state
 * word, or is an owner (`PID/name`) or a timer (`kind (s/r/p)`). Such lines count for
 * neither side in format detection (`more`).
 */
export function looksLikeRest(f: readonly string[]): boolean {
  const last = f[f.length - 1];
  if (last === undefined) return false;
  if (/^[A-Z][A-Z0-9_]+$/.test(last) && parseState(last) !== undefined) return true;
  return /^\d+\/\S/.test(f[0]!) || /^\(\d+(?:\.\d+)?\/\d+\/\d+\)$/.test(last);
}
