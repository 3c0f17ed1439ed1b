/**
 * Kernel events ({@link TraceEvent}) into transitions: each socket's time in its old state
 * and its owner. Pure over the events and an {@link TraceOwners}; reading the kernel is
 * src/trace/session.ts.
 *
 * The owner is the process holding the socket's file (its inode, joined with the BPF owner
 * iterator's map), never the task that happened to be on the CPU, except where that task is
 * the owner by construction: the system calls connect(), listen() and close() drive
 * CLOSE -> SYN_SENT, CLOSE -> LISTEN, ESTABLISHED -> FIN_WAIT1, CLOSE_WAIT -> LAST_ACK and
 * LISTEN -> CLOSE. After close() the socket keeps its last owner; a socket not yet accepted
 * (no file) belongs to the owner of the listener on its local port in its namespace.
 * @module
 */
import type { Owner } from '../model/table.js';
import { CLOSE, CLOSE_WAIT, CLOSING, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, LAST_ACK, LISTEN, NEW_SYN_RECV, SYN_RECV, SYN_SENT, TIME_WAIT, type StateCode } from '../model/state.js';
import { KIND_STATE, KIND_TW_ENTER, KIND_TW_KILL, KIND_TW_SCHED, type TraceEvent } from './events.js';

/** One state change of one socket. */
/** A traced socket's owner and addresses (addresses as 4 or 16 bytes, ports in host order). */
export interface Endpoints {
  owner: Owner | undefined;
  family: 4 | 6;
  laddr: Uint8Array;
  lport: number;
  raddr: Uint8Array;
  rport: number;
}

export interface Transition extends Endpoints {
  /** CLOCK_MONOTONIC nanoseconds. */
  time: bigint;
  netns: number;
  from: StateCode;
  to: StateCode;
  /** Milliseconds in `from`; undefined when the socket entered it before the trace began. */
  ms: number | undefined;
  /** The kernel socket (hex): one connection's transitions share it (its timewait socket's, after). */
  sk: string;
  /** The time is when a sock_diag dump saw the change, not the kernel's (src/trace/timewait.ts). */
  observed?: boolean;
  /** A FIN_WAIT2/CLOSING -> CLOSE that may be a timewait socket taking over: the kernel's SOCK_DONE said the peer's FIN had come (undefined: unknown). */
  timewait?: { finReceived: boolean | undefined };
  /**
   * Data bytes so far from the kernel's counters (tcp_sock bytes_acked, bytes_received), read
   * at this change or, after the full socket is gone, at its last one: `sent` acknowledged by
   * the peer, `received` in order. The counters are sequence space, so the SYN and FIN they
   * include are taken off ({@link dataBytes}); undefined where that cannot be told.
   */
  bytes?: { sent: number | undefined; received: number | undefined };
  /** sk_err at the change, 0 none (ECONNRESET: a RST came); undefined where not read. */
  err?: number;
  /** This socket's serial number in the trace: the kernel reuses a freed socket's address (`sk`), at times before a held change of the old one is given. */
  life?: number;
}

/** Where owners come from (src/trace/owners.ts reads them from the kernel). */
export interface TraceOwners {
  /** The process holding the socket with this inode, if any still does. */
  byInode(inode: number): Owner | undefined;
  /** The owner of the listener on `lport` in namespace `netns`, if known. */
  listener(netns: number, lport: number): Owner | undefined;
  noteListener(netns: number, lport: number, owner: Owner | undefined): void;
}

interface SockState {
  since: bigint | undefined;
  state: StateCode | undefined;
  owner: Owner | undefined;
  /** The last event with both ports, for a change that reports local port 0 (the addon reads inet_sport, which the close keeps; skc_num is cleared first). */
  ends?: TraceEvent;
  /** Opened by connect() (true), by a listener (false); undefined: not seen. */
  active?: boolean;
  bytes?: Transition['bytes'];
  life?: number;
}

