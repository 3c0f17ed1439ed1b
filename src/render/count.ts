/**
 * `tcpstate count` output: every state with zeros filled in and the total, or a
 * state-by-group table; as text, JSON, or the awk one-liner's `STATE N` lines.
 * @module
 */
import { type Lang, pick } from '../i18n/catalogue.js';
import { CATALOGUE as TABLES } from '../i18n/tables.js';
import { countEntries, type StateCounts, total } from '../model/count.js';
import { type CountDocument, SCHEMAS } from '../model/documents.js';
import type { Warning } from '../model/errors.js';
import { PRINT_ORDER, stateName, UNKNOWN } from '../model/state.js';
import { type Column, csvField, renderTable } from './text.js';

export interface GroupRow {
  key: string;
  counts: StateCounts;
  total: number;
  /** The row sums this many groups beyond --top (its key is "other (N)"). */
  folded?: number;
}

/** Every state, one per line, then the total. */
export function renderCounts(c: StateCounts, lang: Lang = 'en'): string {
  const m = pick(TABLES, lang);
  const rows = countEntries(c).map(([s, n]) => [s, String(n)]);
  rows.push([m.total, String(total(c))]);
  return renderTable([{ header: m.state }, { header: m.count, right: true }], rows);
}

/** What `netstat -n | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'` prints: non-zero states. */
export function renderAwk(c: StateCounts): string {
  return countEntries(c)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}\n`)
    .join('');
}

/**
 * Groups as rows, states as columns. States with no socket in any group are left out
 * of the columns and named in a footer, so nothing is hidden.
 */
export function renderGroups(by: string, rows: readonly GroupRow[], all: StateCounts, lang: Lang = 'en'): string {
  const m = pick(TABLES, lang);
  const used = PRINT_ORDER.filter((s) => all[s]! > 0);
  const unused = PRINT_ORDER.filter((s) => all[s]! === 0);
  const cols: Column[] = [{ header: groupHeading(by, m.groupKeys) }, ...used.map((s) => ({ header: stateName(s), right: true })), { header: m.total, right: true }];
  const body = rows.map((r) => [r.folded === undefined ? r.key : m.other(r.folded), ...used.map((s) => String(r.counts[s])), String(r.total)]);
  body.push([m.total, ...used.map((s) => String(all[s])), String(total(all))]);
  let out = renderTable(cols, body);
  if (unused.length) out += `${m.zeroInEveryGroup(unused.map(stateName).join(', '))}\n`;
  return out;
}

/** `rnet/24` as `RNET/24` (English) or `对端网段/24`: the key's word, its prefix lengths kept. */
function groupHeading(by: string, keys: Record<string, string>): string {
  const slash = by.indexOf('/');
  const kind = (slash < 0 ? by : by.slice(0, slash)).toLowerCase();
  const word = Object.hasOwn(keys, kind) ? keys[kind] : undefined;
  return word === undefined ? by.toUpperCase() : word + (slash < 0 ? '' : by.slice(slash).toUpperCase());
}

/** Rows as CSV lines (RFC 4180 quoting), a header first. */
function csv(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/**
 * `count --csv`: the text table's rows (every state, then TOTAL) under a `state,count`
 * header; with `--by`, a row per group and a column per state (every state, so the columns
 * do not depend on the data; UNKNOWN only when counted), then TOTAL, as `count --hosts --csv`.
 */
export function countCsv(c: StateCounts, by?: string, rows?: readonly GroupRow[]): string {
  if (by === undefined || rows === undefined) return csv([['state', 'count'], ...countEntries(c), ['TOTAL', total(c)]]);
  const states = PRINT_ORDER.filter((s) => s !== UNKNOWN || c[s]! > 0);
  return csv([[by.toUpperCase(), ...states.map(stateName), 'TOTAL'], ...rows.map((r) => [r.key, ...states.map((s) => r.counts[s]!), r.total]), ['TOTAL', ...states.map((s) => c[s]!), total(c)]]);
}

/** `{ ESTABLISHED: n, ... }` with every state. */
export function countsObject(c: StateCounts): Record<string, number> {
  return Object.fromEntries(countEntries(c));
}

/** JSON document of `count --json` (schema: docs/json.md). */
export function countJson(c: StateCounts, meta: { source: string; host?: string; by?: string; groups?: readonly GroupRow[]; warnings?: readonly Warning[] }): CountDocument {
  return {
    schema: SCHEMAS.count,
    source: meta.source,
    ...(meta.host ? { host: meta.host } : {}),
    states: countsObject(c),
    total: total(c),
    ...(meta.by ? { by: meta.by, groups: (meta.groups ?? []).map((g) => ({ key: g.key, states: countsObject(g.counts), total: g.total })) } : {}),
    warnings: [...(meta.warnings ?? [])],
  };
}
