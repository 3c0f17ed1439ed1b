/**
 * Both endpoints' TCP states, rebuilt from the segments of one connection and driven by the
 * shared state machine (`step(state, event)`). The capture sees segments, not sockets, so an
 * endpoint moves only when a segment proves it:
 *
 * - what an endpoint sends proves its own state (a SYN: SYN_SENT; a SYN-ACK: SYN_RECV; an ACK
 *   of the peer's SYN-ACK: ESTABLISHED; an ACK of the peer's FIN: CLOSE_WAIT, CLOSING or
 *   TIME_WAIT; a FIN: FIN_WAIT1 or LAST_ACK; a RST: CLOSE) — tagged **observed**;
 * - what an endpoint receives moves it when the segment was captured and nothing contradicts
 *   its delivery (the ACK of its SYN-ACK or of its FIN, a valid RST) — tagged **inferred**; a
 *   later retransmission of the acknowledged SYN-ACK or FIN proves the ACK was lost, and the
 *   inference is undone;
 * - timers never show on the wire: TIME_WAIT's end is **projected** 60 s after it began
 *   (Linux's TCP_TIMEWAIT_LEN).
 *
 * A capture that starts mid-connection leaves both endpoints UNKNOWN until they send; the
 * first segment without SYN, FIN or RST makes its sender ESTABLISHED (inferred).
 * @module
 */
import { CLOSE, CLOSE_WAIT, CLOSING, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, LAST_ACK, LISTEN, SYN_RECV, SYN_SENT, TIME_WAIT, UNKNOWN, type StateCode, RFC_SYNCHRONIZED } from '../model/state.js';
import {
  A_ACK_UNSEEN,
  A_DATA_AFTER_FIN,
  A_DATA_BEFORE_EST,
  A_FIN_BEFORE_EST,
  A_FIN_RETRANSMITTED,
  A_RST_IN_WINDOW,
  A_RST_OUT_OF_WINDOW,
  A_RST_WITH_DATA,
  A_SYN_RETRANSMITTED,
  A_UNEXPECTED,
} from './anomaly.js';
import { ACK, FIN, flagText, RST, SYN, type Segment } from './decode.js';
import type { EventId } from '../fsm/events.js';
import { type FsmState, step } from '../fsm/machine.js';
import { grown8, grown32 } from './grow.js';

/** Linux's TIME_WAIT length (include/net/tcp.h TCP_TIMEWAIT_LEN). */
export const TIME_WAIT_SECONDS = 60;

export const TAG_NONE = 0;
export const TAG_OBSERVED = 1;
export const TAG_INFERRED = 2;
export const TAG_PROJECTED = 3;
export const TAG_NAMES: readonly string[] = ['', 'observed', 'inferred', 'projected'];

const O_NONE = 0;
const O_PASSIVE = 1;
const O_ACTIVE = 2;

// Per-endpoint bits.
const HAS_ISN = 1;
const HAS_NXT = 2;
const FIN_SENT = 4;
/** Our FIN was acknowledged by the peer. */
const FIN_ACKED = 8;
/** We acknowledged the peer's FIN. */
const FIN_RCVD = 16;
/** The peer's FIN segment also acknowledged our FIN: our ACK of it takes FIN_WAIT1 straight to TIME_WAIT. */
const FINACK_PENDING = 32;
/**
 * An inference about this endpoint was undone (the peer's ACK never arrived): from now on only
 * a segment carrying data or a FIN is trusted to have been delivered, not another bare ACK.
 */
const DISTRUST = 64;

/** How the current state was reached, for undoing an inference a retransmission contradicts. */
const VIA_OTHER = 0;
const VIA_ACK_OF_SYNACK = 1;
const VIA_ACK_OF_FIN = 2;

/** One step of one endpoint, kept for `--timeline`. */
export interface Step {
  sec: number;
  nsec: number;
  /** Frame number of the segment that caused it; 0 for a projected step. */
  frame: number;
  /** 0 originator, 1 responder. */
  side: number;
  from: StateCode;
  to: StateCode;
  /** `passive`/`active` for SYN_RECV. */
  origin?: string;
  tag: string;
  /** The state machine event and its row, when the step is one of the table's. */
  event: string | null;
  row: string | null;
  /** Why, in words. */
  note: string;
  /** The segment: direction, flags, relative seq/ack, payload length. */
  segment: string;
}

function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}
function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

/**
 * The table's answers, memoized: (state, origin, event) → next state packed as
 * `1 << 8 | code << 2 | origin`, or -1 when the table has no row. Steps are taken per segment,
 * so they must not allocate.
 */
