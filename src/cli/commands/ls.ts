/**
 * `tcpstate ls`: the better `netstat -antp` / `ss -tanp`.
 * @module
 */
import { TcpstateError, type Warning } from '../../model/errors.js';
import { langFromEnv } from '../../lang.js';
import { ALL_MASK, DEFAULT_LS_MASK } from '../../model/state.js';
import { SocketTable } from '../../model/table.js';
import { type LsColumns, lsJson, type LsPlan, planLs, renderCsv } from '../../render/ls.js';
import { parseSortField, type SortField, sortRows } from '../../render/ls-sort.js';
import { lsColourer } from '../../render/colour.js';
import { hiddenNotice, liveSnapshot } from '../../snapshot.js';
import { intOpt, parse, str } from '../args.js';
import { inputFormat, printWarnings, readCaptures, refuseLiveOptions, splitPositionals } from '../inputs.js';
import type { Command, Io } from '../io.js';
import { SOCKET_OPTIONS, type Selection, selection, socketHelp } from '../socket-options.js';
import { pick } from '../../i18n/catalogue.js';
import { CATALOGUE as HELP_TEXTS } from '../../i18n/help.js';

import { colourArgv, colourFor, COLOUR_OPTIONS } from '../colour-option.js';
import { say as o } from '../../i18n/options.js';

export const ls: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(
      colourArgv(argv),
      {
        ...SOCKET_OPTIONS,
        ...COLOUR_OPTIONS,
        'no-header': { type: 'boolean', short: 'H' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        sort: { type: 'string' },
        top: { type: 'string' },
        resolve: { type: 'boolean', short: 'r' },
      },
      io.argOffset,
    );
    if (values['help']) {
      const lang = langFromEnv(io.env);
      io.out(pick(HELP_TEXTS, lang).ls(socketHelp(lang)));
      return 0;
    }
    const colour = colourFor(values, io);
    const order = orderOf(values);
    const { inputs, filter } = splitPositionals(positionals);
    const sel = selection(values, filter, DEFAULT_LS_MASK);
    const processes = Boolean(values['program'] || values['processes']);
    const info = Boolean(values['info']);
    const memory = Boolean(values['memory']);
    const columns: LsColumns = {
      processes,
      timers: Boolean(values['timers'] || values['options']),
      extended: Boolean(values['extend'] || values['extended']),
      info,
      memory,
      header: !values['no-header'],
      lang: langFromEnv(io.env),
    };
    if (inputs.length > 0) return lsCaptures(io, values, inputs, sel, columns, order, colour);
    if (values['input-format'] !== undefined) throw new TcpstateError('ERR_USAGE', o('inputFormatLs'), { field: '--input-format' });
    // Process attribution starts first: background threads scan /proc/PID/fd while this thread
    // reads the sockets, then this thread joins in.
    const pending = processes ? (await import('../../sources/process-scan.js')).startProcessScan(sel.scan.procRoot) : undefined;
    const everyRow = sel.states === ALL_MASK && !sel.filter.expr;
    // Without -p the second core is free for half of a large dump.
    const snap = await liveSnapshot(sel.sourceName, { ...sel.scan, parallel: !processes }, everyRow ? undefined : sel.keep);
    // Column widths are counted while the process scan still runs; lines are laid out once owners are known.
    let plan = values['json'] || values['csv'] || order ? undefined : planLs(snap.table, columns);
    if (pending) {
      const scan = await pending.done();
      snap.table.owners = scan.owners;
      if (scan.hidden > 0) snap.notices.push(hiddenNotice(scan.hidden));
      snap.warnings.push(...scan.warnings);
    }
    if (order) {
      if (order.field === 'process' && !processes) throw new TcpstateError('ERR_USAGE', o('sortProcess'), { field: '--sort' });
      snap.table = sortRows(snap.table, order.field, order.top);
      if (!values['json'] && !values['csv']) plan = planLs(snap.table, columns);
    }
    if (values['resolve']) {
      snap.warnings.push(...(await resolveNames(snap.table)));
      if (!values['json'] && !values['csv']) plan = planLs(snap.table, columns);
    }
    if ((info || memory) && snap.source === 'proc') snap.notices.push(`-${info ? 'i' : ''}${memory ? 'm' : ''} needs the netlink source: procfs has no TCP internals or socket memory`);
    for (const n of snap.notices) io.err(`tcpstate: ${n}\n`);
    printWarnings(io, snap.warnings);
    if (values['json']) io.out(JSON.stringify(lsJson(snap.table, { source: snap.source, warnings: snap.warnings }), null, 2) + '\n');
    else if (values['csv']) io.out(renderCsv(snap.table, !values['no-header']));
    else await printPlan(io, plan!, colour ? snap.table : undefined, columns.header);
    return 0;
  },
};

