/**
 * Streaming reader of capture files: classic pcap (microsecond and nanosecond magics, both
 * byte orders, and the "modified" Kuznetsov variant) and pcapng (several sections, each with
 * its own byte order and interfaces; IDB `if_tsresol`/`if_tsoffset`; EPB, SPB and the obsolete
 * PB; unknown blocks skipped; the trailing length checked).
 *
 * Input is read through one reused buffer: bytes are parsed in place and only the incomplete
 * tail record is moved to the front before the next read, so the cost is linear and memory is
 * bounded by the largest record. Packets are handed to a sink as one reused {@link RawPacket}
 * whose bytes are valid only during the call.
 *
 * Formats: draft-ietf-opsawg-pcap and draft-ietf-opsawg-pcapng (see
 * shared research, statemachine-pcap.md §5). A bad header or block is a
 * `TcpstateError('ERR_PCAP')` with the byte offset; a file that ends inside its last record is
 * a {@link Warning} (`W_PCAP_TRUNCATED`) and every packet before it is kept.
 * @module
 */
import { TcpstateError, type Warning } from '../model/errors.js';
import type { Said } from '../i18n/catalogue.js';
import { say as c } from '../i18n/captures.js';
import { warning } from '../model/warnings.js';

/** One captured packet. Reused: copy what you keep. */
export interface RawPacket {
  /** The reader's buffer; the packet is `buf[off, off + capLen)`. */
  buf: Uint8Array;
  off: number;
  capLen: number;
  /** Length on the wire (what tshark counts as frame bytes). */
  origLen: number;
  /** LINKTYPE_* value of the packet's interface. */
  linkType: number;
  /** Seconds since 1970 (an integer) and nanoseconds within that second. */
  tsSec: number;
  tsNsec: number;
  /** Interface id within the section (pcapng), 0 for pcap. */
  iface: number;
  /** pcapng `epb_flags`/`pack_flags` (bits 0-1: 1 inbound, 2 outbound), 0 when absent. */
  flags: number;
  /** Byte offset of the record in the input. */
  fileOffset: number;
  /** 1-based frame number, as Wireshark counts. */
  frame: number;
}

export type PacketSink = (p: RawPacket) => void;

export interface ReadOptions {
  /**
   * Called with each link type as it is declared (the pcap file header, each pcapng interface
   * description block) and the byte offset of the field, before any packet of it. It may throw
   * to stop reading: a capture that cannot be answered fails before it is read to its end.
   */
  onLinkType?: (linkType: number, format: 'pcap' | 'pcapng', offset: number) => void;
}

export interface CaptureSummary {
  format: 'pcap' | 'pcapng' | 'unknown';
  /** Frames read. */
  packets: number;
  /** Bytes of input consumed. */
  bytes: number;
  /** Link types seen (first interface first). */
  linkTypes: number[];
  warnings: Warning[];
}

const PCAP_HDR = 24;
/** Records above this are rejected as corrupt (libpcap's pcapng limit is the same 16 MiB). */
export const MAX_RECORD = 16 * 1024 * 1024;
/** The buffer's first size; a reader asks for half of it at a time (capture-read.ts). */
export const INITIAL_BUFFER = 1 << 20;

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const PB = 0x00000002;
const SPB = 0x00000003;
const EPB = 0x00000006;
const BOM = 0x1a2b3c4d;

/** How an interface's timestamp units become seconds and nanoseconds. */
interface Iface {
  linkType: number;
  snapLen: number;
  /** 0: divide by `div` (decimal, exact for div ≤ 1e9); 1: shift by `shift`; 2: BigInt. */
  mode: number;
  div: number;
  mulNs: number;
  shift: number;
  /** Units per second as a BigInt (mode 2). */
  bigDiv: bigint;
  /** if_tsoffset, seconds. */
  offset: number;
}

