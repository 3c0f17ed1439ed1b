/**
 * `trace --lifetimes`: one record per finished connection, as tcplife prints, from the
 * transitions ({@link Transition}) of one kernel socket: owner, endpoints, data bytes each
 * way (the kernel's counters at the full socket's last change, SYN and FIN taken off), time
 * from its first change to its end, the whole path of states, and the Zeek-style history
 * letters the state changes prove (see {@link historyOf}). Pure; text and
 * `tcpstate.lifetime/1` JSON lines beside it.
 *
 * A connection ends when it reaches CLOSE or TIME_WAIT (its 60 s in TIME_WAIT is the kernel
 * remembering it, not the connection: tcplife ends there too). A listener is no connection.
 * @module
 */
import { constants } from 'node:os';
import { formatEndpoint } from '../model/address.js';
import type { Owner } from '../model/table.js';
import { type LifetimeJson, SCHEMAS } from '../model/documents.js';
import { CLOSE, CLOSE_WAIT, CLOSING, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, LAST_ACK, LISTEN, SYN_RECV, SYN_SENT, TIME_WAIT, stateName, type StateCode } from '../model/state.js';
import { type Endpoints, MAX_TRACKED, type Transition } from './tracker.js';
import { endsJson, hms, padCols, wallMs } from './render.js';
import { type Lang, pick } from '../i18n/catalogue.js';
import { CATALOGUE as TRACE } from '../i18n/trace.js';

const ECONNRESET = constants.errno.ECONNRESET;
const EPIPE = constants.errno.EPIPE;

/** One finished connection. */
export interface Lifetime extends Endpoints {
  /** CLOCK_MONOTONIC ns of its first change; undefined when it began before the trace. */
  start: bigint | undefined;
  /** Of its last change (into CLOSE or TIME_WAIT). */
  end: bigint;
  netns: number;
  /** Data bytes acknowledged by the peer, received in order; undefined: not known. */
  sent: number | undefined;
  received: number | undefined;
  /** Milliseconds from the first change to the end; undefined when it began before the trace. */
  ms: number | undefined;
  /** The states in order: the first change's old state, then every new state. */
  path: StateCode[];
  /** Zeek-style letters ({@link historyOf}); undefined when who opened it was not seen. */
  history: string | undefined;
  /** sk_err at its end (0: none). */
  err: number;
  /** A change of it was seen by a sock_diag dump, not a kernel hook (its time is the dump's). */
  observed: boolean;
  sk: string;
}

/**
 * The history letters the state changes prove, Zeek's alphabet (upper case: the originator,
 * the side that called connect(); lower case: the responder), each once, in the order of the
 * changes that prove them:
 * - `S` the originator's SYN: CLOSE -> SYN_SENT (sent), LISTEN -> SYN_RECV (received);
 * - `h` the responder's SYN-ACK: SYN_SENT -> ESTABLISHED (received), SYN_RECV -> ESTABLISHED
 *   (sent and acknowledged);
 * - `D`/`d` data: before the first change whose byte counters show data that side sent;
 * - `F`/`f` a FIN: ours once acknowledged (FIN_WAIT1 -> FIN_WAIT2, CLOSING -> TIME_WAIT,
 *   LAST_ACK -> CLOSE without error), the peer's once received (into CLOSE_WAIT or CLOSING,
 *   FIN_WAIT2 -> TIME_WAIT);
 * - `R`/`r` the peer's RST: into CLOSE with sk_err ECONNRESET or EPIPE.
 * Not derivable without packets, so never given: `A` (a pure ACK: the handshake's last ACK may
 * carry data), our own RST (a close with unread data, SO_LINGER 0 and a timeout all go to
 * CLOSE without error), a refused connect's RST (ECONNREFUSED is also an ICMP port
 * unreachable), `T` retransmissions, `W` zero windows, `G` gaps, `C` bad checksums, `I`, `Q`,
 * `^`, and Zeek's repeated letters.
 */
export function historyOf(ts: readonly Transition[], active: boolean | undefined): string | undefined {
  if (active === undefined) return undefined;
  const ours = (c: string): string => (active ? c.toUpperCase() : c.toLowerCase());
  const peers = (c: string): string => (active ? c.toLowerCase() : c.toUpperCase());
  let out = '';
  const add = (c: string): void => {
    if (!out.includes(c)) out += c;
  };
  for (const t of ts) {
    // both sides' data first seen at one change: the originator's letter first, on both ends
    const data = [(t.bytes?.sent ?? 0) > 0 ? ours('D') : '', (t.bytes?.received ?? 0) > 0 ? peers('D') : ''].sort();
    for (const c of data) if (c) add(c);
    if ((t.from === CLOSE && t.to === SYN_SENT) || (t.from === LISTEN && t.to === SYN_RECV)) add('S');
    if ((t.from === SYN_SENT || t.from === SYN_RECV) && t.to === ESTABLISHED) add('h');
    if ((t.from === FIN_WAIT1 && t.to === FIN_WAIT2) || (t.from === CLOSING && t.to === TIME_WAIT) || (t.from === LAST_ACK && t.to === CLOSE && t.err === 0)) add(ours('F'));
    if (t.to === CLOSE_WAIT || t.to === CLOSING || (t.from === FIN_WAIT2 && t.to === TIME_WAIT)) add(peers('F'));
    if (t.to === CLOSE && (t.err === ECONNRESET || t.err === EPIPE)) add(peers('R'));
  }
  return out;
}

