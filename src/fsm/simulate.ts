/**
 * Two endpoints driven by the state machine: A (the client, left) and B (the server, right),
 * joined by two FIFO links. A script is a list of actions — an event at one end, the delivery
 * of the oldest segment in flight on a link, or its loss — written as words:
 *
 * | word          | action                                                             |
 * |---------------|--------------------------------------------------------------------|
 * | `a:EVENT`     | EVENT (id or alias, see events.ts) at A; `b:`, `client:`, `server:` |
 * | `a>b`, `b>a`  | deliver the oldest segment in flight from A to B (from B to A)      |
 * | `a>b:lost`    | that segment is lost                                               |
 * | `deliver`     | deliver everything in flight, a segment each way in turn, until the links are quiet |
 *
 * Words are separated by spaces, commas or semicolons. Each end keeps just enough sequence
 * state (ISS, SND.NXT, RCV.NXT, its FIN's number) to print RFC-style segments and to tell a
 * FIN or ACK that newly acknowledges its own FIN from one that does not ({@link arrivalEvents}).
 * @module
 */
import { say } from '../i18n/options.js';
import { TcpstateError } from '../model/errors.js';
import { CLOSE, LISTEN, SYN_RECV, SYN_SENT } from '../model/state.js';
import { arrivalEvents, type EventId, parseEvent, type SegmentId } from './events.js';
import { CLOSED_STATE, type FsmState, type Profile, step } from './machine.js';
import type { Row } from './rfc9293.js';

export type Side = 'A' | 'B';

/** A segment on the wire, RFC style. */
export interface Segment {
  readonly kind: SegmentId;
  readonly seq: number;
  readonly ack?: number;
  /** Data bytes (data segments only). */
  readonly len: number;
  readonly from: Side;
}

interface Tcb {
  state: FsmState;
  iss: number;
  sndNxt: number;
  finSeq?: number;
  finAcked: boolean;
  rcvNxt?: number;
}

export type Action =
  | { readonly kind: 'event'; readonly side: Side; readonly event: EventId; readonly word: string }
  | { readonly kind: 'deliver'; readonly from: Side; readonly word: string }
  | { readonly kind: 'lose'; readonly from: Side; readonly word: string }
  | { readonly kind: 'deliver-all'; readonly word: string };

/** One line of the timeline: what happened at one end, or to one segment. */
export interface Step {
  /** Action number (1-based); several steps share one when a delivery is answered or `deliver` runs. */
  readonly n: number;
  /** The end that acted (for a loss: the end the segment was going to). */
  readonly side: Side;
  /** 'event': a user call or timer; 'arrive': a segment arrived and was processed; 'lost'. */
  readonly what: 'event' | 'arrive' | 'lost';
  readonly events: readonly EventId[];
  readonly rows: readonly Row[];
  /** The segment that arrived or was lost. */
  readonly received?: Segment;
  /** Segments this end sent in this step. */
  readonly sent: readonly Segment[];
  readonly a: FsmState;
  readonly b: FsmState;
}

const DATA_LEN = 100;

/** The two-endpoint world. Pure apart from its own fields; no I/O. */
export class World {
  private readonly tcb: Record<Side, Tcb>;
  private readonly wire: Record<Side, Segment[]> = { A: [], B: [] }; // keyed by receiving side
  readonly steps: Step[] = [];
  private n = 0;

  constructor(
    readonly profile: Profile = 'linux',
    start: { a?: FsmState; b?: FsmState } = {},
  ) {
    this.tcb = {
      A: { state: start.a ?? CLOSED_STATE, iss: 100, sndNxt: 100, finAcked: false },
      B: { state: start.b ?? CLOSED_STATE, iss: 300, sndNxt: 300, finAcked: false },
    };
  }

  state(side: Side): FsmState {
    return this.tcb[side].state;
  }

  /** Segments in flight towards `to`, oldest first. */
  inFlight(to: Side): readonly Segment[] {
    return this.wire[to];
  }

