/**
 * Live socket sources, registered by name and loaded only when used. Each scans the
 * kernel's table into chunks (see {@link ChunkSink}); the first available in
 * {@link SOURCE_ORDER} is the default.
 * @module
 */
import type { StateMask } from '../model/state.js';
import type { Warning } from '../model/errors.js';
import type { ChunkSink } from './proc-net.js';

export interface ScanOptions {
  /** The proc tree to read (default: TCPSTATE_PROC_ROOT or /proc). */
  procRoot: string;
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
}

export interface ScanResult {
  warnings: Warning[];
  notices: string[];
}

export interface LiveSource {
  readonly name: string;
  /** Why this source cannot run here, or undefined if it can. */
  unavailable(opts: ScanOptions): string | undefined;
  scan(opts: ScanOptions, sink: ChunkSink): ScanResult;
}

type Loader = () => Promise<LiveSource>;

/** Registered live sources, by name. */
export const LIVE_SOURCES: Record<string, Loader> = {
  proc: async () => (await import('./proc-source.js')).procSource,
};

/** Preference order for `--source auto`. */
export const SOURCE_ORDER: string[] = ['proc'];

/** Register a live source (used by optional sources such as netlink). */
export function registerLiveSource(name: string, load: Loader, preferred = false): void {
  LIVE_SOURCES[name] = load;
  if (!SOURCE_ORDER.includes(name)) {
    if (preferred) SOURCE_ORDER.unshift(name);
    else SOURCE_ORDER.push(name);
  }
}