/** Was the socket opened by connect() (true), by a listener (false), or not seen (undefined)? */
function activeOf(first: Transition): boolean | undefined {
  if (first.to === SYN_SENT || first.from === SYN_SENT) return true;
  if (first.from === LISTEN) return false;
  return undefined;
}

export class LifetimeCollector {
  /** Connections forgotten to stay bounded ({@link MAX_TRACKED}). */
  forgotten = 0;
  private open = new Map<string, Transition[]>();

  /** Connections followed, not yet finished. */
  get size(): number {
    return this.open.size;
  }

  /** The connection `t` finishes, if it does. */
  push(t: Transition): Lifetime | undefined {
    const key = t.life === undefined ? t.sk : `${t.sk}/${t.life}`;
    let ts = this.open.get(key);
    if (!ts) {
      // a TIME_WAIT ending: its connection was given when it entered TIME_WAIT (or began before the trace)
      if (t.from === TIME_WAIT) return undefined;
      ts = [];
      this.open.set(key, ts);
      if (this.open.size > MAX_TRACKED) {
        this.open.delete(this.open.keys().next().value as string);
        this.forgotten++;
      }
    }
    ts.push(t);
    if (t.to !== CLOSE && t.to !== TIME_WAIT) return undefined;
    this.open.delete(key);
    if (ts.some((x) => x.to === LISTEN || (x.from === LISTEN && x.to === CLOSE))) return undefined;
    const first = ts[0]!;
    const begun = first.from === CLOSE || first.from === LISTEN;
    const start = begun ? first.time : undefined;
    let bytes: Transition['bytes'];
    for (const x of ts) if (x.bytes) bytes = x.bytes;
    let owner: Owner | undefined;
    for (const x of ts) if (x.owner) owner = x.owner;
    const withPorts = [...ts].reverse().find((x) => x.lport !== 0 && x.rport !== 0) ?? t;
    return {
      start,
      end: t.time,
      netns: t.netns,
      owner,
      family: withPorts.family,
      laddr: withPorts.laddr,
      lport: withPorts.lport,
      raddr: withPorts.raddr,
      rport: withPorts.rport,
      sent: bytes?.sent ?? (begun ? 0 : undefined),
      received: bytes?.received ?? (begun ? 0 : undefined),
      ms: start === undefined ? undefined : Number(t.time - start) / 1e6,
      path: [first.from, ...ts.map((x) => x.to)],
      history: begun ? historyOf(ts, activeOf(first)) : undefined,
      err: t.err ?? 0,
      observed: ts.some((x) => x.observed === true),
      sk: t.sk,
    };
  }
}

/** An errno's name (ECONNRESET), or its number when Node does not know it. */
export function errnoName(err: number): string {
  for (const [k, v] of Object.entries(constants.errno)) if (v === err) return k;
  return String(err);
}

/** The header line of `--lifetimes`, the headings from the catalogue in `lang`. */
export function lifetimeHeader(lang: Lang = 'en'): string {
  const [time, pid, program, local, remote, sent, received, ms, history, path] = pick(TRACE, lang).lifetimeColumns;
  return `${padCols(time!, 12)} ${padCols(pid!, 7, true)} ${padCols(program!, 15)} ${padCols(local!, 26)} ${padCols(remote!, 26)} ${padCols(sent!, 10, true)} ${padCols(received!, 10, true)} ${padCols(ms!, 10, true)} ${padCols(history!, 7)} ${path}\n`;
}

export const LIFETIME_HEADER = lifetimeHeader('en');

/**
 * One text line: the end's time, owner, endpoints, bytes, milliseconds (`-`: began before the
 * trace; `~`: a change was seen by a dump), history (`-`: who opened it was not seen), the path
 * joined by `>`, and the error at the end in brackets.
 */
export function lifetimeLine(l: Lifetime, offsetNs: bigint): string {
  const n = (v: number | undefined): string => (v === undefined ? '-' : String(v));
  const ms = (l.observed ? '~' : '') + (l.ms === undefined ? '-' : l.ms.toFixed(3));
  const path = l.path.map(stateName).join('>') + (l.err ? ` [${errnoName(l.err)}]` : '');
  return `${hms(wallMs(l.end, offsetNs))} ${(l.owner ? String(l.owner.pid) : '-').padStart(7)} ${(l.owner?.program ?? '-').padEnd(15)} ${formatEndpoint(l.family, l.laddr, 0, l.lport).padEnd(26)} ${formatEndpoint(l.family, l.raddr, 0, l.rport).padEnd(26)} ${n(l.sent).padStart(10)} ${n(l.received).padStart(10)} ${ms.padStart(10)} ${(l.history ?? '-').padEnd(7)} ${path}\n`;
}

export function lifetimeJson(l: Lifetime, offsetNs: bigint): LifetimeJson {
  return {
    schema: SCHEMAS.lifetime,
    time: new Date(wallMs(l.end, offsetNs)).toISOString(),
    start: l.start === undefined ? null : new Date(wallMs(l.start, offsetNs)).toISOString(),
    ...endsJson(l),
    sent: l.sent ?? null,
    received: l.received ?? null,
    ms: l.ms === undefined ? null : Math.round(l.ms * 1000) / 1000,
    path: l.path.map(stateName),
    history: l.history ?? null,
    error: l.err ? errnoName(l.err) : null,
    socket: l.sk,
    ...(l.observed ? { observed: true as const } : {}),
  };
}
