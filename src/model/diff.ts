/**
 * Differences between two snapshots of one host: per-state counts before and after, and,
 * when both are full listings, the sockets that appeared, disappeared or changed state.
 * A socket is keyed by protocol, local and remote endpoint (an IPv4-mapped IPv6 address
 * keys as its IPv4 address, so netstat's and ss's views of one socket meet); sockets with
 * the same key (SO_REUSEPORT listeners) are matched as a multiset. Pure.
 * @module
 */
import { AF_INET, formatEndpoint, isV4Mapped } from './address.js';
import type { StateCounts } from './count.js';
import { PRINT_ORDER, type StateCode } from './state.js';
import { PROTO_UDP, type SocketTable } from './table.js';

export interface StateChange {
  state: StateCode;
  before: number;
  after: number;
}

/** Every state, in print order, with its count before and after. */
export function diffCounts(before: StateCounts, after: StateCounts): StateChange[] {
  return PRINT_ORDER.map((s) => ({ state: s, before: before[s]!, after: after[s]! }));
}

export interface SocketChange {
  kind: 'appeared' | 'disappeared' | 'changed';
  proto: 'tcp' | 'udp';
  local: string;
  remote: string;
  /** State before (absent for appeared). */
  before?: StateCode;
  /** State after (absent for disappeared). */
  after?: StateCode;
}

const tmp = new Uint8Array(16);

function endpoint(t: SocketTable, i: number, addr: Uint8Array, port: number): string {
  const off = i * 16;
  if (t.family[i] !== AF_INET && isV4Mapped(addr, off)) {
    tmp.set(addr.subarray(off + 12, off + 16), 0);
    return formatEndpoint(AF_INET, tmp, 0, port);
  }
  return formatEndpoint(t.family[i]!, addr, off, port);
}

/** The key of row i and its parts. */
export function socketKey(t: SocketTable, i: number): { key: string; proto: 'tcp' | 'udp'; local: string; remote: string } {
  const proto = t.proto[i] === PROTO_UDP ? 'udp' : 'tcp';
  const local = endpoint(t, i, t.laddr, t.lport[i]!);
  const remote = endpoint(t, i, t.raddr, t.rport[i]!);
  return { key: `${proto} ${local} ${remote}`, proto, local, remote };
}

function index(t: SocketTable): Map<string, { proto: 'tcp' | 'udp'; local: string; remote: string; states: StateCode[] }> {
  const m = new Map<string, { proto: 'tcp' | 'udp'; local: string; remote: string; states: StateCode[] }>();
  for (let i = 0; i < t.length; i++) {
    const k = socketKey(t, i);
    const e = m.get(k.key);
    if (e) e.states.push(t.state[i]!);
    else m.set(k.key, { proto: k.proto, local: k.local, remote: k.remote, states: [t.state[i]!] });
  }
  return m;
}

const ORDER = { changed: 0, appeared: 1, disappeared: 2 } as const;

/** Sockets that appeared, disappeared or changed state between two listings. */
export function diffTables(before: SocketTable, after: SocketTable): SocketChange[] {
  const a = index(before);
  const b = index(after);
  const out: SocketChange[] = [];
  for (const [key, ea] of a) {
    const eb = b.get(key);
    const left = [...ea.states];
    const right = eb ? [...eb.states] : [];
    // Same state on both sides: unchanged.
    for (let k = left.length - 1; k >= 0; k--) {
      const j = right.indexOf(left[k]!);
      if (j >= 0) { right.splice(j, 1); left.splice(k, 1); }
    }
    const base = { proto: ea.proto, local: ea.local, remote: ea.remote };
    const n = Math.min(left.length, right.length);
    for (let k = 0; k < n; k++) out.push({ kind: 'changed', ...base, before: left[k], after: right[k] });
    for (let k = n; k < left.length; k++) out.push({ kind: 'disappeared', ...base, before: left[k] });
    for (let k = n; k < right.length; k++) out.push({ kind: 'appeared', ...base, after: right[k] });
  }
  for (const [key, eb] of b) {
    if (a.has(key)) continue;
    for (const s of eb.states) out.push({ kind: 'appeared', proto: eb.proto, local: eb.local, remote: eb.remote, after: s });
  }
  out.sort((x, y) => ORDER[x.kind] - ORDER[y.kind] || x.local.localeCompare(y.local, 'en', { numeric: true }) || x.remote.localeCompare(y.remote, 'en', { numeric: true }));
  return out;
}
