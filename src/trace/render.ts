/**
 * Transitions as text (tcpstates' columns: time, pid, program, local, remote, old -> new,
 * milliseconds in the old state) and as NDJSON objects.
 * @module
 */
import { formatAddr, formatEndpoint } from '../model/address.js';
import { stateName } from '../model/state.js';
import type { Endpoints, Transition } from './tracker.js';
import type { TraceEndsJson } from '../model/documents.js';
import { type Lang, pick } from '../i18n/catalogue.js';
import { CATALOGUE as TRACE } from '../i18n/trace.js';
import { displayWidth } from '../render/wrap.js';

/** Monotonic nanoseconds → wall-clock milliseconds, given the offset measured at start. */
export function wallMs(time: bigint, offsetNs: bigint): number {
  return Number((time + offsetNs) / 1000000n);
}

/** The offset from CLOCK_MONOTONIC (bpf_ktime_get_ns, process.hrtime) to the wall clock. */
export function clockOffsetNs(): bigint {
  return BigInt(Date.now()) * 1000000n - process.hrtime.bigint();
}

/** `s` padded to `width` display columns, on the right (`right`: on the left). */
export function padCols(s: string, width: number, right = false): string {
  const pad = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return right ? pad + s : s + pad;
}

/** The header line of transitions, the headings from the catalogue in `lang`. */
export function textHeader(lang: Lang = 'en'): string {
  const [time, pid, program, local, remote, old, nu, ms] = pick(TRACE, lang).columns;
  return `${padCols(time!, 12)} ${padCols(pid!, 7, true)} ${padCols(program!, 15)} ${padCols(local!, 26)} ${padCols(remote!, 26)} ${padCols(old!, 11)}    ${padCols(nu!, 11)} ${padCols(ms!, 10, true)}\n`;
}

export const TEXT_HEADER = textHeader('en');

/** A wall-clock time as HH:MM:SS.mmm (local time). */
export function hms(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/**
 * One text line; an unknown owner is `-`, a time in the old state from before the trace `-`;
 * `~` before the milliseconds: the change was seen by a sock_diag dump, not by the kernel hook.
 */
export function textLine(t: Transition, offsetNs: bigint): string {
  const pid = t.owner ? String(t.owner.pid) : '-';
  const prog = t.owner ? t.owner.program : '-';
  const ms = (t.observed ? '~' : '') + (t.ms === undefined ? '-' : t.ms.toFixed(3));
  return `${hms(wallMs(t.time, offsetNs))} ${pid.padStart(7)} ${prog.padEnd(15)} ${formatEndpoint(t.family, t.laddr, 0, t.lport).padEnd(26)} ${formatEndpoint(t.family, t.raddr, 0, t.rport).padEnd(26)} ${stateName(t.from).padEnd(11)} -> ${stateName(t.to).padEnd(11)} ${ms.padStart(10)}\n`;
}

/** The connection and its owner as a JSON line names them (its netns, owner and both ends). */
export function endsJson(e: Endpoints & { netns: number }): TraceEndsJson {
  return {
    netns: e.netns,
    pid: e.owner?.pid ?? null,
    program: e.owner?.program ?? null,
    family: e.family,
    local: { address: formatAddr(e.family, e.laddr, 0), port: e.lport },
    remote: { address: formatAddr(e.family, e.raddr, 0), port: e.rport },
  };
}

/** The `--json` object of one transition (one NDJSON line). */
export interface TransitionJson extends TraceEndsJson {
  time: string;
  from: string;
  to: string;
  ms: number | null;
  socket: string;
  /** Present (true) when time and ms are when a sock_diag dump saw the change (within its interval), not the kernel's instant. */
  observed?: true;
}

export function transitionJson(t: Transition, offsetNs: bigint): TransitionJson {
  return {
    time: new Date(wallMs(t.time, offsetNs)).toISOString(),
    ...endsJson(t),
    from: stateName(t.from),
    to: stateName(t.to),
    ms: t.ms === undefined ? null : Math.round(t.ms * 1000) / 1000,
    socket: t.sk,
    ...(t.observed ? { observed: true as const } : {}),
  };
}
