/**
 * The screen's interaction state and what each key does to it (pure): pause, help, grouping,
 * sort, filter typing, interval, reset, quit. The runner (./screen-run.ts) carries out the
 * returned effect (a new read request, a new interval, a redraw).
 * @module
 */

/** Groupings `g` cycles through (count --by keys); undefined: the pane is off. */
export const GROUPINGS: readonly (string | undefined)[] = [undefined, 'lport', 'rport', 'raddr', 'rnet', 'process'];

/** Intervals `+` and `-` step through, seconds. */
export const INTERVALS: readonly number[] = [0.25, 0.5, 1, 2, 5, 10, 30, 60];

export interface ScreenUi {
  paused: boolean;
  help: boolean;
  /** Group key of the groups pane; undefined: off. */
  grouping: string | undefined;
  /** The filter being typed after `/`; undefined when not typing. */
  editing?: string;
  /** The filter in force (ss words joined by spaces). */
  filter: string;
  /** What went wrong last (a filter that did not parse, a failed read); cleared by the next good one. */
  error?: string;
  intervalS: number;
  /** Where the sockets are read (title). */
  where: string;
  /** The doctor's latest word (a status line), when it runs beside the view. */
  doctor?: DoctorLine;
}

/** The doctor's findings in one line: the worst first, how many more. */
export interface DoctorLine {
  worst: 'pending' | 'ok' | 'info' | 'warning' | 'critical' | 'error';
  /** The worst finding's title, or why the doctor could not run. */
  text: string;
  more: number;
}

export type KeyEffect = 'none' | 'quit' | 'redraw' | 'interval' | 'grouping' | 'filter' | 'reset' | 'sort';

/** The next interval up (`+`) or down (`-`) from `s`. */
export function stepInterval(s: number, up: boolean): number {
  if (up) return INTERVALS.find((x) => x > s) ?? s;
  return [...INTERVALS].reverse().find((x) => x < s) ?? s;
}

/**
 * Apply one key (a character, or "\r", "\x1b", "\x7f", "\x03") to `ui`. `check` says why a
 * filter text does not parse (undefined when it does): a bad filter is shown in place and
 * the one in force stays.
 */
export function handleKey(ui: ScreenUi, key: string, check: (filter: string) => string | undefined): KeyEffect {
  if (key === '\x03') return 'quit';
  if (ui.editing !== undefined) {
    if (key === '\r' || key === '\n') {
      const text = ui.editing.trim().replace(/\s+/g, ' ');
      ui.editing = undefined;
      const why = check(text);
      if (why !== undefined) {
        ui.error = why;
        return 'redraw';
      }
      delete ui.error;
      if (text === ui.filter) return 'redraw';
      ui.filter = text;
      return 'filter';
    }
    if (key === '\x1b') {
      ui.editing = undefined;
      return 'redraw';
    }
    if (key === '\x7f' || key === '\b') {
      ui.editing = ui.editing.slice(0, -1);
      return 'redraw';
    }
    if (key === '\x15') {
      ui.editing = '';
      return 'redraw';
    }
    if (key >= ' ' && !key.startsWith('\x1b')) {
      if (ui.editing.length < 200) ui.editing += key;
      return 'redraw';
    }
    return 'none';
  }
  if (ui.help) {
    ui.help = false;
    return key === 'q' ? 'quit' : 'redraw';
  }
  switch (key) {
    case 'q':
    case 'Q':
      return 'quit';
    case ' ':
      ui.paused = !ui.paused;
      return 'redraw';
    case '?':
    case 'h':
      ui.help = true;
      return 'redraw';
    case 'g':
      ui.grouping = GROUPINGS[(GROUPINGS.indexOf(ui.grouping) + 1) % GROUPINGS.length];
      return 'grouping';
    case 's':
      return 'sort';
    case 'r':
      return 'reset';
    case '/':
      ui.editing = ui.filter;
      return 'redraw';
    case '+':
    case '=': {
      const n = stepInterval(ui.intervalS, true);
      if (n === ui.intervalS) return 'none';
      ui.intervalS = n;
      return 'interval';
    }
    case '-':
    case '_': {
      const n = stepInterval(ui.intervalS, false);
      if (n === ui.intervalS) return 'none';
      ui.intervalS = n;
      return 'interval';
    }
    default:
      return 'none';
  }
}

/** Split raw terminal input into keys: escape sequences (arrows) whole, else one character each. */
export function splitKeys(data: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < data.length; ) {
    if (data[i] === '\x1b' && data[i + 1] === '[') {
      let j = i + 2;
      while (j < data.length && !/[A-Za-z~]/.test(data[j]!)) j++;
      out.push(data.slice(i, j + 1));
      i = j + 1;
    } else {
      const ch = String.fromCodePoint(data.codePointAt(i)!);
      out.push(ch);
      i += ch.length;
    }
  }
  return out;
}
