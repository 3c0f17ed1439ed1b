/**
 * Decoder of NETLINK_SOCK_DIAG replies (inet_diag, Linux include/uapi/linux/inet_diag.h)
 * into {@link SocketTable} chunks. Pure: bytes in, rows to a sink, no I/O.
 *
 * A reply is a stream of netlink messages, host byte order (little-endian on the hosts
 * tcpstate targets), each 4-byte aligned:
 *
 * - `nlmsghdr` (16 bytes): len u32, type u16, flags u16, seq u32, pid u32.
 *   Types: 20 SOCK_DIAG_BY_FAMILY (a socket), 18 TCPDIAG_GETSOCK (a TCP socket, in reply
 *   to the old request that dumps both families in one walk), 3 NLMSG_DONE (end of one dump),
 *   2 NLMSG_ERROR (i32 -errno then the request's header; 0 is an acknowledgement).
 * - `inet_diag_msg` (72 bytes): family u8, state u8, timer u8, retrans u8; sockid:
 *   sport be16, dport be16, src 16 bytes, dst 16 bytes, if u32, cookie 2×u32;
 *   expires u32 (ms), rqueue u32, wqueue u32, uid u32, inode u32.
 * - `rtattr`s up to the message's end: len u16 (header included), type u16, payload,
 *   4-byte aligned. Those read here: 1 MEMINFO, 2 INFO (struct tcp_info), 4 CONG,
 *   7 SKMEMINFO, 8 SHUTDOWN, 10 PROTOCOL, 11 SKV6ONLY.
 *
 * The protocol is not in `inet_diag_msg`; it is taken from INET_DIAG_PROTOCOL when the
 * kernel sends it, else from the request's sequence number when tcpstate made the request
 * ({@link seqFor}), else TCP (what `ss -D` records).
 * @module
 */
import { AF_INET, AF_INET6 } from '../model/address.js';
import { TcpstateError, type Warning } from '../model/errors.js';
import { Warnings } from '../model/warnings.js';
import type { Said } from '../i18n/catalogue.js';
import { say as ks } from '../i18n/kernel.js';
import { canonicalCode, UNKNOWN } from '../model/state.js';
import { CHUNK_ROWS, F_DUALSTACK, F_HAS_QUEUES, F_HAS_TIMER, PROTO_TCP, PROTO_UDP, SocketTable, type TcpExtInfo } from '../model/table.js';
import type { ChunkSink } from './proc-net.js';

export const NLMSG_HDRLEN = 16;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;
export const SOCK_DIAG_BY_FAMILY = 20;
/** The old inet_diag request type; the kernel echoes it in the replies, which are TCP sockets. */
export const TCPDIAG_GETSOCK = 18;
/** nlmsg_flags bit: the dump was interrupted by a change of the table and may be inconsistent. */
export const NLM_F_DUMP_INTR = 0x10;
export const INET_DIAG_MSG_LEN = 72;
/**
 * The longest message accepted, 1 MiB. A kernel's sock_diag message is one socket (under
 * 1 KiB with every attribute) in replies of at most 32 KiB; a longer length field is
 * damage, and would otherwise make a reader wait for, and buffer, that many bytes.
 */
export const NLMSG_MAX = 1 << 20;

export const LINUX_AF_INET = 2;
export const LINUX_AF_INET6 = 10;

/** rtattr types of inet_diag replies. */
export const INET_DIAG_MEMINFO = 1;
export const INET_DIAG_INFO = 2;
export const INET_DIAG_VEGASINFO = 3;
export const INET_DIAG_CONG = 4;
export const INET_DIAG_SKMEMINFO = 7;
export const INET_DIAG_SHUTDOWN = 8;
export const INET_DIAG_PROTOCOL = 10;
export const INET_DIAG_SKV6ONLY = 11;

/** idiag_ext request bits: bit (attribute − 1). */
export const EXT_INFO = (1 << (INET_DIAG_INFO - 1)) | (1 << (INET_DIAG_VEGASINFO - 1)) | (1 << (INET_DIAG_CONG - 1));
export const EXT_MEMORY = (1 << (INET_DIAG_MEMINFO - 1)) | (1 << (INET_DIAG_SKMEMINFO - 1));

/** Kernel state code → tcpstate's, for the count fast path. */
const COUNT_CODE = new Uint8Array(256);
for (let c = 0; c < 256; c++) COUNT_CODE[c] = canonicalCode(c);

