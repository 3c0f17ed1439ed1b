/**
 * The records the addon's trace programs write (native/bpf_trace_prog.c), decoded: pure
 * {@link parseTraceEvents} over the bytes of a batch.
 * @module
 */
import { TcpstateError } from '../model/errors.js';
import { say as ks } from '../i18n/kernel.js';
import { AF_INET, AF_INET6 } from '../model/address.js';
import { LINUX_AF_INET, LINUX_AF_INET6 } from '../sources/netlink-decode.js';

/** Bytes of one record (TRACE_EVENT_BYTES in native/bpf_trace_prog.h). */
export const TRACE_EVENT_BYTES = 128;

/** What a record reports (its kind byte). */
export const KIND_STATE = 0;
/** A timewait socket replaced a full one (inet_twsk_hashdance_schedule). */
export const KIND_TW_ENTER = 1;
/** A timewait socket's timer was (re)armed: its substate may have changed. */
export const KIND_TW_SCHED = 2;
/** A timewait socket went away. */
export const KIND_TW_KILL = 3;

/** One kernel event. States are the kernel's codes (tcpstate's codes, src/model/state.ts). */
export interface TraceEvent {
  /** CLOCK_MONOTONIC nanoseconds (bpf_ktime_get_ns), as process.hrtime.bigint(). */
  time: bigint;
  /** The struct sock (hex), '' when the record is about a timewait socket only. */
  sk: string;
  /** The timewait socket (hex), '' if none. */
  tw: string;
  /** The socket's inode while it has a file (0 after close(), or before accept()). */
  inode: number;
  /** The network namespace's inode. */
  netns: number;
  /** The task on the CPU: the owner only where a system call drove the change. */
  cpuPid: number;
  cpuComm: string;
  kind: number;
  /** sk_shutdown when the state changed (RCV_SHUTDOWN 1: the peer's FIN was received); 0xff unknown. */
  shutdown: number;
  from: number;
  to: number;
  /** tcpstate's family: 4 or 6. */
  family: 4 | 6;
  lport: number;
  rport: number;
  /** 16 bytes each, IPv4 in the first 4 (as SocketTable rows). */
  laddr: Uint8Array;
  raddr: Uint8Array;
  /** The peer's FIN had come (SOCK_DONE) at the change: kinds 0 and 1; undefined: not read. */
  peerFin?: boolean;
  /** sk_err at the change (kinds 0 and 1; 0 for a request socket): ECONNRESET when a RST came, ETIMEDOUT, ... */
  err?: number;
  /** tcp_sock's bytes_acked and bytes_received at the change (kinds 0 and 1, as tcplife reads them at close): sequence space, so a SYN and FIN acknowledged or received count 1 each. */
  acked?: number;
  received?: number;
}

function hex(v: bigint): string {
  return v === 0n ? '' : v.toString(16);
}

/**
 * Decode the records of `bytes`.
 * @throws TcpstateError ERR_PARSE naming the byte offset of a length that is not whole
 *   records, or of a record with a family other than IPv4/IPv6.
 */
export function parseTraceEvents(bytes: Uint8Array, name = 'bpf trace ring buffer'): TraceEvent[] {
  if (bytes.length % TRACE_EVENT_BYTES !== 0) {
    throw new TcpstateError('ERR_PARSE', ks('notRecords', name, bytes.length, TRACE_EVENT_BYTES), { file: name, offset: bytes.length, field: 'length' });
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: TraceEvent[] = [];
  for (let o = 0; o < bytes.length; o += TRACE_EVENT_BYTES) {
    const fam = dv.getUint16(o + 44, true);
    if (fam !== LINUX_AF_INET && fam !== LINUX_AF_INET6) {
      throw new TcpstateError('ERR_PARSE', ks('badFamily', name, fam, o + 44), { file: name, offset: o + 44, field: 'family' });
    }
    const v4 = fam === LINUX_AF_INET;
    const laddr = new Uint8Array(16);
    const raddr = new Uint8Array(16);
    laddr.set(bytes.subarray(o + (v4 ? 52 : 64), o + (v4 ? 56 : 80)));
    raddr.set(bytes.subarray(o + (v4 ? 56 : 80), o + (v4 ? 60 : 96)));
    let end = o + 96;
    while (end < o + 112 && bytes[end] !== 0) end++;
    out.push({
      time: dv.getBigUint64(o, true),
      sk: hex(dv.getBigUint64(o + 8, true)),
      tw: hex(dv.getBigUint64(o + 16, true)),
      inode: Number(dv.getBigUint64(o + 24, true)),
      netns: dv.getUint32(o + 32, true),
      cpuPid: dv.getUint32(o + 36, true),
      cpuComm: Buffer.from(bytes.subarray(o + 96, end)).toString('utf8'),
      kind: bytes[o + 40]!,
      shutdown: bytes[o + 43]!,
      from: bytes[o + 41]!,
      to: bytes[o + 42]!,
      family: v4 ? AF_INET : AF_INET6,
      lport: dv.getUint16(o + 46, true),
      rport: dv.getUint16(o + 48, false),
      laddr,
      raddr,
      err: dv.getUint16(o + 50, true),
      peerFin: bytes[o + 60] === 0xff ? undefined : bytes[o + 60] !== 0,
      acked: Number(dv.getBigUint64(o + 112, true)),
      received: Number(dv.getBigUint64(o + 120, true)),
    });
  }
  return out;
}
