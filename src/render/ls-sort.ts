/**
 * `ls --sort FIELD` and `--top N`: the listing's rows in a chosen order, cut to the first N.
 * Queues sort largest first (what an operator looks for); the rest ascending.
 * @module
 */
import { TcpstateError } from '../model/errors.js';
import { PRINT_ORDER } from '../model/state.js';
import { SocketTable } from '../model/table.js';
import { say as o } from '../i18n/options.js';

export const SORT_FIELDS = ['state', 'recv-q', 'send-q', 'laddr', 'lport', 'raddr', 'rport', 'process'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

/** `--sort` value checked (a few spellings of the queue columns accepted); errors name `option`. */
export function parseSortField(v: string, option = '--sort'): SortField {
  const f = v
    .toLowerCase()
    .replace(/_/g, '-')
    .replace(/^recvq$/, 'recv-q')
    .replace(/^sendq$/, 'send-q')
    .replace(/^local$/, 'laddr')
    .replace(/^(remote|foreign)$/, 'raddr');
  if (!(SORT_FIELDS as readonly string[]).includes(f)) throw new TcpstateError('ERR_USAGE', o('sort', option, SORT_FIELDS.join(' | '), v), { field: option });
  return f as SortField;
}

const RANK = new Map<number, number>(PRINT_ORDER.map((s, k) => [s, k]));

function compareAddr(a: Uint8Array, t: SocketTable, i: number, j: number): number {
  if (t.family[i] !== t.family[j]) return t.family[i]! - t.family[j]!;
  for (let k = 0; k < 16; k++) {
    const d = a[i * 16 + k]! - a[j * 16 + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

function comparator(t: SocketTable, f: SortField): (i: number, j: number) => number {
  switch (f) {
    case 'state':
      return (i, j) => (RANK.get(t.state[i]!) ?? 99) - (RANK.get(t.state[j]!) ?? 99);
    case 'recv-q':
      return (i, j) => t.recvQ[j]! - t.recvQ[i]!;
    case 'send-q':
      return (i, j) => t.sendQ[j]! - t.sendQ[i]!;
    case 'laddr':
      return (i, j) => compareAddr(t.laddr, t, i, j) || t.lport[i]! - t.lport[j]!;
    case 'lport':
      return (i, j) => t.lport[i]! - t.lport[j]!;
    case 'raddr':
      return (i, j) => compareAddr(t.raddr, t, i, j) || t.rport[i]! - t.rport[j]!;
    case 'rport':
      return (i, j) => t.rport[i]! - t.rport[j]!;
    case 'process': {
      const name = (i: number): string =>
        t
          .ownersOf(i)
          .map((o) => `${o.program}/${o.pid}`)
          .join(',') || '\uffff';
      return (i, j) => name(i).localeCompare(name(j), 'en', { numeric: true });
    }
  }
}

/**
 * The rows sorted by `field` (stable: ties keep the source's order), at most `top` of them.
 * Owners and extended columns come along (copyRow).
 */
export function sortRows(t: SocketTable, field: SortField | undefined, top: number | undefined): SocketTable {
  const order = Array.from({ length: t.length }, (_, k) => k);
  if (field !== undefined) {
    const cmp = comparator(t, field);
    order.sort((i, j) => cmp(i, j) || i - j);
  }
  const n = top === undefined ? order.length : Math.min(top, order.length);
  const out = new SocketTable(Math.max(16, n));
  out.owners = t.owners;
  for (let k = 0; k < n; k++) out.copyRow(t, order[k]!);
  return out;
}
