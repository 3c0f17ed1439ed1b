/**
 * The one normalized socket table every source yields: columns of typed arrays, one row
 * per socket. Counting and filtering read the columns directly; per-socket objects
 * ({@link SocketRecord}) are made only for what is printed.
 * @module
 */
import { AF_INET, formatAddr } from './address.js';
import { socketStateName, stateInfo } from './state.js';

export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

/** Timer kinds, numbered as inet_diag's `idiag_timer` and /proc's `tr` column. */
export const TIMER_OFF = 0;
export const TIMER_ON = 1;
export const TIMER_KEEPALIVE = 2;
export const TIMER_TIMEWAIT = 3;
export const TIMER_PERSIST = 4;
export const TIMER_UNKNOWN = 5;
/** Timer names as netstat -o and ss -o print them. */
export const TIMER_NAMES: readonly string[] = ['off', 'on', 'keepalive', 'timewait', 'probe', 'unknown'];
export const SS_TIMER_NAMES: readonly string[] = ['off', 'on', 'keepalive', 'timewait', 'persist', 'unknown'];

/** uid column value when the source does not know it. */
export const NO_UID = 0xffffffff;
/** timerMs column value when the source does not know the time left. */
export const NO_TIME = 0xffffffff;

/** Row flags. */
export const F_DUALSTACK = 1; // IPv6 socket accepting IPv4 too (v6only=0); only netlink knows
export const F_HAS_TIMER = 2; // the source reported timer fields
export const F_HAS_QUEUES = 4; // the source reported Recv-Q/Send-Q

/** Extended TCP information (INET_DIAG_INFO and friends); only some sources fill it. */
export interface TcpExtInfo {
  rttUs?: number;
  rttVarUs?: number;
  cwnd?: number;
  ssthresh?: number;
  retransmits?: number;
  totalRetrans?: number;
  bytesAcked?: number;
  bytesReceived?: number;
  deliveryRate?: number;
  mss?: number;
  rtoUs?: number;
  /** skmeminfo: rmem_alloc, rcvbuf, wmem_alloc, sndbuf, fwd_alloc, wmem_queued, optmem, backlog, drops */
  skmem?: number[];
  [k: string]: number | number[] | string | undefined;
}

/** A process that holds a socket. */
export interface Owner {
  pid: number;
  program: string;
  fd?: number;
}

/** The per-socket object shape of `--json` output (docs/json.md). */
export interface SocketRecord {
  proto: 'tcp' | 'udp';
  family: 4 | 6;
  state: string;
  /** `name`: the endpoint as a capture made without -n showed it (`web1.lan:ssh`); address and port are then what could be read of it. */
  local: { address: string; port: number; name?: string };
  remote: { address: string; port: number; name?: string };
  recvQ: number | null;
  sendQ: number | null;
  timer: { kind: string; expiresMs: number | null; retransmits: number; probes: number } | null;
  uid: number | null;
  inode: number;
  owners: Owner[];
  info?: TcpExtInfo;
}

/** inode → owning processes: a Map, or a compact index built by process attribution. */
export interface OwnerLookup {
  get(inode: number): Owner[] | undefined;
  set(inode: number, owners: Owner[]): unknown;
  /** `pid/program[,pid/program]` of an inode without making Owner objects, if the lookup can. */
  label?(inode: number): string | undefined;
}

/** Rows per chunk a source hands to its sink: small enough to stay in cache, large enough to amortise the call. */
export const CHUNK_ROWS = 4096;

const INITIAL = 1024;