const EVENT_INDEX = new Map<EventId, number>();
function eventIndex(e: EventId): number {
  let i = EVENT_INDEX.get(e);
  if (i === undefined) {
    i = EVENT_INDEX.size;
    EVENT_INDEX.set(e, i);
  }
  return i;
}
const STEP_CACHE = new Int16Array(16 * 3 * 32);
const STEP_ROWS: string[] = [];
function lookupStep(st: FsmState, event: EventId): number {
  const key = ((st.code * 3 + (st.origin === 'active' ? O_ACTIVE : st.origin === 'passive' ? O_PASSIVE : O_NONE)) << 5) | eventIndex(event);
  try {
    const r = step(st, event);
    STEP_ROWS[key] = r.row.id;
    const o = r.next.origin === 'active' ? O_ACTIVE : r.next.origin === 'passive' ? O_PASSIVE : O_NONE;
    return (1 << 8) | (r.next.code << 2) | o;
  } catch {
    return -1;
  }
}

/** Per-endpoint columns for every connection slot; index = slot·2 + side. */
export class EndpointTracker {
  st = new Uint8Array(0);
  origin = new Uint8Array(0);
  tag = new Uint8Array(0);
  prevSt = new Uint8Array(0);
  prevOrigin = new Uint8Array(0);
  via = new Uint8Array(0);
  bits = new Uint8Array(0);
  isn = new Uint32Array(0);
  nxt = new Uint32Array(0);
  finSeq = new Uint32Array(0);
  /** When TIME_WAIT began (seconds), for the projection. */
  twAt = new Float64Array(0);
  /** Steps per slot when the timeline is kept. */
  readonly steps: (Step[] | undefined)[] = [];
  /** Current packet's time and frame, set by {@link packet}. */
  private sec = 0;
  private nsec = 0;
  private t = 0;
  private frame = 0;
  private seg: Segment | null = null;
  private side = 0;

  constructor(
    private readonly anomaly: (slot: number, a: number) => void,
    readonly keepSteps = false,
  ) {}

  ensure(slots: number): void {
    const n = slots * 2;
    if (this.st.length >= n) return;
    this.st = grown8(this.st, n);
    this.origin = grown8(this.origin, n);
    this.tag = grown8(this.tag, n);
    this.prevSt = grown8(this.prevSt, n);
    this.prevOrigin = grown8(this.prevOrigin, n);
    this.via = grown8(this.via, n);
    this.bits = grown8(this.bits, n);
    this.isn = grown32(this.isn, n);
    this.nxt = grown32(this.nxt, n);
    this.finSeq = grown32(this.finSeq, n);
    const tw = new Float64Array(n);
    tw.set(this.twAt);
    this.twAt = tw;
  }

  reset(slot: number): void {
    for (let k = slot * 2; k < slot * 2 + 2; k++) {
      this.st[k] = UNKNOWN;
      this.origin[k] = O_NONE;
      this.tag[k] = TAG_NONE;
      this.prevSt[k] = UNKNOWN;
      this.prevOrigin[k] = O_NONE;
      this.via[k] = VIA_OTHER;
      this.bits[k] = 0;
      this.isn[k] = 0;
      this.nxt[k] = 0;
      this.finSeq[k] = 0;
      this.twAt[k] = 0;
    }
    if (this.keepSteps) this.steps[slot] = [];
  }

  /** Free a slot's timeline. */
  release(slot: number): void {
    if (this.keepSteps) this.steps[slot] = undefined;
  }

  /** Swap the two endpoints of a slot (the connection's roles were flipped). */
  flip(slot: number): void {
    const a = slot * 2;
    const b = a + 1;
    for (const x of [this.st, this.origin, this.tag, this.prevSt, this.prevOrigin, this.via, this.bits, this.isn, this.nxt, this.finSeq, this.twAt]) {
      const t = x[a]!;
      x[a] = x[b]!;
      x[b] = t;
    }
    for (const s of this.steps[slot] ?? []) s.side ^= 1;
  }

  private fsmState(k: number): FsmState {
    const code = this.st[k]!;
    return code === SYN_RECV ? { code, origin: this.origin[k] === O_ACTIVE ? 'active' : 'passive' } : { code };
  }

  /** Apply a table event to endpoint k. An event with no row is an anomaly, not an error. */
  private move(slot: number, k: number, event: EventId, tag: number, note: string, via = VIA_OTHER): void {
    const key = ((this.st[k]! * 3 + this.origin[k]!) << 5) | eventIndex(event);
    let next = STEP_CACHE[key]!;
    if (next === 0) next = STEP_CACHE[key] = lookupStep(this.fsmState(k), event);
    if (next < 0) {
      this.anomaly(slot, A_UNEXPECTED);
      return;
    }
    this.set(slot, k, (next >> 2) & 15, next & 3, tag, note, event, STEP_ROWS[key] ?? null, via);
  }