  /** Run one action; an event the table does not allow throws ERR_EVENT (the world is unchanged). */
  apply(action: Action): void {
    this.n++;
    switch (action.kind) {
      case 'event':
        this.event(action.side, action.event);
        return;
      case 'deliver':
        this.deliver(other(action.from), action.word);
        return;
      case 'lose':
        this.lose(other(action.from), action.word);
        return;
      case 'deliver-all': {
        // Bounded: each delivery can answer with at most one segment, and a quiet world stops.
        for (let i = 0; i < 64 && (this.wire.A.length || this.wire.B.length); i++) {
          if (this.wire.B.length) this.deliver('B', action.word);
          if (this.wire.A.length) this.deliver('A', action.word);
        }
        return;
      }
    }
  }

  private event(side: Side, event: EventId): void {
    const t = this.tcb[side];
    const r = step(t.state, event, { profile: this.profile });
    const sent = this.after(side, r.next, r.send, undefined);
    this.record(side, 'event', [event], [r.row], undefined, sent);
  }

  private deliver(to: Side, word: string): void {
    const seg = this.wire[to].shift();
    if (!seg) throw new TcpstateError('ERR_EVENT', say('noSegment', word, other(to), to));
    const t = this.tcb[to];
    const acksOurFin = t.finSeq !== undefined && !t.finAcked && seg.ack !== undefined && seg.ack > t.finSeq;
    const events = arrivalEvents(seg.kind, acksOurFin);
    const rows: Row[] = [];
    const sent: Segment[] = [];
    for (const e of events) {
      const before = t.state;
      const r = step(before, e, { profile: this.profile });
      rows.push(r.row);
      if (e === 'rcv-ack-of-fin' || e === 'rcv-fin-ack') t.finAcked = true;
      const accepted = r.send !== 'rst' && r.next.code !== CLOSE && before.code !== CLOSE;
      if (accepted) this.receive(t, seg, before);
      sent.push(...this.after(to, r.next, r.send, seg));
    }
    this.record(to, 'arrive', events, rows, seg, sent);
  }

  private lose(to: Side, word: string): void {
    const seg = this.wire[to].shift();
    if (!seg) throw new TcpstateError('ERR_EVENT', say('noSegment', word, other(to), to));
    this.record(to, 'lost', [], [], seg, []);
  }

  /** Advance RCV.NXT over what an accepted segment occupies. */
  private receive(t: Tcb, seg: Segment, before: FsmState): void {
    if (seg.kind === 'syn' || seg.kind === 'syn-ack') {
      if (before.code === LISTEN || before.code === SYN_SENT || t.rcvNxt === undefined) t.rcvNxt = seg.seq + 1;
    } else if (seg.kind === 'data') {
      t.rcvNxt = Math.max(t.rcvNxt ?? 0, seg.seq + seg.len);
    } else if (seg.kind === 'fin') {
      t.rcvNxt = Math.max(t.rcvNxt ?? 0, seg.seq + 1);
    }
  }

  /** Enter `next`, build the segment to send, reset the TCB when the connection ends. */
  private after(side: Side, next: FsmState, send: SegmentId | null, inReplyTo: Segment | undefined): Segment[] {
    const t = this.tcb[side];
    const wasConnected = t.state.code !== CLOSE && t.state.code !== LISTEN;
    const changed = t.state.code !== next.code;
    const out: Segment[] = [];
    if (send) {
      const seg = this.segment(side, send, inReplyTo);
      out.push(seg);
      this.wire[other(side)].push(seg);
    }
    t.state = next;
    if (changed && (next.code === CLOSE || (next.code === LISTEN && wasConnected))) {
      // A new connection gets a new ISS (RFC 9293 §3.4.1): old segments then fall outside it.
      t.iss += 1000;
      t.sndNxt = t.iss;
      t.finSeq = undefined;
      t.finAcked = false;
      t.rcvNxt = undefined;
    }
    return out;
  }

