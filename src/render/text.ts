/**
 * Aligned text tables. Columns are as wide as their widest cell (addresses are never
 * truncated, unlike netstat without -W).
 * @module
 */

import { displayWidth } from './wrap.js';

export interface Column {
  header: string;
  /** Right-align (numbers). */
  right?: boolean;
  /** Minimum width. */
  min?: number;
}

/** Columns a cell takes on a terminal: Chinese headers and labels are two a character. */
function width(s: string): number {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? s.length : displayWidth(s);
}

/** Render rows under headers; the last column is not padded. Widths are display columns. */
export function renderTable(cols: readonly Column[], rows: readonly string[][], header = true): string {
  const w = cols.map((c) => Math.max(c.min ?? 0, header ? width(c.header) : 0));
  for (const r of rows) for (let j = 0; j < cols.length; j++) w[j] = Math.max(w[j]!, width(r[j] ?? ''));
  const line = (cells: readonly string[]) =>
    cols
      .map((c, j) => {
        const v = cells[j] ?? '';
        if (j === cols.length - 1 && !c.right) return v;
        const pad = ' '.repeat(Math.max(0, w[j]! - width(v)));
        return c.right ? pad + v : v + pad;
      })
      .join(' ')
      .trimEnd();
  const out: string[] = [];
  if (header) out.push(line(cols.map((c) => c.header)));
  for (const r of rows) out.push(line(r));
  return out.length ? out.join('\n') + '\n' : '';
}

/** Quote a CSV field when it needs it (RFC 4180). */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * An integer with thousands separators (41,203), as `toLocaleString('en-US')` writes it,
 * without that call's first-use cost: it starts ICU's number formatting, 30–100 ms of a run.
 */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}
