/**
 * The one TCP state table. Every spelling of a state that any tool prints or accepts is
 * resolved here and only here; the rest of tcpstate works with the kernel's numeric code.
 *
 * Codes are Linux's `enum` in include/net/tcp_states.h. NEW_SYN_RECV (12) is a request
 * socket (a half-open passive connection) and is reported as SYN_RECV, as /proc and ss do.
 * BOUND_INACTIVE (13) is inet_diag's pseudo-state for bound-only sockets (`ss -B`).
 * @module
 */

/** Kernel state code. 0 stands for UNKNOWN (any code tcpstate does not know). */
export type StateCode = number;

export const UNKNOWN = 0;
export const ESTABLISHED = 1;
export const SYN_SENT = 2;
export const SYN_RECV = 3;
export const FIN_WAIT1 = 4;
export const FIN_WAIT2 = 5;
export const TIME_WAIT = 6;
export const CLOSE = 7;
export const CLOSE_WAIT = 8;
export const LAST_ACK = 9;
export const LISTEN = 10;
export const CLOSING = 11;
export const NEW_SYN_RECV = 12;
export const BOUND_INACTIVE = 13;

/** One row of the state table. */
export interface StateInfo {
  /** Kernel code (1..11; 0 for UNKNOWN). */
  readonly code: StateCode;
  /** netstat's spelling: the one tcpstate prints. */
  readonly name: string;
  /** ss's output spelling (`ESTAB`, `SYN-RECV`, `UNCONN`). */
  readonly ss: string;
  /** RFC 9293's spelling (`SYN-RECEIVED`); CLOSE maps to the RFC's fictional CLOSED. */
  readonly rfc: string;
  /** Prometheus label value, node_exporter style (`syn_recv`). */
  readonly label: string;
  /** Other spellings accepted on input (compared after normalisation, see {@link normalizeToken}). */
  readonly aliases: readonly string[];
}

/**
 * The states in the order tcpstate prints them: the order of the seed's awk summaries
 * and of `netstat`'s man page, connection life first, then the rest, UNKNOWN last.
 */
export const STATES: readonly StateInfo[] = [
  { code: ESTABLISHED, name: 'ESTABLISHED', ss: 'ESTAB', rfc: 'ESTABLISHED', label: 'established', aliases: ['ESTAB', 'ESTABLISHED', '01', '1'] },
  {
    code: SYN_SENT,
    name: 'SYN_SENT',
    ss: 'SYN-SENT',
    rfc: 'SYN-SENT',
    label: 'syn_sent',
    // SYN_SEND: the spelling in Microsoft's netstat documentation.
    aliases: ['SYNSENT', 'SYNSEND', '02', '2'],
  },
  {
    code: SYN_RECV,
    name: 'SYN_RECV',
    ss: 'SYN-RECV',
    rfc: 'SYN-RECEIVED',
    label: 'syn_recv',
    aliases: ['SYNRECV', 'SYNRCVD', 'SYNRCV', 'SYNRECEIVED', 'SYNRECVD', 'NEWSYNRECV', '03', '3', '0C', '12'],
  },
  { code: FIN_WAIT1, name: 'FIN_WAIT1', ss: 'FIN-WAIT-1', rfc: 'FIN-WAIT-1', label: 'fin_wait1', aliases: ['FINWAIT1', '04', '4'] },
  { code: FIN_WAIT2, name: 'FIN_WAIT2', ss: 'FIN-WAIT-2', rfc: 'FIN-WAIT-2', label: 'fin_wait2', aliases: ['FINWAIT2', '05', '5'] },
  { code: TIME_WAIT, name: 'TIME_WAIT', ss: 'TIME-WAIT', rfc: 'TIME-WAIT', label: 'time_wait', aliases: ['TIMEWAIT', 'TIMEDWAIT', '06', '6'] },
  {
    code: CLOSE,
    name: 'CLOSE',
    ss: 'UNCONN',
    rfc: 'CLOSED',
    label: 'close',
    // Windows: BOUND (netstat -q, bound and not connected, what Linux shows as CLOSE) and
    // DELETE_TCB (the TCB is being deleted: closed in all but name).
    aliases: ['CLOSE', 'CLOSED', 'UNCONN', 'BOUND', 'DELETETCB', '07', '7'],
  },
  { code: CLOSE_WAIT, name: 'CLOSE_WAIT', ss: 'CLOSE-WAIT', rfc: 'CLOSE-WAIT', label: 'close_wait', aliases: ['CLOSEWAIT', '08', '8'] },
  { code: LAST_ACK, name: 'LAST_ACK', ss: 'LAST-ACK', rfc: 'LAST-ACK', label: 'last_ack', aliases: ['LASTACK', '09', '9'] },
  { code: LISTEN, name: 'LISTEN', ss: 'LISTEN', rfc: 'LISTEN', label: 'listen', aliases: ['LISTEN', 'LISTENING', '0A', '10'] },
  { code: CLOSING, name: 'CLOSING', ss: 'CLOSING', rfc: 'CLOSING', label: 'closing', aliases: ['CLOSING', '0B', '11'] },
  { code: UNKNOWN, name: 'UNKNOWN', ss: 'UNKNOWN', rfc: 'UNKNOWN', label: 'unknown', aliases: ['UNKNOWN', 'UNDEF', 'NONE'] },
];

