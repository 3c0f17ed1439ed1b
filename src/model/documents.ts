/**
 * The JSON documents tcpstate prints, serves and reads back, one typed, versioned definition
 * each (docs/json.md describes them for readers): `tcpstate.count/1`, `tcpstate.ls/1`,
 * `tcpstate.diff/2`, `tcpstate.fleet/1`, `tcpstate.doctor/1`, `tcpstate.watch/1`,
 * `tcpstate.history/2`, `tcpstate.lifetime/1`, `tcpstate.trace-count/1`,
 * `tcpstate.fleet-ports/1`, `tcpstate.web-fleet/1`, `tcpstate.web-history/1`, `tcpstate.pcap/1`.
 * The renderers build them (pcap's streamed in pieces, each piece typed), the JSON capture reader
 * and the fleet's agent client recognise them by {@link SCHEMAS}, serve adds {@link SampleMeta}.
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
  watch: 'tcpstate.watch/1',
  history: 'tcpstate.history/2',
  lifetime: 'tcpstate.lifetime/1',
  traceCount: 'tcpstate.trace-count/1',
  fleetPorts: 'tcpstate.fleet-ports/1',
  webFleet: 'tcpstate.web-fleet/1',
  webHistory: 'tcpstate.web-history/1',
  pcap: 'tcpstate.pcap/1',
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

/** A group of a watch tick: its counts, and how its total moved since the last tick. */
export interface WatchGroupDoc {
  key: string;
  states: StateMap;
  total: number;
  delta: number | null;
}

/** `watch --json`: one per tick (states shaped as {@link CountDocument}'s). */
export interface WatchDocument {
  schema: typeof SCHEMAS.watch;
  tick: number;
  /** When the tick's sample began (ISO 8601). */
  time: string;
  intervalS: number;
  netns?: string;
  filter?: string;
  source: string;
  method?: string;
  sampleMs: number;
  states: StateMap;
  total: number;
  /** Against the previous tick; null on the first. */
  deltas: StateMap | null;
  /** deltas per second; null on the first tick. */
  rates: StateMap | null;
  elapsedS: number | null;
  /** Against the first tick. */
  since: StateMap;
  by?: string;
  groups?: WatchGroupDoc[];
  skippedTicks: number;
  warnings: Warning[];
}