  private set(slot: number, k: number, code: StateCode, origin: number, tag: number, note: string, event: string | null, row: string | null, via = VIA_OTHER): void {
    const from = this.st[k]!;
    if (from === code && this.origin[k] === origin) return;
    this.prevSt[k] = from;
    this.prevOrigin[k] = this.origin[k]!;
    this.st[k] = code;
    this.origin[k] = origin;
    this.tag[k] = tag;
    this.via[k] = via;
    if (code === TIME_WAIT) this.twAt[k] = this.t;
    if (this.keepSteps) this.record(slot, k & 1, from, code, origin, tag, event, row, note, this.sec, this.nsec, this.frame);
  }

  private record(
    slot: number,
    side: number,
    from: StateCode,
    to: StateCode,
    origin: number,
    tag: number,
    event: string | null,
    row: string | null,
    note: string,
    sec: number,
    nsec: number,
    frame: number,
  ): void {
    const list = this.steps[slot];
    if (!list) return;
    const s: Step = { sec, nsec, frame, side, from, to, tag: TAG_NAMES[tag]!, event, row, note, segment: frame === 0 ? '' : this.segText(slot) };
    if (to === SYN_RECV) s.origin = origin === O_ACTIVE ? 'active' : 'passive';
    list.push(s);
  }

  /** `> S. seq=0 ack=1 win=65483 len=0` relative to each side's ISN when known. */
  private segText(slot: number): string {
    const seg = this.seg!;
    const k = slot * 2 + this.side;
    const pk = k ^ 1;
    const rel = (v: number, j: number) => (this.bits[j]! & HAS_ISN ? (v - this.isn[j]!) >>> 0 : v);
    let s = `${this.side === 0 ? '>' : '<'} ${flagText(seg.flags)} seq=${rel(seg.seq, k)}`;
    if (seg.flags & ACK) s += ` ack=${rel(seg.ack, pk)}`;
    return s + ` win=${seg.window} len=${seg.payloadLen}`;
  }