/** Codes of the known states, in print order, without UNKNOWN. */
export const KNOWN_CODES: readonly StateCode[] = STATES.filter((s) => s.code !== UNKNOWN).map((s) => s.code);
/** Print order index of each code, UNKNOWN last. */
export const PRINT_ORDER: readonly StateCode[] = STATES.map((s) => s.code);

const byCode: StateInfo[] = [];
for (const s of STATES) byCode[s.code] = s;
const unknownInfo = byCode[UNKNOWN]!;

/**
 * Map any kernel code to the code tcpstate reports: NEW_SYN_RECV → SYN_RECV, codes it does
 * not know → UNKNOWN. BOUND_INACTIVE is kept apart as UNKNOWN too: it is not a TCP state.
 */
export function canonicalCode(code: number): StateCode {
  if (code === NEW_SYN_RECV) return SYN_RECV;
  return code >= 1 && code <= 11 ? code : UNKNOWN;
}

/** The row for a code (after {@link canonicalCode}). */
export function stateInfo(code: StateCode): StateInfo {
  return byCode[canonicalCode(code)] ?? unknownInfo;
}

/**
 * netstat's spelling of a state code: the name every command prints, the state machine's
 * texts and figures too (code 7 is CLOSE, as netstat and /proc say; the RFC's CLOSED is
 * {@link rfcStateName}'s, and is accepted on input).
 */
export function stateName(code: StateCode): string {
  return stateInfo(code).name;
}

/**
 * A socket's state as its protocol names it: a UDP socket in CLOSE is unconnected, `UNCONN`
 * as ss says (it was never a TCP CLOSE); every other state is {@link stateName}'s.
 */
export function socketStateName(udp: boolean, code: StateCode): string {
  return udp && code === CLOSE ? 'UNCONN' : stateName(code);
}

/** ss's spelling of a state code. */
export function ssStateName(code: StateCode): string {
  return stateInfo(code).ss;
}

/** Prometheus label value of a state code. */
export function stateLabel(code: StateCode): string {
  return stateInfo(code).label;
}

/** RFC 9293 spelling of a state code. */
export function rfcStateName(code: StateCode): string {
  return stateInfo(code).rfc;
}

/**
 * Fold a spelling to a comparison key: upper case, with `-`, `_`, spaces and dots removed,
 * so `SYN_RECV`, `SYN-RECV`, `syn-recv` and `SynReceived` meet. Windows' and macOS' names
 * (`FIN_WAIT_2`, `LISTENING`, `SynReceived`) fold the same way.
 */
export function normalizeToken(token: string): string {
  return token
    .trim()
    .toUpperCase()
    .replace(/[-_.\s]/g, '');
}

