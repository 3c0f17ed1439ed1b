/**
 * Colour for text outputs on a terminal (pure): which states an operator should look at,
 * non-zero queues, doctor's severities; and whether to colour at all (`--color=WHEN`,
 * NO_COLOR, TERM=dumb, a terminal or not). Renderers lay text out without colour; these
 * functions add SGR sequences around cells afterwards, so widths never count escapes.
 * @module
 */
import { CLOSE, CLOSE_WAIT, CLOSING, FIN_WAIT1, LAST_ACK, LISTEN, PRINT_ORDER, type StateCode, stateName, SYN_RECV, SYN_SENT } from '../model/state.js';
import { F_HAS_QUEUES, PROTO_UDP, type SocketTable } from '../model/table.js';

/** `--color=WHEN`, as GNU ls and grep take it. */
export type ColourWhen = 'auto' | 'always' | 'never';
export const COLOUR_WHEN: readonly ColourWhen[] = ['auto', 'always', 'never'];

/**
 * Colour or not: `never` and `always` decide; `auto` colours a terminal unless NO_COLOR is set
 * (to anything but the empty string, no-color.org) or TERM is `dumb`. An explicit
 * `--color=always` wins over NO_COLOR, as no-color.org asks.
 */
export function useColour(when: ColourWhen, env: Readonly<Record<string, string | undefined>>, isTty: boolean): boolean {
  if (when !== 'auto') return when === 'always';
  return isTty && (env['NO_COLOR'] ?? '') === '' && env['TERM'] !== 'dumb';
}

const RESET = '\x1b[0m';

/** `text` inside SGR `codes` (`1;31`); as it is without codes. */
export function paint(text: string, codes: string | undefined): string {
  return codes === undefined || text === '' ? text : `\x1b[${codes}m${text}${RESET}`;
}

/** Bold red: CLOSE_WAIT is an application that has not closed its socket. */
export const ALERT = '1;31';
/** Yellow: states that should pass quickly, and queues with bytes waiting. */
export const WATCH = '33';
const BOLD = '1';
const DIM = '2';

/**
 * The colour of a state an operator should look at: CLOSE_WAIT bold red; handshakes and
 * closes that should be brief (SYN_SENT, SYN_RECV, FIN_WAIT1, CLOSING, LAST_ACK) yellow.
 * The usual ones (ESTABLISHED, LISTEN, TIME_WAIT, FIN_WAIT2, ...) stay plain, so the eye goes
 * to the others.
 */
export function stateSgr(code: StateCode): string | undefined {
  switch (code) {
    case CLOSE_WAIT:
      return ALERT;
    case SYN_SENT:
    case SYN_RECV:
    case FIN_WAIT1:
    case CLOSING:
    case LAST_ACK:
      return WATCH;
    default:
      return undefined;
  }
}

/** Doctor's severities: critical bold red, warning bold yellow, info plain bold. */
export function severitySgr(severity: 'info' | 'warning' | 'critical'): string {
  return severity === 'critical' ? ALERT : severity === 'warning' ? '1;33' : BOLD;
}

/** Where each of the first `n` columns starts, from the widths of a listing (one space between). */
export function columnStarts(widths: readonly number[], n: number): number[] {
  const at: number[] = [];
  let x = 0;
  for (let j = 0; j < n; j++) {
    at.push(x);
    x += widths[j]! + 1;
  }
  return at;
}

const RECVQ = 1,
  SENDQ = 2,
  STATE = 5;

/**
 * One line of `ls`'s text (row `i` of `t`, laid out with `widths`) with its state and its
 * non-zero queues coloured. A listener's Send-Q is its backlog, not bytes waiting: left plain.
 */
export function colourLsLine(line: string, t: SocketTable, i: number, at: readonly number[], widths: readonly number[]): string {
  const spans: [number, number, string][] = [];
  if ((t.flags[i]! & F_HAS_QUEUES) !== 0) {
    const listen = t.state[i] === LISTEN;
    for (const [col, v] of [
      [RECVQ, t.recvQ[i]!],
      [SENDQ, listen ? 0 : t.sendQ[i]!],
    ] as const) {
      if (v === 0) continue;
      const end = at[col]! + widths[col]!;
      spans.push([end - String(v).length, end, WATCH]);
    }
  }
  const s = t.state[i]!;
  const sgr = s === CLOSE && t.proto[i] === PROTO_UDP ? undefined : stateSgr(s);
  if (sgr !== undefined) spans.push([at[STATE]!, at[STATE]! + stateName(s).length, sgr]);
  let out = line;
  // Right to left, so earlier positions stay where they were.
  for (const [from, to, codes] of spans.sort((a, b) => b[0] - a[0])) {
    if (from >= line.length) continue;
    out = out.slice(0, from) + paint(out.slice(from, to), codes) + out.slice(to);
  }
  return out;
}

/**
 * A writer of `ls`'s text that colours it line by line as it passes (the text arrives in
 * blocks that may split lines): the header bold, then row by row from the table.
 */
export function lsColourer(t: SocketTable, widths: readonly number[], header: boolean, out: (text: string) => void): { write(text: string): void; end(): void } {
  const at = columnStarts(widths, STATE + 1);
  let carry = '';
  let k = header ? -1 : 0;
  const line = (l: string): string => (k < 0 ? paint(l, BOLD) : k < t.length ? colourLsLine(l, t, k, at, widths) : l);
  return {
    write(text) {
      let from = 0;
      let parts = '';
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        parts += line(carry + text.slice(from, nl)) + '\n';
        carry = '';
        k++;
        from = nl + 1;
      }
      carry += text.slice(from);
      if (parts !== '') out(parts);
    },
    end() {
      if (carry !== '') out(line(carry));
      carry = '';
    },
  };
}

/**
 * `count`'s state list (renderCounts: a header, a line per state in PRINT_ORDER, the total)
 * coloured: a state worth a look with sockets in its colour, states with none dim.
 */
export function colourCounts(text: string, counts: ArrayLike<number>): string {
  const lines = text.split('\n');
  return lines
    .map((l, k) => {
      if (k === 0) return paint(l, BOLD);
      const code = PRINT_ORDER[k - 1];
      if (code === undefined) return k === PRINT_ORDER.length + 1 ? paint(l, BOLD) : l;
      return counts[code] === 0 ? paint(l, DIM) : paint(l, stateSgr(code));
    })
    .join('\n');
}
