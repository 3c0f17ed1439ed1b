/**
 * The sysctls that govern TCP states, read from `<procRoot>/sys/net/...`.
 *
 * /proc/sys/net shows the network namespace of the process that reads it, not of the
 * proc root's owner: a captured tree holds what was copied, and a live read shows
 * tcpstate's own namespace. Some knobs exist only in the initial namespace
 * (`tcp_max_orphans`, `tcp_mem`): inside another namespace they are absent, and are
 * reported as such. Defaults and meanings: Documentation/networking/ip-sysctl.rst.
 * @module
 */
import { TcpstateError } from '../model/errors.js';
import { readSmallFile } from './small-file.js';
import type { Said } from '../i18n/catalogue.js';
import { say as ks } from '../i18n/kernel.js';
import { say as edge } from '../i18n/edge.js';

/** How a sysctl's text reads: one integer, or several (`ip_local_port_range`, `tcp_mem`). */
type Kind = 'int' | 'ints';

/** The sysctls tcpstate reads, by dotted name. */
export const SYSCTLS: Readonly<Record<string, Kind>> = {
  'net.ipv4.ip_local_port_range': 'ints',
  'net.ipv4.tcp_tw_reuse': 'int',
  'net.ipv4.tcp_tw_reuse_delay': 'int',
  'net.ipv4.tcp_timestamps': 'int',
  'net.ipv4.tcp_fin_timeout': 'int',
  'net.ipv4.tcp_max_tw_buckets': 'int',
  'net.ipv4.tcp_max_syn_backlog': 'int',
  'net.ipv4.tcp_syncookies': 'int',
  'net.ipv4.tcp_synack_retries': 'int',
  'net.ipv4.tcp_syn_retries': 'int',
  'net.ipv4.tcp_max_orphans': 'int',
  'net.ipv4.tcp_orphan_retries': 'int',
  'net.ipv4.tcp_retries1': 'int',
  'net.ipv4.tcp_retries2': 'int',
  'net.ipv4.tcp_keepalive_time': 'int',
  'net.ipv4.tcp_keepalive_intvl': 'int',
  'net.ipv4.tcp_keepalive_probes': 'int',
  'net.ipv4.tcp_mem': 'ints',
  'net.core.somaxconn': 'int',
};

export type SysctlValue = number | number[];

export interface Sysctls {
  /** Values read, by dotted name. */
  values: Record<string, SysctlValue>;
  /** Names whose file was absent. */
  missing: string[];
}

/** The file of a dotted sysctl name under a proc root. */
export function sysctlPath(procRoot: string, name: string): string {
  return `${procRoot}/sys/${name.replace(/\./g, '/')}`;
}

/** At most `max` characters of an input word for a message, marked when cut (the mark in the reader's language). */
function excerpt(w: string, max = 24): string | Said {
  return w.length > max ? edge('excerpt', w.slice(0, max), w.length) : w;
}

/** Parse the text of one sysctl file. Whether the kernel could show the value: {@link sysctlProblem}. */
export function parseSysctl(name: string, text: string, file = name): SysctlValue {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new TcpstateError('ERR_PARSE', ks('emptyValue'), { file, field: name });
  const nums = words.map((w) => {
    if (!/^-?\d+$/.test(w)) throw new TcpstateError('ERR_PARSE', ks('notWholeNumber', excerpt(w)), { file, field: name });
    return Number(w);
  });
  const kind = SYSCTLS[name] ?? (nums.length === 1 ? 'int' : 'ints');
  if (kind === 'int') {
    if (nums.length !== 1) throw new TcpstateError('ERR_PARSE', ks('oneNumber', nums.length), { file, field: name });
    return nums[0]!;
  }
  return nums;
}

/**
 * The longest sysctl file read, 4 KiB: the kernel prints a value in one page at most, and
 * those read here in a few dozen bytes (`tcp_mem`, three numbers, is the longest).
 */
export const SYSCTL_FILE_MAX = 4096;

