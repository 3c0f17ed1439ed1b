/**
 * What the sampler and its worker say to each other: a request for one moment of one
 * namespace, and the sample that answers it, with the socket table's columns moved (not
 * copied) across threads.
 * @module
 */
import type { WireErrorData, WireWarning } from '../model/wire.js';
import type { Notice } from '../model/warnings.js';
import type { Owner, SocketTable } from '../model/table.js';
import type { Counters } from '../sources/counters.js';
import type { Sysctls } from '../sources/sysctl.js';
import type { Report } from '../doctor/diagnose.js';
import type { AggregateOptions, Aggregates } from './aggregates.js';
import type { GroupKind } from '../history/schema.js';
import type { SampleSummary } from '../history/sample-row.js';
import type { Lang } from '../i18n/catalogue.js';
import type { ReadConfig } from '../sources/config.js';

/** What a sample must hold. A sample that holds more answers a request for less. */
export interface SampleWant {
  /** A named network namespace or a namespace file path; undefined: the server's own. */
  netns?: string;
  /** Attach owning processes (a /proc/PID/fd scan; costs more than the sockets). */
  processes?: boolean;
  /** Read the sysctls that govern TCP states (inside the namespace). */
  sysctls?: boolean;
  /**
   * Run the doctor's rules on the sample in the worker (rates from the previous sample with
   * findings of the same namespace); the report comes back with it. Implies owners and sysctls.
   */
  findings?: boolean;
  /** The findings' language (default English, as every JSON document): watch's status line says them in the user's. */
  lang?: Lang;
  /** Compute /metrics' aggregates in the worker (src/engine/aggregates.ts). */
  metrics?: AggregateOptions;
  /** Send the rows (default true); false: only aggregates and counters cross to the caller. */
  rows?: boolean;
  /**
   * Compute a history row's counts and top groups in the worker (src/history/sample-row.ts),
   * so a recorder can ask for them with `rows: false`: neither the table nor its owners cross.
   */
  summary?: SummaryOptions;
  /**
   * Write the sample into the history store the worker holds open ({@link HistoryRequest}),
   * before answering: SQLite's writes, fsyncs and retention run there, never on the serving thread.
   */
  record?: { intervalMs: number };
}

/** Open the worker's history store (closing one it held), keep a note in it, or close it. */
export interface HistoryRequest {
  id: number;
  history: { open: string; top: number; env?: Record<string, string | undefined> } | { note: string; value?: string } | { close: true };
}

/** The groups a {@link SampleSummary} keeps: the `top` largest of each kind, the rest as "other". */
export interface SummaryOptions {
  top: number;
  kinds?: readonly GroupKind[];
}

export interface SampleRequest extends SampleWant {
  id: number;
  /** Live source name (undefined or `auto`: the first available). */
  source?: string;
  /** How the kernel may be read: the sampler's owner resolved it (src/sources/config.ts). */
  config: ReadConfig;
}

/** The columns of a {@link SocketTable} that cross the thread boundary. */
export const COLUMNS = ['proto', 'family', 'state', 'flags', 'lport', 'rport', 'laddr', 'raddr', 'recvQ', 'sendQ', 'timer', 'timerMs', 'retrans', 'probes', 'uid', 'inode'] as const;

export interface WireTable {
  length: number;
  capacity: number;
  columns: Record<(typeof COLUMNS)[number], ArrayBufferView>;
  owners?: [number, Owner[]][];
}

/** What the worker answers. */
export interface WireSample {
  id: number;
  ok: true;
  /** Absent when the request wanted no rows. */
  table?: WireTable;
  metrics?: Aggregates;
  source: string;
  /** With their catalogue data (src/model/wire.ts): made back into warnings on arrival. */
  warnings: WireWarning[];
  /** Catalogue data or English (plain data). */
  notices: Notice[];
  /** When the scan began, ms since the epoch. */
  takenAt: number;
  /** Monotonic ms (performance.timeOrigin + now, comparable across threads) when counters were read. */
  atMs: number;
  /** How long the socket table took to read, ms. */
  scanMs: number;
  /** How long the whole sample took (table, owners, counters, sysctls), ms. */
  totalMs: number;
  counters?: Counters;
  sysctls?: Sysctls;
  /** Why sysctls could not be read, when asked for. */
  sysctlsUnavailable?: string | import('../i18n/catalogue.js').Said;
  processes?: { scanned: number; hidden: number };
  report?: Report;
  summary?: SampleSummary;
  /** With `record`: written into the worker's history store. */
  recorded?: true;
  /** With `record`: why the sample was not written (the worker's store is closed then). */
  recordError?: WireErrorData;
}

/** A {@link HistoryRequest} done. */
export interface HistoryAnswer {
  id: number;
  ok: true;
  history: true;
}

export interface WireError {
  id: number;
  ok: false;
  error: WireErrorData;
}

/** The table's columns and the buffers to transfer. */
export function toWire(t: SocketTable, withOwners: boolean): { table: WireTable; transfer: ArrayBuffer[] } {
  const columns = {} as WireTable['columns'];
  const transfer: ArrayBuffer[] = [];
  for (const c of COLUMNS) {
    const a = t[c];
    columns[c] = a;
    transfer.push(a.buffer as ArrayBuffer);
  }
  return { table: { length: t.length, capacity: t.capacity, columns, ...(withOwners ? { owners: ownerPairs(t) } : {}) }, transfer };
}

/** The owners of the table's sockets, by inode (the lookup may be an index over every process). */
function ownerPairs(t: SocketTable): [number, Owner[]][] {
  const out: [number, Owner[]][] = [];
  const seen = new Set<number>();
  for (let i = 0; i < t.length; i++) {
    const ino = t.inode[i]!;
    if (ino === 0 || seen.has(ino)) continue;
    seen.add(ino);
    const o = t.owners.get(ino);
    if (o?.length) out.push([ino, o]);
  }
  return out;
}

/** Rebuild a table from its columns (the arrays are taken over, not copied). */
export function fromWire(w: WireTable, table: SocketTable): SocketTable {
  const t = table as unknown as Record<string, unknown>;
  for (const c of COLUMNS) t[c] = w.columns[c];
  table.length = w.length;
  table.capacity = w.capacity;
  if (w.owners) table.owners = new Map(w.owners);
  return table;
}
