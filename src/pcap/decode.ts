/**
 * Packet decoding down to TCP, in place: link layers (Ethernet with 802.1Q/802.1ad tags, raw
 * IP, LINKTYPE_IPV4/IPV6, Linux cooked SLL and SLL2, BSD NULL and OpenBSD LOOP), IPv4 (options;
 * fragments reported), IPv6 (extension headers), and the TCP header. Fills one reused
 * {@link Segment}; addresses stay in the packet buffer (offsets), nothing is allocated per packet.
 *
 * The payload length comes from the IP length fields, not from the captured length, so
 * Ethernet padding and snap-length truncation do not change it. Link-type numbers are
 * LINKTYPE_* values (tcpdump.org link-layer header types).
 * @module
 */
import type { RawPacket } from './container.js';

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

/** Link types {@link decodeTcp} understands, with their names. */
export const LINK_TYPES: Readonly<Record<number, string>> = {
  [LINKTYPE_NULL]: 'NULL',
  [LINKTYPE_ETHERNET]: 'ETHERNET',
  [LINKTYPE_RAW]: 'RAW',
  [LINKTYPE_LOOP]: 'LOOP',
  [LINKTYPE_LINUX_SLL]: 'LINUX_SLL',
  [LINKTYPE_IPV4]: 'IPV4',
  [LINKTYPE_IPV6]: 'IPV6',
  [LINKTYPE_LINUX_SLL2]: 'LINUX_SLL2',
};

/** Names of some link types {@link decodeTcp} does not read, for messages (tcpdump.org's list). */
const OTHER_LINK_TYPES: Readonly<Record<number, string>> = {
  6: 'IEEE802_5',
  9: 'PPP',
  10: 'FDDI',
  50: 'PPP_HDLC',
  51: 'PPP_ETHER',
  104: 'C_HDLC',
  105: 'IEEE802_11',
  119: 'IEEE802_11_PRISM',
  127: 'IEEE802_11_RADIOTAP',
  192: 'PPI',
  195: 'IEEE802_15_4_WITHFCS',
  220: 'USB_LINUX_MMAPPED',
  239: 'NFLOG',
  249: 'NETANALYZER',
  253: 'NETLINK',
  263: 'VSOCK',
  264: 'NORDIC_BLE',
  281: 'ETW',
};

/** `PPP (9)`, `link type 3000`: a LINKTYPE_* value as messages show it. */
export function linkTypeName(linkType: number): string {
  const name = LINK_TYPES[linkType] ?? OTHER_LINK_TYPES[linkType] ?? (linkType >= 147 && linkType <= 162 ? `USER${linkType - 147}` : undefined);
  return name === undefined ? `link type ${linkType}` : `${name} (${linkType})`;
}

/** Results of {@link decodeTcp}. */
export const TCP_OK = 0;
/** Not IPv4/IPv6 (ARP, LLDP, ...). */
export const NOT_IP = 1;
/** IP, but not TCP. */
export const NOT_TCP = 2;
/** The headers are cut short by the snap length or the file. */
export const TRUNCATED = 3;
/** A fragment of a TCP datagram (not reassembled). */
export const FRAGMENT = 4;
/** Header fields that contradict each other. */
export const MALFORMED = 5;
/** A link type not decoded. */
export const UNKNOWN_LINK = 6;

/** TCP flag bits (byte 13, plus NS/AE as bit 8). */
export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;
export const ECE = 0x40;
export const CWR = 0x80;
export const NS = 0x100;

/** Where the packet came from, when the link layer says (SLL packet type, pcapng flags). */
export const DIR_UNKNOWN = 0;
export const DIR_IN = 1;
export const DIR_OUT = 2;

/** One decoded TCP segment. Reused for every packet. */
export class Segment {
  family: 4 | 6 = 4;
  /** The packet buffer; source and destination addresses are at srcOff/dstOff (4 or 16 bytes). */
  abuf: Uint8Array = new Uint8Array(0);
  srcOff = 0;
  dstOff = 0;
  sport = 0;
  dport = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  /** TCP header length (data offset × 4). */
  hdrLen = 0;
  /** Payload bytes, from the IP length fields. */
  payloadLen = 0;
  /** Offset of the TCP header in abuf, and how many header bytes were captured. */
  tcpOff = 0;
  tcpCaptured = 0;
  /** DIR_IN / DIR_OUT when the capture says, else DIR_UNKNOWN. */
  dir = DIR_UNKNOWN;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl = 0;

  /** Sequence space the segment uses: payload, plus one for SYN and one for FIN. */
  get segLen(): number {
    return this.payloadLen + (this.flags & SYN ? 1 : 0) + (this.flags & FIN ? 1 : 0);
  }
}

