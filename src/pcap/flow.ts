/**
 * The connection table of a capture replay: connections keyed by 5-tuple in an
 * open-addressing hash over typed-array columns (no per-packet objects), packets and frame
 * bytes each way counted as `tshark -z conv,tcp` counts them, Zeek's history and conn_state
 * ({@link ZeekTracker}) and both endpoints' states ({@link EndpointTracker}) kept per slot.
 *
 * - The originator is the sender of the first SYN; when the first segment seen is not a SYN
 *   the orientation is a guess from the ports (marked, with Zeek's `^` when the first sender
 *   was made the responder).
 * - A SYN whose sequence number differs from the one that direction started with begins a new
 *   connection on the same 5-tuple (Wireshark's rule for reused ports, so rows line up with
 *   `tshark -z conv,tcp`).
 * - A connection whose endpoints have both ended (CLOSE, or TIME_WAIT) is handed to the sink
 *   and its slot reused once no packet has come for {@link LINGER_SECONDS} and any TIME_WAIT has
 *   run its 60 s, in capture time. Memory is bounded by the connections still open.
 * @module
 */
import { AF_INET, AF_INET6, formatAddr } from '../model/address.js';
import { CLOSE, LISTEN, stateName, TIME_WAIT, UNKNOWN, type StateCode, maskOf, RFC_SYNCHRONIZED } from '../model/state.js';
import { PROTO_TCP, type SocketTable } from '../model/table.js';
import { A_FRAGMENT, A_GUESSED, A_MALFORMED, A_SYN_AFTER_CLOSE, A_SYN_INSIDE, A_TRUNCATED, A_ZERO_WINDOW, AnomalyCounts, anomalyNames } from './anomaly.js';
import type { RawPacket } from './container.js';
import { ACK, decodeTcp, FIN, FRAGMENT, MALFORMED, NOT_IP, NOT_TCP, RST, Segment, SYN, TCP_OK, TRUNCATED, UNKNOWN_LINK } from './decode.js';
import { type ConnectionRecord, type EndpointRecord, isoTime, round6 } from './connection-record.js';
import { EndpointTracker } from './endpoint.js';
import { ExpiryHeap } from './expiry-heap.js';
import { FlowHash, segHash } from './flow-hash.js';
import { FlowRecords } from './flow-record.js';
import { Undecoded } from './undecoded.js';
import { ZeekTracker } from './zeek.js';
import type { PcapFrameCounts } from '../model/documents.js';

/**
 * Slots reserved up front. Typed arrays are zero pages until written, so this costs address
 * space, not memory; it saves the copies (and first touches) of growing, which dominate on VMs
 * where touching fresh memory is slow.
 */
const INITIAL_SLOTS = 1 << 18;

/** Seconds a finished connection stays in the table for late packets (Zeek's tcp_close_delay). */
export const LINGER_SECONDS = 5;

/** Ports Zeek-style orientation treats as servers' (well-known ports and common services). */
const LIKELY_SERVER = new Set([1433, 1521, 2049, 2181, 2379, 3306, 3389, 4369, 5432, 5672, 5900, 6379, 6443, 8000, 8008, 8080, 8443, 8888, 9000, 9042, 9092, 9200, 9300, 11211, 27017]);
/** A SYN here is one inside a live connection; in TIME_WAIT it may open a new incarnation (RFC 6191). */
const SYN_INSIDE_STATES = RFC_SYNCHRONIZED & ~maskOf(TIME_WAIT);

function likelyServer(p: number): boolean {
  return p < 1024 || LIKELY_SERVER.has(p);
}

const F_GUESSED = 1;
const F_FLIPPED = 2;
const F_LIVE = 4;
const F_QUEUED = 8;

/**
 * Counts over the whole capture. Every frame is in exactly one of tcp, notIp, notTcp (fine:
 * the capture holds other traffic) and unknownLink, headerCut, malformed, fragments (frames
 * that could not be read: see {@link Undecoded}).
 */
/** What the frames of a capture were (the document's `frames`). */
export type CaptureCounts = PcapFrameCounts;