/** Columnar socket table. Append with {@link SocketTable.add}, read columns by row index. */
export class SocketTable {
  length = 0;
  capacity: number;
  proto: Uint8Array;
  family: Uint8Array;
  state: Uint8Array;
  flags: Uint8Array;
  lport: Uint16Array;
  rport: Uint16Array;
  /** 16 bytes per row; IPv4 in the first 4. */
  laddr: Uint8Array;
  raddr: Uint8Array;
  recvQ: Uint32Array;
  sendQ: Uint32Array;
  timer: Uint8Array;
  /** Time left on the timer in milliseconds, {@link NO_TIME} if unknown. */
  timerMs: Uint32Array;
  retrans: Uint32Array;
  probes: Uint32Array;
  uid: Uint32Array;
  inode: Uint32Array;
  /** Owners by socket inode, filled by process attribution or by text sources that show them. */
  owners: OwnerLookup = new Map<number, Owner[]>();
  /** Owners of rows without an inode (captured text), by row index. */
  rowOwners = new Map<number, Owner[]>();
  /** Extended info by row index (sparse). */
  ext = new Map<number, TcpExtInfo>();
  /** Endpoints a capture showed as names (`web1.lan:ssh`), by row index (sparse): [local, remote]. */
  names = new Map<number, [string | undefined, string | undefined]>();

  constructor(capacity = INITIAL) {
    this.capacity = Math.max(16, capacity);
    const c = this.capacity;
    this.proto = new Uint8Array(c);
    this.family = new Uint8Array(c);
    this.state = new Uint8Array(c);
    this.flags = new Uint8Array(c);
    this.lport = new Uint16Array(c);
    this.rport = new Uint16Array(c);
    this.laddr = new Uint8Array(c * 16);
    this.raddr = new Uint8Array(c * 16);
    this.recvQ = new Uint32Array(c);
    this.sendQ = new Uint32Array(c);
    this.timer = new Uint8Array(c);
    this.timerMs = new Uint32Array(c);
    this.retrans = new Uint32Array(c);
    this.probes = new Uint32Array(c);
    this.uid = new Uint32Array(c);
    this.inode = new Uint32Array(c);
  }

  private grow(min: number): void {
    let c = this.capacity * 2;
    while (c < min) c *= 2;
    const g = <T extends Uint8Array | Uint16Array | Uint32Array>(a: T, per = 1): T => {
      const n = new (a.constructor as new (n: number) => T)(c * per);
      n.set(a.subarray(0, this.length * per));
      return n;
    };
    this.proto = g(this.proto);
    this.family = g(this.family);
    this.state = g(this.state);
    this.flags = g(this.flags);
    this.lport = g(this.lport);
    this.rport = g(this.rport);
    this.laddr = g(this.laddr, 16);
    this.raddr = g(this.raddr, 16);
    this.recvQ = g(this.recvQ);
    this.sendQ = g(this.sendQ);
    this.timer = g(this.timer);
    this.timerMs = g(this.timerMs);
    this.retrans = g(this.retrans);
    this.probes = g(this.probes);
    this.uid = g(this.uid);
    this.inode = g(this.inode);
    this.capacity = c;
  }

  /** Make room for at least `min` rows (a decoder that fills every column itself). */
  reserve(min: number): void {
    if (min > this.capacity) this.grow(min);
  }

  /**
   * Append an empty row (uid and time unknown) and return its index; the caller fills
   * the columns. Address bytes of a reused slot are cleared.
   */
  add(): number {
    if (this.length === this.capacity) this.grow(this.length + 1);
    const i = this.length++;
    this.laddr.fill(0, i * 16, i * 16 + 16);
    this.raddr.fill(0, i * 16, i * 16 + 16);
    this.uid[i] = NO_UID;
    this.timerMs[i] = NO_TIME;
    this.flags[i] = 0;
    this.timer[i] = 0;
    this.retrans[i] = 0;
    this.probes[i] = 0;
    this.recvQ[i] = 0;
    this.sendQ[i] = 0;
    this.inode[i] = 0;
    return i;
  }

  /** Owners of row i: by inode when it has one, else those a text source recorded. */
  ownersOf(i: number): Owner[] {
    const ino = this.inode[i]!;
    return (ino !== 0 ? this.owners.get(ino) : undefined) ?? this.rowOwners.get(i) ?? [];
  }

