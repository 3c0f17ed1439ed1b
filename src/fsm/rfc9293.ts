/**
 * The TCP state machine as data: RFC 9293's event processing (§3.10) as rows
 * (states, events) → (next state, segment sent), each citing its RFC section, with Linux's
 * deviations as notes on a row or as rows marked `only`. States are the kernel codes of
 * src/model/state.ts (CLOSE = 7 stands for the RFC's fictional CLOSED). Sources:
 * /work/shared/research/statemachine-pcap.md §1.3 (row ids U*, S*, T* follow it) and §2.6.
 *
 * A (state, event) pair with no row is not allowed; {@link REFUSALS} holds what the RFC
 * answers to the user calls it refuses, for error messages.
 * @module
 */
import { CLOSE, CLOSE_WAIT, CLOSING, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, LAST_ACK, LISTEN, SYN_RECV, SYN_SENT, TIME_WAIT, type StateCode, RFC_SYNCHRONIZED_STATES } from '../model/state.js';
import { eventInfo, type EventId, SEGMENT_LABEL, type SegmentId } from './events.js';

/** How a SYN_RECV was reached: from LISTEN (passive OPEN) or from SYN_SENT (simultaneous open). RFC 9293 MUST-11. */
export type Origin = 'passive' | 'active';

/** Which of the classic figure's paths an edge belongs to (Stevens: client thick solid, server thick dashed). */
export type PathClass = 'client' | 'server' | 'other' | 'linux';

/** The machine's states, in the order the figures and explanations walk them. */
export const FSM_STATES: readonly StateCode[] = [CLOSE, LISTEN, SYN_RECV, SYN_SENT, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSING, TIME_WAIT, CLOSE_WAIT, LAST_ACK];

export interface Row {
  /** Stable id; U/S/T numbers follow the research table, L marks rows Linux added. */
  readonly id: string;
  readonly from: readonly StateCode[];
  /** For SYN_RECV rows whose outcome depends on how SYN_RECV was reached. */
  readonly origin?: Origin;
  readonly events: readonly EventId[];
  /** Next state, or 'same'. */
  readonly to: StateCode | 'same';
  /** When `to` is SYN_RECV: the origin the new state remembers. */
  readonly toOrigin?: Origin;
  /** Segment sent, or null for none (the RFC's "x"). */
  readonly send: SegmentId | null;
  /** RFC 9293 section(s). */
  readonly rfc: string;
  /** What happens, in one line. */
  readonly action: string;
  /** How Linux does it, where that matters to an operator. */
  readonly linux?: string;
  /** The row holds only for the RFC (Linux refuses it) or only for Linux. */
  readonly only?: 'rfc' | 'linux';
  /** Drawn in the state-transition figure, and on which path. */
  readonly fig?: PathClass;
}

const ALL_SEGMENTS_BUT_RST: readonly EventId[] = ['rcv-syn', 'rcv-syn-ack', 'rcv-ack', 'rcv-ack-of-fin', 'rcv-data', 'rcv-fin', 'rcv-fin-ack'];
const SYNC = RFC_SYNCHRONIZED_STATES;

