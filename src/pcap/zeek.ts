/**
 * Zeek's view of a TCP connection: each endpoint's coarse state (INACTIVE, SYN_SENT,
 * SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET), the `history` letters and the
 * `conn_state` code of conn.log (S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR OTH).
 *
 * The rules follow Zeek's TCP session adapter (`UpdateStateMachine`, `update_history`,
 * `update_last_seq`, `init_endpoint`, `init_peer`) and `conn_state()` in
 * base/protocols/conn/main.zeek, re-expressed over typed-array columns. Differences, all on
 * purpose: checksums are not verified (as `zeek -C`, so no `c`), and a content gap (`g`) is
 * recorded when one side acknowledges sequence space the capture never showed from the other,
 * which is what Zeek's reassembler reports for the same packets.
 * @module
 */
import { ACK, FIN, RST, SYN, type Segment } from './decode.js';
import { grown8, grown32 } from './grow.js';

export const Z_INACTIVE = 0;
export const Z_SYN_SENT = 1;
export const Z_SYN_ACK_SENT = 2;
export const Z_PARTIAL = 3;
export const Z_ESTABLISHED = 4;
export const Z_CLOSED = 5;
export const Z_RESET = 6;

export const ZEEK_STATE_NAMES: readonly string[] = ['INACTIVE', 'SYN_SENT', 'SYN_ACK_SENT', 'PARTIAL', 'ESTABLISHED', 'CLOSED', 'RESET'];

/** conn.log's conn_state codes with Zeek's own descriptions. */
export const CONN_STATES: Readonly<Record<string, string>> = {
  S0: 'connection attempt seen, no reply',
  S1: 'connection established, not terminated',
  SF: 'normal establishment and termination',
  REJ: 'connection attempt rejected',
  S2: 'established, close attempt by originator seen (no reply from responder)',
  S3: 'established, close attempt by responder seen (no reply from originator)',
  RSTO: 'established, originator aborted (sent a RST)',
  RSTR: 'responder sent a RST',
  RSTOS0: 'originator sent a SYN followed by a RST, no SYN-ACK from the responder',
  RSTRH: 'responder sent a SYN-ACK followed by a RST, no SYN from the originator',
  SH: 'originator sent a SYN followed by a FIN, no SYN-ACK from the responder',
  SHR: 'responder sent a SYN-ACK followed by a FIN, no SYN from the originator',
  OTH: 'no SYN seen, just midstream traffic',
};

// History-seen bits (per side; the responder's are shifted by 16).
const H_SYN = 1;
const H_FIN = 2;
const H_RST = 4;
const H_FIN_RST = 8;
const H_DATA = 16;
const H_ACK = 32;
const H_MULTI = 64;

/** Seq deltas this large on SYN/RST are not trusted (Zeek's TOO_LARGE_SEQ_DELTA). */
const TOO_LARGE = 1048576;

/** History letters kept in place per slot; more are rare (each repeat needs a new sequence number). */
export const HIST_BYTES = 24;

function delta(a: number, b: number): number {
  return (a - b) | 0;
}

/** Zeek per-endpoint columns for every connection slot; index = slot·2 + side (0 originator). */
export class ZeekTracker {
  state = new Uint8Array(0);
  prev = new Uint8Array(0);
  startSeq = new Uint32Array(0);
  lastSeq = new Uint32Array(0);
  ackSeq = new Uint32Array(0);
  /** How far the other side's acknowledgements have been accounted for (gap detection). */
  seenTo = new Uint32Array(0);
  lastSyn = new Uint32Array(0);
  lastFin = new Uint32Array(0);
  lastRst = new Uint32Array(0);
  finCnt = new Uint8Array(0);
  /** Scaled-history counters: retransmissions, zero windows, gaps. */
  rxmt = new Uint32Array(0);
  win0 = new Uint32Array(0);
  gap = new Uint32Array(0);
  /** Sequence space acknowledged but never seen, per side (Zeek's missed_bytes). */
  missed = new Float64Array(0);
  seen = new Uint32Array(0);
  /**
   * History letters as bytes, {@link HIST_BYTES} per slot (no string per letter: strings made
   * per packet would be garbage for the collector); longer histories continue in `histMore`.
   */
  hist = new Uint8Array(0);
  histLen = new Uint8Array(0);
  private histMore = new Map<number, string>();