/** What history groups sockets by (the store keeps a kind as its index here: append only). */
export const GROUP_KINDS = ['lport', 'rport', 'raddr', 'process'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

/** Which rows answered a history question: raw samples or rollups. */
export type Tier = 'raw' | 'minute' | 'hour';

export interface HistoryGroup {
  key: string;
  /** The "other" row: how many groups it sums. */
  folded?: number;
  states: StateMap;
  total: number;
}

/** A finding over the range: when first and last seen, in how many samples. */
export interface FindingSpan {
  rule: string;
  severity: string;
  title: string;
  first: string;
  last: string;
  samples: number;
}

export interface HistorySample {
  /** ISO time: of the sample, or of the step's start. */
  time: string;
  /** ms since the epoch. */
  t: number;
  /** Counts: the sample's, or the last sample's of the step. */
  states: StateMap;
  /** Steps only: how many samples the step holds, and min, max and mean per state. */
  n?: number;
  min?: StateMap;
  max?: StateMap;
  mean?: StateMap;
  /** Raw samples: the interval it was recorded at, seconds. */
  interval?: number;
  /** Raw samples: how long the sample took, ms: the sockets were read between `t` and `t + sampleMs`. */
  sampleMs?: number;
  /** With `by`: the groups of the (last) sample. */
  groups?: HistoryGroup[];
  /**
   * The kernel TCP counters' increases over `counterSeconds` (the sample's, or the step's
   * samples' summed), by `Section.Name`; a name of the document's `counters` missing here did
   * not move. Absent: not known (a recorder's first sample, or counters not read).
   */
  counters?: Record<string, number>;
  counterSeconds?: number;
  /** State changes counted in the kernel over `transitionSeconds`, by `FROM->TO`; absent: not counted. */
  transitions?: Record<string, number>;
  transitionSeconds?: number;
  /** Doctor's findings of the sample (of any sample in the step); absent: doctor did not run. */
  findings?: { rule: string; severity: string; title: string }[];
}

/** `tcpstate.history/2` (schema in docs/json.md). */
export interface HistoryDoc {
  schema: typeof SCHEMAS.history;
  file: string;
  netns: string | null;
  since: string;
  until: string;
  /** Step in seconds, or null for raw samples. */
  step: number | null;
  /** Which rows answered: raw samples or rollups. */
  tier: Tier;
  /** The states each entry holds, in order (every state unless some were asked for). */
  shown: string[];
  by?: GroupKind;
  samples: HistorySample[];
  /** Stretches with no sample where one was due (the recorder was stopped). */
  gaps: { from: string; to: string }[];
  /** The counters the samples report (`Section.Name`); absent with counters not asked for. */
  counters?: string[];
  /** Why some samples have no transition counts, when some have none (English). */
  transitionsUnavailable?: string;
  /**
   * Its parts, for text in the user's language (not enumerable: not in the JSON): samples
   * without counts, of how many, and the recorder's note (`ours` when it is one of tcpstate's
   * own, which the file keeps in English).
   */
  readonly transitionsUncounted?: { samples: number; of: number; note: string; ours?: 'oldRecorder' | 'serveNoTransitions' };
  /** How many raw samples in the range doctor ran on. */
  findingsChecked?: number;
  /** Every finding in the range: first and last seen, in how many samples. */
  findings?: FindingSpan[];
}

/** The connection and its owner, as every `trace --json` line names them. */
export interface TraceEndsJson {
  netns: number;
  pid: number | null;
  program: string | null;
  family: 4 | 6;
  local: { address: string; port: number };
  remote: { address: string; port: number };
}

/** One `--lifetimes --json` line. */
export interface LifetimeJson extends TraceEndsJson {
  schema: typeof SCHEMAS.lifetime;
  /** When it ended (ISO 8601). */
  time: string;
  /** When its first change was; null: before the trace began. */
  start: string | null;
  /** Data bytes acknowledged by the peer; null: not known. */
  sent: number | null;
  /** Data bytes received in order; null: not known. */
  received: number | null;
  ms: number | null;
  /** States in netstat's spelling, the first change's old state first. */
  path: string[];
  history: string | null;
  /** sk_err at the end by name (ECONNRESET, ETIMEDOUT, ...); null: none. */
  error: string | null;
  socket: string;
  /** Present (true) when a change was seen by a sock_diag dump: its time is within a poll interval after the fact. */
  observed?: true;
}

/** A state change pair counted by `trace --count`. */
export interface TraceTransitionDoc {
  from: string;
  to: string;
  count: number;
  perSecond: number;
}

/** `trace --count --json`. */
export interface TraceCountDocument {
  schema: typeof SCHEMAS.traceCount;
  /** When the count ended (ISO 8601). */
  time: string;
  seconds: number;
  transitions: TraceTransitionDoc[];
  /** Present when a state tcpstate does not know was counted. */
  warnings?: Warning[];
}

/** A host of a fleet-ports document: its sockets per port, or why none. */
export interface FleetPortsHostDoc {
  host: string;
  group?: string;
  ports?: Record<string, number>;
  total?: number;
  error?: string;
}

/** `fleet --by lport|rport --state S --json`. */
export interface FleetPortsDocument {
  schema: typeof SCHEMAS.fleetPorts;
  by: 'lport' | 'rport';
  /** The state, netstat's spelling. */
  state: string;
  columns: string[];
  hosts: FleetPortsHostDoc[];
  /** The Prometheus read (as fleet/1's `source`). */
  source: object;
  warnings: readonly Warning[];
}

/** A host of the dashboard's fleet table. */
export interface WebFleetHost {
  host: string;
  group?: string;
  states: Record<string, number>;
  total: number;
  /** Why the host has no counts. */
  error?: string;
  /** Agent addresses (`host:port`) scraped for this host. */
  instances: string[];
}

/** serve's `/api/v1/fleet` (`serve --prometheus URL`). */
export interface WebFleet {
  schema: typeof SCHEMAS.webFleet;
  prometheus: string;
  at: string;
  states: string[];
  hosts: WebFleetHost[];
  totals: Record<string, number>;
}

/** The dashboard's chart ranges (src/web/history-api.ts has their steps). */
export type WebRangeName = '1h' | '1d' | '1w';

/** serve's `/api/v1/history`: columns for the dashboard's charts. */
export interface WebHistory {
  schema: typeof SCHEMAS.webHistory;
  range: WebRangeName;
  netns: string | null;
  /** Step in seconds; null: raw samples. */
  step: number | null;
  /** Sample (or step start) times, Unix seconds. */
  t: number[];
  states: Record<string, number[]>;
  /** Increase of each counter within each sample (or step); 0 where the kernel counted nothing. */
  counters: Record<string, number[]>;
  /** With `by`: up to `top` keys of the last step, their total per step (null before they appeared). */
  groups?: { by: GroupKind; keys: { key: string; totals: (number | null)[] }[] };
  gaps: { from: string; to: string }[];
}

/** One end of a connection in `tcpstate.pcap/1`. */
export interface PcapEndpointDoc {
  address: string;
  port: number;
  /** Final state, netstat spelling. */
  state: string;
  /** How that state was established: observed, inferred or projected ('' if never seen). */
  how: string;
  packets: number;
  /** Frame bytes, as tshark's conversation table counts them. */
  bytes: number;
  /** TCP payload bytes. */
  payload: number;
  /** When its TIME_WAIT ends (ISO time), if it is in TIME_WAIT. */
  timeWaitEnds?: string;
}

/** A state change of one end (`pcap --timeline --json`). */
export interface PcapStepDoc {
  /** Seconds since the connection's first packet. */
  t: number;
  /** Frame number of the segment that caused it; 0 for a projected step. */
  frame: number;
  endpoint: 'originator' | 'responder';
  from: string;
  to: string;
  /** `passive`/`active` for SYN_RECV. */
  origin?: string;
  how: string;
  /** The state machine event and its row, when the step is one of the table's. */
  event: string | null;
  row: string | null;
  why: string;
  /** Direction, flags, relative seq/ack, payload length. */
  segment: string;
}

/** A finished connection in `tcpstate.pcap/1`. */
export interface PcapConnectionDoc {
  /** 1-based, in order of each connection's first packet. */
  id: number;
  family: 4 | 6;
  orig: PcapEndpointDoc;
  resp: PcapEndpointDoc;
  /** No SYN was seen: which side opened the connection is a guess. */
  originGuessed: boolean;
  /** First packet: ISO time and seconds since the capture's first packet. */
  start: string;
  relStart: number;
  /** Last packet minus first packet, seconds. */
  duration: number;
  firstFrame: number;
  connState: string;
  history: string;
  anomalies: string[];
  timeline?: PcapStepDoc[];
}

/** What the frames of a capture were (`frames` in `tcpstate.pcap/1`). */
export interface PcapFrameCounts {
  frames: number;
  tcp: number;
  notIp: number;
  notTcp: number;
  unknownLink: number;
  /** IP or TCP header cut by the snap length. */
  headerCut: number;
  /** IP or TCP header fields that contradict each other. */
  malformed: number;
  /** IP fragments of TCP segments. */
  fragments: number;
  connections: number;
}

/** `tcpstate pcap --json`: the connections (streamed), then the totals. */
export interface PcapDocument {
  schema: typeof SCHEMAS.pcap;
  file: string;
  connections: PcapConnectionDoc[];
  format: string;
  /** Connections seen, also those `--count` or a filter left out of `connections`. */
  connectionCount: number;
  states: StateMap;
  total: number;
  anomalies: Record<string, number>;
  frames: PcapFrameCounts;
  warnings: Warning[];
}
