/**
 * Samples turned into the typed, versioned documents the CLI also prints:
 * `tcpstate.count/1` (src/render/count.ts), `tcpstate.ls/1` (src/render/ls.ts),
 * `tcpstate.doctor/1` (src/render/doctor.ts), each with where and when it was read.
 * Errors name option keys (`by`, `filter`, `top`), not command-line flags.
 * @module
 */
import { diagnose, type Report } from '../doctor/diagnose.js';
import type { DoctorInputs, Sample as DoctorSample } from '../doctor/inputs.js';
import { countStates, GroupCounter, parseGroupKey } from '../model/count.js';
import type { CountDocument, LsDocument, SampleMeta } from '../model/documents.js';
import { TcpstateError } from '../model/errors.js';
import { parseFilter, selector, type RowPredicate } from '../model/filter.js';
import { ALL_MASK } from '../model/state.js';
import { countJson } from '../render/count.js';
import { doctorJson } from '../render/doctor.js';
import { lsJson } from '../render/ls.js';
import { BACKLOG_SOURCES } from '../doctor/collect.js';
import type { SocketTable } from '../model/table.js';
import type { Sample } from './sampler.js';

/** A filter in ss's language, as one string; the states it keeps and the row predicate. */
export function filterOption(text: string | undefined): { words: string[]; keep: RowPredicate | undefined } {
  const words = text === undefined ? [] : text.split(/\s+/).filter(Boolean);
  if (words.length === 0) return { words, keep: undefined };
  try {
    const f = parseFilter(words);
    return { words, keep: selector(f.states ?? ALL_MASK, f.expr) };
  } catch (e) {
    const t = e as TcpstateError;
    const pos = t.where?.position;
    throw new TcpstateError(t.code ?? 'ERR_FILTER', t.message, { field: 'filter', ...(pos === undefined ? {} : { position: pos }) });
  }
}

export interface CountOptions {
  by?: string;
  top?: number;
  filter?: string;
}

/** A sample's rows (requests for documents always ask for them). */
function rows(s: Sample): SocketTable {
  if (!s.table) throw new TcpstateError('ERR_IO', 'the sample holds no rows (it was taken for aggregates only)');
  return s.table;
}

/** Where and when a sample was read, for every document. */
function meta(s: Sample): SampleMeta {
  return { ...(s.netns === undefined ? {} : { netns: s.netns }), takenAt: new Date(s.takenAt).toISOString(), sampleMs: Math.round(s.totalMs * 10) / 10 };
}

/** The `tcpstate.count/1` document of a sample: counts by state (zeros included), by group with `by`. */
export function countDocument(s: Sample, o: CountOptions = {}): CountDocument & SampleMeta {
  const { keep } = filterOption(o.filter);
  let groups: GroupCounter | undefined;
  if (o.by !== undefined) {
    groups = new GroupCounter(parseGroupKey(o.by, 'by'));
  }
  const t = rows(s);
  const counts = countStates(t, keep);
  groups?.add(t, keep);
  return { ...countJson(counts, { source: s.source, by: o.by, groups: groups?.top(o.top ?? 10), warnings: s.warnings }), ...meta(s) };
}

/** The `tcpstate.ls/1` document: the sockets `filter` keeps, at most `limit` of them (`matched` says how many there were). */
export function socketsDocument(s: Sample, o: { filter?: string; limit: number }): LsDocument & SampleMeta {
  const { keep } = filterOption(o.filter);
  const all = rows(s);
  let matched = 0;
  const t = all.select((i) => (!keep || keep(all, i)) && matched++ < o.limit);
  matched = 0;
  for (let i = 0; i < all.length; i++) if (!keep || keep(all, i)) matched++;
  t.owners = all.owners;
  return { ...lsJson(t, { source: s.source, warnings: s.warnings }), matched, truncated: matched > t.length, ...meta(s) };
}

function doctorSample(s: Sample): DoctorSample {
  // The sample's table came through liveSnapshot, which already dropped procfs duplicates.
  return { table: rows(s), counters: s.counters, atMs: s.atMs, durationMs: s.totalMs };
}

/** The doctor's inputs from a sample and, for rates, an earlier one of the same namespace. */
export function doctorInputs(now: Sample, before: Sample | undefined, where: string): DoctorInputs {
  return {
    ...(before ? { before: doctorSample(before) } : {}),
    now: doctorSample(now),
    intervalMs: before ? now.atMs - before.atMs : 0,
    sysctls: now.sysctls ?? { values: {}, missing: [] },
    ...(now.sysctls ? (now.sysctlsUnavailable ? { sysctlsUnavailable: now.sysctlsUnavailable } : {}) : { sysctlsUnavailable: 'not read by this request' }),
    ...(now.counters ? {} : { countersUnavailable: 'no counter files could be read' }),
    processes: !now.processes ? 'none' : now.processes.hidden > 0 ? 'partial' : 'all',
    listenBacklogKnown: BACKLOG_SOURCES.has(now.source),
    source: now.source,
    captured: false,
    where,
    takenAt: now.takenAt,
  };
}

/** Diagnose a sample (with an earlier one for rates). */
export function doctorReport(now: Sample, before: Sample | undefined, where: string): { report: Report; inputs: DoctorInputs } {
  const inputs = doctorInputs(now, before, where);
  return { report: diagnose(inputs, { netns: now.netns }), inputs };
}

/** The `tcpstate.doctor/1` document. */
export function doctorDocument(now: Sample, before: Sample | undefined, where: string): object {
  const { report, inputs } = doctorReport(now, before, where);
  return { ...doctorJson(report, inputs, [...(before?.warnings ?? []), ...now.warnings]), ...meta(now) };
}
