/**
 * TIME_WAIT where the kernel will not let tcpstate hook the timewait functions (fentry
 * refused): the tracepoint shows a full socket going FIN_WAIT2 -> CLOSE or CLOSING -> CLOSE
 * when a timewait socket replaces it, and nothing of that timewait socket after. Such a
 * CLOSE is held ({@link TimewaitFollower.hold}) until a sock_diag dump of its namespace says
 * whether a timewait socket with the same addresses and ports is there:
 * - none: the connection did close, and the held line is given as it was;
 * - in TIME_WAIT, the peer's FIN having been received before the change (the kernel's
 *   SOCK_DONE; sk_shutdown cannot tell, close() sets RCV_SHUTDOWN): `FROM -> TIME_WAIT` at
 *   the kernel's time of the change, exact; the FIN not received before: it came after, and
 *   the dump's time is given (observed);
 * - in FIN_WAIT2 (an orphan waiting for the peer's FIN): nothing yet; its move to TIME_WAIT,
 *   and any timewait socket's end (`TIME_WAIT -> CLOSE`), are seen by later dumps, so their
 *   time is when the dump that saw them ended (marked `observed`: within one poll interval
 *   after the fact).
 * Pure over an injected dump; src/trace/session.ts does the dumps.
 * @module
 */
import { CLOSE, FIN_WAIT2, TIME_WAIT, type StateCode } from '../model/state.js';
import type { Transition } from './tracker.js';

/** A timewait socket a dump shows. */
export interface TwRow {
  family: 4 | 6;
  laddr: Uint8Array;
  lport: number;
  raddr: Uint8Array;
  rport: number;
  state: StateCode;
}

/** The timewait sockets of a namespace (inode); 'gone' when it no longer exists, 'unreadable' when tcpstate cannot dump it. */
export type TwDump = (netns: number) => TwRow[] | 'gone' | 'unreadable';

interface Followed {
  t: Transition;
  state: StateCode;
  /** When the socket entered `state`. */
  since: bigint;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

function find(rows: TwRow[], t: Transition): TwRow | undefined {
  return rows.find((r) => r.family === t.family && r.lport === t.lport && r.rport === t.rport && same(r.laddr, t.laddr) && same(r.raddr, t.raddr));
}

function at(t: Transition, time: bigint, from: StateCode, to: StateCode, since: bigint | undefined, observed: boolean): Transition {
  return { ...t, time, from, to, ms: since === undefined ? undefined : Number(time - since) / 1e6, observed };
}

export class TimewaitFollower {
  private pending: { t: Transition; finReceived: boolean | undefined }[] = [];
  private followed: Followed[] = [];

  /** Sockets held or followed. */
  get size(): number {
    return this.pending.length + this.followed.length;
  }

  /** Is a socket held (the next dump should come soon)? */
  get holding(): boolean {
    return this.pending.length > 0 || this.followed.some((f) => f.state === FIN_WAIT2);
  }

  /** Hold `t`, a FIN_WAIT2/CLOSING -> CLOSE; `finReceived` from the kernel's SOCK_DONE (undefined: unknown). */
  hold(t: Transition, finReceived: boolean | undefined): void {
    this.pending.push({ t, finReceived });
  }

  /**
   * One dump per namespace involved, at monotonic time `now`: the transitions it settles.
   * With `clock`, a change a dump saw is timed when that dump ended (it happened before; a
   * time read before the dump could precede it on a loaded machine).
   */
  poll(now: bigint, dump: TwDump, clock?: () => bigint): Transition[] {
    const out: Transition[] = [];
    const cache = new Map<number, ReturnType<TwDump>>();
    const seenAt = new Map<number, bigint>();
    const rowsOf = (ns: number): ReturnType<TwDump> => {
      let r = cache.get(ns);
      if (r === undefined) {
        cache.set(ns, (r = dump(ns)));
        seenAt.set(ns, clock ? clock() : now);
      }
      return r;
    };
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) {
      const rows = rowsOf(p.t.netns);
      const row = typeof rows === 'string' ? undefined : find(rows, p.t);
      const entered = p.t.ms === undefined ? undefined : p.t.time - BigInt(Math.round(p.t.ms * 1e6));
      if (!row) out.push(p.t);
      else if (row.state === TIME_WAIT && p.finReceived !== false) {
        out.push(at(p.t, p.t.time, p.t.from, TIME_WAIT, entered, p.finReceived === undefined));
        this.followed.push({ t: p.t, state: TIME_WAIT, since: p.t.time });
      } else if (row.state === TIME_WAIT) {
        const seen = seenAt.get(p.t.netns) ?? now;
        out.push(at(p.t, seen, p.t.from, TIME_WAIT, entered, true));
        this.followed.push({ t: p.t, state: TIME_WAIT, since: seen });
      } else {
        this.followed.push({ t: p.t, state: row.state, since: entered ?? p.t.time });
      }
    }
    const followed = this.followed;
    this.followed = [];
    for (const f of followed) {
      const rows = rowsOf(f.t.netns);
      if (rows === 'unreadable') {
        this.followed.push(f);
        continue;
      }
      const row = rows === 'gone' ? undefined : find(rows, f.t);
      const seen = seenAt.get(f.t.netns) ?? now;
      if (!row) {
        out.push(at(f.t, seen, f.state, CLOSE, f.since, true));
      } else {
        if (row.state !== f.state) {
          out.push(at(f.t, seen, f.state, row.state, f.since, true));
          f.state = row.state;
          f.since = seen;
        }
        this.followed.push(f);
      }
    }
    return out;
  }
}