const SEQ_TAG = 0x5453; // "TS": a request tcpstate made
/** The sequence number tcpstate puts in a request, so a recording knows its protocol. */
export function seqFor(protocol: number, linuxFamily: number): number {
  return ((SEQ_TAG << 16) | ((protocol & 0xff) << 8) | (linuxFamily & 0xff)) >>> 0;
}

const ERRNO: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 12: 'ENOMEM', 13: 'EACCES', 16: 'EBUSY', 22: 'EINVAL', 93: 'EPROTONOSUPPORT', 95: 'EOPNOTSUPP', 97: 'EAFNOSUPPORT' };

export interface DecodeOptions {
  /** Name of the input for error messages (a file, or "netlink"). */
  name?: string;
  /** Protocol of messages that do not say (default TCP). */
  defaultProto?: number;
  /** Byte offset of `bytes[0]` in the whole stream, for error messages. */
  baseOffset?: number;
  /** Append every row to this table (it grows) instead of handing chunks to the sink. */
  into?: SocketTable;
  /**
   * Called at each NLMSG_DONE, after the dump's rows were handed to the sink (chunks are
   * flushed there when this is set), so a reader can tell dumps apart.
   */
  onDone?: (done: DoneInfo) => void;
}

/** An NLMSG_DONE as {@link DecodeOptions.onDone} sees it. */
export interface DoneInfo {
  /** Byte offset of the NLMSG_DONE message in the stream. */
  offset: number;
  /** Offset of what follows it (the next dump, or the end of a whole recording). */
  next: number;
  /** The sequence number it carries: the request's, echoed by the kernel. */
  seq: number;
}

/** What a decode pass saw. */
export interface DecodeStats {
  sockets: number;
  /** NLMSG_DONE messages: one per finished dump. */
  dumps: number;
  /** Dumps the kernel flagged as interrupted (NLM_F_DUMP_INTR). */
  interrupted: number;
}

function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
function u64(b: Uint8Array, o: number): number {
  return u32(b, o) + u32(b, o + 4) * 4294967296;
}

/**
 * Incremental decoder: feed it buffers of whole messages (a partial last message may be
 * left for the next call with `allowPartial`), then call {@link end}.
 */
export class SockDiagDecoder {
  readonly chunk: SocketTable;
  /** Capped per code: a dump of 400 000 sockets in an unknown state is 10 warnings and a count. */
  readonly warnings = new Warnings();
  readonly stats: DecodeStats = { sockets: 0, dumps: 0, interrupted: 0 };
  private readonly name: string;
  private readonly defaultProto: number;
  private base: number;
  private readonly collect: boolean;
  private readonly onDone: ((done: DoneInfo) => void) | undefined;
  /** When set, rows are not stored: states are counted here instead (see {@link countSockDiag}). */
  counts: Float64Array | undefined;

  constructor(
    private readonly sink: ChunkSink,
    opts: DecodeOptions = {},
    chunk?: SocketTable,
  ) {
    this.chunk = opts.into ?? chunk ?? new SocketTable(CHUNK_ROWS);
    this.collect = opts.into !== undefined;
    this.name = opts.name ?? 'netlink';
    this.defaultProto = opts.defaultProto ?? PROTO_TCP;
    this.base = opts.baseOffset ?? 0;
    this.onDone = opts.onDone;
  }

  private fail(offset: number, field: string, why: Said): never {
    throw new TcpstateError('ERR_PARSE', why, { file: this.name, offset: this.base + offset, field });
  }

