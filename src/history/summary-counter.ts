/**
 * A history row's {@link SampleSummary} counted from a scan's chunks, without building the
 * socket table: what `serve` records every 10 s at 400k sockets. Per socket only what the
 * groups need once the scan has ended is kept (state, family, ports, inode: 10 bytes, in
 * columns reused from one sample to the next); remote addresses are counted as they pass,
 * IPv4 by number. The answer equals {@link summarize} over the same rows (test/history/).
 * @module
 */
import { AF_INET6, formatAddr, isV4Mapped } from '../model/address.js';
import { compareGroups, countStates, newCounts, type StateCounts } from '../model/count.js';
import { LISTEN } from '../model/state.js';
import type { OwnerLookup, SocketTable } from '../model/table.js';
import type { PortColumns } from '../sources/bpf-tcp-states.js';
import { GROUP_KINDS, type GroupKind } from './schema.js';
import { OTHER, type GroupRowData, type SampleSummary } from './sample-row.js';

/** State counts per key (a number or a string) in one growing array: no object per group. */
class KeyedCounts {
  private readonly index = new Map<number | string, number>();
  private readonly keys: (number | string)[] = [];
  private counts = new Uint32Array(16 * 256);

  get size(): number {
    return this.keys.length;
  }

  clear(): void {
    this.counts.fill(0, 0, 16 * this.keys.length);
    this.index.clear();
    this.keys.length = 0;
  }

  add(key: number | string, state: number): void {
    let g = this.index.get(key);
    if (g === undefined) {
      g = this.keys.length;
      this.index.set(key, g);
      this.keys.push(key);
      if (16 * (g + 1) > this.counts.length) {
        const c = new Uint32Array(this.counts.length * 2);
        c.set(this.counts);
        this.counts = c;
      }
    }
    this.counts[16 * g + state]!++;
  }

  /**
   * The `top` largest groups by total (ties by key text, as `GroupCounter.top`), then one
   * "other" row summing the rest; key texts made only for the groups that can be in the top.
   */
  rows(kind: GroupKind, top: number, text: (key: number | string) => string): GroupRowData[] {
    const n = this.keys.length;
    const totals = new Float64Array(n);
    for (let g = 0; g < n; g++) {
      let s = 0;
      for (let k = 16 * g; k < 16 * g + 16; k++) s += this.counts[k]!;
      totals[g] = s;
    }
    // Groups below the top-th largest total cannot be in the top, whatever their keys.
    const least = n <= top ? 0 : top === 0 ? Infinity : Float64Array.from(totals).sort().reverse()[top - 1]!;
    const head: { key: string; counts: StateCounts; total: number }[] = [];
    for (let g = 0; g < n; g++) if (totals[g]! >= least) head.push({ key: text(this.keys[g]!), counts: this.countsOf(g), total: totals[g]! });
    head.sort(compareGroups);
    const kept = head.slice(0, top);
    const out: GroupRowData[] = kept.map((r) => ({ kind, key: r.key, folded: 0, counts: r.counts }));
    if (n > top) {
      const other = newCounts();
      for (let g = 0; g < n; g++) for (let s = 0; s < 16; s++) other[s]! += this.counts[16 * g + s]!;
      for (const r of kept) for (let s = 0; s < 16; s++) other[s]! -= r.counts[s]!;
      out.push({ kind, key: OTHER, folded: n - top, counts: other });
    }
    return out;
  }

  private countsOf(g: number): StateCounts {
    const c = newCounts();
    for (let s = 0; s < 16; s++) c[s] = this.counts[16 * g + s]!;
    return c;
  }
}

const portText = (k: number | string): string => String(k);
const addrText = (k: number | string): string => (typeof k === 'string' ? k : `${k >>> 24}.${(k >>> 16) & 255}.${(k >>> 8) & 255}.${k & 255}`);

/**
 * Feed it a scan's chunks ({@link add}), then {@link finish} with the owner scan's lookup.
 * One instance serves sample after sample (the sampler's worker keeps one): its columns grow
 * to the largest table seen and are reused.
 */