  ensure(slots: number): void {
    const n = slots * 2;
    if (this.state.length >= n) return;
    this.state = grown8(this.state, n);
    this.prev = grown8(this.prev, n);
    this.startSeq = grown32(this.startSeq, n);
    this.lastSeq = grown32(this.lastSeq, n);
    this.ackSeq = grown32(this.ackSeq, n);
    this.seenTo = grown32(this.seenTo, n);
    this.lastSyn = grown32(this.lastSyn, n);
    this.lastFin = grown32(this.lastFin, n);
    this.lastRst = grown32(this.lastRst, n);
    this.finCnt = grown8(this.finCnt, n);
    this.rxmt = grown32(this.rxmt, n);
    this.win0 = grown32(this.win0, n);
    this.gap = grown32(this.gap, n);
    const m = new Float64Array(n);
    m.set(this.missed);
    this.missed = m;
    const s = new Uint32Array(slots);
    s.set(this.seen);
    this.seen = s;
    const h = new Uint8Array(slots * HIST_BYTES);
    h.set(this.hist);
    this.hist = h;
    const hl = new Uint8Array(slots);
    hl.set(this.histLen);
    this.histLen = hl;
  }

  /** Reset a slot for a new connection; `flipped` records Zeek's `^`. */
  reset(i: number, flipped: boolean): void {
    for (let k = i * 2; k < i * 2 + 2; k++) {
      this.state[k] = Z_INACTIVE;
      this.prev[k] = Z_INACTIVE;
      this.startSeq[k] = 0;
      this.lastSeq[k] = 0;
      this.ackSeq[k] = 0;
      this.seenTo[k] = 0;
      this.lastSyn[k] = 0;
      this.lastFin[k] = 0;
      this.lastRst[k] = 0;
      this.finCnt[k] = 0;
      this.rxmt[k] = 0;
      this.win0[k] = 0;
      this.gap[k] = 0;
      this.missed[k] = 0;
    }
    this.seen[i] = 0;
    this.histLen[i] = 0;
    this.histMore.delete(i);
    if (flipped) this.add(i, 0x5e);
  }

  /** Swap originator and responder (Zeek's FlipRoles on a SYN/SYN-ACK reversal). */
  flip(i: number): void {
    const a = i * 2;
    const b = a + 1;
    const sw = (x: Uint8Array | Uint32Array | Float64Array) => {
      const t = x[a]!;
      x[a] = x[b]!;
      x[b] = t;
    };
    for (const x of [this.state, this.prev, this.startSeq, this.lastSeq, this.ackSeq, this.seenTo, this.lastSyn, this.lastFin, this.lastRst, this.finCnt, this.rxmt, this.win0, this.gap, this.missed])
      sw(x);
    const s = this.seen[i]!;
    this.seen[i] = ((s & 0xffff) << 16) | (s >>> 16);
    this.add(i, 0x5e);
  }

  private set(k: number, s: number): void {
    if (this.state[k] !== s) {
      this.prev[k] = this.state[k]!;
      this.state[k] = s;
    }
  }

  private letter(i: number, side: number, code: string): void {
    const c = code.charCodeAt(0);
    this.add(i, side === 0 ? c : c | 0x20);
  }

  private add(i: number, c: number): void {
    const n = this.histLen[i]!;
    if (n < HIST_BYTES) {
      this.hist[i * HIST_BYTES + n] = c;
      this.histLen[i] = n + 1;
    } else this.histMore.set(i, (this.histMore.get(i) ?? '') + String.fromCharCode(c));
  }

  /** The history string of slot i. */
  history(i: number): string {
    const n = this.histLen[i]!;
    let s = '';
    for (let j = 0; j < n; j++) s += String.fromCharCode(this.hist[i * HIST_BYTES + j]!);
    return n < HIST_BYTES ? s : s + (this.histMore.get(i) ?? '');
  }

  /** Zeek's CheckHistory: record the letter the first time; true if seen before. */
  private check(i: number, side: number, bit: number, code: string): boolean {
    const mask = side === 0 ? bit : bit << 16;
    if ((this.seen[i]! & mask) === 0) {
      this.seen[i] = (this.seen[i]! | mask) >>> 0;
      this.letter(i, side, code);
      return false;
    }
    return true;
  }

  /** Logarithmic letters: the 1st, 10th, 100th, ... occurrence. */
  private scaled(i: number, side: number, k: number, cnt: Uint32Array, code: string): void {
    const c = ++cnt[k]!;
    if (c === 1 || c === 10 || c === 100 || c === 1000 || c === 10000 || c === 100000 || c === 1000000 || c === 10000000 || c === 100000000 || c === 1000000000) {
      this.letter(i, side, code);
    }
  }

