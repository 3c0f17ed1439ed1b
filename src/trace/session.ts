/**
 * A running trace: the addon's BPF programs (native/bpf_trace.c) feeding batches of records
 * through {@link parseTraceEvents} and a {@link Tracker} to a callback. The thin reader
 * beside the pure parts.
 * @module
 */
import { fs } from '../builtins.js';
import { TcpstateError, type Warning } from '../model/errors.js';
import { say as ks } from '../i18n/kernel.js';
import { type NativeAddon, nativeReason, type TraceHandle } from '../sources/native.js';
import { netnsId, netnsPath } from '../sources/netns.js';
import { parseTraceEvents } from './events.js';
import { KernelOwners } from './owners.js';
import type { ReadConfig } from '../sources/config.js';
import { ownerSource } from '../sources/owners.js';
import { TimewaitFollower, type TwDump, type TwRow } from './timewait.js';
import { Tracker, type Transition } from './tracker.js';
import { SocketTable, TIMER_TIMEWAIT } from '../model/table.js';
import { FIN_WAIT2, maskOf, TIME_WAIT } from '../model/state.js';
import { netlinkSource } from '../sources/netlink-source.js';

/** How often held and FIN_WAIT2 timewait sockets are looked for; TIME_WAIT ones, {@link FOLLOW_SLOW_MS}. */
export const FOLLOW_MS = 100;
export const FOLLOW_SLOW_MS = 1000;

/** Timewait sockets of a namespace from sock_diag (path undefined: this process's). */
export function dumpTimewait(path: string | undefined, config: ReadConfig): TwRow[] | 'gone' {
  if (path !== undefined) {
    try {
      netnsId(path);
    } catch {
      return 'gone';
    }
  }
  const t = new SocketTable(64);
  netlinkSource.collect!({ origin: 'live', procRoot: '/proc', config, netns: path, tcp: true, udp: false, v4: true, v6: true, states: maskOf(TIME_WAIT, FIN_WAIT2) }, t);
  const rows: TwRow[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t.timer[i] !== TIMER_TIMEWAIT) continue;
    rows.push({ family: t.family[i] as 4 | 6, laddr: t.laddr.slice(i * 16, i * 16 + 16), lport: t.lport[i]!, raddr: t.raddr.slice(i * 16, i * 16 + 16), rport: t.rport[i]!, state: t.state[i]! });
  }
  return rows;
}

export interface TraceOptions {
  /** A named namespace (or a path) to trace; undefined: every namespace. */
  netns?: string;
  /** Linux family to keep in the kernel: 2 or 10; undefined: both. */
  family?: 2 | 10;
  /** The kernel ring buffer's bytes (a power of 2); undefined: 8 MiB. */
  ringBytes?: number;
  /** Count changes in the kernel only: no events (see {@link TraceSession.counts}). */
  countOnly?: boolean;
  /** How the kernel may be read (owners, timewait dumps), resolved by the caller's edge (src/sources/config.ts). */
  config: ReadConfig;
}

export interface TraceSession {
  /** The kernel hooks attached. */
  hooks: string[];
  /** "hook: why" of the optional timewait hooks that did not attach. */
  missing: string[];
  warnings: Warning[];
  /** Events the kernel could not hand over (ring buffer full), so far. */
  lost(): number;
  /** Sockets the tracker forgot to stay bounded (their next change has no duration). */
  forgotten(): number;
  /** Changes per (old × 16 + new) kernel state pair since the start, counted in the kernel (lost events included). */
  counts(): Float64Array;
  /** Detach; the last batches are delivered before the promise settles. */
  stop(): Promise<void>;
}

/**
 * Start tracing. `onTransitions` gets each batch's transitions in kernel order.
 * @throws TcpstateError ERR_NATIVE naming why the kernel will not run the
 *   programs (no BTF, not root, refused), ERR_NETNS for a namespace that is not there.
 */
export function startTrace(addon: NativeAddon, opts: TraceOptions, onTransitions: (ts: Transition[]) => void, onError: (e: Error) => void): TraceSession {
  const nsInode = opts.netns === undefined ? 0 : netnsId(netnsPath(opts.netns)).ino;
  const owners = new KernelOwners(ownerSource({ procRoot: '/proc', origin: 'live', config: opts.config }), opts.config);
  const selfNs = fs.statSync('/proc/self/ns/net').ino;
  const path = opts.netns === undefined ? undefined : netnsPath(opts.netns);
  owners.learnListeners(nsInode || selfNs, opts.netns);
  let tracker: Tracker | undefined;
  const follower = new TimewaitFollower();
  const dump: TwDump = (ns) => (ns === nsInode && path !== undefined ? dumpTimewait(path, opts.config) : ns === selfNs ? dumpTimewait(undefined, opts.config) : 'unreadable');
  let timer: NodeJS.Timeout | undefined;
  let due = 0;
  const poll = (): void => {
    timer = undefined;
    try {
      const out = follower.poll(process.hrtime.bigint(), dump, () => process.hrtime.bigint());
      if (out.length) onTransitions(out);
    } catch (e) {
      onError(e as Error);
    }
    schedule();
  };
  const schedule = (): void => {
    if (follower.size === 0 || stopping) return;
    const ms = follower.holding ? FOLLOW_MS : FOLLOW_SLOW_MS;
    // a socket held while the slow timer runs is looked for soon, not up to a second later
    if (timer !== undefined && due <= performance.now() + ms) return;
    if (timer !== undefined) clearTimeout(timer);
    due = performance.now() + ms;
    timer = setTimeout(poll, ms);
  };
  let stopping = false;
  let lost = 0;
  let r: { handle: TraceHandle; hooks: string[]; missing: string[] };
  try {
    r = addon.traceStart({ netns: nsInode || undefined, family: opts.family, ringBytes: opts.ringBytes, countOnly: opts.countOnly ? 1 : 0 }, (bytes, nlost) => {
      lost = nlost;
      try {
        const out: Transition[] = [];
        for (const ev of parseTraceEvents(bytes)) {
          for (const t of tracker!.push(ev)) {
            if (t.timewait) follower.hold(t, t.timewait.finReceived);
            else out.push(t);
          }
        }
        if (out.length) onTransitions(out);
        schedule();
      } catch (e) {
        onError(e as Error);
      }
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BPF_UNAVAILABLE') {
      const root = /not permitted/.test(err.message) && process.getuid?.() !== 0;
      throw new TcpstateError('ERR_NATIVE', root ? ks('cannotTraceRoot', nativeReason(err)) : ks('cannotTrace', nativeReason(err)), {});
    }
    throw e;
  }
  tracker = new Tracker(owners, !r.hooks.includes('inet_twsk_hashdance_schedule'));
  let stopped: Promise<void> | undefined;
  return {
    hooks: r.hooks,
    missing: r.missing,
    warnings: owners.warnings,
    lost: () => lost,
    forgotten: () => tracker?.forgotten ?? 0,
    counts: () => addon.traceCounts(r.handle),
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        addon.traceStop(r.handle);
        // the thread's last batch is queued before traceStop returns; it runs on the next turns
        setTimeout(() => {
          stopping = true;
          if (timer) clearTimeout(timer);
          // settle what is held: a line is never left out
          if (follower.size > 0) poll();
          resolve();
        }, 20);
      });
      return stopped;
    },
  };
}