  /**
   * Decode messages in bytes[start, end). Returns where decoding stopped: `end`, or with
   * `allowPartial` the start of an incomplete last message (the caller keeps those bytes
   * and feeds them again with what follows, from index 0). Offsets in errors and warnings
   * are the stream's: `bytes[0]` is at the offset reached so far, which each call advances
   * by what it consumed.
   */
  feed(bytes: Uint8Array, start = 0, end = bytes.length, allowPartial = false): number {
    let p = start;
    if (this.counts && ((bytes.byteOffset + start) & 3) === 0) {
      // The count fast path: a tight loop over well-formed socket messages, reading three
      // 32-bit words of each (length, type+flags, family+state); anything else (DONE,
      // errors, odd input) goes the general way below. Little-endian host assumed, as above.
      const counts = this.counts;
      const w = new Uint32Array(bytes.buffer, bytes.byteOffset + start, (end - start) >>> 2);
      const words = w.length;
      let q = 0;
      let n = 0;
      while (words - q >= (NLMSG_HDRLEN + INET_DIAG_MSG_LEN) >>> 2) {
        const len = w[q]!;
        const tf = w[q + 1]!;
        const fs = w[q + 4]!;
        const code = COUNT_CODE[(fs >>> 8) & 0xff]!;
        const fam = fs & 0xff;
        const type = tf & (0xffff | (NLM_F_DUMP_INTR << 16));
        if (
          (type !== SOCK_DIAG_BY_FAMILY && type !== TCPDIAG_GETSOCK) ||
          len < NLMSG_HDRLEN + INET_DIAG_MSG_LEN ||
          len > (words - q) << 2 ||
          (fam !== LINUX_AF_INET && fam !== LINUX_AF_INET6) ||
          code === UNKNOWN
        )
          break;
        counts[code]!++;
        n++;
        q += (len + 3) >>> 2;
      }
      p = start + (q << 2);
      this.stats.sockets += n;
    }
    while (p < end) {
      if (end - p < NLMSG_HDRLEN) {
        if (allowPartial) break;
        this.fail(p, 'nlmsghdr', ks('nlHeaderCut', end - p));
      }
      const len = u32(bytes, p);
      if (len < NLMSG_HDRLEN) this.fail(p, 'nlmsg_len', ks('nlBelowHeader', len));
      if (len > NLMSG_MAX) this.fail(p, 'nlmsg_len', ks('nlTooLong', len, NLMSG_MAX));
      if (len > end - p) {
        if (allowPartial) break;
        this.fail(p, 'nlmsg_len', ks('nlPastEnd', len, end - p));
      }
      const type = u16(bytes, p + 4);
      const flags = u16(bytes, p + 6);
      if (type === SOCK_DIAG_BY_FAMILY) this.socket(bytes, p, len, u32(bytes, p + 8));
      else if (type === TCPDIAG_GETSOCK) this.socket(bytes, p, len, u32(bytes, p + 8), PROTO_TCP);
      else if (type === NLMSG_DONE) {
        this.stats.dumps++;
        if (flags & NLM_F_DUMP_INTR) this.interrupted(p);
        // Since Linux 4.x a dump's DONE may carry an error code (i32) after the header.
        if (len >= NLMSG_HDRLEN + 4) {
          const err = u32(bytes, p + NLMSG_HDRLEN) | 0;
          if (err < 0) this.kernelError(p, -err);
        }
        if (this.onDone) {
          this.flush();
          this.onDone({ offset: this.base + p, next: this.base + p + ((len + 3) & ~3), seq: u32(bytes, p + 8) });
        }
      } else if (type === NLMSG_ERROR) {
        if (len < NLMSG_HDRLEN + 4) this.fail(p, 'nlmsgerr', ks('nlNoErrorCode'));
        const err = u32(bytes, p + NLMSG_HDRLEN) | 0;
        if (err !== 0) this.kernelError(p, -err);
      } else if (type === NLMSG_OVERRUN) {
        this.fail(p, 'nlmsg_type', ks('nlOverrun'));
      } else if (type !== NLMSG_NOOP) {
        this.fail(p, 'nlmsg_type', ks('nlType', type));
      }
      if ((type === SOCK_DIAG_BY_FAMILY || type === TCPDIAG_GETSOCK) && flags & NLM_F_DUMP_INTR) this.interrupted(p);
      p += (len + 3) & ~3;
    }
    const stop = Math.min(p, end);
    this.base += stop - start;
    return stop;
  }

  private interruptedSeen = false;
  private interrupted(p: number): void {
    this.stats.interrupted++;
    if (this.interruptedSeen) return;
    this.interruptedSeen = true;
    this.warnings.add('W_DUMP_INTR', ks('dumpIntr'), { file: this.name, offset: this.base + p });
  }

  private kernelError(p: number, errno: number): never {
    const name = ERRNO[errno] ?? `errno ${errno}`;
    throw new TcpstateError('ERR_IO', ks('kernelRefused', name), { file: this.name, offset: this.base + p, field: 'nlmsgerr' });
  }