  /**
   * One segment sent by `side` of `slot`, at time `t` (seconds; `sec`/`nsec` exact), frame `frame`.
   */
  packet(slot: number, side: number, seg: Segment, t: number, sec: number, nsec: number, frame: number): void {
    this.t = t;
    this.sec = sec;
    this.nsec = nsec;
    this.frame = frame;
    this.seg = seg;
    this.side = side;
    const k = slot * 2 + side;
    const pk = k ^ 1;
    const f = seg.flags;
    if (f & RST) {
      this.rst(slot, k, pk, seg);
      return;
    }
    const syn = (f & SYN) !== 0;
    const fin = (f & FIN) !== 0;
    const ack = (f & ACK) !== 0;
    const len = seg.payloadLen;
    const seq = seg.seq;
    let b = this.bits[k]!;

    // Sequence bookkeeping of the sender.
    let retransSyn = false;
    if (syn) {
      if (!(b & HAS_ISN)) {
        this.isn[k] = seq;
        b |= HAS_ISN;
      } else if (seq === this.isn[k]) {
        retransSyn = this.st[k] !== UNKNOWN;
        this.anomaly(slot, A_SYN_RETRANSMITTED);
      }
    }
    const end = (seq + seg.segLen) >>> 0;
    if (b & FIN_SENT && len > 0 && seqGt(end - (fin ? 1 : 0), this.finSeq[k]! - 1)) this.anomaly(slot, A_DATA_AFTER_FIN);
    let retransFin = false;
    if (fin) {
      const fe = (seq + len + 1) >>> 0;
      if (b & FIN_SENT && fe === this.finSeq[k]) {
        retransFin = true;
        this.anomaly(slot, A_FIN_RETRANSMITTED);
      } else {
        this.finSeq[k] = fe;
        b |= FIN_SENT;
      }
    }
    if (!(b & HAS_NXT) || seqGt(end, this.nxt[k]!)) {
      this.nxt[k] = end;
      b |= HAS_NXT;
    }
    this.bits[k] = b;

    // A retransmission of what an inference assumed acknowledged undoes that inference.
    if (retransSyn && ack && this.via[k] === VIA_ACK_OF_SYNACK && this.tag[k] === TAG_INFERRED) {
      this.bits[k] = this.bits[k]! | DISTRUST;
      this.set(slot, k, this.prevSt[k]!, this.prevOrigin[k]!, TAG_OBSERVED, 'SYN-ACK retransmitted: the ACK of it never arrived', null, null);
    }
    if (retransFin && this.via[k] === VIA_ACK_OF_FIN && this.tag[k] === TAG_INFERRED) {
      this.bits[k] = (this.bits[k]! & ~FIN_ACKED) | DISTRUST;
      this.set(slot, k, this.prevSt[k]!, this.prevOrigin[k]!, TAG_OBSERVED, 'FIN retransmitted: the ACK of it never arrived', null, null);
    }

    // What the sender's own segment proves about the sender.
    const sx = this.st[k]!;
    if (syn && !ack) {
      if (sx === UNKNOWN) {
        this.st[k] = CLOSE; // the RFC's CLOSED: no TCB yet
        this.move(slot, k, 'active-open', TAG_OBSERVED, 'sent a SYN: connect()');
      }
    } else if (syn) {
      if (sx === UNKNOWN) {
        this.st[k] = CLOSE;
        this.move(slot, k, 'passive-open', TAG_INFERRED, 'a listener existed (it answered a SYN)');
        this.move(slot, k, 'rcv-syn', TAG_OBSERVED, 'sent a SYN-ACK: it received the SYN');
      } else if (sx === SYN_SENT) this.move(slot, k, 'rcv-syn', TAG_OBSERVED, 'sent a SYN-ACK after its own SYN: simultaneous open');
    } else {
      if (sx === UNKNOWN) this.set(slot, k, ESTABLISHED, O_NONE, TAG_INFERRED, 'picked up mid-connection', null, null);
      else if (sx === SYN_SENT && ack && (!(this.bits[pk]! & HAS_ISN) || seqGt(seg.ack, this.isn[pk]!))) {
        this.move(slot, k, 'rcv-syn-ack', TAG_OBSERVED, 'acknowledged the SYN-ACK');
      } else if (sx === SYN_SENT && len > 0) this.anomaly(slot, A_DATA_BEFORE_EST);
      else if (sx === SYN_RECV && (len > 0 || fin)) this.move(slot, k, 'rcv-ack', TAG_INFERRED, 'sends data: the handshake completed');
    }

    if (ack) this.acks(slot, k, pk, seg.ack, fin, len > 0 || fin);

    if (fin) {
      const s = this.st[k]!;
      if (s === ESTABLISHED || s === SYN_RECV || s === CLOSE_WAIT)
        this.move(slot, k, 'close', TAG_OBSERVED, s === CLOSE_WAIT ? "sent its FIN after the peer's: close()" : 'sent a FIN: close() or shutdown(SHUT_WR)');
      else if (s === SYN_SENT || s === UNKNOWN) this.anomaly(slot, A_FIN_BEFORE_EST);
    }
  }

  /** The sender (k) acknowledges `a` of the peer's (pk) sequence space. */
  private acks(slot: number, k: number, pk: number, a: number, senderFin: boolean, substantial: boolean): void {
    const pb = this.bits[pk]!;
    const trusted = substantial || !(pb & DISTRUST);
    // Receipt of the peer's FIN, proven by acknowledging it.
    if (pb & FIN_SENT && seqGe(a, this.finSeq[pk]!)) {
      if (!(this.bits[k]! & FIN_RCVD)) {
        this.bits[k] = this.bits[k]! | FIN_RCVD;
        const s = this.st[k]!;
        if (s === FIN_WAIT1 && this.bits[k]! & FINACK_PENDING) this.move(slot, k, 'rcv-fin-ack', TAG_OBSERVED, "acknowledged the peer's FIN, which had acknowledged its own");
        else if (s === ESTABLISHED || s === SYN_RECV || s === FIN_WAIT1 || s === FIN_WAIT2) this.move(slot, k, 'rcv-fin', TAG_OBSERVED, "acknowledged the peer's FIN");
      } else if (this.st[k] === TIME_WAIT) {
        this.twAt[k] = this.t; // a retransmitted FIN answered from TIME_WAIT restarts the timer
      }
    }
    // Effects on the peer, which receives this ACK.
    const ps = this.st[pk]!;
    if (ps === SYN_RECV && trusted && pb & HAS_ISN && seqGt(a, this.isn[pk]!)) {
      this.move(slot, pk, 'rcv-ack', TAG_INFERRED, 'its SYN-ACK was acknowledged', VIA_ACK_OF_SYNACK);
    }
    if (pb & FIN_SENT && trusted && !(pb & FIN_ACKED) && seqGe(a, this.finSeq[pk]!)) {
      this.bits[pk] = this.bits[pk]! | FIN_ACKED;
      const s = this.st[pk]!;
      if (senderFin && s === FIN_WAIT1) this.bits[pk] = this.bits[pk]! | FINACK_PENDING;
      else if (s === FIN_WAIT1 || s === CLOSING || s === LAST_ACK) this.move(slot, pk, 'rcv-ack-of-fin', TAG_INFERRED, 'its FIN was acknowledged', VIA_ACK_OF_FIN);
    }
    if (pb & HAS_NXT && seqGt(a, this.nxt[pk]!)) this.anomaly(slot, A_ACK_UNSEEN);
  }