export type { ConnectionRecord, EndpointRecord } from './connection-record.js';

export type ConnectionSink = (flows: FlowTable, slot: number) => void;

export class FlowTable {
  cap = 0;
  live = 0;
  /** The per-packet fields of each slot, one 128-byte record each (flow-record.ts). */
  private readonly rec = new FlowRecords();
  /** The record bytes: addresses at {@link addrOff}. */
  get h8(): Uint8Array {
    return this.rec.h8;
  }
  gen = new Uint32Array(0);
  startSec = new Float64Array(0);
  startNsec = new Uint32Array(0);
  firstFrame = new Float64Array(0);
  connId = new Float64Array(0);
  anomalyMask = new Uint32Array(0);

  private readonly hash = new FlowHash(this.rec);
  /** Freed slots (reused most recent first: their pages are warm) and the next never-used slot. */
  private freeStack = new Int32Array(0);
  private freeTop = 0;
  private nextFresh = 0;
  private readonly heap = new ExpiryHeap();

  readonly zeek = new ZeekTracker();
  readonly ep: EndpointTracker;
  readonly anomalies = new AnomalyCounts();
  readonly counts: CaptureCounts = { frames: 0, tcp: 0, notIp: 0, notTcp: 0, unknownLink: 0, headerCut: 0, malformed: 0, fragments: 0, connections: 0 };
  /** Frames that could not be read, by reason, with the first of each. */
  readonly undecoded = new Undecoded();
  /** Capture time: the latest packet time seen (seconds), and the first. */
  now = -Infinity;
  firstSec = NaN;
  firstNsec = 0;
  lastSecSeen = 0;
  lastNsecSeen = 0;
  private readonly seg = new Segment();
  /** Side of the packet's sender in its slot (0: the originator). */
  private side = 0;

  constructor(
    private readonly sink: ConnectionSink,
    opts: { timeline?: boolean } = {},
  ) {
    this.ep = new EndpointTracker((slot, a) => this.flag(slot, a), opts.timeline ?? false);
    this.grow(INITIAL_SLOTS);
  }

  private flag(slot: number, a: number): void {
    this.anomalies.add(a);
    this.anomalyMask[slot] = (this.anomalyMask[slot]! | (1 << a)) >>> 0;
  }

  private grow(min: number): void {
    let n = Math.max(this.cap * 2, INITIAL_SLOTS);
    while (n < min) n *= 2;
    const g = <T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(a: T, per = 1): T => {
      const x = new (a.constructor as new (n: number) => T)(n * per);
      x.set(a);
      return x;
    };
    this.rec.grow(n);
    this.gen = g(this.gen);
    this.startSec = g(this.startSec);
    this.startNsec = g(this.startNsec);
    this.firstFrame = g(this.firstFrame);
    this.connId = g(this.connId);
    this.anomalyMask = g(this.anomalyMask);
    const fs = new Int32Array(n);
    fs.set(this.freeStack);
    this.freeStack = fs;
    this.cap = n;
    this.zeek.ensure(n);
    this.ep.ensure(n);
  }

