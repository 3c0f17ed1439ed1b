/**
 * `ls FILE` of one capture without holding its rows, for every caller: read once for the
 * column widths (as a whole read reads it: the same errors and warnings), then again, each
 * chunk of selected rows laid out in those widths and handed on as it is read. The text is
 * the one a listing of the whole table prints; memory is a chunk of rows and a few output
 * blocks, whatever the size of the capture.
 * @module
 */
import type { RowPredicate } from '../model/filter.js';
import { CHUNK_ROWS, SocketTable } from '../model/table.js';
import { type LsColumns, LsStream, LsWidths } from '../render/ls.js';
import { appendRows } from '../sources/text/capture.js';
import { CaptureReader, type ReadResult } from '../sources/text/read.js';

/** What a listing of one capture read in two passes reads. */
export interface CaptureStreamOptions {
  /** `--input-format`. */
  format?: string;
  /** The rows listed (every row when undefined). */
  keep?: RowPredicate;
  columns: LsColumns;
}

/** The rows of `chunk` that `keep` selects, in `into` (emptied first); the chunk itself without `keep`. */
function keptRows(chunk: SocketTable, keep: RowPredicate | undefined, into: SocketTable): SocketTable {
  if (!keep) return chunk;
  into.length = 0;
  into.owners = new Map();
  into.rowOwners.clear();
  into.ext.clear();
  into.names.clear();
  let run = -1;
  for (let i = 0; i < chunk.length; i++) {
    if (keep(chunk, i)) {
      if (run < 0) run = i;
    } else if (run >= 0) {
      appendRows(into, chunk, run, i);
      run = -1;
    }
  }
  // Every row kept (netstat -n has no listeners to hide): the chunk itself, uncopied.
  if (run === 0) return chunk;
  if (run >= 0) appendRows(into, chunk, run, chunk.length);
  return into;
}

/**
 * `ls FILE` without holding the rows, first pass: the capture read as a whole listing would
 * read it (same errors, same warnings), keeping only the widths of its selected rows' cells.
 * When it holds one listing ({@link CaptureListingWidths.listing}), a second pass
 * ({@link CaptureListingStream}) writes it in these widths: the text a whole read prints.
 */
export class CaptureListingWidths {
  readonly widths: LsWidths;
  private readonly reader: CaptureReader;
  private readonly kept = new SocketTable(CHUNK_ROWS);

  constructor(file: string, o: CaptureStreamOptions) {
    this.widths = new LsWidths(o.columns);
    this.reader = new CaptureReader(file, { format: o.format, tables: false, keep: o.keep, onRows: (chunk) => this.widths.add(keptRows(chunk, o.keep, this.kept)) });
  }

  /** The next bytes of the capture. */
  push(bytes: Uint8Array): void {
    this.reader.push(bytes);
  }

  /** The capture is over: what was read (throws as reading it whole throws). */
  end(): ReadResult {
    return this.reader.end();
  }

  /** Does the read hold one listing (no `==> host <==` lines, no summary): the listing the second pass writes? */
  static listing(r: ReadResult): boolean {
    return r.captures.length === 1 && r.captures[0]!.listing;
  }
}

/**
 * `ls FILE` without holding the rows, second pass: the selected rows laid out in the first
 * pass's widths and handed to `out` a chunk at a time as the capture is read again.
 */
export class CaptureListingStream {
  private readonly reader: CaptureReader;
  private readonly stream: LsStream;
  private readonly kept = new SocketTable(CHUNK_ROWS);

  constructor(file: string, o: CaptureStreamOptions, widths: LsWidths, out: (bytes: Uint8Array) => void | Promise<void>) {
    this.stream = new LsStream(widths, out);
    this.reader = new CaptureReader(file, { format: o.format, tables: false, keep: o.keep, onRows: (chunk) => this.stream.write(keptRows(chunk, o.keep, this.kept)) });
  }

  /** The next bytes of the capture; await {@link CaptureListingStream.settled} before the next. */
  push(bytes: Uint8Array): void {
    this.reader.push(bytes);
  }

  /** The blocks handed on are written: await between pushes, so memory stays bounded. */
  settled(): Promise<void> {
    return this.stream.settled();
  }

  /** The rows laid out so far handed on (after an error: the listing up to there). */
  async stop(): Promise<void> {
    await this.stream.end();
  }

  /** The capture is over: its last rows handed on. */
  async end(): Promise<ReadResult> {
    const r = this.reader.end();
    await this.stream.end();
    return r;
  }
}