/**
 * The data bytes in an event's counters. bytes_acked counts the SYN of a connect()ed socket
 * once acknowledged (a listener's child starts past its own) and our FIN once acknowledged;
 * bytes_received counts the peer's FIN once received. Which of them are in is told by the
 * kernel's SOCK_DONE flag (the peer's FIN came) and the states at the change (FIN_WAIT2 or
 * an error-free end of CLOSING or LAST_ACK: ours was acknowledged). undefined: the event has
 * no counters; a side undefined: not known (who opened the socket; the flag unread leaving
 * FIN_WAIT2).
 */
export function dataBytes(ev: TraceEvent, active: boolean | undefined): Transition['bytes'] {
  if ((ev.kind !== KIND_STATE && ev.kind !== KIND_TW_ENTER) || ev.acked === undefined || ev.received === undefined) return undefined;
  if (ev.from === NEW_SYN_RECV || ev.to === NEW_SYN_RECV) return undefined;
  const { from, to } = ev;
  let finIn: boolean | undefined = ev.peerFin;
  if (finIn === undefined) {
    finIn = from === CLOSE_WAIT || from === LAST_ACK || from === CLOSING || to === CLOSE_WAIT || to === CLOSING || (ev.kind === KIND_TW_ENTER && to === TIME_WAIT);
    if (from === FIN_WAIT2) finIn = undefined;
  }
  const finAcked = from === FIN_WAIT2 || ((from === CLOSING || from === LAST_ACK) && (to === TIME_WAIT || ev.err === 0));
  const received = ev.received === 0 ? 0 : finIn === undefined ? undefined : ev.received - (finIn ? 1 : 0);
  const syn = active === undefined ? undefined : active ? 1 : 0;
  const sent = ev.acked === 0 ? 0 : syn === undefined ? undefined : ev.acked - syn - (finAcked ? 1 : 0);
  return { sent, received };
}

/** Is `from -> to` made by a system call of the socket's owner, in its own context? */
export function bySyscall(from: StateCode, to: StateCode): boolean {
  return to === SYN_SENT || to === LISTEN || (from === ESTABLISHED && to === FIN_WAIT1) || (from === CLOSE_WAIT && to === LAST_ACK) || (from === LISTEN && to === CLOSE);
}

/**
 * Sockets remembered at most (each map): a socket whose change to CLOSE was lost would stay
 * forever; past this the longest-remembered is forgotten (its next change has no time in
 * its old state) and counted.
 */
export const MAX_TRACKED = 1 << 18;

function capped<K, V>(m: Map<K, V> | Set<K>): number {
  if (m.size <= MAX_TRACKED) return 0;
  m.delete(m.keys().next().value as K);
  return 1;
}

export class Tracker {
  /** Sockets forgotten to keep memory bounded ({@link MAX_TRACKED}). */
  forgotten = 0;
  private socks = new Map<string, SockState>();
  /** Full sockets a timewait socket replaced: their coming X -> CLOSE is not a transition. */
  private replaced = new Set<string>();
  private tws = new Map<string, SockState & { sk: string }>();
  private lives = 0;

  /** @param followTimewait mark FIN_WAIT2/CLOSING -> CLOSE for {@link TimewaitFollower} (no timewait hooks in the kernel). */
  constructor(
    private owners: TraceOwners,
    private followTimewait = false,
  ) {}

  /** Sockets the tracker remembers (for tests and bounds). */
  get size(): number {
    return this.socks.size + this.tws.size;
  }

  /** The transitions an event makes (none, one). */
  push(ev: TraceEvent): Transition[] {
    switch (ev.kind) {
      case KIND_STATE:
        return this.state(ev);
      case KIND_TW_ENTER:
        return this.twEnter(ev);
      case KIND_TW_SCHED:
        return this.twSched(ev);
      case KIND_TW_KILL:
        return this.twKill(ev);
      default:
        return [];
    }
  }

