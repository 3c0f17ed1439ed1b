/**
 * The terminal side of the screen: the alternate screen, a hidden cursor and raw keys while
 * it runs; frames written as the lines that changed since the last one, each frame inside a
 * synchronized update (DEC mode 2026; terminals without it ignore it); and everything
 * restored on leaving, whatever the way out.
 * @module
 */

const CSI = '\x1b[';
export const SYNC_BEGIN = `${CSI}?2026h`;
export const SYNC_END = `${CSI}?2026l`;
const ENTER = `${CSI}?1049h${CSI}?25l${CSI}H${CSI}2J`;
const LEAVE = `${SYNC_END}${CSI}0m${CSI}?25h${CSI}?1049l`;

/**
 * What to write to turn the screen showing `prev` into `next` (pure): only the lines that
 * differ, each by absolute position; everything after clearing when there is no `prev` or
 * the size changed.
 */
export function frameDiff(prev: readonly string[] | undefined, next: readonly string[]): string {
  let out = SYNC_BEGIN;
  const full = !prev || prev.length !== next.length;
  if (full) out += `${CSI}0m${CSI}H${CSI}2J`;
  for (let i = 0; i < next.length; i++) {
    if (!full && prev![i] === next[i]) continue;
    out += `${CSI}${i + 1};1H${next[i]}`;
  }
  return out + SYNC_END;
}

/** Minimal view of the stdin a screen reads keys from. */
export interface KeyInput {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
  on(event: 'data', f: (d: Buffer) => void): unknown;
  removeListener(event: 'data', f: (d: Buffer) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export class Terminal {
  private prev: string[] | undefined;
  private entered = false;
  private raw = false;
  private onData: ((d: Buffer) => void) | undefined;

  constructor(
    private readonly write: (s: string) => void,
    private readonly input: KeyInput,
  ) {}

  /** Alternate screen, cursor hidden, keys raw (when stdin is a terminal), `onKey` per chunk. */
  enter(onKey: (data: string) => void): void {
    this.entered = true;
    this.write(ENTER);
    if (this.input.isTTY && this.input.setRawMode) {
      this.input.setRawMode(true);
      this.raw = true;
    }
    this.onData = (d) => onKey(d.toString('utf8'));
    this.input.on('data', this.onData);
    this.input.resume();
  }

  /** Show `lines`, rewriting only the changed ones (`full`: everything, after a resize). */
  draw(lines: string[], full = false): void {
    if (!this.entered) return;
    this.write(frameDiff(full ? undefined : this.prev, lines));
    this.prev = lines;
  }

  /** Put the terminal back as it was; safe to call more than once, and from an exit handler. */
  leave(): void {
    if (!this.entered) return;
    this.entered = false;
    if (this.onData) this.input.removeListener('data', this.onData);
    if (this.raw) {
      try {
        this.input.setRawMode!(false);
      } catch {
        /* the terminal went away */
      }
    }
    this.raw = false;
    this.input.pause();
    try {
      this.write(LEAVE);
    } catch {
      /* the terminal went away */
    }
  }
}
