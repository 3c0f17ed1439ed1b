/**
 * Counting by state, with every state present (zeros filled in), optionally grouped by
 * local or remote port, address, network or owning process. Works on table columns;
 * never builds per-socket objects.
 * @module
 */
import { AF_INET, AF_INET6, formatAddr, isV4Mapped, networkOf } from './address.js';
import { TcpstateError } from './errors.js';
import { compareKeys } from './key-order.js';
import { closest, withSuggestion } from './suggest.js';
import type { RowPredicate } from './filter.js';
import { ALL_MASK, maskHas, PRINT_ORDER, stateName, type StateCode } from './state.js';
import type { SocketTable } from './table.js';
import { say as o } from '../i18n/options.js';

/** Counts indexed by state code (0..15). */
export type StateCounts = Float64Array;

export function newCounts(): StateCounts {
  return new Float64Array(16);
}

/** Add the rows of `t` that pass `keep` to `into`. */
export function countStates(t: SocketTable, keep: RowPredicate | undefined, into: StateCounts = newCounts()): StateCounts {
  const st = t.state;
  const n = t.length;
  if (!keep) for (let i = 0; i < n; i++) into[st[i]!]!++;
  else for (let i = 0; i < n; i++) if (keep(t, i)) into[st[i]!]!++;
  return into;
}

/** The counts of the states `mask` selects (every state with ALL_MASK), the others zero. */
export function selectStates(c: ArrayLike<number>, mask: number): StateCounts {
  const out = newCounts();
  for (const s of PRINT_ORDER) if (mask === ALL_MASK || maskHas(mask, s)) out[s] = c[s]!;
  return out;
}

/** Add `from` to `into`, state by state. */
export function addCounts(into: StateCounts, from: ArrayLike<number>): void {
  for (let s = 0; s < into.length; s++) into[s]! += from[s]!;
}

export function total(c: StateCounts): number {
  let s = 0;
  for (const code of PRINT_ORDER) s += c[code]!;
  return s;
}

/** Counts as an ordered list of [netstat name, count], every state included. */
export function countEntries(c: StateCounts): [string, number][] {
  return PRINT_ORDER.map((code: StateCode) => [stateName(code), c[code]!]);
}

/**
 * What `--by` groups on. `rnet`/`lnet` carry a prefix length for IPv4 and one for IPv6
 * (`rnet/24,48`; `rnet/N` is N for IPv4 and IPv6's default /64; plain `rnet` is /24 and /64).
 * An IPv4-mapped IPv6 address (`::ffff:10.1.2.3`) is grouped as the IPv4 address it is, in
 * every grouping.
 */
export type GroupKey = { by: 'lport' | 'rport' | 'laddr' | 'raddr' | 'process' } | { by: 'lnet' | 'rnet'; bits: number; bits6: number };

/**
 * Parse `lport`, `rnet/24`, `process`, ... Errors name the option `option`: its key (`by`) in
 * the library and the API; the CLI passes its flag (`--by`).
 */
export function parseGroupKey(text: string, option = 'by'): GroupKey {
  const m = /^(lport|rport|laddr|raddr|process|lnet|rnet)(?:\/(\d{1,3})(?:,(\d{1,3}))?)?$/.exec(text.trim());
  if (!m) {
    const [word, bits] = text.trim().split(/(?=\/)/, 2);
    const near = closest(word!, ['lport', 'rport', 'laddr', 'raddr', 'process', 'lnet', 'rnet']).map(
      (k) => `${option.startsWith('-') ? `${option} ` : `${option}=`}${k}${bits !== undefined && /net$/.test(k) ? bits : ''}`,
    );
    throw withSuggestion(new TcpstateError('ERR_USAGE', o('byKey', option, text), { field: option }), near);
  }
  const by = m[1]!;
  if (by === 'lnet' || by === 'rnet') {
    const bits = m[2] === undefined ? 24 : Number(m[2]);
    const bits6 = m[3] !== undefined ? Number(m[3]) : 64;
    if (bits > 32) throw new TcpstateError('ERR_USAGE', o('byV4Long', option, text, bits, `${by}/24,${Math.min(bits, 128)}`), { field: option });
    if (bits6 > 128) throw new TcpstateError('ERR_USAGE', o('byV6Long', option, text), { field: option });
    return { by, bits, bits6 };
  }
  if (m[2] !== undefined) throw new TcpstateError('ERR_USAGE', o('byNoBits', option, text), { field: option });
  return { by: by as 'lport' };
}

/** The order of groups: largest total first, ties by key (numbers in keys compared as numbers). */
export function compareGroups(a: { key: string; total: number }, b: { key: string; total: number }): number {
  return b.total - a.total || compareKeys(a.key, b.key);
}

/** Accumulates state counts per group across chunks. */
export class GroupCounter {
  readonly groups = new Map<string, StateCounts>();
  private readonly keyOf: (t: SocketTable, i: number) => string;

  constructor(readonly key: GroupKey) {
    this.keyOf = keyFunction(key);
  }

  add(t: SocketTable, keep: RowPredicate | undefined): void {
    for (let i = 0; i < t.length; i++) {
      if (keep && !keep(t, i)) continue;
      const k = this.keyOf(t, i);
      let c = this.groups.get(k);
      if (!c) {
        c = newCounts();
        this.groups.set(k, c);
      }
      c[t.state[i]!]!++;
    }
  }

  /**
   * The `top` largest groups by total (ties by key), and the rest summed into "other".
   */
  top(top: number): { key: string; counts: StateCounts; total: number; folded?: number }[] {
    const rows: { key: string; counts: StateCounts; total: number; folded?: number }[] = [...this.groups].map(([key, counts]) => ({ key, counts, total: total(counts) }));
    rows.sort(compareGroups);
    if (rows.length <= top) return rows;
    const head = rows.slice(0, top);
    const other = newCounts();
    for (const r of rows.slice(top)) addCounts(other, r.counts);
    head.push({ key: `other (${rows.length - top})`, counts: other, total: total(other), folded: rows.length - top });
    return head;
  }
}

/** An IPv6 address that is not an IPv4-mapped one. */
function isV6(family: number, buf: Uint8Array, off: number): boolean {
  return family === AF_INET6 && !isV4Mapped(buf, off);
}

/** An address as a group key: an IPv4-mapped one as the IPv4 address. */
function addrKey(family: number, buf: Uint8Array, off: number): string {
  return isV6(family, buf, off) || family !== AF_INET6 ? formatAddr(family, buf, off) : formatAddr(AF_INET, buf, off + 12);
}

function keyFunction(k: GroupKey): (t: SocketTable, i: number) => string {
  switch (k.by) {
    case 'lport':
      return (t, i) => String(t.lport[i]);
    case 'rport':
      return (t, i) => String(t.rport[i]);
    case 'laddr':
      return (t, i) => addrKey(t.family[i]!, t.laddr, i * 16);
    case 'raddr':
      return (t, i) => addrKey(t.family[i]!, t.raddr, i * 16);
    case 'lnet': {
      const { bits, bits6 } = k;
      return (t, i) => networkOf(t.family[i]!, t.laddr, i * 16, isV6(t.family[i]!, t.laddr, i * 16) ? bits6 : bits);
    }
    case 'rnet': {
      const { bits, bits6 } = k;
      return (t, i) => networkOf(t.family[i]!, t.raddr, i * 16, isV6(t.family[i]!, t.raddr, i * 16) ? bits6 : bits);
    }
    case 'process':
      return (t, i) => {
        const o = t.ownersOf(i);
        if (o.length === 0) return '-';
        return o.map((x) => `${x.pid}/${x.program}`).join(',');
      };
  }
}
