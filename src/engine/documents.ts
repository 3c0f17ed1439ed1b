/**
 * Samples turned into the typed, versioned documents the CLI also prints, assembled by the
 * same library functions: `tcpstate.count/1` (src/report/count.ts), `tcpstate.ls/1`
 * (src/report/ls.ts), `tcpstate.doctor/1` (src/render/doctor.ts), each with where and when it
 * was read. Errors name option keys (`by`, `filter`, `top`), not command-line flags.
 * @module
 */
import { diagnose, type Report } from '../doctor/diagnose.js';
import type { DoctorInputs, Sample as DoctorSample } from '../doctor/inputs.js';
import type { CountDocument, DoctorDocument, LsDocument, SampleMeta } from '../model/documents.js';
import { TcpstateError } from '../model/errors.js';
import { say as ks } from '../i18n/kernel.js';
import { doctorJson } from '../render/doctor.js';
import { type CountOptions as ReportCountOptions, countDocument as countReportDocument, countPlan, countTable } from '../report/count.js';
import { lsDocument, selectSockets } from '../report/ls.js';
import { filterOption } from '../report/options.js';
import { BACKLOG_SOURCES } from '../doctor/collect.js';
import type { SocketTable } from '../model/table.js';
import type { Lang } from '../i18n/catalogue.js';
import type { Sample } from './sampler.js';

export { filterOption };

/** `/api/v1/counts`' query: count's options and a filter, by key. */
export interface CountOptions extends ReportCountOptions {
  filter?: string;
}

/** A sample's rows (requests for documents always ask for them). */
function rows(s: Sample): SocketTable {
  if (!s.table) throw new TcpstateError('ERR_IO', ks('noRows'));
  return s.table;
}

/** Where and when a sample was read, for every document. */
function meta(s: Sample): SampleMeta {
  return { ...(s.netns === undefined ? {} : { netns: s.netns }), takenAt: new Date(s.takenAt).toISOString(), sampleMs: Math.round(s.totalMs * 10) / 10 };
}

/** The `tcpstate.count/1` document of a sample: counts by state (zeros included), by group with `by`. */
export function countDocument(s: Sample, o: CountOptions = {}): CountDocument & SampleMeta {
  const plan = countPlan(o);
  const { keep } = filterOption(o.filter);
  return { ...countReportDocument(countTable(rows(s), plan, keep), { source: s.source, warnings: s.warnings }), ...meta(s) };
}

/** The `tcpstate.ls/1` document: the sockets `filter` keeps, at most `limit` of them (`matched` says how many there were). */
export function socketsDocument(s: Sample, o: { filter?: string; limit: number }): LsDocument & SampleMeta {
  const { keep } = filterOption(o.filter);
  const { table, matched } = selectSockets(rows(s), keep, o.limit);
  return { ...lsDocument(table, { source: s.source, warnings: s.warnings }), matched, truncated: matched > table.length, ...meta(s) };
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
    ...(now.sysctls ? (now.sysctlsUnavailable ? { sysctlsUnavailable: now.sysctlsUnavailable } : {}) : { sysctlsUnavailable: ks('sysctlsNotAsked') }),
    ...(now.counters ? {} : { countersUnavailable: ks('countersNone') }),
    processes: !now.processes ? 'none' : now.processes.hidden > 0 ? 'partial' : 'all',
    listenBacklogKnown: BACKLOG_SOURCES.has(now.source),
    source: now.source,
    captured: false,
    where,
    takenAt: now.takenAt,
  };
}

/** Diagnose a sample (with an earlier one for rates). */
export function doctorReport(now: Sample, before: Sample | undefined, where: string, lang: Lang = 'en'): { report: Report; inputs: DoctorInputs } {
  const inputs = doctorInputs(now, before, where);
  return { report: diagnose(inputs, { netns: now.netns, lang }), inputs };
}

/** The `tcpstate.doctor/1` document. */
export function doctorDocument(now: Sample, before: Sample | undefined, where: string): DoctorDocument & SampleMeta {
  const { report, inputs } = doctorReport(now, before, where);
  return { ...doctorJson(report, inputs, [...(before?.warnings ?? []), ...now.warnings]), ...meta(now) };
}
