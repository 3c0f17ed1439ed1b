/**
 * A terminal for tests of full-screen and coloured output: a tmux server of its own (its own
 * socket, so tests in parallel never meet), one window running a command, its screen read
 * with capture-pane. Stopped by `kill()` (the server, its window and the scratch directory).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let serial = 0;

/** `s` quoted for a POSIX shell. */
export const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export interface TmuxOptions {
  cols?: number;
  rows?: number;
  /** `NAME=value` set in the window's environment. */
  env?: string[];
}

export class Tmux {
  readonly socket = `tcst-tmux-${process.pid}-${++serial}`;
  /** A scratch directory the command may write to (removed by `kill()`). */
  readonly dir = mkdtempSync(join(tmpdir(), 'tcst-tmux-'));

  /** `command`: a shell command line, made with this terminal's scratch directory. */
  constructor(command: (dir: string) => string, o: TmuxOptions = {}) {
    const env = (o.env ?? []).flatMap((e) => ['-e', e]);
    this.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'w', '-x', String(o.cols ?? 80), '-y', String(o.rows ?? 24), ...env, command(this.dir));
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm-256color' } });
  }

  /** The screen's text (`escapes`: with its colour codes; `history`: the lines scrolled off too). */
  capture(escapes = false, history = false): string {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), ...(history ? ['-S', '-'] : []), '-t', 'w');
  }

  keys(...k: string[]): void {
    this.tmux('send-keys', '-t', 'w', ...k);
  }

  /** The pane's shell, whose child is the command. */
  panePid(): number {
    return Number(this.tmux('display-message', '-p', '-t', 'w', '#{pane_pid}').trim());
  }

  /** The screen once `pred` holds of it; fails naming `what` with the last screen after `ms`. */
  async waitFor(what: string, pred: (screen: string) => boolean, ms = 15_000): Promise<string> {
    const end = Date.now() + ms;
    let s = '';
    while (Date.now() < end) {
      s = this.capture();
      if (pred(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`screen never showed ${what}:\n${s}`);
  }

  /** A file the command wrote in {@link dir}, if it has. */
  file(name: string): string | undefined {
    const p = join(this.dir, name);
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      /* gone */
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
