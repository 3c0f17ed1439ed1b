/**
 * A fleet: per-host state counts side by side, hosts sorted into role groups by name
 * patterns (`lvs=LVS*,lvs_*`), with a subtotal per group and a total. Pure.
 * @module
 */
import { newCounts, type StateCounts, total } from './count.js';
import { TcpstateError } from './errors.js';

export interface FleetHost {
  host: string;
  /** Where it was read: format, file, line. */
  format: string;
  file: string;
  line: number;
  counts: StateCounts;
}

export interface GroupSpec {
  name: string;
  patterns: string[];
}

export interface FleetGroup {
  /** Group name; undefined for hosts no pattern matched (when groups were asked for). */
  name: string | undefined;
  patterns: string[];
  hosts: FleetHost[];
  counts: StateCounts;
}

export interface Fleet {
  /** Groups in the order given, then the unmatched hosts; one nameless group when none given. */
  groups: FleetGroup[];
  counts: StateCounts;
  hosts: number;
}

/** Parse `--group NAME=PATTERN[,PATTERN...]`. */
export function parseGroupSpec(text: string): GroupSpec {
  const eq = text.indexOf('=');
  const name = eq < 0 ? '' : text.slice(0, eq).trim();
  const patterns = eq < 0 ? [] : text.slice(eq + 1).split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (name === '' || patterns.length === 0 || !/^[\w.-]+$/.test(name)) {
    throw new TcpstateError('ERR_USAGE', `bad --group "${text}": expected NAME=PATTERN[,PATTERN...], e.g. --group lvs='LVS*,lvs_*'`, { field: '--group' });
  }
  return { name, patterns };
}

/** Shell-style match of a whole host name: `*` any run, `?` one character, `[abc]` a set. */
export function globMatch(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) { re += '\\['; continue; }
      re += `[${pattern.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(re + '$').test(name);
}

function sum(into: StateCounts, c: StateCounts): void {
  for (let s = 0; s < 16; s++) into[s]! += c[s]!;
}

/**
 * Sort hosts into groups: each host joins the first group (in the order given) with a
 * pattern matching its name; hosts that match none form a last, nameless group.
 */
export function buildFleet(hosts: readonly FleetHost[], specs: readonly GroupSpec[]): Fleet {
  const groups: FleetGroup[] = specs.map((g) => ({ name: g.name, patterns: g.patterns, hosts: [], counts: newCounts() }));
  const rest: FleetGroup = { name: undefined, patterns: [], hosts: [], counts: newCounts() };
  const all = newCounts();
  for (const h of hosts) {
    const g = groups.find((x) => x.patterns.some((p) => globMatch(p, h.host))) ?? rest;
    g.hosts.push(h);
    sum(g.counts, h.counts);
    sum(all, h.counts);
  }
  const out = groups.filter((g) => g.hosts.length > 0);
  if (rest.hosts.length > 0) out.push(rest);
  return { groups: out, counts: all, hosts: hosts.length };
}

export { total };
