/**
 * The event vocabulary of the TCP state machine (RFC 9293 §3.3.2, §3.10) and the segments
 * an endpoint puts on the wire. Ids are stable: scripts, `simulate --events` and the pcap
 * reconstruction name events by them. Add, never rename.
 * @module
 */
import { say } from '../i18n/options.js';
import { TcpstateError } from '../model/errors.js';

/** Stable event ids. */
export type EventId =
  // user calls (RFC 9293 §3.10.1–3.10.5)
  | 'passive-open'
  | 'active-open'
  | 'send'
  | 'close'
  | 'close-unread'
  | 'abort'
  // segment arrivals (§3.10.7)
  | 'rcv-syn'
  | 'rcv-syn-ack'
  | 'rcv-ack'
  | 'rcv-ack-of-fin'
  | 'rcv-data'
  | 'rcv-fin'
  | 'rcv-fin-ack'
  | 'rcv-rst'
  // timers (§3.10.8, §3.8.3) and Linux's own
  | 'rto'
  | 'retrans-giveup'
  | 'user-timeout'
  | 'timeout-2msl'
  | 'fin-timeout'
  | 'tw-overflow';

export type EventKind = 'user' | 'segment' | 'timer' | 'kernel';

/** Segments an endpoint sends. `null` in a row means nothing is sent (the RFC's "x"). */
export type SegmentId = 'syn' | 'syn-ack' | 'ack' | 'data' | 'fin' | 'rst';

export interface EventInfo {
  readonly id: EventId;
  readonly kind: EventKind;
  /** The label on a figure edge, RFC style (`rcv SYN`, `CLOSE`, `Timeout=2MSL`). */
  readonly label: string;
  /** What the event is, one sentence. */
  readonly means: string;
  /** Only Linux has this event. */
  readonly linuxOnly?: boolean;
  /** Other spellings accepted by {@link parseEvent}. */
  readonly aliases: readonly string[];
}

export const EVENTS: readonly EventInfo[] = [
  { id: 'passive-open', kind: 'user', label: 'passive OPEN', aliases: ['listen', 'popen'], means: 'the application listens: socket(), bind(), listen()' },
  { id: 'active-open', kind: 'user', label: 'active OPEN', aliases: ['connect', 'open', 'aopen'], means: 'the application connects: connect()' },
  { id: 'send', kind: 'user', label: 'SEND', aliases: ['write'], means: 'the application writes data: send(), write()' },
  { id: 'close', kind: 'user', label: 'CLOSE', aliases: ['shutdown'], means: 'the application has no more to send: close() or shutdown(SHUT_WR)' },
  { id: 'close-unread', kind: 'user', label: 'CLOSE with unread data', aliases: ['closeunread', 'close-with-unread-data'], means: 'the application closes while received data is still unread' },
  { id: 'abort', kind: 'user', label: 'ABORT', aliases: ['reset', 'linger0'], means: 'the application aborts: close() with SO_LINGER {on, 0}, or a crash with data queued' },
  { id: 'rcv-syn', kind: 'segment', label: 'rcv SYN', aliases: ['syn'], means: 'a SYN arrives (a connection request)' },
  { id: 'rcv-syn-ack', kind: 'segment', label: 'rcv SYN,ACK', aliases: ['synack', 'syn+ack', 'syn,ack'], means: 'a SYN,ACK arrives (the answer to our SYN)' },
  { id: 'rcv-ack', kind: 'segment', label: 'rcv ACK', aliases: ['ack'], means: 'an ACK arrives that does not newly acknowledge our FIN (in SYN_RECV: the ACK of our SYN)' },
  { id: 'rcv-ack-of-fin', kind: 'segment', label: 'rcv ACK of FIN', aliases: ['ackfin', 'ack-fin', 'ackoffin'], means: 'an ACK arrives that acknowledges our FIN' },
  { id: 'rcv-data', kind: 'segment', label: 'rcv data', aliases: ['data'], means: 'a segment carrying data arrives' },
  { id: 'rcv-fin', kind: 'segment', label: 'rcv FIN', aliases: ['fin'], means: 'a FIN arrives that does not acknowledge a FIN of ours still unacknowledged' },
  { id: 'rcv-fin-ack', kind: 'segment', label: 'rcv FIN,ACK', aliases: ['finack', 'fin+ack', 'fin,ack'], means: 'a FIN arrives that also acknowledges our own FIN' },
  { id: 'rcv-rst', kind: 'segment', label: 'rcv RST', aliases: ['rst'], means: 'a valid RST arrives' },
  { id: 'rto', kind: 'timer', label: 'retransmission timeout', aliases: ['retransmit', 'rtx'], means: 'the retransmission timer fires: the oldest unacknowledged segment is sent again' },
  {
    id: 'retrans-giveup',
    kind: 'timer',
    label: 'retransmissions exhausted',
    aliases: ['giveup', 'r2', 'syn-timeout'],
    means: 'retransmission gives up (RFC R2; Linux tcp_syn_retries, tcp_synack_retries, tcp_retries2, tcp_orphan_retries)',
  },
  { id: 'user-timeout', kind: 'timer', label: 'USER TIMEOUT', aliases: ['usertimeout'], means: 'the user timeout expires with data unacknowledged (Linux: TCP_USER_TIMEOUT)' },
  { id: 'timeout-2msl', kind: 'timer', label: 'Timeout=2MSL', aliases: ['2msl', 'tw-timeout', 'time-wait-timeout'], means: 'the TIME_WAIT timer expires (RFC: 2 MSL = 240 s; Linux: fixed 60 s)' },
  {
    id: 'fin-timeout',
    kind: 'timer',
    label: 'tcp_fin_timeout',
    linuxOnly: true,
    aliases: ['fintimeout', 'linger2'],
    means: 'an orphaned FIN_WAIT2 (the application already closed) times out after net.ipv4.tcp_fin_timeout',
  },
  {
    id: 'tw-overflow',
    kind: 'kernel',
    label: 'tw buckets full',
    linuxOnly: true,
    aliases: ['twoverflow', 'max-tw-buckets'],
    means: 'net.ipv4.tcp_max_tw_buckets is reached: the TIME_WAIT socket is not kept (TCPTimeWaitOverflow)',
  },
];