  private socket(b: Uint8Array, p: number, len: number, seq: number, proto?: number): void {
    const m = p + NLMSG_HDRLEN;
    if (len < NLMSG_HDRLEN + INET_DIAG_MSG_LEN) this.fail(p, 'inet_diag_msg', ks('nlShortDiag', len));
    const fam = b[m]!;
    if (fam !== LINUX_AF_INET && fam !== LINUX_AF_INET6) this.fail(m, 'idiag_family', ks('nlFamily', fam));
    const rawState = b[m + 1]!;
    const state = canonicalCode(rawState);
    if (state === UNKNOWN) this.warnings.add('W_UNKNOWN_STATE', ks('unknownStateCode', rawState), { file: this.name, offset: this.base + m + 1, field: 'idiag_state' });
    this.stats.sockets++;
    if (this.counts) {
      this.counts[state]!++;
      return;
    }
    const t = this.chunk;
    // Every column of the row is written below, so no add() with its clearing.
    if (t.length === t.capacity) t.reserve(t.length + 1);
    const i = t.length++;
    t.proto[i] = proto ?? (seq >>> 16 === SEQ_TAG ? (seq >>> 8) & 0xff : this.defaultProto);
    t.state[i] = state;
    const v4 = fam === LINUX_AF_INET;
    t.family[i] = v4 ? AF_INET : AF_INET6;
    const timer = b[m + 2]!;
    const retrans = b[m + 3]!;
    t.lport[i] = (b[m + 4]! << 8) | b[m + 5]!;
    t.rport[i] = (b[m + 6]! << 8) | b[m + 7]!;
    const la = t.laddr;
    const ra = t.raddr;
    const o = i * 16;
    const n = v4 ? 4 : 16;
    for (let k = 0; k < n; k++) {
      la[o + k] = b[m + 8 + k]!;
      ra[o + k] = b[m + 24 + k]!;
    }
    for (let k = n; k < 16; k++) {
      la[o + k] = 0;
      ra[o + k] = 0;
    }
    t.timer[i] = timer;
    // idiag_retrans is icsk_retransmits for the retransmit timer and icsk_probes_out for
    // the keepalive and zero-window-probe timers (net/ipv4/inet_diag.c).
    const probe = timer === 2 || timer === 4;
    t.probes[i] = probe ? retrans : 0;
    t.retrans[i] = probe ? 0 : retrans;
    t.timerMs[i] = u32(b, m + 52);
    t.recvQ[i] = u32(b, m + 56);
    t.sendQ[i] = u32(b, m + 60);
    t.uid[i] = u32(b, m + 64);
    t.inode[i] = u32(b, m + 68);
    let flags = F_HAS_QUEUES | F_HAS_TIMER;
    let a = m + INET_DIAG_MSG_LEN;
    const end = p + len;
    let ext: TcpExtInfo | undefined;
    while (a + 4 <= end) {
      const alen = u16(b, a);
      const atype = u16(b, a + 2) & 0x3fff; // strip NLA_F_NESTED / NLA_F_NET_BYTEORDER
      if (alen < 4 || a + alen > end) this.fail(a, 'rtattr', ks('nlAttribute', alen, end - a));
      const d = a + 4;
      const dl = alen - 4;
      switch (atype) {
        case INET_DIAG_SKV6ONLY:
          if (!v4 && dl >= 1 && b[d] === 0) flags |= F_DUALSTACK;
          break;
        case INET_DIAG_PROTOCOL:
          if (dl >= 1) t.proto[i] = b[d]!;
          break;
        case INET_DIAG_INFO:
          ext ??= {};
          this.tcpInfo(b, d, dl, ext, t, i);
          break;
        case INET_DIAG_CONG: {
          let z = d;
          while (z < d + dl && b[z] !== 0) z++;
          ext ??= {};
          ext['cong'] = String.fromCharCode(...b.subarray(d, z));
          break;
        }
        case INET_DIAG_SKMEMINFO: {
          ext ??= {};
          const sk: number[] = [];
          for (let k = 0; k + 4 <= dl; k += 4) sk.push(u32(b, d + k));
          ext.skmem = sk;
          break;
        }
        case INET_DIAG_MEMINFO:
          if (dl >= 16) {
            ext ??= {};
            ext['rmem'] = u32(b, d);
            ext['wmem'] = u32(b, d + 4);
            ext['fmem'] = u32(b, d + 8);
            ext['tmem'] = u32(b, d + 12);
          }
          break;
        default:
          break;
      }
      a += (alen + 3) & ~3;
    }
    t.flags[i] = flags;
    if (ext) t.ext.set(i, ext);
    if (!this.collect && t.length === t.capacity) this.flush();
  }