function ifaceOf(linkType: number, snapLen: number, tsresol: number, offset: number): Iface {
  const f: Iface = { linkType, snapLen, mode: 0, div: 1e6, mulNs: 1000, shift: 0, bigDiv: 1000000n, offset };
  if (tsresol & 0x80) {
    const n = tsresol & 0x7f;
    f.bigDiv = 1n << BigInt(n);
    if (n < 32) {
      f.mode = 1;
      f.shift = n;
    } else f.mode = 2;
  } else {
    const n = tsresol;
    f.bigDiv = 10n ** BigInt(n);
    if (n <= 9) {
      f.mode = 0;
      f.div = 10 ** n;
      f.mulNs = 10 ** (9 - n);
    } else f.mode = 2;
  }
  return f;
}

/**
 * A push parser over one reused buffer. Feed it with {@link CaptureParser.push} (copies) or
 * {@link CaptureParser.space}/{@link CaptureParser.commit} (read straight into the buffer),
 * then call {@link CaptureParser.finish}.
 */
export class CaptureParser {
  private buf: Uint8Array;
  private dv: DataView;
  /** Parse position and end of data in buf. */
  private pos = 0;
  private end = 0;
  /** Input offset of buf[0]. */
  private base = 0;
  private format: CaptureSummary['format'] = 'unknown';
  private le = true;
  private nanos = false;
  private recHdr = 16;
  private linkType = 0;
  private snapLen = 0;
  private ifaces: Iface[] = [];
  private linkTypes: number[] = [];
  private lastSec = 0;
  private lastNsec = 0;
  private readonly warnings: Warning[] = [];
  readonly pkt: RawPacket;

  constructor(
    private readonly sink: PacketSink,
    private readonly file = '-',
    private readonly opts: ReadOptions = {},
  ) {
    this.buf = new Uint8Array(INITIAL_BUFFER);
    this.dv = new DataView(this.buf.buffer);
    this.pkt = { buf: this.buf, off: 0, capLen: 0, origLen: 0, linkType: 0, tsSec: 0, tsNsec: 0, iface: 0, flags: 0, fileOffset: 0, frame: 0 };
  }

  private fail(message: string | Said, at: number): never {
    throw new TcpstateError('ERR_PCAP', message, { file: this.file, offset: at });
  }

  /** Writable space of at least `min` bytes at the end of the buffered data. */
  space(min = 65536): Uint8Array {
    if (this.pos > 0) {
      // Move the incomplete tail to the front: at most one record, so linear overall.
      this.buf.copyWithin(0, this.pos, this.end);
      this.base += this.pos;
      this.end -= this.pos;
      this.pos = 0;
    }
    if (this.buf.length - this.end < min) this.grow(this.end + min);
    return this.buf.subarray(this.end);
  }

  /** Declare `n` bytes written into the last {@link space} and parse what is complete. */
  commit(n: number): void {
    this.end += n;
    this.drain();
  }

