/**
 * A fleet: per-host state counts side by side, hosts sorted into role groups by name
 * patterns (`lvs=LVS*,lvs_*`), with a subtotal per group and a total. Pure.
 * @module
 */
import { say as o } from '../i18n/options.js';
import { newCounts, type StateCounts, total } from './count.js';
import { TcpstateError } from './errors.js';

export interface FleetHost {
  host: string;
  /** Where it was read: format, file, line. */
  format: string;
  file: string;
  line: number;
  counts: StateCounts;
  /** Group named by the source (a Prometheus target label): joined when no --group pattern matches. */
  group?: string;
  /** Why the host has no counts (an agent down, a scrape failing); its counts are then all 0 and not shown. */
  error?: string;
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
  /** Hosts with an {@link FleetHost.error}: rows without counts. */
  down: number;
}

/** Parse `--group NAME=PATTERN[,PATTERN...]`. */
export function parseGroupSpec(text: string): GroupSpec {
  const eq = text.indexOf('=');
  const name = eq < 0 ? '' : text.slice(0, eq).trim();
  const patterns =
    eq < 0
      ? []
      : text
          .slice(eq + 1)
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== '');
  if (name === '' || patterns.length === 0 || !/^[\w.-]+$/.test(name)) {
    throw new TcpstateError('ERR_USAGE', o('groupSpec', text), { field: '--group' });
  }
  return { name, patterns };
}

/** One position of a glob: `*`, or a test of one character. */
type GlobToken = '*' | ((c: string) => boolean);

/** Characters `*` and `?` do not match (as `.` in a pattern: line terminators). */
const NOT_ANY = /[\n\r\u2028\u2029]/;

function globTokens(pattern: string): GlobToken[] {
  const out: GlobToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (out[out.length - 1] !== '*') out.push('*');
    } else if (c === '?') out.push((x) => !NOT_ANY.test(x));
    else if (c === '[' && pattern.indexOf(']', i + 1) >= 0) {
      const close = pattern.indexOf(']', i + 1);
      const body = pattern
        .slice(i + 1, close)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\');
      let set: RegExp;
      try {
        set = new RegExp(`^[${body}]$`);
      } catch {
        throw new TcpstateError('ERR_USAGE', o('groupPattern', pattern, pattern.slice(i + 1, close)), { field: '--group' });
      }
      out.push((x) => set.test(x));
      i = close;
    } else out.push((x) => x === c);
  }
  return out;
}

/**
 * Shell-style match of a whole host name: `*` any run, `?` one character, `[abc]` a set
 * (`[!abc]` its complement). Matched by the last-star method, not a pattern made of `.*`:
 * a host name read from a capture may be as long as a line, and `.*a.*a.*b` backtracks
 * polynomially over one.
 */
export function globMatch(pattern: string, name: string): boolean {
  const t = globTokens(pattern);
  let ti = 0;
  let si = 0;
  let star = -1;
  let from = 0;
  while (si < name.length) {
    const tok = t[ti];
    if (tok === '*') {
      star = ti++;
      from = si;
      continue;
    }
    if (tok?.(name[si]!)) {
      ti++;
      si++;
      continue;
    }
    // Let the last star take one more character, and match the rest after it again.
    if (star < 0 || NOT_ANY.test(name[from]!)) return false;
    ti = star + 1;
    si = ++from;
  }
  while (t[ti] === '*') ti++;
  return ti === t.length;
}

function sum(into: StateCounts, c: StateCounts): void {
  for (let s = 0; s < 16; s++) into[s]! += c[s]!;
}

/**
 * Sort hosts into groups: each host joins the first group (in the order given) with a
 * pattern matching its name, else the group its source named (`FleetHost.group`, groups
 * made in the order first met); hosts with neither form a last, nameless group.
 */
export function buildFleet(hosts: readonly FleetHost[], specs: readonly GroupSpec[]): Fleet {
  const groups: FleetGroup[] = specs.map((g) => ({ name: g.name, patterns: g.patterns, hosts: [], counts: newCounts() }));
  const named = new Map<string, FleetGroup>();
  const rest: FleetGroup = { name: undefined, patterns: [], hosts: [], counts: newCounts() };
  const all = newCounts();
  let down = 0;
  for (const h of hosts) {
    let g = groups.find((x) => x.patterns.some((p) => globMatch(p, h.host)));
    if (!g && h.group !== undefined && h.group !== '') {
      g = named.get(h.group) ?? groups.find((x) => x.name === h.group);
      if (!g) {
        g = { name: h.group, patterns: [], hosts: [], counts: newCounts() };
        named.set(h.group, g);
      }
    }
    g ??= rest;
    if (h.error !== undefined) down++;
    g.hosts.push(h);
    sum(g.counts, h.counts);
    sum(all, h.counts);
  }
  const out = [...groups, ...named.values()].filter((g) => g.hosts.length > 0);
  if (rest.hosts.length > 0) out.push(rest);
  return { groups: out, counts: all, hosts: hosts.length, down };
}

export { total };