export const ROWS: readonly Row[] = [
  // ---- user calls -------------------------------------------------------------------
  {
    id: 'U1',
    from: [CLOSE],
    events: ['passive-open'],
    to: LISTEN,
    send: null,
    rfc: '3.10.1',
    fig: 'server',
    action: 'create the TCB and wait for a SYN',
    linux: 'socket(), bind(), listen(): Recv-Q of the LISTEN socket is then its accept queue',
  },
  {
    id: 'U2',
    from: [CLOSE],
    events: ['active-open'],
    to: SYN_SENT,
    send: 'syn',
    rfc: '3.10.1',
    fig: 'client',
    action: 'create the TCB, choose an ISS, send SYN',
    linux: 'connect(); the SYN is retried net.ipv4.tcp_syn_retries (6) times, about 127 s in all',
  },
  {
    id: 'U4',
    from: [LISTEN],
    events: ['active-open', 'send'],
    to: SYN_SENT,
    send: 'syn',
    rfc: '3.10.1, 3.10.2',
    only: 'rfc',
    fig: 'other',
    action: 'a passive socket becomes active: send SYN',
    linux: 'not on Linux: connect() on a listening socket fails with EISCONN (af_inet.c); Berkeley-derived stacks never did it',
  },
  {
    id: 'U5',
    from: [LISTEN],
    events: ['close', 'abort'],
    to: CLOSE,
    send: null,
    rfc: '3.10.4, 3.10.5',
    fig: 'other',
    action: 'delete the TCB; nothing is sent',
    linux: 'close() of a listener resets the connections still waiting in its accept queue',
  },
  {
    id: 'U8',
    from: [SYN_SENT],
    events: ['close', 'abort'],
    to: CLOSE,
    send: null,
    rfc: '3.10.4, 3.10.5',
    fig: 'other',
    action: 'delete the TCB; nothing is sent',
    linux: 'close() during a non-blocking connect() frees the socket silently',
  },
  {
    id: 'U10',
    from: [SYN_RECV],
    events: ['close'],
    to: FIN_WAIT1,
    send: 'fin',
    rfc: '3.10.4',
    fig: 'other',
    action: 'send FIN without waiting for ESTABLISHED',
    linux: 'only for sockets an application holds in SYN_RECV (simultaneous open, TCP Fast Open server children); an accept()ed socket is never SYN_RECV',
  },
  {
    id: 'U11',
    from: [SYN_RECV, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT],
    events: ['abort'],
    to: CLOSE,
    send: 'rst',
    rfc: '3.10.5',
    action: 'send RST, flush the queues, delete the TCB',
    linux: 'tcp_disconnect(): RST (with ACK) then CLOSE, no TIME_WAIT; SO_LINGER {on, 0} makes close() do this',
  },
  {
    id: 'U12',
    from: [ESTABLISHED],
    events: ['close'],
    to: FIN_WAIT1,
    send: 'fin',
    rfc: '3.10.4',
    fig: 'client',
    action: 'send FIN after the data already queued ("active close")',
    linux: 'the state changes at close()/shutdown(SHUT_WR) even while the FIN still waits behind unsent data',
  },
  { id: 'U13', from: [ESTABLISHED, CLOSE_WAIT], events: ['send'], to: 'same', send: 'data', rfc: '3.10.2', action: 'segment the data and send it, with an ACK' },
  {
    id: 'U16',
    from: [CLOSE_WAIT],
    events: ['close'],
    to: LAST_ACK,
    send: 'fin',
    rfc: '3.10.4',
    fig: 'server',
    action: 'send FIN ("passive close")',
    linux: 'happens only when the application calls close(); a CLOSE_WAIT that stays is an application that never closes',
  },
  {
    id: 'U18',
    from: [CLOSING, LAST_ACK, TIME_WAIT],
    events: ['abort'],
    to: CLOSE,
    send: null,
    rfc: '3.10.5',
    action: 'delete the TCB; no RST',
    linux: 'these sockets are usually orphans with no descriptor left; "ss -K" (sock_destroy) can still kill them',
  },
  {
    id: 'U20',
    from: [ESTABLISHED, CLOSE_WAIT],
    events: ['close-unread'],
    to: CLOSE,
    send: 'rst',
    rfc: '3.6.1',
    action: 'received data would be lost: send RST instead of FIN (SHLD-3, RFC 2525 §2.17)',
    linux: 'tcp_close(): data_was_unread → RST and CLOSE, no FIN_WAIT1; counted as TCPAbortOnClose in nstat',
  },

  // ---- segment arrivals -------------------------------------------------------------
  {
    id: 'S1',
    from: [CLOSE],
    events: ALL_SEGMENTS_BUT_RST,
    to: 'same',
    send: 'rst',
    rfc: '3.10.7.1',
    action: 'no connection: answer with RST',
    linux: 'a SYN to a port nobody listens on gets RST,ACK: connect() fails with ECONNREFUSED',
  },
  { id: 'S2', from: [CLOSE], events: ['rcv-rst'], to: 'same', send: null, rfc: '3.10.7.1', action: 'discard the RST' },
  { id: 'S3', from: [LISTEN], events: ['rcv-rst'], to: 'same', send: null, rfc: '3.10.7.2', action: 'ignore the RST' },
  {
    id: 'S4',
    from: [LISTEN],
    events: ['rcv-syn-ack', 'rcv-ack', 'rcv-ack-of-fin', 'rcv-data', 'rcv-fin', 'rcv-fin-ack'],
    to: 'same',
    send: 'rst',
    rfc: '3.10.7.2',
    action: 'an ACK to a listener is unacceptable: answer with RST',
    linux: 'with SYN cookies in use, an ACK may instead complete a handshake the listener kept no state for',
  },
  {
    id: 'S5',
    from: [LISTEN],
    events: ['rcv-syn'],
    to: SYN_RECV,
    toOrigin: 'passive',
    send: 'syn-ack',
    rfc: '3.10.7.2',
    fig: 'server',
    action: "remember the peer's sequence number, send SYN,ACK",
    linux: 'the listener itself stays LISTEN; a request socket (NEW_SYN_RECV, shown as SYN_RECV) is made per SYN, up to tcp_max_syn_backlog; with SYN cookies none is kept',
  },
  {
    id: 'S7',
    from: [SYN_SENT],
    events: ['rcv-ack', 'rcv-data', 'rcv-fin'],
    to: 'same',
    send: 'rst',
    rfc: '3.10.7.3',
    action: 'an ACK that does not acknowledge our SYN is unacceptable: RST, drop it',
  },
  { id: 'S8', from: [SYN_SENT], events: ['rcv-rst'], to: CLOSE, send: null, rfc: '3.10.7.3', action: 'connection refused: delete the TCB', linux: 'connect() fails with ECONNREFUSED' },
  { id: 'S10', from: [SYN_SENT], events: ['rcv-syn-ack'], to: ESTABLISHED, send: 'ack', rfc: '3.10.7.3', fig: 'client', action: 'our SYN is acknowledged: send ACK, the connection is open' },
  {
    id: 'S11',
    from: [SYN_SENT],
    events: ['rcv-syn'],
    to: SYN_RECV,
    toOrigin: 'active',
    send: 'syn-ack',
    rfc: '3.10.7.3',
    fig: 'other',
    action: 'crossed SYNs ("simultaneous open"): send SYN,ACK',
    linux: 'supported: tcp_rcv_synsent_state_process() "simultaneous connect with crossed SYNs"',
  },
  {
    id: 'S13',
    from: [SYN_RECV],
    events: ['rcv-ack'],
    to: ESTABLISHED,
    send: null,
    rfc: '3.10.7.4',
    fig: 'server',
    action: 'the ACK of our SYN completes the handshake',
    linux: 'tcp_check_req() creates the full socket ESTABLISHED and queues it for accept()',
  },
  { id: 'S13d', from: [SYN_RECV], events: ['rcv-data'], to: ESTABLISHED, send: 'ack', rfc: '3.10.7.4', action: "the data's ACK completes the handshake; the data is queued and acknowledged" },
  {
    id: 'S13s',
    from: [SYN_RECV],
    events: ['rcv-syn-ack'],
    to: ESTABLISHED,
    send: null,
    rfc: '3.10.7.4 (Fig. 7)',
    action: "simultaneous open: the peer's SYN,ACK acknowledges our SYN",
    linux: 'tcp_validate_incoming(): "SYN-ACK in SYN_RECV for simultaneous connect" is let through',
  },
  {
    id: 'S15',
    from: [SYN_RECV],
    origin: 'passive',
    events: ['rcv-rst'],
    to: LISTEN,
    send: null,
    rfc: '3.10.7.4, 3.5.3',
    fig: 'other',
    action: 'back to LISTEN (reached from a passive OPEN); the user is not told',
    linux: 'the request socket is dropped; the listener never left LISTEN',
  },
  { id: 'S16', from: [SYN_RECV], origin: 'active', events: ['rcv-rst'], to: CLOSE, send: null, rfc: '3.10.7.4', action: 'reached from an active OPEN: connection refused, delete the TCB' },
  {
    id: 'S17',
    from: [SYN_RECV],
    events: ['rcv-syn'],
    to: 'same',
    send: 'syn-ack',
    rfc: '3.10.7.4',
    action: 'a retransmitted SYN: answer again',
    linux: 'tcp_check_req() sends the SYN,ACK again (the RFC answers the out-of-window SYN with an ACK)',
  },
  { id: 'S18', from: [SYN_RECV], events: ['rcv-fin'], to: CLOSE_WAIT, send: 'ack', rfc: '3.10.7.4', action: "the FIN's ACK completes the handshake, then the FIN closes the peer's side" },
  {
    id: 'S26',
    from: [ESTABLISHED],
    events: ['rcv-fin'],
    to: CLOSE_WAIT,
    send: 'ack',
    rfc: '3.10.7.4',
    fig: 'server',
    action: 'the peer is done sending: acknowledge its FIN, tell the user ("passive close")',
    linux: 'read() returns 0; the socket stays CLOSE_WAIT, with no timer, until the application calls close()',
  },
  {
    id: 'S40',
    from: [ESTABLISHED, FIN_WAIT1, FIN_WAIT2],
    events: ['rcv-data'],
    to: 'same',
    send: 'ack',
    rfc: '3.10.7.4',
    action: 'accept the data and acknowledge it (in FIN_WAIT1/2: the half-closed peer still sends)',
    linux: 'the ACK may be delayed (delayed ACK) or ride on data',
  },
  {
    id: 'S41',
    from: [ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT],
    events: ['rcv-ack'],
    to: 'same',
    send: null,
    rfc: '3.10.7.4',
    action: 'an ACK of data (not of our FIN): update the send window',
  },
  {
    id: 'S24',
    from: SYNC,
    events: ['rcv-syn'],
    to: 'same',
    send: 'ack',
    rfc: '3.10.7.4',
    action: 'a SYN in a synchronized state: answer with a challenge ACK (RFC 5961 §4)',
    linux: 'challenge ACKs are rate-limited (tcp_challenge_ack_limit); in TIME_WAIT a SYN with a higher sequence number or newer timestamp may open a new connection (MAY-2) when a listener exists',
  },
  { id: 'S19', from: SYNC, events: ['rcv-syn-ack'], to: 'same', send: 'ack', rfc: '3.10.7.4', action: 'a duplicate SYN,ACK (our ACK was lost) is outside the window: answer with an ACK' },
  {
    id: 'S22',
    from: [ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT],
    events: ['rcv-rst'],
    to: CLOSE,
    send: null,
    rfc: '3.10.7.4',
    action: 'connection reset: flush the queues, delete the TCB',
    linux: 'the application sees ECONNRESET (or EPIPE on write)',
  },
  { id: 'S23', from: [CLOSING, LAST_ACK], events: ['rcv-rst'], to: CLOSE, send: null, rfc: '3.10.7.4', action: 'delete the TCB' },
  {
    id: 'S23t',
    from: [TIME_WAIT],
    events: ['rcv-rst'],
    to: CLOSE,
    send: null,
    rfc: '3.10.7.4',
    action: 'delete the TCB ("TIME_WAIT assassination", RFC 1337)',
    linux: 'the timewait socket is killed unless net.ipv4.tcp_rfc1337=1 (default 0)',
  },
  {
    id: 'S27',
    from: [FIN_WAIT1],
    events: ['rcv-ack-of-fin'],
    to: FIN_WAIT2,
    send: null,
    rfc: '3.10.7.4',
    fig: 'client',
    action: "our FIN is acknowledged; wait for the peer's FIN",
    linux: 'an orphaned socket (the application closed it) now has net.ipv4.tcp_fin_timeout to receive the FIN',
  },
  { id: 'S28', from: [FIN_WAIT1], events: ['rcv-fin'], to: CLOSING, send: 'ack', rfc: '3.10.7.4', fig: 'other', action: 'crossed FINs ("simultaneous close"): acknowledge the peer\'s FIN' },
  {
    id: 'S29',
    from: [FIN_WAIT1],
    events: ['rcv-fin-ack'],
    to: TIME_WAIT,
    send: 'ack',
    rfc: '3.10.7.4',
    fig: 'other',
    action: 'the FIN also acknowledges ours (Figure 5, note 2): acknowledge it, start the 2MSL timer',
    linux: 'tcp_time_wait(): a timewait socket for 60 s',
  },
  {
    id: 'S31',
    from: [FIN_WAIT2],
    events: ['rcv-fin'],
    to: TIME_WAIT,
    send: 'ack',
    rfc: '3.10.7.4',
    fig: 'client',
    action: "acknowledge the peer's FIN, start the 2MSL timer",
    linux: 'TIME_WAIT is a small timewait socket, 60 s (TCP_TIMEWAIT_LEN), no descriptor',
  },
  { id: 'S32', from: [CLOSE_WAIT, CLOSING, LAST_ACK], events: ['rcv-fin'], to: 'same', send: 'ack', rfc: '3.10.7.4', action: "the peer's FIN again (our ACK was lost): acknowledge it again" },
  { id: 'S33', from: [CLOSING], events: ['rcv-ack-of-fin'], to: TIME_WAIT, send: null, rfc: '3.10.7.4', fig: 'other', action: 'our FIN is acknowledged: start the 2MSL timer' },
  {
    id: 'S35',
    from: [LAST_ACK],
    events: ['rcv-ack-of-fin'],
    to: CLOSE,
    send: null,
    rfc: '3.10.7.4',
    fig: 'server',
    action: 'our FIN is acknowledged: delete the TCB',
    linux: "if that ACK is lost, LAST_ACK retransmits the FIN (tcp_orphan_retries) and the peer's TIME_WAIT answers",
  },
  {
    id: 'S37',
    from: [TIME_WAIT],
    events: ['rcv-fin'],
    to: 'same',
    send: 'ack',
    rfc: '3.10.7.4',
    action: "the peer's FIN again (our last ACK was lost): acknowledge it, restart the 2MSL timer",
    linux: 'tcp_timewait_state_process(): ACK sent, the 60 s timer re-armed',
  },

  // ---- timers -----------------------------------------------------------------------
  {
    id: 'T1',
    from: [TIME_WAIT],
    events: ['timeout-2msl'],
    to: CLOSE,
    send: null,
    rfc: '3.10.8',
    fig: 'client',
    action: 'the 2MSL timer expires (RFC: MSL = 2 min, so 4 min): delete the TCB',
    linux: 'fixed 60 s (TCP_TIMEWAIT_LEN), not a sysctl; net.ipv4.tcp_tw_reuse lets connect() reuse the 4-tuple sooner',
  },
  {
    id: 'T2',
    from: [SYN_SENT, ESTABLISHED, FIN_WAIT1, CLOSE_WAIT, CLOSING, LAST_ACK],
    events: ['user-timeout'],
    to: CLOSE,
    send: null,
    rfc: '3.10.8',
    action: 'data unacknowledged for the user timeout: abort, delete the TCB',
    linux: 'TCP_USER_TIMEOUT socket option; the application sees ETIMEDOUT; no RST is sent',
  },
  { id: 'T3s', from: [SYN_SENT], events: ['rto'], to: 'same', send: 'syn', rfc: '3.10.8, 3.8.1', action: 'retransmit the SYN', linux: 'first after 1 s, then doubling (RFC 6298)' },
  { id: 'T3r', from: [SYN_RECV], events: ['rto'], to: 'same', send: 'syn-ack', rfc: '3.10.8, 3.8.1', action: 'retransmit the SYN,ACK', linux: 'up to net.ipv4.tcp_synack_retries (5) times' },
  { id: 'T3f', from: [FIN_WAIT1, CLOSING, LAST_ACK], events: ['rto'], to: 'same', send: 'fin', rfc: '3.10.8, 3.8.1', action: 'retransmit the FIN' },
  {
    id: 'T4s',
    from: [SYN_SENT],
    events: ['retrans-giveup'],
    to: CLOSE,
    send: null,
    rfc: '3.8.3',
    fig: 'other',
    action: 'the SYN was retransmitted until R2 (at least 3 min): give up',
    linux: 'after net.ipv4.tcp_syn_retries (6) retransmissions, about 127 s: connect() fails with ETIMEDOUT',
  },
  {
    id: 'T4p',
    from: [SYN_RECV],
    origin: 'passive',
    events: ['retrans-giveup'],
    to: LISTEN,
    send: null,
    rfc: '3.8.3',
    action: 'the SYN,ACK was never acknowledged: forget the half-open connection',
    linux: 'the request socket expires after net.ipv4.tcp_synack_retries (5) retransmissions, about 63 s',
  },
  { id: 'T4a', from: [SYN_RECV], origin: 'active', events: ['retrans-giveup'], to: CLOSE, send: null, rfc: '3.8.3', action: 'give up: delete the TCB' },
  {
    id: 'T4',
    from: [ESTABLISHED, FIN_WAIT1, CLOSE_WAIT, CLOSING, LAST_ACK],
    events: ['retrans-giveup'],
    to: CLOSE,
    send: null,
    rfc: '3.8.3',
    action: 'retransmission reached R2 (at least 100 s): close the connection, tell the user',
    linux: 'net.ipv4.tcp_retries2 (15, about 924.6 s) for sockets with a descriptor, tcp_orphan_retries (0 means 8) for orphans; ETIMEDOUT, no RST',
  },
  {
    id: 'L1',
    from: [FIN_WAIT2],
    events: ['fin-timeout'],
    to: CLOSE,
    send: null,
    rfc: '3.10.7.4',
    only: 'linux',
    fig: 'linux',
    action: 'an orphaned FIN_WAIT2 is given up silently (the RFC has no FIN-WAIT-2 timer)',
    linux: 'net.ipv4.tcp_fin_timeout (60 s) or TCP_LINGER2; only after the application closed; after shutdown(SHUT_WR) FIN_WAIT2 waits for ever',
  },
  {
    id: 'L2',
    from: [TIME_WAIT],
    events: ['tw-overflow'],
    to: CLOSE,
    send: null,
    rfc: '3.6.1',
    only: 'linux',
    action: 'no TIME_WAIT is kept: the socket closes at once',
    linux: 'tcp_time_wait(): no timewait socket when net.ipv4.tcp_max_tw_buckets is reached; nstat TcpExtTCPTimeWaitOverflow counts it',
  },
];