  /** Feed one captured packet. */
  packet(raw: RawPacket): void {
    this.counts.frames++;
    const seg = this.seg;
    const r = decodeTcp(raw, seg);
    if (r !== TCP_OK) {
      this.notTcp(r, raw);
      return;
    }
    this.counts.tcp++;
    const t = raw.tsSec + raw.tsNsec * 1e-9;
    if (t > this.now) {
      this.now = t;
      this.lastSecSeen = raw.tsSec;
      this.lastNsecSeen = raw.tsNsec;
    }
    if (Number.isNaN(this.firstSec)) {
      this.firstSec = raw.tsSec;
      this.firstNsec = raw.tsNsec;
    }
    const h = segHash(seg);
    let slot = this.hash.lookup(seg, h);
    this.side = this.hash.side;
    const f = seg.flags;
    const rec = this.rec;
    if (slot >= 0 && (f & (SYN | ACK)) === SYN) {
      const k = slot * 2 + this.side;
      if (rec.baseSet(slot, this.side) && rec.baseSeq(slot, this.side) !== seg.seq) {
        // A new incarnation on the same 5-tuple: the old connection is finished as it stands.
        this.ep.endTimeWait(slot, seg, this.side, t, raw.tsSec, raw.tsNsec, raw.frame);
        this.emit(slot, this.now);
        slot = -1;
      } else if (this.ended(slot)) this.flag(slot, A_SYN_AFTER_CLOSE);
      else if (SYN_INSIDE_STATES & (1 << this.ep.st[k]!)) this.flag(slot, A_SYN_INSIDE);
    }
    if (slot < 0) slot = this.create(seg, raw, h, t);
    let side = this.side;
    rec.addPackets(slot, side, 1);
    rec.addFrameBytes(slot, side, raw.origLen);
    if (!(f & RST)) rec.addPayload(slot, side, seg.payloadLen);
    rec.setLastSec(slot, raw.tsSec);
    rec.setLastNsec(slot, raw.tsNsec);
    rec.setLastTime(slot, t);
    if (!rec.baseSet(slot, side)) {
      rec.setBaseSeq(slot, side, f & SYN ? seg.seq : (seg.seq - 1) >>> 0);
      rec.setBaseSet(slot, side, 1);
    }
    if (f & ACK && !rec.baseSet(slot, 1 - side)) {
      rec.setBaseSeq(slot, 1 - side, (seg.ack - 1) >>> 0);
      rec.setBaseSet(slot, 1 - side, 1);
    }
    if (seg.window === 0 && !(f & (SYN | FIN | RST))) this.flag(slot, A_ZERO_WINDOW);
    if (this.zeek.packet(slot, side, seg)) {
      this.flipRoles(slot);
      side ^= 1;
    }
    this.ep.packet(slot, side, seg, t, raw.tsSec, raw.tsNsec, raw.frame);
    if (!(rec.flags(slot) & F_QUEUED) && this.ended(slot)) {
      rec.setFlags(slot, rec.flags(slot) | F_QUEUED);
      this.heap.push(this.expiry(slot), slot, this.gen[slot]!);
    }
    if (this.heap.n > 0 && this.heap.topTime() <= this.now) this.sweep();
  }

  private notTcp(r: number, raw: RawPacket): void {
    if (r === NOT_IP) this.counts.notIp++;
    else if (r === NOT_TCP) this.counts.notTcp++;
    else if (r === UNKNOWN_LINK) this.counts.unknownLink++;
    else if (r === FRAGMENT) {
      this.counts.fragments++;
      this.anomalies.add(A_FRAGMENT);
    } else if (r === TRUNCATED) {
      this.counts.headerCut++;
      this.anomalies.add(A_TRUNCATED);
    } else if (r === MALFORMED) {
      this.counts.malformed++;
      this.anomalies.add(A_MALFORMED);
    }
    this.undecoded.add(r, raw);
  }

  private create(seg: Segment, raw: RawPacket, h: number, t: number): number {
    let slot: number;
    if (this.freeTop > 0) slot = this.freeStack[--this.freeTop]!;
    else {
      if (this.nextFresh === this.cap) this.grow(this.cap + 1);
      slot = this.nextFresh++;
    }
    const f = seg.flags;
    let flip = false;
    let guessed = false;
    if ((f & (SYN | ACK)) !== SYN) {
      guessed = true;
      const sL = likelyServer(seg.sport);
      const dL = likelyServer(seg.dport);
      if ((f & (SYN | ACK)) === (SYN | ACK)) flip = true;
      else if (sL && !dL) flip = true;
      else if (sL && dL) flip = seg.sport < seg.dport;
      else if (!sL && !dL) flip = seg.sport < seg.dport && seg.dport >= 32768 && seg.sport < 32768;
    }
    const n = seg.family === 4 ? 4 : 16;
    const b = seg.abuf;
    const aOff = flip ? seg.dstOff : seg.srcOff;
    const bOff = flip ? seg.srcOff : seg.dstOff;
    const rec = this.rec;
    rec.clearSides(slot);
    const r = rec.h8;
    const a0 = rec.addrOff(slot, 0);
    const a1 = rec.addrOff(slot, 1);
    for (let i = 0; i < n; i++) {
      r[a0 + i] = b[aOff + i]!;
      r[a1 + i] = b[bOff + i]!;
    }
    rec.setPort(slot, 0, flip ? seg.dport : seg.sport);
    rec.setPort(slot, 1, flip ? seg.sport : seg.dport);
    rec.setFamily(slot, seg.family === 4 ? AF_INET : AF_INET6);
    rec.setHash(slot, h);
    this.gen[slot]!++;
    rec.setFlags(slot, F_LIVE | (guessed ? F_GUESSED : 0) | (flip ? F_FLIPPED : 0));
    this.startSec[slot] = raw.tsSec;
    this.startNsec[slot] = raw.tsNsec;
    rec.setLastTime(slot, t);
    this.firstFrame[slot] = raw.frame;
    this.connId[slot] = ++this.counts.connections;
    this.anomalyMask[slot] = 0;
    this.zeek.reset(slot, flip);
    this.ep.reset(slot);
    if (guessed) this.flag(slot, A_GUESSED);
    this.hash.insert(slot);
    this.live++;
    this.side = flip ? 1 : 0;
    return slot;
  }