  /** The object view of row i. */
  record(i: number): SocketRecord {
    const fam = this.family[i] === AF_INET ? 4 : 6;
    const f = this.flags[i]!;
    const hasTimer = (f & F_HAS_TIMER) !== 0;
    const hasQ = (f & F_HAS_QUEUES) !== 0;
    const tms = this.timerMs[i]!;
    const rec: SocketRecord = {
      proto: this.proto[i] === PROTO_UDP ? 'udp' : 'tcp',
      family: fam,
      state: socketStateName(this.proto[i] === PROTO_UDP, this.state[i]!),
      local: { address: formatAddr(this.family[i]!, this.laddr, i * 16), port: this.lport[i]!, ...(this.names.get(i)?.[0] !== undefined ? { name: this.names.get(i)![0] } : {}) },
      remote: { address: formatAddr(this.family[i]!, this.raddr, i * 16), port: this.rport[i]!, ...(this.names.get(i)?.[1] !== undefined ? { name: this.names.get(i)![1] } : {}) },
      recvQ: hasQ ? this.recvQ[i]! : null,
      sendQ: hasQ ? this.sendQ[i]! : null,
      timer: hasTimer ? { kind: TIMER_NAMES[this.timer[i]!] ?? 'unknown', expiresMs: tms === NO_TIME ? null : tms, retransmits: this.retrans[i]!, probes: this.probes[i]! } : null,
      uid: this.uid[i] === NO_UID ? null : this.uid[i]!,
      inode: this.inode[i]!,
      owners: this.ownersOf(i),
    };
    const ext = this.ext.get(i);
    if (ext) rec.info = ext;
    return rec;
  }

  /** Append row j of another table (owners and extended info included). */
  copyRow(src: SocketTable, j: number): number {
    const i = this.add();
    this.setColumns(i, src, j);
    const ino = src.inode[j]!;
    if (ino !== 0) {
      const o = src.owners.get(ino);
      if (o) this.owners.set(ino, o);
    } else {
      const o = src.rowOwners.get(j);
      if (o) this.rowOwners.set(i, o);
    }
    const e = src.ext.get(j);
    if (e) this.ext.set(i, e);
    const n = src.names.get(j);
    if (n) this.names.set(i, n);
    return i;
  }

  /** Row i's columns set to those of row j of `src` (not its owners, extended info or names). */
  setColumns(i: number, src: SocketTable, j: number): void {
    this.proto[i] = src.proto[j]!;
    this.family[i] = src.family[j]!;
    this.state[i] = src.state[j]!;
    this.flags[i] = src.flags[j]!;
    this.lport[i] = src.lport[j]!;
    this.rport[i] = src.rport[j]!;
    const la = this.laddr,
      ra = this.raddr,
      sla = src.laddr,
      sra = src.raddr;
    for (let k = 0, a = i * 16, b = j * 16; k < 16; k++) {
      la[a + k] = sla[b + k]!;
      ra[a + k] = sra[b + k]!;
    }
    this.recvQ[i] = src.recvQ[j]!;
    this.sendQ[i] = src.sendQ[j]!;
    this.timer[i] = src.timer[j]!;
    this.timerMs[i] = src.timerMs[j]!;
    this.retrans[i] = src.retrans[j]!;
    this.probes[i] = src.probes[j]!;
    this.uid[i] = src.uid[j]!;
    this.inode[i] = src.inode[j]!;
  }

  /** A new table holding the rows where keep(i) is true, in order. */
  select(keep: (i: number) => boolean): SocketTable {
    const out = new SocketTable(Math.max(16, this.length >> 2));
    for (let i = 0; i < this.length; i++) if (keep(i)) out.copyRow(this, i);
    return out;
  }
}

/** A table plus what the source said while reading it. */
export interface Snapshot {
  table: SocketTable;
  /** Which source produced it (`proc`, `netlink`, `netstat`, ...). */
  source: string;
  /** Host name, for captured inputs and fleets. */
  host?: string;
  /** When it was taken (ms since epoch), if known. */
  takenAt?: number;
  warnings: import('./errors.js').Warning[];
  /** Notices for the user (e.g. "other users' processes are hidden"), printed once. */
  notices: import('./warnings.js').Notice[];
}

/** Canonical state name of row i; exported for renderers that must not compare strings. */
export function rowStateInfo(t: SocketTable, i: number) {
  return stateInfo(t.state[i]!);
}
