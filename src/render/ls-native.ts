/**
 * `ls`'s fixed columns (Proto to State, or to Inode with -e) laid out in C (native/ls_layout.c)
 * where the addon is built and the listing allows it ({@link LsColumns.native}): the widths of
 * a table's rows, the first row wider than its columns, and rows as lines, byte for byte as
 * ls.ts lays them out, for rows without names (ls.ts keeps those, and every cell after the
 * fixed ones). test/render/ls-native.test.ts compares the two on random tables.
 * @module
 */
import { AF_INET } from '../model/address.js';
import { CLOSE, stateName } from '../model/state.js';
import { F_DUALSTACK, F_HAS_QUEUES, NO_UID, PROTO_UDP, type SocketTable } from '../model/table.js';
import { loadNative, type NativeAddon, tableColumns } from '../sources/native.js';

type Layouts = Required<Pick<NativeAddon, 'lsWidths' | 'lsFirstWide' | 'lsLines'>>;

/** Bytes of each state's entry in the table C reads (native/ls_layout.h LS_STATE_BYTES). */
const STATE_BYTES = 32;
/** Columns C knows: Proto, Recv-Q, Send-Q, Local, Foreign, State, User, Inode. */
const COLUMNS = 8;

/** Rows C laid out so far (tests check it took some). */
export const nativeLs = { rows: 0 };

let addon: Layouts | null | undefined;
let states: Uint8Array | undefined;

/** Each state's text as the State column prints it, as C reads it: its length, then its bytes. */
function stateTable(): Uint8Array {
  if (states) return states;
  states = new Uint8Array(256 * STATE_BYTES);
  for (let code = 0; code < 256; code++) {
    const text = Buffer.from(stateName(code), 'latin1').subarray(0, STATE_BYTES - 1);
    states[code * STATE_BYTES] = text.length;
    states.set(text, code * STATE_BYTES + 1);
  }
  return states;
}

/** The fixed columns of one listing, in given widths, laid out in C. */
export class NativeLayout {
  private readonly geometry = new Float64Array(7 + 2 * COLUMNS);
  private readonly out = new Float64Array(1);
  private readonly states = stateTable();

  /** `w`: the fixed columns' widths (6, or 8 with -e). */
  constructor(
    private readonly a: Layouts,
    w: readonly number[],
  ) {
    const g = this.geometry;
    g.set([AF_INET, PROTO_UDP, CLOSE, F_HAS_QUEUES, F_DUALSTACK, NO_UID, w.length > 6 ? 1 : 0]);
    // C checks that the columns follow each other; User and Inode, when not shown, are one wide.
    for (let j = 0, at = 0; j < COLUMNS; j++) {
      const width = w[j] ?? 1;
      g[7 + j] = at;
      g[7 + COLUMNS + j] = width;
      at += width + 1;
    }
  }

  /** Widen `w` (8 numbers: Proto, Recv-Q, Send-Q, Local, Foreign, State, User, Inode) to rows from..to-1 of `t` (no names). */
  widths(t: SocketTable, from: number, to: number, w: Float64Array): void {
    this.a.lsWidths(tableColumns(t), this.geometry, this.states, from, to, w);
  }

  /** The first row of from..to-1 wider than these widths, or `to`. */
  firstWide(t: SocketTable, from: number, to: number): number {
    return this.a.lsFirstWide(tableColumns(t), this.geometry, this.states, from, to);
  }

  /**
   * Rows from..to-1 of `t` (no names) as lines at b[p], until a row wider than its columns or
   * the end of `b`: how many, and where they end.
   */
  lines(t: SocketTable, b: Uint8Array, p: number, from: number, to: number): { rows: number; end: number } {
    const rows = this.a.lsLines(tableColumns(t), this.geometry, this.states, from, to, b, p, this.out);
    nativeLs.rows += rows;
    return { rows, end: this.out[0]! };
  }
}

/** A layout in C for these fixed widths, or undefined without the addon (or one built before it). */
export function nativeLayout(w: readonly number[]): NativeLayout | undefined {
  if (addon === undefined) {
    const a = loadNative({ noNative: false }).addon;
    addon = a?.lsLines && a.lsWidths && a.lsFirstWide ? (a as Layouts) : null;
  }
  return addon ? new NativeLayout(addon, w) : undefined;
}