  /** Swap originator and responder of a slot (Zeek's SYN/SYN-ACK reversal). */
  private flipRoles(slot: number): void {
    this.zeek.flip(slot);
    this.ep.flip(slot);
    this.rec.swapSides(slot);
    this.rec.setFlags(slot, this.rec.flags(slot) ^ F_FLIPPED);
  }

  /** Both endpoints have ended (or never showed up). */
  private ended(slot: number): boolean {
    const a = this.ep.st[slot * 2]!;
    const b = this.ep.st[slot * 2 + 1]!;
    const done = (s: number) => s === CLOSE || s === TIME_WAIT || s === UNKNOWN || s === LISTEN;
    return done(a) && done(b) && !(a === UNKNOWN && b === UNKNOWN);
  }

  private expiry(slot: number): number {
    let t = this.rec.lastTime(slot) + LINGER_SECONDS;
    for (let side = 0; side < 2; side++) {
      const tw = this.ep.timeWaitEnd(slot, side);
      if (tw > t) t = tw;
    }
    return t;
  }

  /** Hand over connections whose linger (and TIME_WAIT) has passed. */
  private sweep(): void {
    const heap = this.heap;
    const rec = this.rec;
    while (heap.n > 0 && heap.topTime() <= this.now) {
      const slot = heap.topSlot();
      const g = heap.topGen();
      heap.pop();
      if (this.gen[slot] !== g || !(rec.flags(slot) & F_LIVE)) continue;
      if (!this.ended(slot)) {
        rec.setFlags(slot, rec.flags(slot) & ~F_QUEUED);
        continue;
      }
      const exp = this.expiry(slot);
      if (exp > this.now) {
        heap.push(exp, slot, this.gen[slot]!);
        continue;
      }
      this.emit(slot, this.now);
    }
  }

  /** Give a slot to the sink with final states as of `now`, then free it. */
  private emit(slot: number, now: number): void {
    this.ep.finalState(slot, 0, now);
    this.ep.finalState(slot, 1, now);
    this.sink(this, slot);
    this.hash.remove(slot);
    this.rec.setFlags(slot, 0);
    this.ep.release(slot);
    this.freeStack[this.freeTop++] = slot;
    this.live--;
  }

  /** End of capture: every connection still in the table, by first packet. */
  finish(): void {
    // Sort by first frame with a numeric key (frame · 2^21 + slot): no comparator calls.
    if (this.nextFresh <= 1 << 21) {
      const keys = new Float64Array(this.live);
      let n = 0;
      for (let s = 0; s < this.nextFresh; s++) if (this.rec.flags(s) & F_LIVE) keys[n++] = this.firstFrame[s]! * 2097152 + s;
      keys.sort();
      for (let i = 0; i < n; i++) this.emit(keys[i]! % 2097152, this.now);
      return;
    }
    const rest: number[] = [];
    for (let s = 0; s < this.nextFresh; s++) if (this.rec.flags(s) & F_LIVE) rest.push(s);
    rest.sort((a, b) => this.firstFrame[a]! - this.firstFrame[b]!);
    for (const s of rest) this.emit(s, this.now);
  }

