/**
 * The joined inputs every rule reads: socket samples (owners attached), kernel counters of
 * the same namespace taken with each sample, and the sysctls in force; plus what is
 * missing and why, so rules can say what they could not check.
 * @module
 */
import { type Lang, pick, type Said, say } from '../i18n/catalogue.js';
import { CATALOGUE as DOCTOR } from '../i18n/doctor.js';
import type { SocketTable } from '../model/table.js';
import { type Counters, counter } from '../sources/counters.js';
import { say as ks } from '../i18n/kernel.js';
import { type Sysctls, sysctlInt, sysctlInts, sysctlText, sysctlWhy } from '../sources/sysctl.js';

/** One look at the namespace: the socket table and the counters read beside it. */
export interface Sample {
  table: SocketTable;
  /** Undefined when no counter file could be read. */
  counters?: Counters;
  /** Monotonic ms when the sample began (its counters were read). */
  atMs: number;
  /** How long reading it took, ms (the socket table is read row by row over this span). */
  durationMs: number;
}

export interface DoctorInputs {
  /** The first sample, when two were taken (live, `--interval` > 0). */
  before?: Sample;
  /** The latest sample. */
  now: Sample;
  /** ms between the two samples' counter reads (0 with one sample). */
  intervalMs: number;
  /** Sysctls read; `values` is empty when none could be. */
  sysctls: Sysctls;
  /** Why sysctls are missing as a whole, if they are (captured tree without sys/, a namespace). */
  sysctlsUnavailable?: string | Said;
  /** Why counters are missing as a whole, if they are (catalogue data: JSON says it in English). */
  countersUnavailable?: string | Said;
  /** Whether socket owners are known: all, some (others' processes hidden), none. */
  processes: 'all' | 'partial' | 'none';
  /** Whether LISTEN rows' Send-Q is the backlog (netlink shows it; /proc does not). */
  listenBacklogKnown: boolean;
  /** Socket source name (`proc`, `netlink`). */
  source: string;
  /** A captured proc tree: one sample, totals since boot. */
  captured: boolean;
  /** Where the inputs come from, for the report header. */
  where: string;
  /** When the latest sample began (ms since the epoch); unknown for a captured tree. */
  takenAt?: number;
}

/** Seconds between samples, or undefined with one sample. */
export function intervalSec(inp: DoctorInputs): number | undefined {
  return inp.before && inp.intervalMs > 0 ? inp.intervalMs / 1000 : undefined;
}

/** A counter's current value (a total since the namespace was made). */
export function total(inp: DoctorInputs, section: string, name: string): number | undefined {
  return counter(inp.now.counters, section, name);
}

/** A counter's increase between the samples; undefined with one sample or a reset. */
export function delta(inp: DoctorInputs, section: string, name: string): number | undefined {
  if (!inp.before) return undefined;
  const a = counter(inp.before.counters, section, name);
  const b = counter(inp.now.counters, section, name);
  if (a === undefined || b === undefined || b < a) return undefined;
  return b - a;
}

/** A counter's increase per second between the samples. */
export function rate(inp: DoctorInputs, section: string, name: string): number | undefined {
  const d = delta(inp, section, name);
  const s = intervalSec(inp);
  return d === undefined || s === undefined ? undefined : d / s;
}

/** A one-number sysctl; undefined when absent or not a value the kernel accepts. */
export function sysctl(inp: DoctorInputs, name: string): number | undefined {
  return sysctlInt(inp.sysctls, name);
}

/** A several-number sysctl; undefined when absent or not a value the kernel accepts. */
export function sysctlList(inp: DoctorInputs, name: string): number[] | undefined {
  return sysctlInts(inp.sysctls, name);
}

/** True when the sysctl's file was not there (as opposed to holding a value the kernel would not show). */
export function sysctlMissing(inp: DoctorInputs, name: string): boolean {
  return inp.sysctls.values[name] === undefined;
}

/** The file of a sysctl, relative to the proc root: `sys/net/ipv4/ip_local_port_range`. */
export function sysctlFile(name: string): string {
  return `sys/${name.replace(/\./g, '/')}`;
}

/** Why no counter could be read, in `lang`. */
export function countersWhy(inp: DoctorInputs, lang: Lang = 'en'): string {
  return say(inp.countersUnavailable ?? ks('countersNone'), lang);
}

/**
 * When the sysctl holds a value the kernel would not show: what, where and why, as a sentence
 * in `lang` (`net.ipv4.ip_local_port_range is "40100 40000" in sys/net/ipv4/ip_local_port_range,
 * which the kernel does not accept: ...`); undefined when it is absent or valid.
 */
export function sysctlInvalid(inp: DoctorInputs, name: string, lang: Lang = 'en'): string | undefined {
  const v = inp.sysctls.values[name];
  const why = v === undefined ? undefined : sysctlWhy(name, v);
  return why === undefined ? undefined : pick(DOCTOR, lang).common.sysctlRejected(name, sysctlText(v!), sysctlFile(name), say(why, lang));
}

/** Why a sysctl is unknown, for evidence lines: `unknown (reason)`. */
export function sysctlUnknown(inp: DoctorInputs, name: string, lang: Lang = 'en'): string {
  const m = pick(DOCTOR, lang).common;
  const v = inp.sysctls.values[name];
  const why = v === undefined ? undefined : sysctlWhy(name, v);
  if (why !== undefined) return m.sysctlInvalid(sysctlText(v!), say(why, lang));
  if (inp.sysctlsUnavailable) return m.sysctlUnavailable(say(inp.sysctlsUnavailable, lang));
  return name === 'net.ipv4.tcp_max_orphans' || name === 'net.ipv4.tcp_mem' ? m.sysctlHostOnly : m.sysctlAbsent;
}