/** A user call the RFC answers with an error (no row: the state machine does not move). */
export interface Refusal {
  readonly from: readonly StateCode[];
  readonly events: readonly EventId[];
  readonly rfc: string;
  readonly says: string;
}

const NOT_CLOSED = [LISTEN, SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT];
const CLOSING_DOWN = [FIN_WAIT1, FIN_WAIT2, CLOSING, LAST_ACK, TIME_WAIT];

export const REFUSALS: readonly Refusal[] = [
  { from: NOT_CLOSED, events: ['passive-open', 'active-open'], rfc: '3.10.1', says: 'error: connection already exists' },
  { from: [CLOSE], events: ['send', 'close', 'close-unread', 'abort'], rfc: '3.10.2-3.10.5', says: 'error: connection does not exist' },
  { from: CLOSING_DOWN, events: ['send', 'close', 'close-unread'], rfc: '3.10.2, 3.10.4', says: 'error: connection closing' },
];

/** A row as a figure edge label, RFC style: `rcv SYN / snd SYN,ACK`, `CLOSE / x`. */
export function rowLabel(row: Row): string {
  const ev = row.events.map((e) => eventInfo(e).label).join(' or ');
  return `${ev} / ${row.send ? `snd ${SEGMENT_LABEL[row.send]}` : 'x'}`;
}
