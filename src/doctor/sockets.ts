/**
 * Joins and formatting the rules share: endpoints, owners, listeners by port, 4-tuple
 * keys to match sockets across samples, socket references for evidence, number wording.
 * @module
 */
import { type Lang, pick } from '../i18n/catalogue.js';
import { CATALOGUE as DOCTOR } from '../i18n/doctor.js';
import { AF_INET, formatAddr, formatEndpoint } from '../model/address.js';
import { LISTEN, stateName } from '../model/state.js';
import { F_HAS_QUEUES, F_HAS_TIMER, NO_TIME, type SocketTable, TIMER_NAMES, TIMER_OFF } from '../model/table.js';
import type { SocketRef } from './finding.js';

export function laddr(t: SocketTable, i: number): string {
  return formatAddr(t.family[i]!, t.laddr, i * 16);
}

export function raddr(t: SocketTable, i: number): string {
  return formatAddr(t.family[i]!, t.raddr, i * 16);
}

export function local(t: SocketTable, i: number): string {
  return formatEndpoint(t.family[i]!, t.laddr, i * 16, t.lport[i]!);
}

export function remote(t: SocketTable, i: number): string {
  return formatEndpoint(t.family[i]!, t.raddr, i * 16, t.rport[i]!);
}

/** `address:port` of a remote host and port, IPv6 in brackets. */
export function hostPort(family: number, addr: string, port: number): string {
  return family === AF_INET ? `${addr}:${port}` : `[${addr}]:${port}`;
}

/** The 4-tuple of row i as a string key (family included). */
export function tupleKey(t: SocketTable, i: number): string {
  return `${t.family[i]}|${laddr(t, i)}|${t.lport[i]}|${raddr(t, i)}|${t.rport[i]}`;
}

/** Owners of row i: pids, program names, and a label such as `node (pid 123)`. */
export function ownerOf(t: SocketTable, i: number, lang: Lang = 'en'): { pids: number[]; programs: string[]; label: string } {
  const o = t.ownersOf(i);
  const pids = [...new Set(o.map((x) => x.pid))].sort((a, b) => a - b);
  const programs = [...new Set(o.map((x) => x.program))];
  return { pids, programs, label: ownerLabel(pids, programs, lang) };
}

/** Who holds sockets, in `lang`: `node (pid 7)`, or that no owner is known. */
export function ownerLabel(pids: readonly number[], programs: readonly string[], lang: Lang = 'en'): string {
  if (pids.length === 0) return pick(DOCTOR, lang).common.unknownProcess;
  return `${programs.join(',')} (pid ${pids.join(', ')})`;
}

function timerText(t: SocketTable, i: number): string | null {
  if ((t.flags[i]! & F_HAS_TIMER) === 0) return null;
  const kind = TIMER_NAMES[t.timer[i]!] ?? 'unknown';
  if (t.timer[i] === TIMER_OFF) return kind;
  const ms = t.timerMs[i]!;
  const left = ms === NO_TIME ? '?' : `${(ms / 1000).toFixed(2)}s`;
  return `${kind} (${left}/${t.retrans[i]}/${t.probes[i]})`;
}

/** Row i as a socket reference for evidence. */
export function socketRef(t: SocketTable, i: number): SocketRef {
  const q = (t.flags[i]! & F_HAS_QUEUES) !== 0;
  return {
    state: stateName(t.state[i]!),
    local: local(t, i),
    remote: remote(t, i),
    recvQ: q ? t.recvQ[i]! : null,
    sendQ: q ? t.sendQ[i]! : null,
    timer: timerText(t, i),
    owners: t.ownersOf(i).map((o) => `${o.pid}/${o.program}`),
    inode: t.inode[i]!,
  };
}

function isZeroAddr(t: SocketTable, i: number): boolean {
  for (let k = 0; k < 16; k++) if (t.laddr[i * 16 + k] !== 0) return false;
  return true;
}

/** A row of a table. */
export interface RowRef {
  t: SocketTable;
  i: number;
}

/**
 * LISTEN rows by (family, port), to find the listener a socket arrived through. Built from
 * several samples, latest first: a read of /proc/net/tcp while the table changes can miss
 * a row, and a listener seen in either sample is there.
 */
export class Listeners {
  private readonly byPort = new Map<string, RowRef[]>();

  constructor(tables: readonly (SocketTable | undefined)[]) {
    const seen = new Set<string>();
    for (const t of tables) {
      if (!t) continue;
      for (let i = 0; i < t.length; i++) {
        if (t.state[i] !== LISTEN) continue;
        const id = t.inode[i] !== 0 ? `i${t.inode[i]}` : tupleKey(t, i);
        if (seen.has(id)) continue;
        seen.add(id);
        const k = `${t.family[i]}|${t.lport[i]}`;
        const l = this.byPort.get(k);
        if (l) l.push({ t, i });
        else this.byPort.set(k, [{ t, i }]);
      }
    }
  }

  /** Listener of the socket at row j of `s`: same family and port, same or wildcard address. */
  of(s: SocketTable, j: number): RowRef | undefined {
    const rows = this.byPort.get(`${s.family[j]}|${s.lport[j]}`);
    if (!rows) return undefined;
    const a = laddr(s, j);
    let wild: RowRef | undefined;
    for (const r of rows) {
      if (laddr(r.t, r.i) === a) return r;
      if (!wild && isZeroAddr(r.t, r.i)) wild = r;
    }
    return wild;
  }

  /** Whether any listener uses this local port (any family, any address). */
  hasPort(port: number): boolean {
    for (const k of this.byPort.keys()) if (k.endsWith(`|${port}`)) return true;
    return false;
  }
}

/** `1 socket`, `3 sockets`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** A rate per second with a sensible precision. */
export function perSec(x: number | undefined, lang: Lang = 'en'): string {
  if (x === undefined) return pick(DOCTOR, lang).common.unknownOneSample;
  return `${x >= 100 ? x.toFixed(0) : x.toFixed(1)}/s`;
}

/** Seconds with one decimal, or minutes/hours when long. */
export function duration(sec: number): string {
  if (sec < 120) return `${sec.toFixed(1)} s`;
  if (sec < 7200) return `${(sec / 60).toFixed(1)} min`;
  return `${(sec / 3600).toFixed(1)} h`;
}

/** Round for metrics: 3 decimals. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** At most `n` rows of `rows`, sorted by `score` descending (stable), as socket refs. */
export function sampleRefs(t: SocketTable, rows: readonly number[], n: number, score?: (i: number) => number): SocketRef[] {
  const sorted = score ? [...rows].sort((a, b) => score(b) - score(a) || a - b) : rows;
  return sorted.slice(0, n).map((i) => socketRef(t, i));
}