  private make(ev: TraceEvent, s: SockState, from: StateCode, to: StateCode, sk: string): Transition {
    const ms = s.since === undefined ? undefined : Number(ev.time - s.since) / 1e6;
    s.since = ev.time;
    s.state = to;
    if (ev.lport !== 0 && ev.rport !== 0) s.ends = ev;
    const e = ev.lport === 0 && s.ends ? s.ends : ev;
    if (ev.to === SYN_SENT || ev.from === SYN_SENT) s.active = true;
    else if (ev.from === LISTEN && ev.kind === KIND_STATE) s.active = false;
    s.bytes = dataBytes(ev, s.active) ?? s.bytes;
    const t: Transition = { time: ev.time, netns: ev.netns, owner: s.owner, family: e.family, laddr: e.laddr, lport: e.lport, raddr: e.raddr, rport: e.rport, from, to, ms, sk };
    if (s.bytes) t.bytes = s.bytes;
    s.life ??= ++this.lives;
    t.life = s.life;
    if (ev.err !== undefined && (ev.kind === KIND_STATE || ev.kind === KIND_TW_ENTER)) t.err = ev.err;
    return t;
  }

  private ownerOf(ev: TraceEvent, s: SockState): Owner | undefined {
    if (ev.inode !== 0) {
      const o = this.owners.byInode(ev.inode);
      if (o) return o;
    }
    if (bySyscall(ev.from, ev.to) && ev.cpuPid !== 0) return { pid: ev.cpuPid, program: ev.cpuComm };
    if (s.owner) return s.owner;
    if (ev.inode === 0 && (ev.from === LISTEN || ev.from === SYN_RECV)) return this.owners.listener(ev.netns, ev.lport);
    return undefined;
  }

  private state(ev: TraceEvent): Transition[] {
    if (this.replaced.delete(ev.sk) && ev.to === CLOSE) return [];
    let s = this.socks.get(ev.sk);
    if (!s) {
      s = { since: undefined, state: undefined, owner: undefined };
      this.socks.set(ev.sk, s);
      this.forgotten += capped(this.socks);
    }
    s.owner = this.ownerOf(ev, s);
    if (ev.to === LISTEN) this.owners.noteListener(ev.netns, ev.lport, s.owner);
    const t = this.make(ev, s, ev.from, ev.to, ev.sk);
    if (ev.to === CLOSE) this.socks.delete(ev.sk);
    if (this.followTimewait && ev.to === CLOSE && (ev.from === FIN_WAIT2 || ev.from === CLOSING)) {
      // SOCK_DONE, not sk_shutdown: close() sets RCV_SHUTDOWN before any FIN comes (a race
      // with the dump: an orphan that entered TIME_WAIT later was given the earlier time)
      t.timewait = { finReceived: ev.peerFin ?? (ev.from === CLOSING ? true : undefined) };
    }
    return [t];
  }

  private twEnter(ev: TraceEvent): Transition[] {
    const s = this.socks.get(ev.sk) ?? { since: undefined, state: undefined, owner: this.ownerOf(ev, { since: undefined, state: undefined, owner: undefined }) };
    this.socks.delete(ev.sk);
    this.replaced.add(ev.sk);
    const tw = { ...s, sk: ev.sk };
    // the full socket's last counters (the timewait socket has none)
    tw.bytes = dataBytes(ev, tw.active) ?? tw.bytes;
    this.tws.set(ev.tw, tw);
    this.forgotten += capped(this.replaced) + capped(this.tws);
    /* a timewait socket in substate FIN_WAIT2 is still FIN_WAIT2: no change yet */
    if (ev.to === ev.from) return [];
    return [this.make(ev, tw, ev.from, ev.to, ev.sk)];
  }

  private twSched(ev: TraceEvent): Transition[] {
    const tw = this.tws.get(ev.tw);
    if (!tw || tw.state === ev.to || tw.state === undefined) return [];
    return [this.make(ev, tw, tw.state, ev.to, tw.sk)];
  }

  private twKill(ev: TraceEvent): Transition[] {
    const tw = this.tws.get(ev.tw);
    if (!tw) return [];
    this.tws.delete(ev.tw);
    return [this.make(ev, tw, tw.state ?? TIME_WAIT, CLOSE, tw.sk)];
  }
}
