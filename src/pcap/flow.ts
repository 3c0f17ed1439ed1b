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
import {
  CLOSE, CLOSE_WAIT, CLOSING, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, LAST_ACK, LISTEN, stateName, TIME_WAIT, UNKNOWN, type StateCode,
} from '../model/state.js';
import { PROTO_TCP, type SocketTable } from '../model/table.js';
import {
  A_FRAGMENT, A_GUESSED, A_MALFORMED, A_SYN_AFTER_CLOSE, A_SYN_INSIDE, A_TRUNCATED, A_ZERO_WINDOW, AnomalyCounts, anomalyNames,
} from './anomaly.js';
import type { RawPacket } from './container.js';
import {
  ACK, decodeTcp, FIN, FRAGMENT, MALFORMED, NOT_IP, NOT_TCP, RST, Segment, SYN, TCP_OK, TRUNCATED, UNKNOWN_LINK,
} from './decode.js';
import { EndpointTracker, type Step } from './endpoint.js';
import { ZeekTracker } from './zeek.js';

/**
 * Slots reserved up front. Typed arrays are zero pages until written, so this costs address
 * space, not memory; it saves the copies (and first touches) of growing, which dominate on VMs
 * where touching fresh memory is slow.
 */
const INITIAL_SLOTS = 1 << 18;

/** Seconds a finished connection stays in the table for late packets (Zeek's tcp_close_delay). */
export const LINGER_SECONDS = 5;

/** Ports Zeek-style orientation treats as servers' (well-known ports and common services). */
const LIKELY_SERVER = new Set([
  1433, 1521, 2049, 2181, 2379, 3306, 3389, 4369, 5432, 5672, 5900, 6379, 6443, 8000, 8008, 8080,
  8443, 8888, 9000, 9042, 9092, 9200, 9300, 11211, 27017,
]);
const SYNCHRONIZED = (1 << ESTABLISHED) | (1 << FIN_WAIT1) | (1 << FIN_WAIT2) | (1 << CLOSE_WAIT) | (1 << CLOSING) | (1 << LAST_ACK);

function likelyServer(p: number): boolean {
  return p < 1024 || LIKELY_SERVER.has(p);
}

const F_GUESSED = 1;
const F_FLIPPED = 2;
const F_LIVE = 4;
const F_QUEUED = 8;

/** What a finished connection looks like to renderers (docs: `tcpstate pcap --json`). */
export interface EndpointRecord {
  address: string;
  port: number;
  /** Final state, netstat spelling. */
  state: string;
  /** How that state was established: observed, inferred or projected ('' if never seen). */
  how: string;
  packets: number;
  /** Frame bytes, as tshark's conversation table counts them. */
  bytes: number;
  /** TCP payload bytes. */
  payload: number;
  /** When its TIME_WAIT ends (ISO time), if it is in TIME_WAIT. */
  timeWaitEnds?: string;
}

export interface ConnectionRecord {
  /** 1-based, in order of each connection's first packet. */
  id: number;
  family: 4 | 6;
  orig: EndpointRecord;
  resp: EndpointRecord;
  /** No SYN was seen: which side opened the connection is a guess. */
  originGuessed: boolean;
  /** First packet: ISO time and seconds since the capture's first packet. */
  start: string;
  relStart: number;
  /** Last packet minus first packet, seconds. */
  duration: number;
  firstFrame: number;
  connState: string;
  history: string;
  anomalies: string[];
  timeline?: Step[];
}

/** Counts over the whole capture. */
export interface CaptureCounts {
  frames: number;
  tcp: number;
  notIp: number;
  notTcp: number;
  unknownLink: number;
  connections: number;
}

export type ConnectionSink = (flows: FlowTable, slot: number) => void;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** ISO time with nanoseconds trimmed to microseconds: `2026-11-24T06:37:05.467058Z`. */
let isoSec = NaN;
let isoPrefix = '';
export function isoTime(sec: number, nsec: number): string {
  // Beyond what Date can show (a corrupt if_tsoffset can put a packet there): plain seconds.
  if (!(Math.abs(sec) < 8.64e12)) return `@${sec}.${String(Math.floor(nsec / 1000)).padStart(6, '0')}`;
  if (sec !== isoSec) { isoSec = sec; isoPrefix = new Date(sec * 1000).toISOString().slice(0, 19); }
  return `${isoPrefix}.${String(Math.floor(nsec / 1000)).padStart(6, '0')}Z`;
}