export class SummaryCounter {
  private cols: PortColumns & { inode: Uint32Array } = SummaryCounter.columns(1024);
  private readonly listening = new Uint8Array(65536);
  private readonly counts = newCounts();
  private readonly raddr = new KeyedCounts();
  private readonly groups = new KeyedCounts();

  private static columns(n: number): PortColumns & { inode: Uint32Array } {
    return { length: 0, state: new Uint8Array(n), family: new Uint8Array(n), lport: new Uint16Array(n), rport: new Uint16Array(n), inode: new Uint32Array(n) };
  }

  /** Start a new sample. */
  reset(): void {
    this.cols.length = 0;
    this.listening.fill(0);
    this.counts.fill(0);
    this.raddr.clear();
  }

  /** Count a chunk's rows (the chunk may be reused by its source afterwards). */
  add(t: SocketTable): void {
    let c = this.cols;
    if (c.length + t.length > c.state.length) {
      const g = SummaryCounter.columns(Math.max(2 * c.state.length, c.length + t.length));
      for (const k of ['state', 'family', 'lport', 'rport', 'inode'] as const) g[k].set(c[k].subarray(0, c.length));
      g.length = c.length;
      this.cols = c = g;
    }
    countStates(t, undefined, this.counts);
    const a = t.raddr;
    for (let i = 0, j = c.length; i < t.length; i++, j++) {
      const st = t.state[i]!;
      const fam = t.family[i]!;
      c.state[j] = st;
      c.family[j] = fam;
      c.lport[j] = t.lport[i]!;
      c.rport[j] = t.rport[i]!;
      c.inode[j] = t.inode[i]!;
      if (st === LISTEN) this.listening[t.lport[i]!] = 1;
      // The remote address as `addrKey` groups it: an IPv4-mapped IPv6 address as its IPv4.
      const o = 16 * i;
      const v4 = fam !== AF_INET6 ? o : isV4Mapped(a, o) ? o + 12 : -1;
      this.raddr.add(v4 < 0 ? formatAddr(AF_INET6, a, o) : ((a[v4]! << 24) | (a[v4 + 1]! << 16) | (a[v4 + 2]! << 8) | a[v4 + 3]!) >>> 0, st);
    }
    c.length += t.length;
  }

  /**
   * The summary of the rows added since {@link reset}. `owners` undefined: no owner scan, so
   * no process groups (every socket would show as owned by nobody).
   */
  finish(owners: OwnerLookup | undefined, top: number, kinds: readonly GroupKind[] = GROUP_KINDS): SampleSummary {
    const c = this.cols;
    const groups: GroupRowData[] = [];
    for (const kind of kinds) {
      if (kind === 'process' && !owners) continue;
      if (kind === 'raddr') {
        groups.push(...this.raddr.rows(kind, top, addrText));
        continue;
      }
      const g = this.groups;
      g.clear();
      for (let j = 0; j < c.length; j++) {
        const st = c.state[j]!;
        if (kind === 'process') g.add(ownerKey(owners!, c.inode[j]!), st);
        else {
          // lport: inbound (listeners, and sockets on a port something listens on); rport: the rest.
          const inbound = st === LISTEN || this.listening[c.lport[j]!] === 1;
          if (inbound === (kind === 'lport')) g.add(kind === 'lport' ? c.lport[j]! : c.rport[j]!, st);
        }
      }
      groups.push(...g.rows(kind, top, portText));
      g.clear();
    }
    return { top, kinds: [...kinds], counts: Float64Array.from(this.counts), groups };
  }
}

/** The `process` group of a socket, as `GroupCounter` keys it: `pid/program[,pid/program]`, `-` when nobody. */
function ownerKey(owners: OwnerLookup, inode: number): string {
  if (inode === 0) return '-';
  const l = owners.label?.(inode);
  if (l !== undefined) return l;
  const o = owners.get(inode);
  return o?.length ? o.map((x) => `${x.pid}/${x.program}`).join(',') : '-';
}
