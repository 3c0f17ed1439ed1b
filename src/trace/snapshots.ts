/**
 * `trace` without BPF (not root, no kernel BTF, an old kernel): state changes read from
 * consecutive sock_diag snapshots. Pure: {@link SnapshotDiffer} compares each snapshot with
 * the one before, socket by socket (family, addresses and ports); what it reports is what
 * two snapshots showed, so every transition is marked observed, and a socket that lived and
 * changed between two snapshots is not seen at all. The first snapshot is the baseline.
 * @module
 */
import { formatAddr } from '../model/address.js';
import { CLOSE, type StateCode } from '../model/state.js';
import type { SocketTable } from '../model/table.js';
import type { Endpoints, Transition } from './tracker.js';
import type { ReadConfig } from '../sources/config.js';

interface Seen extends Endpoints {
  state: StateCode;
  since: bigint;
  /** Seen since the baseline: its time in `state` is a lower bound from the snapshots. */
  known: boolean;
}

function keyOf(t: SocketTable, i: number): string {
  const f = t.family[i]!;
  return `${f} ${formatAddr(f, t.laddr, i * 16)} ${t.lport[i]} ${formatAddr(f, t.raddr, i * 16)} ${t.rport[i]}`;
}

export class SnapshotDiffer {
  private prev: Map<string, Seen[]> | undefined;

  constructor(private readonly netns: number) {}

  /** Sockets remembered from the last snapshot. */
  get size(): number {
    let n = 0;
    for (const v of this.prev?.values() ?? []) n += v.length;
    return n;
  }

  /** The transitions between the last snapshot and `t`, taken at `time` (CLOCK_MONOTONIC ns). */
  push(t: SocketTable, time: bigint): Transition[] {
    const now = new Map<string, Seen[]>();
    for (let i = 0; i < t.length; i++) {
      const k = keyOf(t, i);
      const o = t.ownersOf(i);
      const s: Seen = {
        state: t.state[i] as StateCode,
        since: time,
        known: this.prev !== undefined,
        owner: o.length ? o[0] : undefined,
        family: t.family[i] as 4 | 6,
        laddr: t.laddr.slice(i * 16, i * 16 + 16),
        lport: t.lport[i]!,
        raddr: t.raddr.slice(i * 16, i * 16 + 16),
        rport: t.rport[i]!,
      };
      const l = now.get(k);
      if (l) l.push(s);
      else now.set(k, [s]);
    }
    const prev = this.prev;
    this.prev = now;
    if (!prev) return [];
    const out: Transition[] = [];
    const make = (s: Seen, from: StateCode, to: StateCode, before: Seen | undefined): Transition => ({
      time,
      netns: this.netns,
      owner: s.owner ?? before?.owner,
      family: s.family,
      laddr: s.laddr,
      lport: s.lport,
      raddr: s.raddr,
      rport: s.rport,
      from,
      to,
      ms: before?.known ? Number(time - before.since) / 1e6 : undefined,
      sk: '',
      observed: true,
    });
    for (const [k, cur] of now) {
      const old = prev.get(k) ?? [];
      // Sockets sharing a key (listeners with SO_REUSEPORT): the same states are no change;
      // one each way is a change; the rest came or went.
      const left = [...old];
      const fresh: Seen[] = [];
      for (const s of cur) {
        const j = left.findIndex((o) => o.state === s.state);
        if (j >= 0) {
          const [o] = left.splice(j, 1);
          s.since = o!.since;
          s.known = o!.known;
          s.owner ??= o!.owner;
        } else fresh.push(s);
      }
      while (fresh.length && left.length) {
        const s = fresh.shift()!;
        const o = left.shift()!;
        out.push(make(s, o.state, s.state, o));
      }
      for (const s of fresh) out.push(make(s, CLOSE, s.state, undefined));
      for (const o of left) out.push(make(o, o.state, CLOSE, o));
    }
    for (const [k, old] of prev) if (!now.has(k)) for (const o of old) out.push(make(o, o.state, CLOSE, o));
    out.sort((a, b) => a.lport - b.lport || a.rport - b.rport);
    return out;
  }
}

/** A running trace by snapshots: the engine's sampler on its worker thread, one sample per tick. */
export interface SnapshotTrace {
  stop(): Promise<void>;
}

/**
 * Follow state changes by snapshots of `netns` (undefined: this process's) every
 * `intervalMs`, with owners; `onTransitions` gets each snapshot's changes.
 */
export async function followBySnapshots(o: { netns?: string; intervalMs: number; config: ReadConfig }, onTransitions: (ts: Transition[]) => void, onError: (e: Error) => void): Promise<SnapshotTrace> {
  const [{ Sampler }, { netnsId, netnsPath }, { fs }] = await Promise.all([import('../engine/sampler.js'), import('../sources/netns.js'), import('../builtins.js')]);
  const ino = o.netns === undefined ? fs.statSync('/proc/self/ns/net').ino : netnsId(netnsPath(o.netns)).ino;
  const sampler = new Sampler({ config: o.config });
  const differ = new SnapshotDiffer(ino);
  const want = { ...(o.netns === undefined ? {} : { netns: o.netns }), processes: true };
  let stopped = false;
  const stopTicks = sampler.every(o.intervalMs, want, (s) => {
    if (stopped) return; // the sample in flight fails as the sampler closes
    if (s instanceof Error) {
      onError(s);
      return;
    }
    // CLOCK_MONOTONIC of the moment the sample was taken, not of its arrival here.
    const time = process.hrtime.bigint() - BigInt(Math.max(0, Date.now() - s.takenAt)) * 1_000_000n;
    const ts = differ.push(s.table!, time);
    if (ts.length) onTransitions(ts);
  });
  return {
    async stop() {
      stopped = true;
      stopTicks();
      await sampler.close();
    },
  };
}
