/**
 * TCP sockets counted by state from the native addon's BPF tcp iterator
 * (native/bpf_tcp_states.c), the `count` fast path where it runs (root, kernel BTF): one walk
 * of the kernel's TCP hash tables writing two bytes per socket, (kernel state, Linux address
 * family), instead of an 88-byte sock_diag message; a timewait socket's state is its
 * substate, as sock_diag and /proc/net/tcp give it. Pure counting over those bytes
 * ({@link countStatePairs}) beside the thin reader ({@link bpfCount}).
 * @module
 */
import { TcpstateError, type Warning } from '../model/errors.js';
import { Warnings } from '../model/warnings.js';
import { say as ks } from '../i18n/kernel.js';
import type { ReadConfig } from './config.js';
import { AF_INET, AF_INET6 } from '../model/address.js';
import { canonicalCode, UNKNOWN } from '../model/state.js';
import type { ScanOptions, ScanResult } from './live.js';
import type { NativeAddon, StatesHandle } from './native.js';
import { LINUX_AF_INET, LINUX_AF_INET6 } from './netlink-decode.js';

/**
 * Bytes per socket: state (u8), then family (u8: AF_INET 2, AF_INET6 10). The state is the
 * kernel's code as ss shows it: for a timewait socket its substate (TIME_WAIT, or FIN_WAIT2
 * for an orphan whose FIN was acknowledged), not its skc_state.
 */
export const STATE_PAIR_BYTES = 2;

/**
 * The state byte of a timewait socket whose substate the kernel would not give the program
 * (bpf_skc_to_tcp_timewait_sock refused it: IPv6 built as a module). No socket has state 0.
 */
export const UNREAD_SUBSTATE = 0;

/** Raw per-family tallies of kernel state codes, turned into counts by {@link finishCounts}. */
export interface StateTally {
  v4: Float64Array;
  v6: Float64Array;
  /** Bytes consumed so far (for the offsets of errors). */
  offset: number;
}

export function newTally(): StateTally {
  return { v4: new Float64Array(256), v6: new Float64Array(256), offset: 0 };
}

/**
 * Tally the (state, family) pairs of `bytes[0, length)` into `t`.
 * @throws TcpstateError ERR_PARSE naming the byte offset of a pair with an unknown family, or
 *   of a length that is not whole pairs.
 */
export function countStatePairs(bytes: Uint8Array, length: number, t: StateTally, name = 'bpf tcp iterator'): void {
  if (length % STATE_PAIR_BYTES !== 0) {
    throw new TcpstateError('ERR_PARSE', ks('notPairs', name, length), { file: name, offset: t.offset + length, field: 'length' });
  }
  const v4 = t.v4;
  const v6 = t.v6;
  for (let i = 0; i < length; i += 2) {
    const f = bytes[i + 1]!;
    if (f === LINUX_AF_INET) v4[bytes[i]!]!++;
    else if (f === LINUX_AF_INET6) v6[bytes[i]!]!++;
    else throw new TcpstateError('ERR_PARSE', ks('badFamily', name, f, t.offset + i + 1), { file: name, offset: t.offset + i + 1, field: 'family' });
  }
  t.offset += length;
}

/** Timewait sockets of the tally whose state the iterator could not read ({@link UNREAD_SUBSTATE}). */
export function unreadSubstates(t: StateTally): number {
  return t.v4[UNREAD_SUBSTATE]! + t.v6[UNREAD_SUBSTATE]!;
}

/**
 * Add the tallies of the families and states selected to `counts` (tcpstate's state codes);
 * a kernel state tcpstate does not know is counted as UNKNOWN, with a warning.
 */
export function finishCounts(t: StateTally, opts: Pick<ScanOptions, 'v4' | 'v6' | 'states'>, counts: Float64Array, name = 'bpf tcp iterator'): Warning[] {
  const warnings = new Warnings();
  for (let raw = 0; raw < 256; raw++) {
    const n = (opts.v4 ? t.v4[raw]! : 0) + (opts.v6 ? t.v6[raw]! : 0);
    if (n === 0) continue;
    const code = canonicalCode(raw);
    if (code === UNKNOWN) warnings.add('W_UNKNOWN_STATE', ks('unknownStateSockets', raw, n), { file: name, field: 'state' });
    if (opts.states & (1 << code)) counts[code]! += n;
  }
  return warnings.list();
}

/**
 * A walk of the current namespace started before tcpstate's code loaded (bin/tcpstate.js,
 * for a plain `tcpstate count`), handed down in the scan options (`started`) for
 * {@link bpfCount} to finish: the walk, and when it began (hrtime).
 */
export interface Prefetch {
  handle: StatesHandle;
  began: bigint;
}

/**
 * Count the TCP sockets of the current namespace (or the namespace file `netnsFile`)
 * through the addon's BPF iterator; undefined when the iterator cannot run here (no kernel
 * BTF or a member it reads, not root, TCPSTATE_NO_BPF=1) or could not read the state of
 * every timewait socket, so the caller dumps through sock_diag instead.
 */