/** Read every sysctl in {@link SYSCTLS} under `procRoot`; absent files are listed, not errors. */
export function readSysctls(procRoot: string, names: readonly string[] = Object.keys(SYSCTLS)): Sysctls {
  const out: Sysctls = { values: {}, missing: [] };
  for (const name of names) {
    const path = sysctlPath(procRoot, name);
    const text = readSmallFile(path, SYSCTL_FILE_MAX, ks('sysctlValue'));
    if (text === undefined) {
      out.missing.push(name);
      continue;
    }
    out.values[name] = parseSysctl(name, text, path);
  }
  return out;
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const ULONG_MAX = 2 ** 64 - 1;

/**
 * What the kernel accepts for each sysctl: [low, high] for one number, from the proc handler
 * and its bounds (net/ipv4/sysctl_net_ipv4.c, net/core/sysctl_net_core.c, Linux 6.x): `u8`
 * handlers 0..255, `int` ones any 32-bit int. The seconds kept in jiffies (tcp_fin_timeout,
 * tcp_keepalive_*) are bounded by INT_MAX / HZ, which depends on the build: any int is taken.
 * test/doctor/sysctl-bounds.test.ts writes each bound to a namespace's sysctls to check them.
 */
const BOUNDS: Readonly<Record<string, readonly [number, number]>> = {
  'net.ipv4.tcp_tw_reuse': [0, 2],
  'net.ipv4.tcp_tw_reuse_delay': [1, 60_000],
  'net.ipv4.tcp_timestamps': [0, 255],
  'net.ipv4.tcp_fin_timeout': [INT_MIN, INT_MAX],
  'net.ipv4.tcp_max_tw_buckets': [INT_MIN, INT_MAX],
  'net.ipv4.tcp_max_syn_backlog': [INT_MIN, INT_MAX],
  'net.ipv4.tcp_syncookies': [0, 255],
  'net.ipv4.tcp_synack_retries': [0, 255],
  'net.ipv4.tcp_syn_retries': [1, 127],
  'net.ipv4.tcp_max_orphans': [INT_MIN, INT_MAX],
  'net.ipv4.tcp_orphan_retries': [0, 255],
  'net.ipv4.tcp_retries1': [0, 255],
  'net.ipv4.tcp_retries2': [0, 255],
  'net.ipv4.tcp_keepalive_time': [INT_MIN, INT_MAX],
  'net.ipv4.tcp_keepalive_intvl': [INT_MIN, INT_MAX],
  'net.ipv4.tcp_keepalive_probes': [0, 255],
  'net.core.somaxconn': [0, INT_MAX],
};

/** A value as its file shows it: `40000 40100`. */
export function sysctlText(v: SysctlValue): string {
  const x = excerpt(Array.isArray(v) ? v.join(' ') : String(v), 40);
  return typeof x === 'string' ? x : x.text;
}

/**
 * Why `value` cannot be what the kernel shows for `name` (outside what it accepts), or
 * undefined when it can. Such a value comes from a doctored or damaged capture, never from a
 * kernel: what depends on it cannot be answered. In English; {@link sysctlWhy} says it as a message.
 */
export function sysctlProblem(name: string, value: SysctlValue): string | undefined {
  return sysctlWhy(name, value)?.text;
}

/** {@link sysctlProblem} as catalogue data, for the user's language. */
export function sysctlWhy(name: string, value: SysctlValue): Said | undefined {
  const nums = Array.isArray(value) ? value : [value];
  if (name === 'net.ipv4.ip_local_port_range') {
    if (nums.length !== 2) return ks('portRangeCount', nums.length);
    const [lo, hi] = nums as [number, number];
    if (lo < 1 || hi > 65535) return ks('portRangeBounds');
    if (lo > hi) return ks('portRangeOrder', lo, hi);
    return undefined;
  }
  if (name === 'net.ipv4.tcp_mem') {
    if (nums.length !== 3) return ks('tcpMemCount', nums.length);
    return nums.some((n) => n < 0 || n > ULONG_MAX) ? ks('tcpMemSigned') : undefined;
  }
  const b = BOUNDS[name];
  if (!b) return undefined;
  if (nums.length !== 1) return ks('oneNumberShown', nums.length);
  const n = nums[0]!;
  return n < b[0] || n > b[1] ? ks('accepts', b[0], b[1]) : undefined;
}

/** Values read that the kernel would not show, with why, in {@link SYSCTLS} order. */
export function sysctlProblems(s: Sysctls): { name: string; value: string; why: string }[] {
  const out: { name: string; value: string; why: string }[] = [];
  for (const [name, v] of Object.entries(s.values)) {
    const why = sysctlProblem(name, v);
    if (why !== undefined) out.push({ name, value: sysctlText(v), why });
  }
  return out;
}

/** A one-number sysctl, or undefined when absent or not a value the kernel accepts. */
export function sysctlInt(s: Sysctls | undefined, name: string): number | undefined {
  const v = s?.values[name];
  return typeof v === 'number' && sysctlProblem(name, v) === undefined ? v : undefined;
}

/** A several-number sysctl, or undefined when absent or not a value the kernel accepts. */
export function sysctlInts(s: Sysctls | undefined, name: string): number[] | undefined {
  const v = s?.values[name];
  if (v === undefined || sysctlProblem(name, v) !== undefined) return undefined;
  return Array.isArray(v) ? v : [v];
}