  /** Copy a chunk in and parse what is complete. */
  push(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) {
      const room = this.space(Math.min(chunk.length - off, INITIAL_BUFFER));
      const n = Math.min(room.length, chunk.length - off);
      room.set(chunk.subarray(off, off + n));
      off += n;
      this.commit(n);
    }
  }

  private grow(need: number): void {
    let cap = this.buf.length;
    while (cap < need) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.end));
    this.buf = nb;
    this.dv = new DataView(nb.buffer);
    this.pkt.buf = nb;
  }

  /** End of input: a partial record is a warning, a partial file header an error. */
  finish(): CaptureSummary {
    const left = this.end - this.pos;
    const at = this.base + this.pos;
    if (this.format === 'unknown') {
      if (at + left === 0) throw new TcpstateError('ERR_EMPTY', c('pcapEmpty'), { file: this.file, offset: 0 });
      this.fail(c('pcapHeaderCut', left), at + left);
    }
    if (left > 0) {
      this.warnings.push(warning('W_PCAP_TRUNCATED', c('pcapTruncated', left, this.pkt.frame), { file: this.file, offset: at }));
    }
    return { format: this.format, packets: this.pkt.frame, bytes: this.base + this.end, linkTypes: this.linkTypes, warnings: this.warnings };
  }

  private u32(off: number): number {
    return this.dv.getUint32(off, this.le);
  }

  private drain(): void {
    if (this.format === 'unknown' && !this.header()) return;
    if (this.format === 'pcap') this.drainPcap();
    else this.drainNg();
  }

  /** Sniff the format. @returns false until enough bytes are there. */
  private header(): boolean {
    const avail = this.end - this.pos;
    if (avail < 4) return false;
    const b = this.buf;
    const p = this.pos;
    const magicBE = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
    if (magicBE === SHB) {
      this.format = 'pcapng';
      return true;
    }
    const magicLE = ((b[p + 3]! << 24) | (b[p + 2]! << 16) | (b[p + 1]! << 8) | b[p]!) >>> 0;
    let le: boolean;
    let magic: number;
    if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d || magicLE === 0xa1b2cd34) {
      le = true;
      magic = magicLE;
    } else if (magicBE === 0xa1b2c3d4 || magicBE === 0xa1b23c4d || magicBE === 0xa1b2cd34) {
      le = false;
      magic = magicBE;
    } else this.fail(c('notPcap', hex(b, p, 4)), this.base + p);
    if (avail < PCAP_HDR) return false;
    this.le = le;
    this.nanos = magic === 0xa1b23c4d;
    this.recHdr = magic === 0xa1b2cd34 ? 24 : 16;
    const major = this.dv.getUint16(p + 4, le);
    if (major !== 2) this.fail(c('pcapVersion', `${major}.${this.dv.getUint16(p + 6, le)}`), this.base + p + 4);
    this.snapLen = this.u32(p + 16);
    this.linkType = this.u32(p + 20) & 0x03ffffff;
    this.linkTypes.push(this.linkType);
    this.format = 'pcap';
    this.pos += PCAP_HDR;
    this.opts.onLinkType?.(this.linkType, 'pcap', this.base + p + 20);
    return true;
  }

  private drainPcap(): void {
    const hdr = this.recHdr;
    const pkt = this.pkt;
    const limit = Math.max(this.snapLen, 262144);
    const cap = Math.min(limit, MAX_RECORD);
    const mul = this.nanos ? 1 : 1000;
    pkt.linkType = this.linkType;
    pkt.iface = 0;
    pkt.flags = 0;
    for (;;) {
      const p = this.pos;
      if (this.end - p < hdr) return;
      const capLen = this.u32(p + 8);
      if (capLen > cap) this.fail(c('recordAboveSnap', capLen, this.snapLen), this.base + p + 8);
      if (this.end - p < hdr + capLen) return;
      const frac = this.u32(p + 4);
      pkt.tsSec = this.u32(p);
      pkt.tsNsec = frac * mul;
      pkt.capLen = capLen;
      pkt.origLen = this.u32(p + 12);
      pkt.off = p + hdr;
      pkt.fileOffset = this.base + p;
      pkt.frame++;
      this.pos = p + hdr + capLen;
      this.sink(pkt);
    }
  }

  private drainNg(): void {
    for (;;) {
      const p = this.pos;
      const avail = this.end - p;
      if (avail < 12) return;
      const b = this.buf;
      const typeBE = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
      if (typeBE === SHB) {
        // The byte order of this section, lengths included, comes from its byte-order magic.
        const bom = this.dv.getUint32(p + 8, true);
        if (bom === BOM) this.le = true;
        else if (bom === 0x4d3c2b1a) this.le = false;
        else this.fail(c('byteOrder', hex(b, p + 8, 4)), this.base + p + 8);
      }
      const type = this.u32(p);
      const len = this.u32(p + 4);
      if (len < 12 || len % 4 !== 0) this.fail(c('blockMultiple', len), this.base + p + 4);
      if (len > MAX_RECORD) this.fail(c('blockTooLong', len, MAX_RECORD), this.base + p + 4);
      if (avail < len) return;
      const trail = this.u32(p + len - 4);
      if (trail !== len) this.fail(c('blockTrail', len, trail), this.base + p + len - 4);
      this.pos = p + len;
      switch (type) {
        case SHB:
          this.shb(p, len);
          break;
        case IDB:
          this.idb(p, len);
          break;
        case EPB:
          this.epb(p, len);
          break;
        case SPB:
          this.spb(p, len);
          break;
        case PB:
          this.pb(p, len);
          break;
        default:
          break; // NRB, ISB, DSB, custom, local use: not needed here
      }
    }
  }

  private shb(p: number, len: number): void {
    if (len < 28) this.fail(c('blockShort', 'section header', len), this.base + p + 4);
    const major = this.dv.getUint16(p + 12, this.le);
    if (major !== 1) this.fail(c('pcapngVersion', major), this.base + p + 12);
    this.ifaces = [];
  }

  private idb(p: number, len: number): void {
    if (len < 20) this.fail(c('blockShort', 'interface description', len), this.base + p + 4);
    const linkType = this.dv.getUint16(p + 8, this.le);
    const snapLen = this.u32(p + 12);
    let tsresol = 6;
    let offset = 0;
    // Options: code u16, length u16, value padded to 4; opt_endofopt (0) ends them.
    let o = p + 16;
    const stop = p + len - 4;
    while (o + 4 <= stop) {
      const code = this.dv.getUint16(o, this.le);
      const olen = this.dv.getUint16(o + 2, this.le);
      if (code === 0) break;
      const v = o + 4;
      if (v + olen > stop) this.fail(c('optionPast', code, olen), this.base + o);
      if (code === 9 && olen >= 1) tsresol = this.buf[v]!;
      else if (code === 14 && olen >= 8) offset = Number(this.dv.getBigInt64(v, this.le));
      o = v + ((olen + 3) & ~3);
    }
    const tsUnits = tsresol & 0x80 ? tsresol & 0x7f : tsresol;
    if ((tsresol & 0x80 && tsUnits > 63) || (!(tsresol & 0x80) && tsUnits > 19)) {
      this.fail(c('tsresol', tsresol), this.base + p);
    }
    this.ifaces.push(ifaceOf(linkType, snapLen, tsresol, offset));
    this.linkTypes.push(linkType);
    this.opts.onLinkType?.(linkType, 'pcapng', this.base + p + 8);
  }

  private iface(id: number, at: number): Iface {
    const f = this.ifaces[id];
    if (!f) this.fail(c('noInterface', id, this.ifaces.length), at);
    return f;
  }

  private emitNg(f: Iface, ifId: number, hi: number, lo: number, capLen: number, origLen: number, data: number, flags: number, at: number): void {
    const pkt = this.pkt;
    this.stamp(f, hi, lo);
    pkt.linkType = f.linkType;
    pkt.iface = ifId;
    pkt.capLen = capLen;
    pkt.origLen = origLen;
    pkt.off = data;
    pkt.flags = flags;
    pkt.fileOffset = at;
    pkt.frame++;
    this.lastSec = pkt.tsSec;
    this.lastNsec = pkt.tsNsec;
    this.sink(pkt);
  }

  /** Timestamp units (hi:lo, a u64) → seconds and nanoseconds, exactly, without BigInt on the usual paths. */
  private stamp(f: Iface, hi: number, lo: number): void {
    const pkt = this.pkt;
    if (f.mode === 0) {
      const d = f.div;
      // Long division of hi·2^32 + lo by d in 16-bit steps; every partial stays below 2^53.
      const q1 = Math.floor(hi / d);
      const r1 = hi - q1 * d;
      const x = r1 * 65536 + (lo >>> 16);
      const q2 = Math.floor(x / d);
      const r2 = x - q2 * d;
      const y = r2 * 65536 + (lo & 0xffff);
      const q3 = Math.floor(y / d);
      pkt.tsSec = q1 * 4294967296 + q2 * 65536 + q3 + f.offset;
      pkt.tsNsec = (y - q3 * d) * f.mulNs;
    } else if (f.mode === 1) {
      const s = f.shift;
      const scale = 2 ** s;
      const frac = s === 0 ? 0 : lo & (scale - 1);
      pkt.tsSec = hi * 2 ** (32 - s) + Math.floor(lo / scale) + f.offset;
      pkt.tsNsec = Math.floor((frac * 1e9) / scale);
    } else {
      const v = (BigInt(hi) << 32n) | BigInt(lo);
      const sec = v / f.bigDiv;
      pkt.tsSec = Number(sec) + f.offset;
      pkt.tsNsec = Number(((v - sec * f.bigDiv) * 1000000000n) / f.bigDiv);
    }
  }

  /** Packet options after the data: only the flags word is read. */
  private packetFlags(o: number, stop: number): number {
    while (o + 4 <= stop) {
      const code = this.dv.getUint16(o, this.le);
      const olen = this.dv.getUint16(o + 2, this.le);
      if (code === 0) break;
      if (o + 4 + olen > stop) return 0; // a bad option is not worth losing the packet
      if (code === 2 && olen === 4) return this.u32(o + 4);
      o += 4 + ((olen + 3) & ~3);
    }
    return 0;
  }

  private epb(p: number, len: number): void {
    const at = this.base + p;
    if (len < 32) this.fail(c('blockShort', 'enhanced packet', len), at + 4);
    const ifId = this.u32(p + 8);
    const f = this.iface(ifId, at + 8);
    const capLen = this.u32(p + 20);
    if (28 + capLen + 4 > len) this.fail(c('capturedLength', capLen, len), at + 20);
    const flags = len > 32 + capLen ? this.packetFlags(p + 28 + ((capLen + 3) & ~3), p + len - 4) : 0;
    this.emitNg(f, ifId, this.u32(p + 12), this.u32(p + 16), capLen, this.u32(p + 24), p + 28, flags, at);
  }

  private pb(p: number, len: number): void {
    const at = this.base + p;
    if (len < 32) this.fail(c('blockShort', 'packet', len), at + 4);
    const ifId = this.dv.getUint16(p + 8, this.le);
    const f = this.iface(ifId, at + 8);
    const capLen = this.u32(p + 20);
    if (28 + capLen + 4 > len) this.fail(c('capturedLength', capLen, len), at + 20);
    const flags = len > 32 + capLen ? this.packetFlags(p + 28 + ((capLen + 3) & ~3), p + len - 4) : 0;
    this.emitNg(f, ifId, this.u32(p + 12), this.u32(p + 16), capLen, this.u32(p + 24), p + 28, flags, at);
  }

  /** Simple packet block: interface 0, no timestamp (the last one seen is used), no flags. */
  private spb(p: number, len: number): void {
    const at = this.base + p;
    if (len < 16) this.fail(c('blockShort', 'simple packet', len), at + 4);
    const f = this.iface(0, at);
    const origLen = this.u32(p + 8);
    let capLen = Math.min(origLen, len - 16);
    if (f.snapLen > 0) capLen = Math.min(capLen, f.snapLen);
    const pkt = this.pkt;
    pkt.tsSec = this.lastSec;
    pkt.tsNsec = this.lastNsec;
    pkt.linkType = f.linkType;
    pkt.iface = 0;
    pkt.capLen = capLen;
    pkt.origLen = origLen;
    pkt.off = p + 12;
    pkt.flags = 0;
    pkt.fileOffset = at;
    pkt.frame++;
    this.sink(pkt);
  }
}

function hex(b: Uint8Array, off: number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n && off + i < b.length; i++) out.push(b[off + i]!.toString(16).padStart(2, '0'));
  return out.join(' ');
}

/** Parse a whole capture held in memory (fixtures, tests). */
export function parseCapture(bytes: Uint8Array, sink: PacketSink, file = '-', opts: ReadOptions = {}): CaptureSummary {
  const p = new CaptureParser(sink, file, opts);
  p.push(bytes);
  return p.finish();
}