/** TCP options of one segment (RFC 9293 §3.2, RFC 7323, RFC 2018). -1 / false when absent. */
export class TcpOptions {
  mss = -1;
  wscale = -1;
  sackPermitted = false;
  /** Number of SACK blocks. */
  sackBlocks = 0;
  tsVal = -1;
  tsEcr = -1;
  /** TCP Fast Open cookie option (kind 34, or experimental 254 with magic 0xF989). */
  fastOpen = false;
  /** The option list ended early or had a bad length. */
  malformed = false;
}

/** Decode the options of `seg` into `out` (reset first). */
export function parseTcpOptions(seg: Segment, out: TcpOptions): TcpOptions {
  out.mss = -1;
  out.wscale = -1;
  out.sackPermitted = false;
  out.sackBlocks = 0;
  out.tsVal = -1;
  out.tsEcr = -1;
  out.fastOpen = false;
  out.malformed = false;
  const b = seg.abuf;
  let o = seg.tcpOff + 20;
  const end = seg.tcpOff + Math.min(seg.hdrLen, seg.tcpCaptured);
  while (o < end) {
    const kind = b[o]!;
    if (kind === 0) break;
    if (kind === 1) {
      o++;
      continue;
    }
    if (o + 1 >= end) {
      out.malformed = true;
      break;
    }
    const len = b[o + 1]!;
    if (len < 2 || o + len > end) {
      out.malformed = true;
      break;
    }
    switch (kind) {
      case 2:
        if (len === 4) out.mss = (b[o + 2]! << 8) | b[o + 3]!;
        break;
      case 3:
        if (len === 3) out.wscale = b[o + 2]!;
        break;
      case 4:
        out.sackPermitted = true;
        break;
      case 5:
        out.sackBlocks = (len - 2) >> 3;
        break;
      case 8:
        if (len === 10) {
          out.tsVal = u32be(b, o + 2);
          out.tsEcr = u32be(b, o + 6);
        }
        break;
      case 34:
        out.fastOpen = true;
        break;
      case 254:
        if (len >= 4 && b[o + 2] === 0xf9 && b[o + 3] === 0x89) out.fastOpen = true;
        break;
      default:
        break;
    }
    o += len;
  }
  return out;
}