export function bpfCount(addon: NativeAddon, opts: ScanOptions, netnsFile: string | undefined, counts: Float64Array): ScanResult | undefined {
  const early = opts.started;
  if (opts.config.noBpf || typeof addon.bpfTcpStatesStart !== 'function') return undefined;
  const t = newTally();
  const use = netnsFile === undefined ? early : undefined;
  try {
    const bytes = addon.bpfTcpStatesFinish(use ? use.handle : addon.bpfTcpStatesStart(netnsFile));
    countStatePairs(bytes, bytes.length, t);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BPF_UNAVAILABLE') return undefined;
    throw e;
  }
  // Counted as TIME_WAIT they could be orphaned FIN_WAIT2: sock_diag reads every substate.
  if (unreadSubstates(t) > 0) return undefined;
  return { warnings: finishCounts(t, opts, counts), notices: [], method: use ? 'bpf tcp iterator, started early' : 'bpf tcp iterator', ...(use ? { began: use.began } : {}) };
}

/** Bytes per socket of the walk with ports: state, family, then local and remote port (u16 each, host order). */
export const STATE_PORT_BYTES = 6;

/**
 * The columns of a walk with ports: what per-port state counts need, without addresses,
 * queues or owners (a {@link SocketTable}'s columns of those names, same codes).
 */
export interface PortColumns {
  length: number;
  /** tcpstate state codes (UNKNOWN for a kernel state tcpstate does not know). */
  state: Uint8Array;
  /** AF_INET (4) or AF_INET6 (6), as the table's family column. */
  family: Uint8Array;
  lport: Uint16Array;
  rport: Uint16Array;
}

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The six-byte records of a walk with ports as columns; undefined when a timewait socket's
 * substate could not be read (the caller dumps through sock_diag, as {@link bpfCount} does).
 * @throws TcpstateError ERR_PARSE naming the byte offset of a record with an unknown family,
 *   or of a length that is not whole records.
 */
export function parseStatePorts(bytes: Uint8Array, name = 'bpf tcp iterator'): { columns: PortColumns; warnings: Warning[] } | undefined {
  if (bytes.length % STATE_PORT_BYTES !== 0) {
    throw new TcpstateError('ERR_PARSE', ks('notRecords', name, bytes.length, STATE_PORT_BYTES), { file: name, offset: bytes.length, field: 'length' });
  }
  const n = bytes.length / STATE_PORT_BYTES;
  const c: PortColumns = { length: n, state: new Uint8Array(n), family: new Uint8Array(n), lport: new Uint16Array(n), rport: new Uint16Array(n) };
  const unknown = new Map<number, number>();
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0, o = 0; i < n; i++, o += STATE_PORT_BYTES) {
    const raw = bytes[o]!;
    if (raw === UNREAD_SUBSTATE) return undefined;
    const f = bytes[o + 1]!;
    if (f === LINUX_AF_INET) c.family[i] = AF_INET;
    else if (f === LINUX_AF_INET6) c.family[i] = AF_INET6;
    else throw new TcpstateError('ERR_PARSE', ks('badFamily', name, f, o + 1), { file: name, offset: o + 1, field: 'family' });
    const code = canonicalCode(raw);
    if (code === UNKNOWN) unknown.set(raw, (unknown.get(raw) ?? 0) + 1);
    c.state[i] = code;
    c.lport[i] = dv.getUint16(o + 2, LITTLE);
    c.rport[i] = dv.getUint16(o + 4, LITTLE);
  }
  const warnings = new Warnings();
  for (const [raw, count] of unknown) warnings.add('W_UNKNOWN_STATE', ks('unknownStateSockets', raw, count), { file: name, field: 'state' });
  return { columns: c, warnings: warnings.list() };
}

/**
 * Start a walk of every TCP socket's state, family and ports in the current namespace (or
 * the namespace file `netnsFile`) on the addon's thread; undefined where BPF is turned off.
 * {@link finishPortWalk} takes its columns.
 */
export function startPortWalk(addon: NativeAddon, netnsFile: string | undefined, config: Pick<ReadConfig, 'noBpf'>): StatesHandle | undefined {
  if (config.noBpf || typeof addon.bpfTcpStatesStart !== 'function') return undefined;
  return addon.bpfTcpStatesStart(netnsFile, true);
}

/** The columns of a walk {@link startPortWalk} began; undefined where {@link bpfCount} would be. */
export function finishPortWalk(addon: NativeAddon, handle: StatesHandle): { columns: PortColumns; warnings: Warning[] } | undefined {
  let bytes: Uint8Array;
  try {
    bytes = addon.bpfTcpStatesFinish(handle);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BPF_UNAVAILABLE') return undefined;
    throw e;
  }
  return parseStatePorts(bytes);
}
