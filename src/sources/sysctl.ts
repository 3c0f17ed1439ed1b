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

/** Parse the text of one sysctl file. */
export function parseSysctl(name: string, text: string, file = name): SysctlValue {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new TcpstateError('ERR_PARSE', 'empty value', { file, field: name });
  const nums = words.map((w) => {
    if (!/^-?\d+$/.test(w)) throw new TcpstateError('ERR_PARSE', `value "${w}" is not a whole number`, { file, field: name });
    return Number(w);
  });
  const kind = SYSCTLS[name] ?? (nums.length === 1 ? 'int' : 'ints');
  if (kind === 'int') {
    if (nums.length !== 1) throw new TcpstateError('ERR_PARSE', `expected one number, got ${nums.length}`, { file, field: name });
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
    const text = readSmallFile(path, SYSCTL_FILE_MAX, 'sysctl value');
    if (text === undefined) { out.missing.push(name); continue; }
    out.values[name] = parseSysctl(name, text, path);
  }
  return out;
}

/** A one-number sysctl, or undefined when absent. */
export function sysctlInt(s: Sysctls | undefined, name: string): number | undefined {
  const v = s?.values[name];
  return typeof v === 'number' ? v : undefined;
}

/** A several-number sysctl, or undefined when absent. */
export function sysctlInts(s: Sysctls | undefined, name: string): number[] | undefined {
  const v = s?.values[name];
  return Array.isArray(v) ? v : typeof v === 'number' ? [v] : undefined;
}
