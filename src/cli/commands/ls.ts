/**
 * `tcpstate ls`: the better `netstat -antp` / `ss -tanp`.
 * @module
 */
import { TcpstateError } from '../../model/errors.js';
import { langFromEnv } from '../../lang.js';
import { say as lsSay } from '../../i18n/ls.js';
import { ALL_MASK, DEFAULT_LS_MASK } from '../../model/state.js';
import { SocketTable } from '../../model/table.js';
import { type LsColumns, type LsPlan, planLs, renderCsv } from '../../render/ls.js';
import { lsColourer } from '../../render/colour.js';
import { liveListing, listingsOf, lsDocument, type LsOrder, lsOrder, orderListing, resolveNames, writeLsDocuments } from '../../report/ls.js';
import { fs } from '../../builtins.js';
import type { RowPredicate } from '../../model/filter.js';
import { intOpt, outputFormat, parse, str } from '../args.js';
import { inputFormat, printNotices, printWarnings, readCaptures, refuseLiveOptions, splitPositionals } from '../inputs.js';
import type { Command, Io } from '../io.js';
import { FLAG_NAMES } from '../option-names.js';
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
      true,
    );
    if (values['help']) {
      const lang = langFromEnv(io.env);
      io.out(pick(HELP_TEXTS, lang).ls(socketHelp(lang)));
      return 0;
    }
    outputFormat(values, undefined, 'text');
    const colour = colourFor(values, io);
    const { inputs, filter } = splitPositionals(positionals);
    const sel = selection(values, filter, DEFAULT_LS_MASK, io.env);
    const processes = Boolean(values['program'] || values['processes']);
    const order = lsOrder({ sort: str(values['sort']), top: values['top'] === undefined ? undefined : intOpt(values['top'], '--top', 0) }, processes, FLAG_NAMES);
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
      native: !sel.scan.config.noNative,
    };
    if (inputs.length > 0) return lsCaptures(io, values, inputs, sel, columns, order, colour);
    if (values['input-format'] !== undefined) throw new TcpstateError('ERR_USAGE', o('inputFormatLs'), { field: '--input-format' });
    const text = !values['json'] && !values['csv'];
    const everyRow = sel.states === ALL_MASK && !sel.filter.expr;
    let plan: LsPlan | undefined;
    // Without -p the second core is free for half of a large dump; with it, column widths are
    // counted while the process scan still runs, and lines laid out once owners are known.
    const snap = await liveListing(sel.sourceName, sel.scan, everyRow ? undefined : sel.keep, { processes, parallel: !processes }, (s) => {
      if (text && !order) plan = planLs(s.table, columns);
    });
    if (order) {
      snap.table = orderListing(snap.table, order);
      if (text) plan = planLs(snap.table, columns);
    }
    if (values['resolve']) {
      snap.warnings.push(...(await resolveNames(snap.table)));
      if (text) plan = planLs(snap.table, columns);
    }
    if ((info || memory) && snap.source === 'proc') snap.notices.push(lsSay('needsNetlink', `-${info ? 'i' : ''}${memory ? 'm' : ''}`));
    printNotices(io, snap.notices);
    printWarnings(io, snap.warnings);
    if (values['json']) io.out(JSON.stringify(lsDocument(snap.table, { source: snap.source, warnings: snap.warnings }), null, 2) + '\n');
    else if (values['csv']) io.out(renderCsv(snap.table, !values['no-header']));
    else await printPlan(io, plan!, colour ? snap.table : undefined, columns.header);
    return 0;
  },
};

/** `ls FILE...`: each capture's selected sockets, under a `==> host <==` line when there are several. */
async function lsCaptures(io: Io, values: Record<string, unknown>, inputs: string[], sel: Selection, columns: LsColumns, order: LsOrder | undefined, colour: boolean): Promise<number> {
  refuseLiveOptions(values);
  const streamable = inputs.length === 1 && inputs[0] !== '-' && !values['json'] && !values['csv'] && !order && !values['resolve'] && !colour;
  // -o, -i and -m cells may be settled only at a capture's end (ss -o's "off" timers).
  if (streamable && !columns.timers && !columns.info && !columns.memory && (await lsStreamed(io, inputs[0]!, inputFormat(values), sel, columns))) return 0;
  const read = await readCaptures(inputs, io, { format: inputFormat(values), sel, tables: true });
  printWarnings(io, read.warnings);
  const picked = listingsOf(read.picked);
  for (const p of picked) {
    p.table = orderListing(p.table, order);
    if (values['resolve']) printWarnings(io, await resolveNames(p.table));
  }
  if (values['json']) {
    writeLsDocuments(
      (text) => io.out(text),
      picked.map((p) => ({ table: p.table, meta: { source: `capture:${p.capture.format}`, host: p.capture.host, warnings: read.warnings } })),
    );
    return 0;
  }
  const many = picked.length > 1;
  for (const [k, p] of picked.entries()) {
    if (many) io.out(`${k > 0 ? '\n' : ''}==> ${p.capture.host} <==\n`);
    if (values['csv']) writeCsv(io, p.table, !values['no-header']);
    else await printPlan(io, planLs(p.table, columns), colour ? p.table : undefined, columns.header);
  }
  return 0;
}

/** Files smaller than this are listed whole: reading them is quick, and they are read once. */
const STREAM_BYTES = 4 << 20;
/** Bytes read at a time. */
const PIECE = 1 << 20;

/**
 * `ls FILE` of one large capture, without holding its rows (report/ls.ts): read once for the
 * column widths, then again to write the rows as they are read, in those widths. False, with
 * nothing written, when it is not listed so (a small file, not a regular file, not one
 * listing, or an error: then it is read whole, as before, and says so as before).
 */
async function lsStreamed(io: Io, path: string, format: string | undefined, sel: Selection, columns: LsColumns): Promise<boolean> {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size < STREAM_BYTES) return false;
    const { CaptureListingStream, CaptureListingWidths } = await import('../../report/ls-stream.js');
    const { v4, v6 } = sel.scan;
    const every = v4 && v6 && sel.states === ALL_MASK && !sel.filter.expr;
    const keep: RowPredicate | undefined = every ? undefined : (t, i) => (t.family[i] === 4 ? v4 : v6) && sel.keep(t, i);
    const o = { format, keep, columns };
    const out = io.outBytes ? (b: Uint8Array) => io.outBytes!(b) : (b: Uint8Array) => io.out(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'));
    const buf = Buffer.allocUnsafe(PIECE);
    // The first pass reads as far as the file went when it began, and the second as far as the first.
    let size = 0;
    const first = new CaptureListingWidths(path, o);
    let read;
    try {
      for (const b of pieces(fd, buf, st.size)) {
        first.push(b);
        size += b.length;
      }
      read = first.end();
    } catch {
      return false;
    }
    if (!CaptureListingWidths.listing(read)) return false;
    printWarnings(io, read.warnings);
    const second = new CaptureListingStream(path, o, first.widths, out);
    try {
      for (const b of pieces(fd, buf, size)) {
        second.push(b);
        await second.settled();
      }
      await second.end();
    } catch (e) {
      await second.stop();
      throw e;
    }
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

/** Up to `size` bytes of the file from its start, a piece at a time in `buf` (each piece valid until the next). */
function* pieces(fd: number, buf: Buffer, size: number): Generator<Uint8Array, void, void> {
  for (let at = 0; at < size; ) {
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, size - at), at);
    if (n === 0) return;
    at += n;
    yield buf.subarray(0, n);
  }
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