export class FlowTable {
  cap = 0;
  live = 0;
  family = new Uint8Array(0);
  flags = new Uint8Array(0);
  portA = new Uint16Array(0);
  portB = new Uint16Array(0);
  hash = new Uint32Array(0);
  gen = new Uint32Array(0);
  addrA = new Uint8Array(0);
  addrB = new Uint8Array(0);
  startSec = new Float64Array(0);
  startNsec = new Uint32Array(0);
  lastSec = new Float64Array(0);
  lastNsec = new Uint32Array(0);
  lastT = new Float64Array(0);
  firstFrame = new Float64Array(0);
  connId = new Float64Array(0);
  /** Per side (slot·2 + side): packets, frame bytes, payload bytes, Wireshark's base seq. */
  pkts = new Float64Array(0);
  bytes = new Float64Array(0);
  payload = new Float64Array(0);
  baseSeq = new Uint32Array(0);
  baseSet = new Uint8Array(0);
  anomalyMask = new Uint32Array(0);

  private table = new Int32Array(1024);
  private used = 0;
  /** Freed slots (reused most recent first: their pages are warm) and the next never-used slot. */
  private freeStack = new Int32Array(0);
  private freeTop = 0;
  private nextFresh = 0;
  private heapT = new Float64Array(256);
  private heapSlot = new Int32Array(256);
  private heapGen = new Uint32Array(256);
  private heapN = 0;

  readonly zeek = new ZeekTracker();
  readonly ep: EndpointTracker;
  readonly anomalies = new AnomalyCounts();
  readonly counts: CaptureCounts = { frames: 0, tcp: 0, notIp: 0, notTcp: 0, unknownLink: 0, connections: 0 };
  /** Capture time: the latest packet time seen (seconds), and the first. */
  now = -Infinity;
  firstSec = NaN;
  firstNsec = 0;
  lastSecSeen = 0;
  lastNsecSeen = 0;
  private readonly seg = new Segment();
  /** Side of the last lookup (0: the packet's source is the originator). */
  private side = 0;

  constructor(private readonly sink: ConnectionSink, opts: { timeline?: boolean } = {}) {
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
    this.family = g(this.family); this.flags = g(this.flags); this.portA = g(this.portA); this.portB = g(this.portB);
    this.hash = g(this.hash); this.gen = g(this.gen); this.addrA = g(this.addrA, 16); this.addrB = g(this.addrB, 16);
    this.startSec = g(this.startSec); this.startNsec = g(this.startNsec); this.lastSec = g(this.lastSec); this.lastNsec = g(this.lastNsec);
    this.lastT = g(this.lastT); this.firstFrame = g(this.firstFrame); this.connId = g(this.connId);
    this.pkts = g(this.pkts, 2); this.bytes = g(this.bytes, 2); this.payload = g(this.payload, 2);
    this.baseSeq = g(this.baseSeq, 2); this.baseSet = g(this.baseSet, 2); this.anomalyMask = g(this.anomalyMask);
    const fs = new Int32Array(n);
    fs.set(this.freeStack);
    this.freeStack = fs;
    this.cap = n;
    this.zeek.ensure(n);
    this.ep.ensure(n);
  }

  private segHash(seg: Segment): number {
    const b = seg.abuf;
    let hs = Math.imul(seg.sport, 0x9e3779b1);
    let hd = Math.imul(seg.dport, 0x9e3779b1);
    const words = seg.family === 4 ? 1 : 4;
    for (let w = 0; w < words; w++) {
      const s = seg.srcOff + w * 4;
      const d = seg.dstOff + w * 4;
      hs = Math.imul(hs ^ ((b[s]! << 24) | (b[s + 1]! << 16) | (b[s + 2]! << 8) | b[s + 3]!), 0x27d4eb2d) + w;
      hd = Math.imul(hd ^ ((b[d]! << 24) | (b[d + 1]! << 16) | (b[d + 2]! << 8) | b[d + 3]!), 0x27d4eb2d) + w;
    }
    // A sum is symmetric: both directions of a connection land in the same bucket.
    return fmix((fmix(hs) + fmix(hd)) | 0);
  }

  private sameAddr(store: Uint8Array, slot: number, b: Uint8Array, off: number, n: number): boolean {
    const base = slot * 16;
    for (let i = 0; i < n; i++) if (store[base + i] !== b[off + i]) return false;
    return true;
  }