/** `ls FILE...`: each capture's selected sockets, under a `==> host <==` line when there are several. */
async function lsCaptures(io: Io, values: Record<string, unknown>, inputs: string[], sel: Selection, columns: LsColumns, order: Order | undefined, colour: boolean): Promise<number> {
  refuseLiveOptions(values);
  const read = await readCaptures(inputs, io, { format: inputFormat(values), sel, tables: true });
  printWarnings(io, read.warnings);
  const picked = read.picked;
  for (const p of picked) {
    if (!p.table) throw new TcpstateError('ERR_USAGE', o('lsSummary', p.capture.host, p.capture.format), { file: p.capture.file, line: p.capture.line });
    if (order) p.table = sortRows(p.table, order.field, order.top);
    if (values['resolve']) printWarnings(io, await resolveNames(p.table));
  }
  if (values['json']) {
    writeJson(
      io,
      picked.map((p) => ({ table: p.table!, meta: { source: `capture:${p.capture.format}`, host: p.capture.host, warnings: read.warnings } })),
    );
    return 0;
  }
  const many = picked.length > 1;
  for (const [k, p] of picked.entries()) {
    if (many) io.out(`${k > 0 ? '\n' : ''}==> ${p.capture.host} <==\n`);
    if (values['csv']) writeCsv(io, p.table!, !values['no-header']);
    else await printPlan(io, planLs(p.table!, columns), colour ? p.table! : undefined, columns.header);
  }
  return 0;
}

/** `-r`: names into the table's rows (the numbers stay where no name came in time). */
async function resolveNames(t: SocketTable): Promise<Warning[]> {
  const { resolveTable } = await import('../../sources/resolve.js');
  return (await resolveTable(t)).warnings;
}

interface Order {
  field: SortField | undefined;
  top: number | undefined;
}

/** `--sort` and `--top`, when either is given. */
function orderOf(values: Record<string, unknown>): Order | undefined {
  const sort = str(values['sort']);
  if (sort === undefined && values['top'] === undefined) return undefined;
  return { field: sort === undefined ? undefined : parseSortField(sort), top: values['top'] === undefined ? undefined : intOpt(values['top'], '--top', 0) };
}

const SOCKETS = '\u0000sockets\u0000';

/**
 * `JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2)` of the documents, written a
 * block of sockets at a time: a large capture's listing is never one string (nor one array
 * of socket objects).
 */
function writeJson(io: Io, docs: { table: SocketTable; meta: { source: string; host?: string; warnings: Warning[] } }[]): void {
  const many = docs.length !== 1;
  const pad = many ? '  ' : '';
  if (many) io.out(docs.length === 0 ? '[]\n' : '[\n');
  docs.forEach(({ table: t, meta }, k) => {
    const doc = { ...lsJson(new SocketTable(16), meta), sockets: t.length === 0 ? [] : SOCKETS };
    const text = JSON.stringify(doc, null, 2).replace(/\n/g, `\n${pad}`);
    const at = text.indexOf(JSON.stringify(SOCKETS));
    if (at < 0) {
      io.out(pad + text);
    } else {
      io.out(`${pad}${text.slice(0, at)}[\n`);
      const inner = `${pad}    `;
      let block = '';
      for (let i = 0; i < t.length; i++) {
        block += `${inner}${JSON.stringify(t.record(i), null, 2).replace(/\n/g, `\n${inner}`)}${i + 1 < t.length ? ',\n' : '\n'}`;
        if (block.length > 1 << 16) {
          io.out(block);
          block = '';
        }
      }
      io.out(`${block}${pad}  ]${text.slice(at + JSON.stringify(SOCKETS).length)}`);
    }
    io.out(many ? (k + 1 < docs.length ? ',\n' : '\n]\n') : '\n');
  });
}

/** CSV a block of rows at a time: a large capture's listing is never one string. */
function writeCsv(io: Io, t: SocketTable, header: boolean): void {
  const BLOCK = 4096;
  if (t.length === 0) {
    io.out(renderCsv(t, header));
    return;
  }
  for (let from = 0; from < t.length; from += BLOCK) {
    const block = new SocketTable(BLOCK);
    for (let i = from; i < Math.min(t.length, from + BLOCK); i++) block.copyRow(t, i);
    io.out(renderCsv(block, header && from === 0));
  }
}

/** A listing's text, as bytes where the output takes them; coloured from `table`'s rows when given. */
async function printPlan(io: Io, plan: LsPlan, table?: SocketTable, header = true): Promise<void> {
  if (table) {
    const c = lsColourer(table, plan.widths, header !== false, (text) => io.out(text));
    plan.write((text) => c.write(text));
    c.end();
  } else if (io.outBytes) await plan.writeBytes((b) => io.outBytes!(b));
  else plan.write((text) => io.out(text));
}