  /**
   * One segment from `side` of slot `i`. Returns true when the segment was a SYN (no ACK) from
   * the responder that Zeek reads as a SYN/SYN-ACK reversal: the caller flips the roles.
   */
  packet(i: number, side: number, seg: Segment): boolean {
    const k = i * 2 + side;
    const pk = i * 2 + (side ^ 1);
    const flags = seg.flags;
    const len = seg.payloadLen;
    const seq = seg.seq;
    const isSyn = (flags & SYN) !== 0;
    const isFin = (flags & FIN) !== 0;
    const isRst = (flags & RST) !== 0;
    const isAck = (flags & ACK) !== 0;
    const segLen = len + (isSyn ? 1 : 0) + (isFin ? 1 : 0) - (isRst ? len : 0);
    const onePast = (seq + segLen) >>> 0;

    // init_endpoint
    const st = this.state[k]!;
    if (st === Z_INACTIVE) {
      if (isSyn) {
        this.startSeq[k] = seq;
        this.ackSeq[k] = seq;
        this.lastSeq[k] = onePast;
      } else {
        const s = (seq - 1) >>> 0;
        this.startSeq[k] = s;
        this.ackSeq[k] = s;
        this.lastSeq[k] = seq;
      }
      this.seenTo[k] = this.lastSeq[k]!;
    } else if (isSyn && (st === Z_SYN_SENT || st === Z_SYN_ACK_SENT ? seq !== this.startSeq[k] : st === Z_ESTABLISHED || st === Z_PARTIAL || (st === Z_RESET && this.prev[k] === Z_INACTIVE))) {
      this.startSeq[k] = seq;
      this.ackSeq[k] = seq;
      this.lastSeq[k] = onePast;
      this.seenTo[k] = onePast;
    }
    const rel = (seq - this.startSeq[k]!) >>> 0;

    // update_history
    const bits = (isSyn ? 1 : 0) + (isFin ? 1 : 0) + (isRst ? 1 : 0);
    if (bits > 1) {
      if (isFin && isRst) this.check(i, side, H_FIN_RST, 'I');
      else this.check(i, side, H_MULTI, 'Q');
    } else if (bits === 1) {
      if (isSyn) {
        const code = isAck ? 'H' : 'S';
        if (this.check(i, side, H_SYN, code) && rel !== this.lastSyn[k]) this.letter(i, side, code);
        this.lastSyn[k] = rel;
      } else if (isFin) {
        const at = (rel + len) >>> 0;
        if (this.check(i, side, H_FIN, 'F') && at !== this.lastFin[k]) this.letter(i, side, 'F');
        this.lastFin[k] = at;
      } else {
        if (this.check(i, side, H_RST, 'R') && rel !== this.lastRst[k]) this.letter(i, side, 'R');
        this.lastRst[k] = rel;
      }
    } else if (len > 0) this.check(i, side, H_DATA, 'D');
    else if (isAck) this.check(i, side, H_ACK, 'A');

    // update_window: zero windows are interesting unless a RST is involved or the peer closed.
    if (seg.window === 0 && !isRst && this.state[pk] !== Z_CLOSED && this.state[k] !== Z_RESET) {
      this.scaled(i, side, k, this.win0, 'W');
    }
    if (isFin && this.finCnt[k]! < 255) this.finCnt[k]!++;

    if (isAck) {
      if (this.state[pk] === Z_INACTIVE) {
        const s = (seg.ack - 1) >>> 0;
        this.startSeq[pk] = s;
        this.ackSeq[pk] = s;
        this.lastSeq[pk] = s;
        this.seenTo[pk] = s;
      } else if (!isRst && delta(seg.ack, this.ackSeq[pk]!) > 0) {
        if (!(seg.ack === 0 && delta(seg.ack, this.ackSeq[pk]!) > TOO_LARGE)) this.ackSeq[pk] = seg.ack;
      }
    }

    // update_last_seq
    const dl = delta(onePast, this.lastSeq[k]!);
    if ((isSyn || isRst) && (dl > TOO_LARGE || dl < -TOO_LARGE)) {
      /* not trusted */
    } else if (isFin && this.lastSeq[k] === (this.startSeq[k]! + 1) >>> 0) this.lastSeq[k] = onePast;
    else if (this.state[k] === Z_RESET) {
      /* nothing after a reset is trusted */
    } else if (dl > 0) this.lastSeq[k] = onePast;
    else if (len > 0) this.scaled(i, side, k, this.rxmt, 'T');
    if (delta(this.lastSeq[k]!, this.seenTo[k]!) > 0) this.seenTo[k] = this.lastSeq[k]!;

    const flip = this.machine(i, side, k, pk, seg, isSyn, isFin, isRst, isAck, len);

    // A content gap: the peer's data acknowledged past anything seen (not on closing packets,
    // whose acks Zeek does not trust for this).
    if (isAck && !isRst && !isFin && this.state[pk] !== Z_INACTIVE) {
      const d = delta(seg.ack, this.seenTo[pk]!);
      if (d > 0 && d < 0x40000000) {
        this.missed[pk]! += d;
        this.seenTo[pk] = seg.ack;
        this.scaled(i, side ^ 1, pk, this.gap, 'G');
      }
    }
    return flip;
  }