  private rst(slot: number, k: number, pk: number, seg: Segment): void {
    if (seg.payloadLen > 0) this.anomaly(slot, A_RST_WITH_DATA);
    const ps = this.st[pk]!;
    let valid = false;
    if (ps === SYN_SENT) {
      valid = (seg.flags & ACK) !== 0 && this.bits[pk]! & HAS_ISN ? seg.ack === (this.isn[pk]! + 1) >>> 0 : false;
    } else if (ps === SYN_RECV || ((1 << ps) & RFC_SYNCHRONIZED) !== 0) {
      if (!(this.bits[k]! & HAS_NXT)) valid = true;
      else {
        const d = (seg.seq - this.nxt[k]!) | 0;
        // Linux accepts a RST at exactly RCV.NXT; in TIME_WAIT anywhere in the window.
        if (d === 0 || (ps === TIME_WAIT && d > 0 && d < 1 << 30)) valid = true;
        else if (d > 0 && d < 1 << 30) this.anomaly(slot, A_RST_IN_WINDOW);
        else this.anomaly(slot, A_RST_OUT_OF_WINDOW);
      }
    }
    const sx = this.st[k]!;
    if (sx === UNKNOWN || sx === LISTEN) this.set(slot, k, CLOSE, O_NONE, TAG_OBSERVED, 'sent a RST (no socket for this connection, or an abort)', null, null);
    else if (sx !== CLOSE) this.move(slot, k, 'abort', TAG_OBSERVED, 'sent a RST: abort');
    if (valid) this.move(slot, pk, 'rcv-rst', TAG_INFERRED, 'received a valid RST');
  }

  /**
   * Endpoint `side`'s state at time `now` (seconds): TIME_WAIT becomes CLOSE once its 60 s have
   * passed (a projected step, recorded in the timeline).
   */
  finalState(slot: number, side: number, now: number): StateCode {
    const k = slot * 2 + side;
    if (this.st[k] === TIME_WAIT && now >= this.twAt[k]! + TIME_WAIT_SECONDS) {
      const at = this.twAt[k]! + TIME_WAIT_SECONDS;
      this.t = at;
      const sec = Math.floor(at);
      this.sec = sec;
      this.nsec = Math.round((at - sec) * 1e9);
      this.frame = 0;
      this.move(slot, k, 'timeout-2msl', TAG_PROJECTED, `TIME_WAIT ends ${TIME_WAIT_SECONDS} s after it began (Linux)`);
    }
    return this.st[k]!;
  }

  /** When the current TIME_WAIT of an endpoint will end (seconds), or NaN. */
  timeWaitEnd(slot: number, side: number): number {
    const k = slot * 2 + side;
    return this.st[k] === TIME_WAIT ? this.twAt[k]! + TIME_WAIT_SECONDS : NaN;
  }

  /**
   * A new connection took over this 4-tuple while the endpoint was in TIME_WAIT: Linux ends the
   * TIME_WAIT when it accepts such a SYN (TCP_TW_SYN).
   */
  endTimeWait(slot: number, seg: Segment, side: number, t: number, sec: number, nsec: number, frame: number): void {
    this.t = t;
    this.sec = sec;
    this.nsec = nsec;
    this.frame = frame;
    this.seg = seg;
    this.side = side;
    for (let k = slot * 2; k < slot * 2 + 2; k++) {
      if (this.st[k] === TIME_WAIT) this.set(slot, k, CLOSE, O_NONE, TAG_INFERRED, 'a new connection reused the 4-tuple: Linux ends the TIME_WAIT', null, null);
    }
  }

  /** Tag of the step that led to the endpoint's current state. */
  tagOf(slot: number, side: number): string {
    return TAG_NAMES[this.tag[slot * 2 + side]!]!;
  }

  /** Does the endpoint still hold its ISN (to tell a retransmitted SYN from a new one)? */
  isnOf(slot: number, side: number): number | undefined {
    const k = slot * 2 + side;
    return this.bits[k]! & HAS_ISN ? this.isn[k]! : undefined;
  }
}
