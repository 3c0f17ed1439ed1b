/**
 * `count --hosts` output: a row per host, a column per state (every known state, zeros
 * filled in; UNKNOWN only when some host has one), the total, and the format each host was
 * read from; with role groups, a subtotal row after each group's hosts; a total row last.
 * @module
 */
import { type Lang, pick } from '../i18n/catalogue.js';
import { CATALOGUE as TABLES, type TablesMessages } from '../i18n/tables.js';
import { type FleetDocument, SCHEMAS } from '../model/documents.js';
import type { Warning } from '../model/errors.js';
import { type Fleet, total } from '../model/fleet.js';
import { PRINT_ORDER, stateName, UNKNOWN } from '../model/state.js';
import { countsObject } from './count.js';
import { type Column, csvField, renderTable } from './text.js';

/** The table's header and rows in `m`'s words: a host that is down has `-` for every number and says why in FORMAT. */
function fleetRows(f: Fleet, grouped: boolean, m: TablesMessages): { cols: Column[]; rows: string[][] } {
  const states = PRINT_ORDER.filter((s) => s !== UNKNOWN || f.counts[UNKNOWN]! > 0);
  const cols: Column[] = [
    ...(grouped ? [{ header: m.group }] : []),
    { header: m.host },
    ...states.map((s) => ({ header: stateName(s), right: true })),
    { header: m.total, right: true },
    { header: m.format },
  ];
  const rows: string[][] = [];
  const nums = (c: Float64Array) => [...states.map((s) => String(c[s])), String(total(c))];
  const none = states.map(() => '-').concat('-');
  for (const g of f.groups) {
    const gname = g.name ?? m.ungrouped;
    for (const h of g.hosts) rows.push([...(grouped ? [gname] : []), h.host, ...(h.error === undefined ? nums(h.counts) : none), h.error ?? h.format]);
    if (grouped) rows.push([gname, m.subtotal(g.hosts.length, g.hosts.filter((h) => h.error !== undefined).length), ...nums(g.counts), '']);
  }
  rows.push([...(grouped ? [''] : []), m.hostsTotal(f.hosts, f.down), ...nums(f.counts), '']);
  return { cols, rows };
}

/** The fleet table as text, its words in `lang`. */
export function renderFleet(f: Fleet, grouped: boolean, lang: Lang = 'en'): string {
  const { cols, rows } = fleetRows(f, grouped, pick(TABLES, lang));
  return renderTable(cols, rows);
}

/** The fleet table as CSV: the text table's header and rows, quoted; in English, as data. */
export function fleetCsv(f: Fleet, grouped: boolean): string {
  const { cols, rows } = fleetRows(f, grouped, TABLES.en);
  return [cols.map((c) => c.header), ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** JSON document of `count --hosts --json` (schema tcpstate.fleet/1). */
export function fleetJson(f: Fleet, warnings: readonly Warning[]): FleetDocument {
  return {
    schema: SCHEMAS.fleet,
    // A host that is down has no states (not zeros): a reader must not count it as empty.
    hosts: f.groups.flatMap((g) =>
      g.hosts.map((h) => ({
        host: h.host,
        ...(g.name !== undefined ? { group: g.name } : {}),
        format: h.format,
        file: h.file,
        line: h.line,
        ...(h.error === undefined ? { states: countsObject(h.counts), total: total(h.counts) } : { error: h.error }),
      })),
    ),
    groups: f.groups
      .filter((g) => g.name !== undefined)
      .map((g) => ({
        name: g.name,
        patterns: g.patterns,
        hosts: g.hosts.map((h) => h.host),
        states: countsObject(g.counts),
        total: total(g.counts),
      })),
    total: { hosts: f.hosts, ...(f.down > 0 ? { down: f.down } : {}), states: countsObject(f.counts), total: total(f.counts) },
    warnings: [...warnings],
  };
}
