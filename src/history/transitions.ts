/**
 * State changes for the recorder: `trace --count`'s kernel counters (native/bpf_trace.c in
 * count-only mode: per (old, new) pair, per-CPU, exact when the ring buffer is full), one
 * counting session per recorded namespace, read as a window of changes at each sample. Where
 * BPF will not run (not root, no BTF, no addon) it says why once, and samples then carry no
 * transitions (not zeros).
 * @module
 */
import { fs } from '../builtins.js';
import type { ReadConfig } from '../sources/config.js';
import { bpfReason, loadNative, type NativeAddon, type TraceHandle } from '../sources/native.js';
import type { Said } from '../i18n/catalogue.js';
import { say } from '../i18n/history.js';
import { netnsId, netnsPath } from '../sources/netns.js';
import { countRows } from '../trace/counts.js';
import type { TransitionWindow } from './sample-row.js';

/** The changes of a window as stored pairs (pure): the kernel's cumulative counts now less those at the window's start, NEW_SYN_RECV folded into SYN_RECV. */
export function windowPairs(before: Float64Array, now: Float64Array): Map<number, number> {
  const d = new Float64Array(now.length);
  for (let k = 0; k < now.length; k++) d[k] = now[k]! - (before[k] ?? 0);
  const out = new Map<number, number>();
  for (const r of countRows(d, 1)) if (r.count > 0) out.set(r.from * 16 + r.to, r.count);
  return out;
}

export interface TransitionCounter {
  /** The changes since the last take (or the start), up to now. */
  take(): TransitionWindow;
  stop(): void;
}

/**
 * Start counting in namespace `netns` (a name or path; undefined: this process's own).
 * Returns the counter, or why counting is not possible here (`why` in English, `said` for a terminal).
 */
export function startTransitionCounter(netns: string | undefined, config: ReadConfig, addonIn?: NativeAddon): TransitionCounter | { why: string; said?: Said } {
  let addon = addonIn;
  if (!addon) {
    const n = loadNative(config);
    if (!n.addon) return unavailable(say('transitionsNoAddon', n.said ?? n.why ?? ''));
    addon = n.addon;
  }
  const ino = netns === undefined ? fs.statSync('/proc/self/ns/net').ino : netnsId(netnsPath(netns)).ino;
  let handle: TraceHandle;
  try {
    handle = addon.traceStart({ netns: ino, countOnly: 1 }, () => undefined).handle;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code !== 'ERR_BPF_UNAVAILABLE') throw e;
    const reason = bpfReason(err.message);
    if (/not permitted/.test(err.message) && process.getuid?.() !== 0) return unavailable(say('transitionsNeedRoot', reason));
    return typeof reason === 'string' ? { why: reason } : unavailable(reason);
  }
  const a = addon;
  let last = a.traceCounts(handle);
  let lastAt = Date.now();
  let stopped = false;
  return {
    take() {
      const now = a.traceCounts(handle);
      const at = Date.now();
      const w = { from: lastAt, to: at, pairs: windowPairs(last, now) };
      last = now;
      lastAt = at;
      return w;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      a.traceStop(handle);
    },
  };
}

function unavailable(said: Said): { why: string; said: Said } {
  return { why: said.text, said };
}