const byToken = new Map<string, StateCode>();
for (const s of STATES) {
  byToken.set(normalizeToken(s.name), s.code);
  byToken.set(normalizeToken(s.ss), s.code);
  byToken.set(normalizeToken(s.rfc), s.code);
  byToken.set(normalizeToken(s.label), s.code);
  for (const a of s.aliases) byToken.set(normalizeToken(a), s.code);
}
// Hex codes with a 0x prefix, and lower-case hex (`0a`) fold through normalizeToken already.
for (const s of STATES) byToken.set('0X' + s.code.toString(16).toUpperCase().padStart(2, '0'), s.code);
byToken.set('0X0C', SYN_RECV);

/**
 * Parse any spelling of a single state: netstat's, ss's, the RFC's, node_exporter's, hex
 * kernel codes (`0A`, `0x0a`), Windows' and BSD's, in any case.
 * @returns the state code, or `undefined` when the token names no state.
 */
export function parseState(token: string): StateCode | undefined {
  return byToken.get(normalizeToken(token));
}

/** A set of states, as a bitmask over codes 0..15 (bit n = code n). */
export type StateMask = number;

/** Bit for one code. */
export function maskOf(...codes: StateCode[]): StateMask {
  let m = 0;
  for (const c of codes) m |= 1 << canonicalCode(c);
  return m;
}

export function maskHas(mask: StateMask, code: StateCode): boolean {
  return (mask & (1 << canonicalCode(code))) !== 0;
}

/** Every state, UNKNOWN included. */
export const ALL_MASK: StateMask = maskOf(...PRINT_ORDER);

/**
 * ss's named state groups (ss.8, STATE-FILTER). `connected`: all but LISTEN and CLOSE;
 * `synchronized`: connected but SYN-SENT; `bucket`: states kept as minisockets
 * (SYN-RECV, TIME-WAIT); `big`: the opposite of bucket.
 */
export const SS_GROUPS: Readonly<Record<string, StateMask>> = {
  all: ALL_MASK,
  connected: ALL_MASK & ~maskOf(LISTEN, CLOSE),
  synchronized: ALL_MASK & ~maskOf(LISTEN, CLOSE, SYN_SENT),
  bucket: maskOf(SYN_RECV, TIME_WAIT),
  big: ALL_MASK & ~maskOf(SYN_RECV, TIME_WAIT),
};

/**
 * RFC 9293's synchronized states (§3.10.7.4, "If the connection is in a synchronized state"):
 * the connection has been established in both directions. Unlike ss's `synchronized` group it
 * leaves out SYN-RECEIVED and keeps TIME-WAIT. In the RFC's order.
 */
export const RFC_SYNCHRONIZED_STATES: readonly StateCode[] = [ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT];

/** {@link RFC_SYNCHRONIZED_STATES} as a mask. */
export const RFC_SYNCHRONIZED: StateMask = maskOf(...RFC_SYNCHRONIZED_STATES);

/** What ss/netstat list by default: everything but LISTEN (and, for ss, CLOSE). */
export const DEFAULT_LS_MASK: StateMask = ALL_MASK & ~maskOf(LISTEN);

/**
 * Parse a state word or a group name (`time-wait`, `connected`) into a mask.
 * @returns undefined when the word is neither.
 */
export function parseStateOrGroup(token: string): StateMask | undefined {
  const group = SS_GROUPS[token.trim().toLowerCase()];
  if (group !== undefined) return group;
  const code = parseState(token);
  return code === undefined ? undefined : maskOf(code);
}

/** The input words a user may type for states, for error messages and help. */
export function stateWords(): string[] {
  return [...SS_INPUT_WORDS, ...Object.keys(SS_GROUPS)];
}

/** ss's own input words for the states (ss.8), in print order. */
export const SS_INPUT_WORDS: readonly string[] = ['established', 'syn-sent', 'syn-recv', 'fin-wait-1', 'fin-wait-2', 'time-wait', 'closed', 'close-wait', 'last-ack', 'listening', 'closing'];

/** Codes in a mask, in print order. */
export function codesOf(mask: StateMask): StateCode[] {
  return PRINT_ORDER.filter((c) => maskHas(mask, c));
}