function u32be(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function u16be(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/**
 * Decode a captured packet to its TCP segment.
 * @returns TCP_OK with `seg` filled, or why not (NOT_IP, NOT_TCP, TRUNCATED, FRAGMENT, MALFORMED, UNKNOWN_LINK).
 */
export function decodeTcp(pkt: RawPacket, seg: Segment): number {
  const b = pkt.buf;
  const start = pkt.off;
  const end = start + pkt.capLen;
  let o = start;
  let etherType = 0;
  seg.dir = (pkt.flags & 3) === 1 ? DIR_IN : (pkt.flags & 3) === 2 ? DIR_OUT : DIR_UNKNOWN;
  switch (pkt.linkType) {
    case LINKTYPE_ETHERNET: {
      if (end - o < 14) return TRUNCATED;
      etherType = u16be(b, o + 12);
      o += 14;
      // 802.1Q, 802.1ad and the old QinQ type: 4 bytes each, then the real EtherType.
      while (etherType === 0x8100 || etherType === 0x88a8 || etherType === 0x9100) {
        if (end - o < 4) return TRUNCATED;
        etherType = u16be(b, o + 2);
        o += 4;
      }
      break;
    }
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      if (end - o < 1) return TRUNCATED;
      etherType = b[o]! >> 4 === 4 ? 0x0800 : b[o]! >> 4 === 6 ? 0x86dd : 0;
      break;
    case LINKTYPE_LINUX_SLL: {
      if (end - o < 16) return TRUNCATED;
      const ptype = u16be(b, o);
      if (ptype === 4) seg.dir = DIR_OUT;
      else if (ptype === 0) seg.dir = DIR_IN;
      etherType = u16be(b, o + 14);
      o += 16;
      break;
    }
    case LINKTYPE_LINUX_SLL2: {
      if (end - o < 20) return TRUNCATED;
      const ptype = b[o + 10]!;
      if (ptype === 4) seg.dir = DIR_OUT;
      else if (ptype === 0) seg.dir = DIR_IN;
      etherType = u16be(b, o);
      o += 20;
      break;
    }
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      if (end - o < 4) return TRUNCATED;
      // NULL: the address family in the capturing host's byte order; LOOP: big-endian.
      let af = u32be(b, o);
      if (pkt.linkType === LINKTYPE_NULL && (af & 0xffff) === 0) af = (af >>> 24) | ((af >>> 8) & 0xff00);
      etherType = af === 2 ? 0x0800 : af === 10 || af === 24 || af === 28 || af === 30 ? 0x86dd : 0;
      o += 4;
      break;
    }
    default:
      return UNKNOWN_LINK;
  }
  if (etherType === 0x0800) return ipv4(b, o, end, seg);
  if (etherType === 0x86dd) return ipv6(b, o, end, seg);
  return NOT_IP;
}

function ipv4(b: Uint8Array, o: number, end: number, seg: Segment): number {
  if (end - o < 20) return TRUNCATED;
  const vihl = b[o]!;
  if (vihl >> 4 !== 4) return MALFORMED;
  const ihl = (vihl & 15) * 4;
  if (ihl < 20) return MALFORMED;
  if (end - o < ihl) return TRUNCATED;
  let total = u16be(b, o + 2);
  // A total length of 0 is what TSO'd packets show on the sending host.
  if (total === 0) total = end - o;
  if (total < ihl) return MALFORMED;
  if (b[o + 9] !== 6) return NOT_TCP;
  const frag = u16be(b, o + 6);
  if ((frag & 0x3fff) !== 0) return FRAGMENT;
  seg.family = 4;
  seg.abuf = b;
  seg.srcOff = o + 12;
  seg.dstOff = o + 16;
  seg.ttl = b[o + 8]!;
  return tcp(b, o + ihl, end, total - ihl, seg);
}

function ipv6(b: Uint8Array, o: number, end: number, seg: Segment): number {
  if (end - o < 40) return TRUNCATED;
  if (b[o]! >> 4 !== 6) return MALFORMED;
  let plen = u16be(b, o + 4);
  let nh = b[o + 6]!;
  const ip = o;
  let p = o + 40;
  // Payload length 0 means a jumbogram or a TSO'd packet: use what was captured.
  if (plen === 0) plen = end - p;
  const stop = p + plen;
  for (let hops = 0; nh !== 6; hops++) {
    if (hops > 16) return MALFORMED;
    if (nh === 0 || nh === 43 || nh === 60 || nh === 135 || nh === 139 || nh === 140) {
      if (end - p < 2) return TRUNCATED;
      nh = b[p]!;
      p += (b[p + 1]! + 1) * 8;
    } else if (nh === 51) {
      if (end - p < 2) return TRUNCATED;
      nh = b[p]!;
      p += (b[p + 1]! + 2) * 4;
    } else if (nh === 44) {
      if (end - p < 8) return TRUNCATED;
      const next = b[p]!;
      const offM = u16be(b, p + 2);
      // An atomic fragment (offset 0, no more fragments) is a whole datagram.
      if ((offM & 0xfff9) !== 0) return next === 6 ? FRAGMENT : NOT_TCP;
      nh = next;
      p += 8;
    } else {
      return NOT_TCP;
    }
    if (p > stop) return MALFORMED;
  }
  seg.family = 6;
  seg.abuf = b;
  seg.srcOff = ip + 8;
  seg.dstOff = ip + 24;
  seg.ttl = b[ip + 7]!;
  return tcp(b, p, end, stop - p, seg);
}

function tcp(b: Uint8Array, o: number, end: number, ipPayload: number, seg: Segment): number {
  if (end - o < 20) return TRUNCATED;
  const hlen = (b[o + 12]! >> 4) * 4;
  if (hlen < 20 || hlen > ipPayload) return MALFORMED;
  seg.sport = u16be(b, o);
  seg.dport = u16be(b, o + 2);
  seg.seq = u32be(b, o + 4);
  seg.ack = u32be(b, o + 8);
  seg.flags = ((b[o + 12]! & 1) << 8) | b[o + 13]!;
  seg.window = u16be(b, o + 14);
  seg.hdrLen = hlen;
  seg.payloadLen = ipPayload - hlen;
  seg.tcpOff = o;
  seg.tcpCaptured = end - o;
  return TCP_OK;
}

/** `S`, `S.`, `F.`, `R.`, `P.` — tcpdump's flag letters (`.` for ACK, `E`/`W` for ECE/CWR). */
export function flagText(flags: number): string {
  let s = '';
  if (flags & SYN) s += 'S';
  if (flags & FIN) s += 'F';
  if (flags & PSH) s += 'P';
  if (flags & RST) s += 'R';
  if (flags & URG) s += 'U';
  if (flags & ECE) s += 'E';
  if (flags & CWR) s += 'W';
  if (flags & ACK) s += '.';
  return s === '' ? 'none' : s;
}
