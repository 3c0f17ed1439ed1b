/**
 * The result `tcpstate ls` prints, assembled for every caller (the CLI, serve's
 * `/api/v1/sockets`): the selected sockets of the live table with their owners, of captures or
 * of a sample; `sort` and `top`; names for `-r`; and the `tcpstate.ls/1` document, written
 * whole or a block of sockets at a time. Errors name the options by key (`sort`, `top`,
 * `processes`; see {@link OptionNames}).
 * @module
 */
import type { LsDocument } from '../model/documents.js';
import { TcpstateError, type Warning } from '../model/errors.js';
import type { RowPredicate } from '../model/filter.js';
import { type Snapshot, SocketTable } from '../model/table.js';
import { lsJson } from '../render/ls.js';
import { parseSortField, type SortField, sortRows } from '../render/ls-sort.js';
import type { ScanOptions } from '../sources/live.js';
import { hiddenNotice, liveSnapshot } from '../snapshot.js';
import { type OptionNames, optionName, optionUse } from './options.js';
import { say as opt } from '../i18n/options.js';

/** ls's ordering options, by key. */
export interface LsOptions {
  /** `state`, `recv-q`, `send-q`, `laddr`, `lport`, `raddr`, `rport`, `process`. */
  sort?: string;
  /** At most this many sockets (after `sort`). */
  top?: number;
}

/** `sort` and `top` checked; undefined when neither is given (the source's order, every row). */
export interface LsOrder {
  field: SortField | undefined;
  top: number | undefined;
}

/** Check ls's ordering: `sort process` needs the owners (`processes`). */
export function lsOrder(o: LsOptions, processes: boolean, names?: OptionNames): LsOrder | undefined {
  if (o.sort === undefined && o.top === undefined) return undefined;
  const field = o.sort === undefined ? undefined : parseSortField(o.sort, optionName(names, 'sort'));
  if (field === 'process' && !processes) {
    const p = optionName(names, 'processes');
    throw new TcpstateError('ERR_USAGE', opt('sortProcess', optionUse(names, 'sort', 'process'), p.startsWith('-') ? p : `${p}=true`), { field: optionName(names, 'sort') });
  }
  return { field, top: o.top };
}

/** The rows in `order` (stable), at most its `top`. */
export function orderListing(t: SocketTable, order: LsOrder | undefined): SocketTable {
  return order ? sortRows(t, order.field, order.top) : t;
}

/**
 * The live table's rows `keep` selects (every row when undefined), owners attached with
 * `processes`: the /proc/PID/fd scan runs on other threads while this one reads the sockets
 * and then joins in. `meanwhile` sees the snapshot before the owners are known (column
 * widths can be counted then). Without owners to scan, `parallel` lets a large dump use
 * two cores.
 */
export async function liveListing(
  sourceName: string | undefined,
  scan: ScanOptions,
  keep: RowPredicate | undefined,
  o: { processes: boolean; parallel: boolean },
  meanwhile?: (snap: Snapshot) => void,
): Promise<Snapshot> {
  const pending = o.processes ? (await import('../sources/owners.js')).ownerSource(scan).start() : undefined;
  const snap = await liveSnapshot(sourceName, { ...scan, parallel: o.parallel }, keep);
  meanwhile?.(snap);
  if (pending) {
    const owners = await pending.done();
    snap.table.owners = owners.owners;
    if (owners.hidden > 0) snap.notices.push(hiddenNotice(owners.hidden));
    snap.warnings.push(...owners.warnings);
  }
  return snap;
}

/** `-r`: names into the table's rows (the numbers stay where no name came in time); what could not be named. */
export async function resolveNames(t: SocketTable): Promise<Warning[]> {
  const { resolveTable } = await import('../sources/resolve.js');
  return (await resolveTable(t)).warnings;
}

/** A capture as ls sees it once read: its rows when it lists sockets. */
export interface CapturedListing {
  capture: { host: string; format: string; file: string; line: number };
  table?: SocketTable;
}

/** Each capture's rows; a per-state summary is no listing (an error naming its file and line). */
export function listingsOf<T extends CapturedListing>(picked: readonly T[]): (T & { table: SocketTable })[] {
  for (const p of picked) {
    if (!p.table) throw new TcpstateError('ERR_USAGE', opt('lsSummary', p.capture.host, p.capture.format), { file: p.capture.file, line: p.capture.line });
  }
  return picked as (T & { table: SocketTable })[];
}

/** Where a listing was read, for its document. */
export interface LsMeta {
  source: string;
  host?: string;
  warnings: readonly Warning[];
}

/** The `tcpstate.ls/1` document of a table. */
export function lsDocument(t: SocketTable, meta: LsMeta): LsDocument {
  return lsJson(t, meta);
}

/** The rows `keep` selects, at most `limit` of them, and how many it selected in all. */
export function selectSockets(all: SocketTable, keep: RowPredicate | undefined, limit: number): { table: SocketTable; matched: number } {
  let taken = 0;
  const table = all.select((i) => (!keep || keep(all, i)) && taken++ < limit);
  let matched = 0;
  for (let i = 0; i < all.length; i++) if (!keep || keep(all, i)) matched++;
  table.owners = all.owners;
  return { table, matched };
}

const SOCKETS = '\u0000sockets\u0000';

/**
 * `JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2)` of the tables' documents,
 * written through `out` a block of sockets at a time: a large capture's listing is never one
 * string (nor one array of socket objects).
 */
export function writeLsDocuments(out: (text: string) => void, docs: readonly { table: SocketTable; meta: LsMeta }[]): void {
  const many = docs.length !== 1;
  const pad = many ? '  ' : '';
  if (many) out(docs.length === 0 ? '[]\n' : '[\n');
  docs.forEach(({ table: t, meta }, k) => {
    const doc = { ...lsDocument(new SocketTable(16), meta), sockets: t.length === 0 ? [] : SOCKETS };
    const text = JSON.stringify(doc, null, 2).replace(/\n/g, `\n${pad}`);
    const at = text.indexOf(JSON.stringify(SOCKETS));
    if (at < 0) {
      out(pad + text);
    } else {
      out(`${pad}${text.slice(0, at)}[\n`);
      const inner = `${pad}    `;
      let block = '';
      for (let i = 0; i < t.length; i++) {
        block += `${inner}${JSON.stringify(t.record(i), null, 2).replace(/\n/g, `\n${inner}`)}${i + 1 < t.length ? ',\n' : '\n'}`;
        if (block.length > 1 << 16) {
          out(block);
          block = '';
        }
      }
      out(`${block}${pad}  ]${text.slice(at + JSON.stringify(SOCKETS).length)}`);
    }
    out(many ? (k + 1 < docs.length ? ',\n' : '\n]\n') : '\n');
  });
}
