/**
 * `count --hosts` output: a row per host, a column per state (every known state, zeros
 * filled in; UNKNOWN only when some host has one), the total, and the format each host was
 * read from; with role groups, a subtotal row after each group's hosts; a total row last.
 * @module
 */
import type { Warning } from '../model/errors.js';
import { type Fleet, total } from '../model/fleet.js';
import { PRINT_ORDER, stateName, UNKNOWN } from '../model/state.js';
import { countsObject } from './count.js';
import { type Column, renderTable } from './text.js';

/** Hosts with no group pattern matching, when groups were given. */
export const UNGROUPED = '(none)';

/** The fleet table as text. */
export function renderFleet(f: Fleet, grouped: boolean): string {
  const states = PRINT_ORDER.filter((s) => s !== UNKNOWN || f.counts[UNKNOWN]! > 0);
  const cols: Column[] = [
    ...(grouped ? [{ header: 'GROUP' }] : []),
    { header: 'HOST' },
    ...states.map((s) => ({ header: stateName(s), right: true })),
    { header: 'TOTAL', right: true },
    { header: 'FORMAT' },
  ];
  const rows: string[][] = [];
  const nums = (c: Float64Array) => [...states.map((s) => String(c[s])), String(total(c))];
  for (const g of f.groups) {
    const gname = g.name ?? UNGROUPED;
    for (const h of g.hosts) rows.push([...(grouped ? [gname] : []), h.host, ...nums(h.counts), h.format]);
    if (grouped) rows.push([gname, `subtotal (${g.hosts.length})`, ...nums(g.counts), '']);
  }
  rows.push([...(grouped ? [''] : []), `TOTAL (${f.hosts} hosts)`, ...nums(f.counts), '']);
  return renderTable(cols, rows);
}

/** JSON document of `count --hosts --json` (schema tcpstate.fleet/1). */
export function fleetJson(f: Fleet, warnings: readonly Warning[]): object {
  return {
    schema: 'tcpstate.fleet/1',
    hosts: f.groups.flatMap((g) => g.hosts.map((h) => ({
      host: h.host,
      ...(g.name !== undefined ? { group: g.name } : {}),
      format: h.format,
      file: h.file,
      line: h.line,
      states: countsObject(h.counts),
      total: total(h.counts),
    }))),
    groups: f.groups.filter((g) => g.name !== undefined).map((g) => ({
      name: g.name, patterns: g.patterns, hosts: g.hosts.map((h) => h.host), states: countsObject(g.counts), total: total(g.counts),
    })),
    total: { hosts: f.hosts, states: countsObject(f.counts), total: total(f.counts) },
    warnings,
  };
}
