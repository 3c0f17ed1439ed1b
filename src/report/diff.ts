/**
 * The result `tcpstate diff` prints, assembled from two sides (captures, recorded samples or a
 * live table, read by the caller): per-state counts before and after, the sockets that changed
 * when both sides are listings, and whether anything differs. The CLI renders it as text or as
 * the `tcpstate.diff/2` document; other callers (serve, the dashboard) can do the same.
 * @module
 */
import { say } from '../i18n/catalogue.js';
import { newCounts, type StateCounts, total } from '../model/count.js';
import { diffCounts, diffTables, type SocketChange, type StateChange } from '../model/diff.js';
import { type DiffDocument, type DiffSocketDoc, SCHEMAS } from '../model/documents.js';
import type { Warning } from '../model/errors.js';
import { LISTEN, stateName } from '../model/state.js';
import type { SocketTable } from '../model/table.js';
import { countsObject } from '../render/count.js';
import { type DiffSide, topSockets } from '../render/diff.js';

/** One side as read: what it is, its rows when it is a listing, its counts by state. */
export interface DiffInput {
  side: DiffSide;
  table?: SocketTable;
  counts: StateCounts;
}

export interface DiffReport {
  sides: [DiffSide, DiffSide];
  before: StateCounts;
  after: StateCounts;
  states: StateChange[];
  /** undefined when a side has counts only. */
  sockets?: SocketChange[];
  /** LISTEN was left out of both sides (an awk summary of `netstat -n` has none). */
  listenOut: boolean;
  /** Any count or socket differs (diff's exit status 1). */
  differ: boolean;
}

/**
 * An awk summary of `netstat -n` has no LISTEN line: against a side that has listeners, they
 * would show as a change that never happened. Both sides' LISTEN are left out then.
 */
function listenOut(a: DiffInput, b: DiffInput): boolean {
  const awkNoListen = (s: DiffInput): boolean => s.side.format === 'awk' && s.counts[LISTEN] === 0;
  return (awkNoListen(a) || awkNoListen(b)) && !(a.counts[LISTEN] === 0 && b.counts[LISTEN] === 0);
}

/** Compare two sides. Pure: the inputs' counts are not changed. */
export function diffReport(a: DiffInput, b: DiffInput): DiffReport {
  const out = listenOut(a, b);
  const before = Float64Array.from(a.counts);
  const after = Float64Array.from(b.counts);
  if (out) {
    before[LISTEN] = 0;
    after[LISTEN] = 0;
  }
  const states = diffCounts(before, after);
  const sockets = a.table && b.table ? diffTables(a.table, b.table) : undefined;
  const differ = states.some((c) => c.before !== c.after) || (sockets !== undefined && sockets.length > 0);
  return { sides: [a.side, b.side], before, after, states, ...(sockets ? { sockets } : {}), listenOut: out, differ };
}

/** The `tcpstate.diff/2` document of a report; `top` lists at most that many sockets of each kind. */
export function diffDocument(r: DiffReport, warnings: readonly Warning[], top?: number): DiffDocument {
  const all = r.sockets;
  const sockets = all && topSockets(all, top);
  const sock = (s: SocketChange): DiffSocketDoc => ({
    proto: s.proto,
    local: s.local,
    remote: s.remote,
    ...(s.before !== undefined ? { before: stateName(s.before) } : {}),
    ...(s.after !== undefined ? { after: stateName(s.after) } : {}),
  });
  const change = newCounts();
  for (let s = 0; s < change.length; s++) change[s] = r.after[s]! - r.before[s]!;
  return {
    schema: SCHEMAS.diff,
    before: { ...r.sides[0], label: say(r.sides[0].label, 'en') },
    after: { ...r.sides[1], label: say(r.sides[1].label, 'en') },
    states: { before: countsObject(r.before), after: countsObject(r.after), change: countsObject(change) },
    total: { before: total(r.before), after: total(r.after), change: total(r.after) - total(r.before) },
    sockets: sockets
      ? {
          changed: sockets.filter((s) => s.kind === 'changed').map(sock),
          appeared: sockets.filter((s) => s.kind === 'appeared').map(sock),
          disappeared: sockets.filter((s) => s.kind === 'disappeared').map(sock),
        }
      : null,
    ...(all && top !== undefined ? { unlisted: all.length - sockets!.length } : {}),
    warnings: [...warnings],
  };
}