  private segment(side: Side, kind: SegmentId, inReplyTo: Segment | undefined): Segment {
    const t = this.tcb[side];
    switch (kind) {
      case 'syn':
        t.sndNxt = Math.max(t.sndNxt, t.iss + 1);
        return { kind, seq: t.iss, len: 0, from: side };
      case 'syn-ack':
        t.sndNxt = Math.max(t.sndNxt, t.iss + 1);
        return { kind, seq: t.iss, ack: t.rcvNxt, len: 0, from: side };
      case 'ack':
        return { kind, seq: t.sndNxt, ack: t.rcvNxt, len: 0, from: side };
      case 'data': {
        const seg = { kind, seq: t.sndNxt, ack: t.rcvNxt, len: DATA_LEN, from: side };
        t.sndNxt += DATA_LEN;
        return seg;
      }
      case 'fin':
        if (t.finSeq === undefined) {
          t.finSeq = t.sndNxt;
          t.sndNxt += 1;
        }
        return { kind, seq: t.finSeq, ack: t.rcvNxt, len: 0, from: side };
      case 'rst':
        if (t.state.code === CLOSE && inReplyTo) {
          // RFC 9293 §3.5.2 (1): no TCB; the reset is built from the offending segment.
          if (inReplyTo.ack !== undefined) return { kind, seq: inReplyTo.ack, len: 0, from: side };
          const occupies = inReplyTo.len + (inReplyTo.kind === 'syn' || inReplyTo.kind === 'syn-ack' || inReplyTo.kind === 'fin' ? 1 : 0);
          return { kind, seq: 0, ack: inReplyTo.seq + occupies, len: 0, from: side };
        }
        if (inReplyTo?.ack !== undefined && (t.state.code === LISTEN || t.state.code === SYN_SENT || t.state.code === SYN_RECV)) {
          return { kind, seq: inReplyTo.ack, len: 0, from: side };
        }
        return { kind, seq: t.sndNxt, ack: t.rcvNxt, len: 0, from: side };
    }
  }

  private record(side: Side, what: Step['what'], events: EventId[], rows: Row[], received: Segment | undefined, sent: Segment[]): void {
    this.steps.push({ n: this.n, side, what, events, rows, received, sent, a: this.tcb.A.state, b: this.tcb.B.state });
  }
}

export function other(s: Side): Side {
  return s === 'A' ? 'B' : 'A';
}

const SIDE_WORDS: Record<string, Side> = { a: 'A', client: 'A', b: 'B', server: 'B' };

/** Parse a script (see the module comment). Errors name the word and its position. */
export function parseScript(text: string): Action[] {
  const words = text.split(/[\s,;]+/).filter(Boolean);
  return words.map((word, i) => {
    const w = word.toLowerCase();
    const pos = i + 1;
    if (w === 'deliver' || w === '*') return { kind: 'deliver-all', word };
    const link = /^([a-z]+)>([a-z]+)(?::(lost|drop|lose))?$/.exec(w);
    if (link) {
      const from = SIDE_WORDS[link[1]!];
      const to = SIDE_WORDS[link[2]!];
      if (!from || !to || from === to) throw new TcpstateError('ERR_EVENT', say('atWord', pos, word, say('badLink')), { position: pos });
      return { kind: link[3] ? 'lose' : 'deliver', from, word };
    }
    const ev = /^([a-z]+):(.+)$/.exec(w);
    if (ev) {
      const side = SIDE_WORDS[ev[1]!];
      if (!side) throw new TcpstateError('ERR_EVENT', say('atWord', pos, word, say('badEnd')), { position: pos });
      const event = parseEvent(ev[2]!);
      if (!event) throw new TcpstateError('ERR_EVENT', say('atWord', pos, word, say('unknownEventWord', ev[2]!)), { position: pos });
      return { kind: 'event', side, event, word };
    }
    throw new TcpstateError('ERR_EVENT', say('atWord', pos, word, say('expectedWord')), { position: pos });
  });
}

/**
 * Run a script. An event the table does not allow stops the run with ERR_EVENT naming the
 * word, its position, the state, the event and the events allowed there.
 */
export function runScript(actions: readonly Action[], profile: Profile = 'linux'): World {
  const world = new World(profile);
  actions.forEach((a, i) => {
    try {
      world.apply(a);
    } catch (e) {
      if (e instanceof TcpstateError && e.code === 'ERR_EVENT') {
        throw new TcpstateError('ERR_EVENT', say('atWord', i + 1, a.word, e.said ?? e.message), { position: i + 1 });
      }
      throw e;
    }
  });
  return world;
}
