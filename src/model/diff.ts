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

/** Bytes of a row's key: protocol, local address and port, remote address and port. */
const KEY = 37;

/**
 * Every row's key as bytes (an IPv4 address in its IPv4-mapped IPv6 form, so both spellings
 * of one socket meet) and a hash of them: rows are matched on the columns, and only the rows
 * that changed are formatted.
 */
function packKeys(t: SocketTable): { keys: Uint8Array; hash: Uint32Array } {
  const n = t.length;
  const keys = new Uint8Array(n * KEY);
  const hash = new Uint32Array(n);
  const put = (addr: Uint8Array, i: number, at: number): void => {
    const off = i * 16;
    if (t.family[i] === AF_INET) {
      keys[at + 10] = 0xff;
      keys[at + 11] = 0xff;
      for (let k = 0; k < 4; k++) keys[at + 12 + k] = addr[off + k]!;
    } else for (let k = 0; k < 16; k++) keys[at + k] = addr[off + k]!;
  };
  for (let i = 0; i < n; i++) {
    const at = i * KEY;
    keys[at] = t.proto[i]!;
    put(t.laddr, i, at + 1);
    keys[at + 17] = t.lport[i]! >> 8;
    keys[at + 18] = t.lport[i]! & 0xff;
    put(t.raddr, i, at + 19);
    keys[at + 35] = t.rport[i]! >> 8;
    keys[at + 36] = t.rport[i]! & 0xff;
    let h = 0x811c9dc5;
    for (let k = at; k < at + KEY; k++) h = Math.imul(h ^ keys[k]!, 0x01000193);
    hash[i] = h >>> 0;
  }
  return { keys, hash };
}

function sameKey(a: Uint8Array, i: number, b: Uint8Array, j: number): boolean {
  const x = i * KEY;
  const y = j * KEY;
  for (let k = 0; k < KEY; k++) if (a[x + k] !== b[y + k]) return false;
  return true;
}

/**
 * The rows of a table grouped by key, groups in order of first appearance: `first[g]` is a
 * group's first row, `next[i]` the row after i in its group (-1 at the end), and `find` the
 * group of another table's row with the same key (-1 when none).
 */
class KeyGroups {
  readonly first: number[] = [];
  readonly next: Int32Array;
  private readonly last: number[] = [];
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(
    private readonly k: { keys: Uint8Array; hash: Uint32Array },
    n: number,
  ) {
    this.next = new Int32Array(n).fill(-1);
    let size = 16;
    while (size < n * 2) size <<= 1;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let i = 0; i < n; i++) {
      const g = this.slot(k.keys, k.hash, i, true);
      if (g < this.first.length) {
        this.next[this.last[g]!] = i;
        this.last[g] = i;
      } else {
        this.first.push(i);
        this.last.push(i);
      }
    }
  }

  /** The group of row j of `keys`; with `add`, a new group's number when there is none. */
  private slot(keys: Uint8Array, hash: Uint32Array, j: number, add: boolean): number {
    for (let s = hash[j]! & this.mask; ; s = (s + 1) & this.mask) {
      const g = this.slots[s]!;
      if (g < 0) {
        if (!add) return -1;
        this.slots[s] = this.first.length;
        return this.first.length;
      }
      if (this.k.hash[this.first[g]!] === hash[j] && sameKey(this.k.keys, this.first[g]!, keys, j)) return g;
    }
  }

  find(keys: Uint8Array, hash: Uint32Array, j: number): number {
    return this.slot(keys, hash, j, false);
  }
}

const ORDER = { changed: 0, appeared: 1, disappeared: 2 } as const;
const collator = new Intl.Collator('en', { numeric: true });

/** Sockets that appeared, disappeared or changed state between two listings. */
export function diffTables(before: SocketTable, after: SocketTable): SocketChange[] {
  const ka = packKeys(before);
  const kb = packKeys(after);
  const a = new KeyGroups(ka, before.length);
  const b = new KeyGroups(kb, after.length);
  // The group of `before` with each group of `after`'s key, and the reverse.
  const aOfB = new Int32Array(b.first.length);
  for (let g = 0; g < b.first.length; g++) aOfB[g] = a.find(kb.keys, kb.hash, b.first[g]!);
  const bOfA = new Int32Array(a.first.length).fill(-1);
  for (let g = 0; g < b.first.length; g++) if (aOfB[g]! >= 0) bOfA[aOfB[g]!] = g;
  const out: SocketChange[] = [];
  const rowsOf = (groups: KeyGroups, g: number): number[] => {
    const r: number[] = [];
    for (let i = groups.first[g]!; i >= 0; i = groups.next[i]!) r.push(i);
    return r;
  };
  for (let g = 0; g < a.first.length; g++) {
    const i = a.first[g]!;
    const gb = bOfA[g]!;
    // One socket on each side, the usual case: unchanged unless its state moved.
    if (gb >= 0 && a.next[i] === -1 && b.next[b.first[gb]!] === -1) {
      const j = b.first[gb]!;
      if (before.state[i] !== after.state[j]) {
        const k = socketKey(before, i);
        out.push({ kind: 'changed', proto: k.proto, local: k.local, remote: k.remote, before: before.state[i], after: after.state[j] });
      }
      continue;
    }
    const left = rowsOf(a, g).map((r) => before.state[r]!);
    const right = gb >= 0 ? rowsOf(b, gb).map((r) => after.state[r]!) : [];
    // Same state on both sides: unchanged (sockets sharing a key are matched as a multiset).
    for (let k = left.length - 1; k >= 0; k--) {
      const j = right.indexOf(left[k]!);
      if (j >= 0) {
        right.splice(j, 1);
        left.splice(k, 1);
      }
    }
    if (left.length === 0 && right.length === 0) continue;
    const key = socketKey(before, i);
    const base = { proto: key.proto, local: key.local, remote: key.remote };
    const n = Math.min(left.length, right.length);
    for (let k = 0; k < n; k++) out.push({ kind: 'changed', ...base, before: left[k], after: right[k] });
    for (let k = n; k < left.length; k++) out.push({ kind: 'disappeared', ...base, before: left[k] });
    for (let k = n; k < right.length; k++) out.push({ kind: 'appeared', ...base, after: right[k] });
  }
  for (let g = 0; g < b.first.length; g++) {
    if (aOfB[g]! >= 0) continue;
    const k = socketKey(after, b.first[g]!);
    for (let j = b.first[g]!; j >= 0; j = b.next[j]!) out.push({ kind: 'appeared', proto: k.proto, local: k.local, remote: k.remote, after: after.state[j] });
  }
  out.sort((x, y) => ORDER[x.kind] - ORDER[y.kind] || collator.compare(x.local, y.local) || collator.compare(x.remote, y.remote));
  return out;
}
