/**
 * The JSON documents tcpstate prints, serves and reads back, one typed, versioned definition
 * each (docs/json.md describes them for readers): `tcpstate.count/1`, `tcpstate.ls/1`,
 * `tcpstate.diff/2`, `tcpstate.fleet/1`, `tcpstate.doctor/1`. The renderers build them, the JSON capture reader and
 * the fleet's agent client recognise them by {@link SCHEMAS}, serve adds {@link SampleMeta}.
 * A field added keeps the version; a field removed or changed in meaning is a new version.
 * @module
 */
import type { Warning } from './errors.js';
import type { Check, Finding, InvalidInput, Severity } from './findings.js';
import type { SocketRecord } from './table.js';

/** Every document's `schema` value, by document. */
export const SCHEMAS = {
  count: 'tcpstate.count/1',
  ls: 'tcpstate.ls/1',
  diff: 'tcpstate.diff/2',
  fleet: 'tcpstate.fleet/1',
  doctor: 'tcpstate.doctor/1',
} as const;

/**
 * Counts by netstat state name (`ESTABLISHED`, `TIME_WAIT`, ...), every state, zeros included,
 * in print order: the one shape of per-state numbers in every document (`states`, and watch's
 * `deltas`, `rates`, `since`; history's `min`, `max`, `mean`).
 */
export type StateMap = Record<string, number>;

/** `count --json`, and serve's `/api/v1/counts`. */
export interface CountDocument {
  schema: typeof SCHEMAS.count;
  /** The live source (`netlink`, `proc`, `bpf`) or `capture:FORMAT` (several joined by commas). */
  source: string;
  /** The host a single capture was of. */
  host?: string;
  states: StateMap;
  total: number;
  /** With `--by` (`by`): what the groups are of, and the top groups, the rest as `other (N)`. */
  by?: string;
  groups?: { key: string; states: StateMap; total: number }[];
  warnings: Warning[];
}

/** `ls --json`, and serve's `/api/v1/sockets` (which adds `matched` and `truncated`). */
export interface LsDocument {
  schema: typeof SCHEMAS.ls;
  source: string;
  host?: string;
  sockets: SocketRecord[];
  warnings: Warning[];
  /** serve: how many sockets the filter kept before `limit`. */
  matched?: number;
  /** serve: whether `limit` cut the listing. */
  truncated?: boolean;
}

/** One side of a diff: what was read (file and host, or live) and in which format. */
export interface DiffSideDoc {
  label: string;
  format: string;
}

/** A socket that changed state, appeared (no `before`) or disappeared (no `after`). */
export interface DiffSocketDoc {
  proto: 'tcp' | 'udp';
  local: string;
  remote: string;
  before?: string;
  after?: string;
}

/** `diff --json`. */
export interface DiffDocument {
  schema: typeof SCHEMAS.diff;
  before: DiffSideDoc;
  after: DiffSideDoc;
  /** Each side's counts and the change (after − before), each a {@link StateMap} (since diff/2; diff/1 had a row per state). */
  states: { before: StateMap; after: StateMap; change: StateMap };
  total: { before: number; after: number; change: number };
  /** null when a side has counts only (a summary, a recorded sample). */
  sockets: { changed: DiffSocketDoc[]; appeared: DiffSocketDoc[]; disappeared: DiffSocketDoc[] } | null;
  /** With `--top`: the sockets left out of the lists. */
  unlisted?: number;
  warnings: Warning[];
}

/** A host of a fleet document: its counts, or the error that stood for them (an agent down). */
export interface FleetHostDoc {
  host: string;
  group?: string;
  format: string;
  file: string;
  line: number;
  states?: StateMap;
  total?: number;
  error?: string;
}

/** `count --hosts --json`. */
export interface FleetDocument {
  schema: typeof SCHEMAS.fleet;
  hosts: FleetHostDoc[];
  groups: { name: string | undefined; patterns: string[]; hosts: string[]; states: StateMap; total: number }[];
  total: { hosts: number; down?: number; states: StateMap; total: number };
  warnings: Warning[];
  /** `tcpstate fleet`: the Prometheus read and the moment (with `since`, a change since then). */
  source?: { prometheus: string; at: string; since?: string; change?: boolean };
}

/** `doctor --json`, and serve's `/api/v1/doctor` (which adds {@link SampleMeta}); docs/doctor.md. */
export interface DoctorDocument {
  schema: typeof SCHEMAS.doctor;
  /** `this host`, `network namespace NAME` or `captured proc tree DIR`. */
  where: string;
  /** The socket source (`proc`, `netlink`). */
  source: string;
  captured: boolean;
  samples: 1 | 2;
  /** Between the two samples' counter reads (0 with one sample). */
  intervalMs: number;
  /** Live only: when the last sample began (ISO 8601) and how long reading it took. */
  takenAt?: string;
  sampleMs?: number;
  worst: Severity | 'ok';
  /** Worst first, then in rule order. */
  findings: Finding[];
  checks: Check[];
  inputs: {
    /** true when read; else why not (false when no reason is known). */
    counters: boolean | string;
    /** The values read by dotted name, or why none could be. */
    sysctls: string | Record<string, number | number[]>;
    processes: 'all' | 'partial' | 'none';
    listenBacklogKnown: boolean;
  };
  invalidInputs: InvalidInput[];
  warnings: Warning[];
}

/** What serve adds to a document: the namespace and when and how fast it was read. */
export interface SampleMeta {
  netns?: string;
  /** ISO 8601. */
  takenAt: string;
  sampleMs: number;
}

/** Any document tcpstate reads back as a capture. */
export type CaptureDocument = CountDocument | LsDocument | FleetDocument;