  /** struct tcp_info (include/uapi/linux/tcp.h); older kernels send a shorter one. */
  private tcpInfo(b: Uint8Array, d: number, dl: number, ext: TcpExtInfo, t: SocketTable, i: number): void {
    if (dl < 104) return;
    ext.retransmits = b[d + 2]!;
    ext['probes'] = b[d + 3]!;
    ext['backoff'] = b[d + 4]!;
    ext['wscale'] = `${b[d + 6]! & 0xf},${b[d + 6]! >> 4}`;
    ext.rtoUs = u32(b, d + 8);
    ext['atoUs'] = u32(b, d + 12);
    ext.mss = u32(b, d + 16);
    ext['rcvMss'] = u32(b, d + 20);
    ext['unacked'] = u32(b, d + 24);
    ext['lost'] = u32(b, d + 32);
    ext['retrans'] = u32(b, d + 36);
    ext['lastSendMs'] = u32(b, d + 44);
    ext['lastRecvMs'] = u32(b, d + 52);
    ext['lastAckMs'] = u32(b, d + 56);
    ext['pmtu'] = u32(b, d + 60);
    ext['rcvSsthresh'] = u32(b, d + 64);
    ext.rttUs = u32(b, d + 68);
    ext.rttVarUs = u32(b, d + 72);
    ext.ssthresh = u32(b, d + 76);
    ext.cwnd = u32(b, d + 80);
    ext['advmss'] = u32(b, d + 84);
    ext['reordering'] = u32(b, d + 88);
    ext['rcvRttUs'] = u32(b, d + 92);
    ext['rcvSpace'] = u32(b, d + 96);
    ext.totalRetrans = u32(b, d + 100);
    // The retransmit counter the timer column shows, also for keepalive/probe timers.
    t.retrans[i] = b[d + 2]!;
    t.probes[i] = b[d + 3]!;
    if (dl >= 136) {
      ext['pacingRate'] = u64(b, d + 104);
      ext.bytesAcked = u64(b, d + 120);
      ext.bytesReceived = u64(b, d + 128);
    }
    if (dl >= 160) {
      ext['segsOut'] = u32(b, d + 136);
      ext['segsIn'] = u32(b, d + 140);
      ext['notsent'] = u32(b, d + 144);
      ext['minRttUs'] = u32(b, d + 148);
    }
    if (dl >= 168) ext.deliveryRate = u64(b, d + 160);
    if (dl >= 216) {
      ext['busyUs'] = u64(b, d + 168);
      ext['bytesSent'] = u64(b, d + 200);
      ext['bytesRetrans'] = u64(b, d + 208);
    }
    if (dl >= 232) ext['sndWnd'] = u32(b, d + 228);
  }

  private flush(): void {
    const t = this.chunk;
    if (t.length === 0 || this.collect) return;
    this.sink(t);
    t.length = 0;
    t.ext.clear();
  }

  /** Hand over the last rows. */
  end(): void {
    this.flush();
  }
}

/**
 * Decode a whole sock_diag reply (or a recording of several) held in memory into the
 * sink's chunks.
 * @throws TcpstateError ERR_PARSE with the byte offset of a malformed message, or ERR_IO
 *   when the reply carries a kernel error.
 */
export function decodeSockDiag(bytes: Uint8Array, sink: ChunkSink, opts: DecodeOptions = {}): { warnings: Warning[]; stats: DecodeStats } {
  const d = new SockDiagDecoder(sink, opts);
  d.feed(bytes);
  d.end();
  return { warnings: d.warnings.list(), stats: d.stats };
}

/** Count sockets by state without storing rows (the `count` fast path). */
export function countSockDiag(bytes: Uint8Array, counts: Float64Array, opts: DecodeOptions = {}): { warnings: Warning[]; stats: DecodeStats } {
  const d = new SockDiagDecoder(() => {}, opts, new SocketTable(16));
  d.counts = counts;
  d.feed(bytes);
  return { warnings: d.warnings.list(), stats: d.stats };
}

export { PROTO_TCP, PROTO_UDP };