  /** AF_INET or AF_INET6. */
  familyOf(slot: number): number {
    return this.rec.family(slot);
  }

  /** Port of side 0 (originator) or 1 (responder). */
  portOf(slot: number, side: number): number {
    return this.rec.port(slot, side);
  }

  /** Offset in {@link h8} of a side's 16 address bytes. */
  addrOff(slot: number, side: number): number {
    return this.rec.addrOff(slot, side);
  }

  packetsOf(slot: number, side: number): number {
    return this.rec.packets(slot, side);
  }

  bytesOf(slot: number, side: number): number {
    return this.rec.frameBytes(slot, side);
  }

  /** Last packet time, seconds and nanoseconds. */
  lastSecOf(slot: number): number {
    return this.rec.lastSec(slot);
  }

  lastNsecOf(slot: number): number {
    return this.rec.lastNsec(slot);
  }

  /** No SYN was seen: the orientation is a guess. */
  originGuessed(slot: number): boolean {
    return (this.rec.flags(slot) & F_GUESSED) !== 0;
  }

  /** Final state of a side (valid inside the sink). */
  state(slot: number, side: number): StateCode {
    return this.ep.st[slot * 2 + side]!;
  }

  /** The record view of a slot (inside the sink). */
  record(slot: number): ConnectionRecord {
    const fam = this.rec.family(slot);
    const end = (side: number): EndpointRecord => {
      const k = slot * 2 + side;
      const e: EndpointRecord = {
        address: formatAddr(fam, this.h8, this.addrOff(slot, side)),
        port: this.rec.port(slot, side),
        state: stateName(this.ep.st[k]!),
        how: this.ep.tagOf(slot, side),
        packets: this.packetsOf(slot, side),
        bytes: this.bytesOf(slot, side),
        payload: this.rec.payload(slot, side),
      };
      const tw = this.ep.timeWaitEnd(slot, side);
      if (!Number.isNaN(tw)) {
        const s = Math.floor(tw);
        e.timeWaitEnds = isoTime(s, Math.round((tw - s) * 1e9));
      }
      return e;
    };
    const ss = this.startSec[slot]!;
    const sn = this.startNsec[slot]!;
    const rec: ConnectionRecord = {
      id: this.connId[slot]!,
      family: fam === AF_INET ? 4 : 6,
      orig: end(0),
      resp: end(1),
      originGuessed: (this.rec.flags(slot) & F_GUESSED) !== 0,
      start: isoTime(ss, sn),
      relStart: round6(ss - this.firstSec + (sn - this.firstNsec) / 1e9),
      duration: round6(this.rec.lastSec(slot) - ss + (this.rec.lastNsec(slot) - sn) / 1e9),
      firstFrame: this.firstFrame[slot]!,
      connState: this.zeek.connState(slot),
      history: this.zeek.history(slot),
      anomalies: anomalyNames(this.anomalyMask[slot]!),
    };
    if (this.ep.keepSteps) rec.timeline = this.ep.steps[slot] ?? [];
    return rec;
  }

  /**
   * Append the slot's two endpoints to `t` as sockets (local = the endpoint, remote = its peer,
   * state = its final state), so ss filters and state counts apply to captures as to hosts.
   */
  socketRows(slot: number, t: SocketTable): void {
    for (let side = 0; side < 2; side++) {
      const i = t.add();
      t.proto[i] = PROTO_TCP;
      t.family[i] = this.rec.family(slot);
      t.state[i] = this.ep.st[slot * 2 + side]!;
      const lo = this.addrOff(slot, side);
      const ro = this.addrOff(slot, side ^ 1);
      t.laddr.set(this.h8.subarray(lo, lo + 16), i * 16);
      t.raddr.set(this.h8.subarray(ro, ro + 16), i * 16);
      t.lport[i] = this.rec.port(slot, side);
      t.rport[i] = this.rec.port(slot, side ^ 1);
    }
  }
}