  /** Find the slot of the segment's connection (sets {@link side}), or -1. */
  private lookup(seg: Segment, h: number): number {
    const t = this.table;
    const mask = t.length - 1;
    const n = seg.family === 4 ? 4 : 16;
    const b = seg.abuf;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = t[i]!;
      if (e === 0) return -1;
      const c = e - 1;
      if (this.hash[c] !== h || this.family[c] !== seg.family) continue;
      if (this.portA[c] === seg.sport && this.portB[c] === seg.dport && this.sameAddr(this.addrA, c, b, seg.srcOff, n) && this.sameAddr(this.addrB, c, b, seg.dstOff, n)) {
        this.side = 0;
        return c;
      }
      if (this.portA[c] === seg.dport && this.portB[c] === seg.sport && this.sameAddr(this.addrA, c, b, seg.dstOff, n) && this.sameAddr(this.addrB, c, b, seg.srcOff, n)) {
        this.side = 1;
        return c;
      }
    }
  }

  private insert(slot: number): void {
    if ((this.used + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    const t = this.table;
    const mask = t.length - 1;
    let i = this.hash[slot]! & mask;
    while (t[i] !== 0) i = (i + 1) & mask;
    t[i] = slot + 1;
    this.used++;
  }

  private rehash(size: number): void {
    const old = this.table;
    this.table = new Int32Array(size);
    this.used = 0;
    for (const e of old) if (e !== 0) this.insert(e - 1);
  }

  /** Remove a slot from the hash (backward-shift deletion keeps probe chains whole). */
  private unhash(slot: number): void {
    const t = this.table;
    const mask = t.length - 1;
    let p = this.hash[slot]! & mask;
    while (t[p] !== slot + 1) {
      if (t[p] === 0) return;
      p = (p + 1) & mask;
    }
    let j = p;
    for (;;) {
      j = (j + 1) & mask;
      const e = t[j]!;
      if (e === 0) break;
      const home = this.hash[e - 1]! & mask;
      const between = p <= j ? home > p && home <= j : home > p || home <= j;
      if (!between) { t[p] = e; p = j; }
    }
    t[p] = 0;
    this.used--;
  }

  /** Feed one captured packet. */
  packet(raw: RawPacket): void {
    this.counts.frames++;
    const seg = this.seg;
    const r = decodeTcp(raw, seg);
    if (r !== TCP_OK) { this.notTcp(r); return; }
    this.counts.tcp++;
    const t = raw.tsSec + raw.tsNsec * 1e-9;
    if (t > this.now) { this.now = t; this.lastSecSeen = raw.tsSec; this.lastNsecSeen = raw.tsNsec; }
    if (this.firstSec !== this.firstSec) { this.firstSec = raw.tsSec; this.firstNsec = raw.tsNsec; }
    const h = this.segHash(seg);
    let slot = this.lookup(seg, h);
    const f = seg.flags;
    if (slot >= 0 && (f & (SYN | ACK)) === SYN) {
      const k = slot * 2 + this.side;
      if (this.baseSet[k] && this.baseSeq[k] !== seg.seq) {
        // A new incarnation on the same 5-tuple: the old connection is finished as it stands.
        this.ep.endTimeWait(slot, seg, this.side, t, raw.tsSec, raw.tsNsec, raw.frame);
        this.emit(slot, this.now);
        slot = -1;
      } else if (this.ended(slot)) this.flag(slot, A_SYN_AFTER_CLOSE);
      else if (SYNCHRONIZED & (1 << this.ep.st[k]!)) this.flag(slot, A_SYN_INSIDE);
    }
    if (slot < 0) slot = this.create(seg, raw, h, t);
    let side = this.side;
    const k = slot * 2 + side;
    this.pkts[k]!++;
    this.bytes[k]! += raw.origLen;
    this.payload[k]! += f & RST ? 0 : seg.payloadLen;
    this.lastSec[slot] = raw.tsSec;
    this.lastNsec[slot] = raw.tsNsec;
    this.lastT[slot] = t;
    if (!this.baseSet[k]) { this.baseSeq[k] = f & SYN ? seg.seq : (seg.seq - 1) >>> 0; this.baseSet[k] = 1; }
    if (f & ACK && !this.baseSet[k ^ 1]) { this.baseSeq[k ^ 1] = (seg.ack - 1) >>> 0; this.baseSet[k ^ 1] = 1; }
    if (seg.window === 0 && !(f & (SYN | FIN | RST))) this.flag(slot, A_ZERO_WINDOW);
    if (this.zeek.packet(slot, side, seg)) {
      this.flipRoles(slot);
      side ^= 1;
    }
    this.ep.packet(slot, side, seg, t, raw.tsSec, raw.tsNsec, raw.frame);
    if (!(this.flags[slot]! & F_QUEUED) && this.ended(slot)) {
      this.flags[slot] = this.flags[slot]! | F_QUEUED;
      this.push(this.expiry(slot), slot);
    }
    if (this.heapN > 0 && this.heapT[0]! <= this.now) this.sweep();
  }

  private notTcp(r: number): void {
    if (r === NOT_IP) this.counts.notIp++;
    else if (r === NOT_TCP) this.counts.notTcp++;
    else if (r === UNKNOWN_LINK) this.counts.unknownLink++;
    else if (r === FRAGMENT) this.anomalies.add(A_FRAGMENT);
    else if (r === TRUNCATED) this.anomalies.add(A_TRUNCATED);
    else if (r === MALFORMED) this.anomalies.add(A_MALFORMED);
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
    const base = slot * 16;
    this.addrA.fill(0, base, base + 16);
    this.addrB.fill(0, base, base + 16);
    for (let i = 0; i < n; i++) { this.addrA[base + i] = b[aOff + i]!; this.addrB[base + i] = b[bOff + i]!; }
    this.portA[slot] = flip ? seg.dport : seg.sport;
    this.portB[slot] = flip ? seg.sport : seg.dport;
    this.family[slot] = seg.family === 4 ? AF_INET : AF_INET6;
    this.hash[slot] = h;
    this.gen[slot]!++;
    this.flags[slot] = F_LIVE | (guessed ? F_GUESSED : 0) | (flip ? F_FLIPPED : 0);
    this.startSec[slot] = raw.tsSec;
    this.startNsec[slot] = raw.tsNsec;
    this.lastT[slot] = t;
    this.firstFrame[slot] = raw.frame;
    this.connId[slot] = ++this.counts.connections;
    for (let k = slot * 2; k < slot * 2 + 2; k++) {
      this.pkts[k] = 0; this.bytes[k] = 0; this.payload[k] = 0; this.baseSeq[k] = 0; this.baseSet[k] = 0;
    }
    this.anomalyMask[slot] = 0;
    this.zeek.reset(slot, flip);
    this.ep.reset(slot);
    if (guessed) this.flag(slot, A_GUESSED);
    this.insert(slot);
    this.live++;
    this.side = flip ? 1 : 0;
    return slot;
  }

  /** Swap originator and responder of a slot (Zeek's SYN/SYN-ACK reversal). */
  private flipRoles(slot: number): void {
    this.zeek.flip(slot);
    this.ep.flip(slot);
    const a = slot * 16;
    for (let i = 0; i < 16; i++) { const x = this.addrA[a + i]!; this.addrA[a + i] = this.addrB[a + i]!; this.addrB[a + i] = x; }
    const p = this.portA[slot]!; this.portA[slot] = this.portB[slot]!; this.portB[slot] = p;
    const sw = (x: Float64Array | Uint32Array | Uint8Array) => { const k = slot * 2; const v = x[k]!; x[k] = x[k + 1]!; x[k + 1] = v; };
    sw(this.pkts); sw(this.bytes); sw(this.payload); sw(this.baseSeq); sw(this.baseSet);
    this.flags[slot] = this.flags[slot]! ^ F_FLIPPED;
  }

  /** Both endpoints have ended (or never showed up). */
  private ended(slot: number): boolean {
    const a = this.ep.st[slot * 2]!;
    const b = this.ep.st[slot * 2 + 1]!;
    const done = (s: number) => s === CLOSE || s === TIME_WAIT || s === UNKNOWN || s === LISTEN;
    return done(a) && done(b) && !(a === UNKNOWN && b === UNKNOWN);
  }

  private expiry(slot: number): number {
    let t = this.lastT[slot]! + LINGER_SECONDS;
    for (let side = 0; side < 2; side++) {
      const tw = this.ep.timeWaitEnd(slot, side);
      if (tw > t) t = tw;
    }
    return t;
  }

  private push(t: number, slot: number): void {
    if (this.heapN === this.heapT.length) {
      const n = this.heapN * 2;
      const t2 = new Float64Array(n); t2.set(this.heapT); this.heapT = t2;
      const s2 = new Int32Array(n); s2.set(this.heapSlot); this.heapSlot = s2;
      const g2 = new Uint32Array(n); g2.set(this.heapGen); this.heapGen = g2;
    }
    let i = this.heapN++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.heapT[p]! <= t) break;
      this.heapT[i] = this.heapT[p]!; this.heapSlot[i] = this.heapSlot[p]!; this.heapGen[i] = this.heapGen[p]!;
      i = p;
    }
    this.heapT[i] = t; this.heapSlot[i] = slot; this.heapGen[i] = this.gen[slot]!;
  }

  private pop(): void {
    const n = --this.heapN;
    if (n === 0) return;
    const t = this.heapT[n]!; const s = this.heapSlot[n]!; const g = this.heapGen[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.heapT[c + 1]! < this.heapT[c]!) c++;
      if (this.heapT[c]! >= t) break;
      this.heapT[i] = this.heapT[c]!; this.heapSlot[i] = this.heapSlot[c]!; this.heapGen[i] = this.heapGen[c]!;
      i = c;
    }
    this.heapT[i] = t; this.heapSlot[i] = s; this.heapGen[i] = g;
  }

  /** Hand over connections whose linger (and TIME_WAIT) has passed. */
  private sweep(): void {
    while (this.heapN > 0 && this.heapT[0]! <= this.now) {
      const slot = this.heapSlot[0]!;
      const g = this.heapGen[0]!;
      this.pop();
      if (this.gen[slot] !== g || !(this.flags[slot]! & F_LIVE)) continue;
      if (!this.ended(slot)) { this.flags[slot] = this.flags[slot]! & ~F_QUEUED; continue; }
      const exp = this.expiry(slot);
      if (exp > this.now) { this.push(exp, slot); continue; }
      this.emit(slot, this.now);
    }
  }

  /** Give a slot to the sink with final states as of `now`, then free it. */
  private emit(slot: number, now: number): void {
    this.ep.finalState(slot, 0, now);
    this.ep.finalState(slot, 1, now);
    this.sink(this, slot);
    this.unhash(slot);
    this.flags[slot] = 0;
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
      for (let s = 0; s < this.nextFresh; s++) if (this.flags[s]! & F_LIVE) keys[n++] = this.firstFrame[s]! * 2097152 + s;
      keys.sort();
      for (let i = 0; i < n; i++) this.emit(keys[i]! % 2097152, this.now);
      return;
    }
    const rest: number[] = [];
    for (let s = 0; s < this.nextFresh; s++) if (this.flags[s]! & F_LIVE) rest.push(s);
    rest.sort((a, b) => this.firstFrame[a]! - this.firstFrame[b]!);
    for (const s of rest) this.emit(s, this.now);
  }

  /** No SYN was seen: the orientation is a guess. */
  originGuessed(slot: number): boolean {
    return (this.flags[slot]! & F_GUESSED) !== 0;
  }

  /** Final state of a side (valid inside the sink). */
  state(slot: number, side: number): StateCode {
    return this.ep.st[slot * 2 + side]!;
  }

  /** The record view of a slot (inside the sink). */
  record(slot: number): ConnectionRecord {
    const fam = this.family[slot]!;
    const end = (side: number): EndpointRecord => {
      const k = slot * 2 + side;
      const e: EndpointRecord = {
        address: formatAddr(fam, side === 0 ? this.addrA : this.addrB, slot * 16),
        port: side === 0 ? this.portA[slot]! : this.portB[slot]!,
        state: stateName(this.ep.st[k]!),
        how: this.ep.tagOf(slot, side),
        packets: this.pkts[k]!,
        bytes: this.bytes[k]!,
        payload: this.payload[k]!,
      };
      const tw = this.ep.timeWaitEnd(slot, side);
      if (tw === tw) { const s = Math.floor(tw); e.timeWaitEnds = isoTime(s, Math.round((tw - s) * 1e9)); }
      return e;
    };
    const ss = this.startSec[slot]!;
    const sn = this.startNsec[slot]!;
    const rec: ConnectionRecord = {
      id: this.connId[slot]!,
      family: fam === AF_INET ? 4 : 6,
      orig: end(0),
      resp: end(1),
      originGuessed: (this.flags[slot]! & F_GUESSED) !== 0,
      start: isoTime(ss, sn),
      relStart: round6(ss - this.firstSec + (sn - this.firstNsec) / 1e9),
      duration: round6(this.lastSec[slot]! - ss + (this.lastNsec[slot]! - sn) / 1e9),
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
      t.family[i] = this.family[slot]!;
      t.state[i] = this.ep.st[slot * 2 + side]!;
      const local = side === 0 ? this.addrA : this.addrB;
      const remote = side === 0 ? this.addrB : this.addrA;
      t.laddr.set(local.subarray(slot * 16, slot * 16 + 16), i * 16);
      t.raddr.set(remote.subarray(slot * 16, slot * 16 + 16), i * 16);
      t.lport[i] = side === 0 ? this.portA[slot]! : this.portB[slot]!;
      t.rport[i] = side === 0 ? this.portB[slot]! : this.portA[slot]!;
    }
  }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
