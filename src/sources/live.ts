/**
 * Live socket sources, registered by name and loaded only when used. Each scans the
 * kernel's table into chunks (see {@link ChunkSink}); the first available in
 * {@link SOURCE_ORDER} is the default.
 * @module
 */
import type { StateMask } from '../model/state.js';
import type { Warning } from '../model/errors.js';
import type { ChunkSink } from './proc-net.js';
import type { ReadConfig } from './config.js';

/**
 * Where a scan's sockets come from: the running kernel (`live`, the one /proc), a captured
 * proc tree (`proc-root`: files, no kernel behind them), or a sock_diag recording
 * (`replay`). Decided once, where the options are made ({@link scanOptions} in snapshot.ts),
 * so no reader compares paths to tell.
 */
export type Origin = 'live' | 'proc-root' | 'replay';

export interface ScanOptions {
  /** Where the sockets come from; see {@link Origin}. */
  origin: Origin;
  /** The proc tree to read: /proc when `origin` is `live`. */
  procRoot: string;
  /** The environment's switches, resolved by the caller's edge (src/sources/config.ts). */
  config: ReadConfig;
  /** A named network namespace to read instead of the current one. */
  netns?: string;
  tcp: boolean;
  udp: boolean;
  v4: boolean;
  v6: boolean;
  /** States wanted; a source may push this down to the kernel, or ignore it. */
  states: StateMask;
  /** Extended TCP info (`-i`), memory (`-m`): sources that cannot give them ignore them. */
  info?: boolean;
  memory?: boolean;
  /**
   * A large TCP table may be dumped as two halves at once, one on a helper thread (netlink
   * source; set by commands that have nothing else for the second core to do).
   */
  parallel?: boolean;
  /** Save the raw sock_diag reply here (netlink source; `--record`). */
  record?: string;
  /** Read a recorded sock_diag reply instead of the kernel (`--replay`). */
  replay?: string;
  /** A BPF walk of the current namespace already under way (bin/tcpstate.js starts one for `count`); finished, not started again. */
  started?: import('./bpf-tcp-states.js').Prefetch;
}

export interface ScanResult {
  warnings: Warning[];
  notices: import('../model/warnings.js').Notice[];
  /** Kernel dumps the scan read (netlink: 2 when a large table was split); for TCPSTATE_TIMING. */
  dumps?: number;
  /** How the kernel was read when not by sock_diag dumps ("bpf tcp iterator"); for TCPSTATE_TIMING. */
  method?: string;
  /** When the scan began (process.hrtime.bigint()), if before the call: a walk started early. */
  began?: bigint;
}

export interface LiveSource {
  readonly name: string;
  /** Why this source cannot run here (catalogue data or English), or undefined if it can. */
  unavailable(opts: ScanOptions): string | import('../i18n/catalogue.js').Said | undefined;
  scan(opts: ScanOptions, sink: ChunkSink): ScanResult;
  /**
   * Optional fast path for `count`: add per-state counts of the selected protocols,
   * families and states to `counts` without making rows.
   */
  count?(opts: ScanOptions, counts: Float64Array): ScanResult;
  /** Optional fast path for a snapshot of every row: append them all to `into`. */
  collect?(opts: ScanOptions, into: import('../model/table.js').SocketTable): ScanResult;
}

type Loader = () => Promise<LiveSource>;

/** Registered live sources, by name. */
export const LIVE_SOURCES: Record<string, Loader> = {
  proc: async () => (await import('./proc-source.js')).procSource,
  netlink: async () => (await import('./netlink-source.js')).netlinkSource,
  'netlink-replay': async () => (await import('./netlink-replay.js')).replaySource,
};

/** Preference order for `--source auto`: netlink when the native addon loads, else procfs. */
export const SOURCE_ORDER: string[] = ['netlink', 'proc'];

/** Register a live source (used by optional sources such as netlink). */
export function registerLiveSource(name: string, load: Loader, preferred = false): void {
  LIVE_SOURCES[name] = load;
  if (!SOURCE_ORDER.includes(name)) {
    if (preferred) SOURCE_ORDER.unshift(name);
    else SOURCE_ORDER.push(name);
  }
}
