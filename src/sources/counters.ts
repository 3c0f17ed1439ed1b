/**
 * Kernel counters of a network namespace: /proc/net/netstat (TcpExt, IpExt, MPTcpExt),
 * /proc/net/snmp (Ip, Icmp, Tcp, Udp, ...), /proc/net/sockstat and sockstat6.
 *
 * netstat and snmp come as line pairs, `Section: Name1 Name2 ...` then `Section: v1 v2 ...`
 * (net/ipv4/proc.c `netstat_seq_show`, `snmp_seq_show_tcp_udp`). `IcmpMsg` pairs have
 * kernel-chosen names; every pair is read the same way. Values are decimal and may be
 * negative (`Tcp MaxConn -1`).
 *
 * sockstat lines are `Section: key value key value ...` (`sockets: used 15`,
 * `TCP: inuse 3 orphan 0 tw 2 alloc 5 mem 1`). Which of these are per network namespace
 * (net/ipv4/proc.c `sockstat_seq_show`, kernel 6.x): `sockets used`, `TCP inuse`, `TCP tw`
 * and the sockstat6 numbers are the namespace's own; `TCP orphan`, `TCP alloc` and
 * `TCP mem` (pages) are global to the host, whichever namespace reads them
 * (see canonical/hotsos#446).
 * @module
 */
import { TcpstateError } from '../model/errors.js';
import { readSmallFile } from './small-file.js';
import { say as ks } from '../i18n/kernel.js';

/** section → counter name → value. */
export type CounterTable = Record<string, Record<string, number>>;

/** The counter files of one namespace, read at one moment. */
export interface Counters {
  /** /proc/net/netstat, undefined if the file was absent. */
  netstat?: CounterTable;
  /** /proc/net/snmp. */
  snmp?: CounterTable;
  /** /proc/net/sockstat. */
  sockstat?: CounterTable;
  /** /proc/net/sockstat6. */
  sockstat6?: CounterTable;
  /** Monotonic clock (ms) when the files were read, for rates. */
  atMs: number;
  /** Files that were absent (relative names, `net/netstat`). */
  missing: string[];
}

/** The counter files, relative to a proc root (or to /proc/PID for a namespace). */
export const COUNTER_FILES = ['net/netstat', 'net/snmp', 'net/sockstat', 'net/sockstat6'] as const;

const NUMBER = /^-?\d+$/;

function lines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/**
 * Parse netstat/snmp text: pairs of `Section: names` and `Section: values` lines.
 * A value line whose section differs from its header, a count mismatch or a value that is
 * not a decimal integer is an ERR_PARSE naming the file, line and counter.
 */
export function parseCounterPairs(text: string, file = 'net/netstat'): CounterTable {
  const out: CounterTable = {};
  const ls = lines(text);
  let i = 0;
  for (;;) {
    while (i < ls.length && ls[i]!.trim() === '') i++;
    if (i >= ls.length) break;
    const head = ls[i]!;
    const colon = head.indexOf(':');
    if (colon <= 0) throw new TcpstateError('ERR_PARSE', ks('countersHeader'), { file, line: i + 1 });
    const section = head.slice(0, colon);
    const names = head
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    const vline = ls[i + 1];
    if (vline === undefined || !vline.startsWith(section + ':')) {
      throw new TcpstateError('ERR_PARSE', ks('countersNoValues', section), { file, line: i + 2, field: section });
    }
    const values = vline
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    if (values.length !== names.length) {
      throw new TcpstateError('ERR_PARSE', ks('countersMismatch', section, names.length, values.length), { file, line: i + 2, field: section });
    }
    const sec: Record<string, number> = (out[section] ??= {});
    for (let k = 0; k < names.length; k++) {
      const v = values[k]!;
      if (!NUMBER.test(v)) throw new TcpstateError('ERR_PARSE', ks('notWholeNumber', v), { file, line: i + 2, field: `${section} ${names[k]}` });
      sec[names[k]!] = Number(v);
    }
    i += 2;
  }
  return out;
}

/** Parse sockstat/sockstat6 text: `Section: key value ...` per line. */
export function parseSockstat(text: string, file = 'net/sockstat'): CounterTable {
  const out: CounterTable = {};
  const ls = lines(text);
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!.trim();
    if (l === '') continue;
    const colon = l.indexOf(':');
    if (colon <= 0) throw new TcpstateError('ERR_PARSE', ks('countersKeyValue'), { file, line: i + 1 });
    const section = l.slice(0, colon);
    const words = l
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    if (words.length % 2 !== 0) throw new TcpstateError('ERR_PARSE', ks('countersOddWords', section), { file, line: i + 1, field: section });
    const sec: Record<string, number> = (out[section] ??= {});
    for (let k = 0; k < words.length; k += 2) {
      const v = words[k + 1]!;
      if (!NUMBER.test(v)) throw new TcpstateError('ERR_PARSE', ks('notWholeNumber', v), { file, line: i + 1, field: `${section} ${words[k]}` });
      sec[words[k]!] = Number(v);
    }
  }
  return out;
}

/**
 * The largest counter file read, 1 MiB. /proc/net/netstat, the longest, is about 4 KiB on
 * Linux 6.x (a few hundred counters); a longer file is not one, and reading on would grow
 * without bound (a captured tree's file may be a symlink to /dev/zero).
 */
export const COUNTER_FILE_MAX = 1 << 20;

function readOptional(path: string): string | undefined {
  return readSmallFile(path, COUNTER_FILE_MAX, ks('counterFile'));
}

/**
 * Read the counter files under `dir` (a proc root, or /proc/PID for another namespace).
 * Absent files are listed in `missing`, not errors: a capture may not hold them.
 */
export function readCounters(dir: string, now: () => number = () => performance.now()): Counters {
  const c: Counters = { atMs: now(), missing: [] };
  for (const rel of COUNTER_FILES) {
    const path = `${dir}/${rel}`;
    const text = readOptional(path);
    if (text === undefined) {
      c.missing.push(rel);
      continue;
    }
    if (rel === 'net/netstat') c.netstat = parseCounterPairs(text, path);
    else if (rel === 'net/snmp') c.snmp = parseCounterPairs(text, path);
    else if (rel === 'net/sockstat') c.sockstat = parseSockstat(text, path);
    else c.sockstat6 = parseSockstat(text, path);
  }
  return c;
}

/**
 * One counter by section and name, from whichever file holds the section
 * (`TcpExt`/`IpExt` in netstat, `Tcp`/`Ip` in snmp, `TCP`/`TCP6` in sockstat[6]).
 */
export function counter(c: Counters | undefined, section: string, name: string): number | undefined {
  if (!c) return undefined;
  for (const t of [c.netstat, c.snmp, c.sockstat, c.sockstat6]) {
    const v = t?.[section]?.[name];
    if (v !== undefined) return v;
  }
  return undefined;
}