  private machine(i: number, side: number, k: number, pk: number, seg: Segment, isSyn: boolean, isFin: boolean, isRst: boolean, isAck: boolean, len: number): boolean {
    let flip = false;
    switch (this.state[k]) {
      case Z_INACTIVE: {
        if (isSyn) {
          if (side === 0) this.set(k, isAck ? Z_SYN_ACK_SENT : Z_SYN_SENT);
          else {
            if (!isAck && this.state[pk] === Z_SYN_ACK_SENT && seg.seq === this.startSeq[k]) {
              this.set(pk, Z_ESTABLISHED);
              flip = true;
            }
            if (this.state[pk] === Z_SYN_SENT) this.set(pk, Z_ESTABLISHED);
            this.set(k, Z_ESTABLISHED);
          }
        }
        if (isFin) this.set(k, Z_CLOSED);
        if (isRst) this.set(k, Z_RESET);
        if (this.state[k] === Z_INACTIVE) {
          if (side === 1 && len === 0 && this.state[i * 2] === Z_SYN_SENT) {
            /* an early ACK of the SYN */
          } else if (isAck && this.state[pk] === Z_ESTABLISHED) this.set(k, Z_ESTABLISHED);
          else this.set(k, Z_PARTIAL);
        }
        break;
      }
      case Z_SYN_SENT:
      case Z_SYN_ACK_SENT:
        if (isFin) this.set(k, Z_CLOSED);
        if (isRst) this.set(k, Z_RESET);
        break;
      case Z_ESTABLISHED:
      case Z_PARTIAL:
        if (isSyn && this.state[k] === Z_PARTIAL && this.state[pk] === Z_INACTIVE && !isAck) this.set(k, Z_SYN_SENT);
        if (isFin && !isRst) {
          this.set(k, Z_CLOSED);
          // A FIN followed by a RST from the peer was a normal close after all.
          if (this.state[pk] === Z_RESET && this.prev[pk] === Z_CLOSED) this.set(pk, Z_CLOSED);
        }
        if (isRst) this.set(k, Z_RESET);
        break;
      case Z_CLOSED:
        if (isRst && this.state[pk] !== Z_CLOSED) this.set(k, Z_RESET);
        break;
      default:
        break;
    }
    return flip;
  }

  /** Zeek's endpoint size (sequence space sent, SYN and FIN octets left out), modulo 2^32. */
  size(k: number): number {
    if (this.prev[k] === Z_SYN_SENT && this.state[k] === Z_RESET && this.state[k ^ 1] === Z_INACTIVE) return 0;
    const last = this.lastSeq[k]!;
    const ack = this.ackSeq[k]!;
    let s = delta(last, ack) > 0 ? (last - this.startSeq[k]!) >>> 0 : (ack - this.startSeq[k]!) >>> 0;
    if (s > 0) s--;
    if (this.finCnt[k]! > 0 && s > 0) s--;
    return s;
  }

  /** conn.log's conn_state for slot i (Zeek's `conn_state()`). */
  connState(i: number): string {
    const os = this.state[i * 2]!;
    const rs = this.state[i * 2 + 1]!;
    const oInactive = os === Z_INACTIVE || os === Z_PARTIAL;
    const rInactive = rs === Z_INACTIVE || rs === Z_PARTIAL;
    if (rs === Z_RESET) {
      if (os === Z_SYN_SENT || os === Z_SYN_ACK_SENT || (os === Z_RESET && this.size(i * 2) === 0 && this.size(i * 2 + 1) === 0)) return 'REJ';
      return oInactive ? 'RSTRH' : 'RSTR';
    }
    if (os === Z_RESET) {
      if (rInactive) return /^\^?S[^HAFGIQ]*R/.test(this.history(i)) ? 'RSTOS0' : 'OTH';
      return 'RSTO';
    }
    if (rs === Z_CLOSED && os === Z_CLOSED) return 'SF';
    if (os === Z_CLOSED) return rInactive ? 'SH' : 'S2';
    if (rs === Z_CLOSED) return oInactive ? 'SHR' : 'S3';
    if (os === Z_SYN_SENT && rs === Z_INACTIVE) return 'S0';
    if (os === Z_ESTABLISHED && rs === Z_ESTABLISHED) return 'S1';
    return 'OTH';
  }
}