/** Ids in table order. */
export const EVENT_IDS: readonly EventId[] = EVENTS.map((e) => e.id);

const byId = new Map<string, EventInfo>(EVENTS.map((e) => [e.id, e]));

function fold(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(/[-_.,+\s=]/g, '');
}

const byToken = new Map<string, EventId>();
for (const e of EVENTS) {
  byToken.set(fold(e.id), e.id);
  byToken.set(fold(e.label), e.id);
  for (const a of e.aliases) byToken.set(fold(a), e.id);
}

export function eventInfo(id: EventId): EventInfo {
  return byId.get(id)!;
}

export function isEventId(s: string): s is EventId {
  return byId.has(s);
}

/**
 * Parse an event: its id (`rcv-syn-ack`), its figure label (`rcv SYN,ACK`) or a short alias
 * (`synack`, `connect`, `2msl`), in any case.
 * @returns undefined when the word names no event.
 */
export function parseEvent(token: string): EventId | undefined {
  return byToken.get(fold(token));
}

/** Like {@link parseEvent} but an unknown word is an ERR_EVENT listing the ids. */
export function requireEvent(token: string, position?: number): EventId {
  const id = parseEvent(token);
  if (id === undefined) {
    throw new TcpstateError('ERR_EVENT', say('unknownEvent', token, EVENT_IDS.join(', ')), { position });
  }
  return id;
}

/** How a segment is written on a figure (`SYN,ACK`). */
export const SEGMENT_LABEL: Readonly<Record<SegmentId, string>> = {
  syn: 'SYN',
  'syn-ack': 'SYN,ACK',
  ack: 'ACK',
  data: 'data',
  fin: 'FIN',
  rst: 'RST',
};

/**
 * The events a segment causes at the receiving end. `acksOurFin`: the segment's ACK field
 * newly acknowledges a FIN the receiver sent (and had not seen acknowledged). A data
 * segment that does so is two events: the ACK of the FIN, then the data.
 */
export function arrivalEvents(seg: SegmentId, acksOurFin: boolean): EventId[] {
  switch (seg) {
    case 'syn':
      return ['rcv-syn'];
    case 'syn-ack':
      return ['rcv-syn-ack'];
    case 'ack':
      return [acksOurFin ? 'rcv-ack-of-fin' : 'rcv-ack'];
    case 'fin':
      return [acksOurFin ? 'rcv-fin-ack' : 'rcv-fin'];
    case 'data':
      return acksOurFin ? ['rcv-ack-of-fin', 'rcv-data'] : ['rcv-data'];
    case 'rst':
      return ['rcv-rst'];
  }
}
