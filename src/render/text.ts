/**
 * Aligned text tables. Columns are as wide as their widest cell (addresses are never
 * truncated, unlike netstat without -W).
 * @module
 */

export interface Column {
  header: string;
  /** Right-align (numbers). */
  right?: boolean;
  /** Minimum width. */
  min?: number;
}

/** Render rows under headers; the last column is not padded. */
export function renderTable(cols: readonly Column[], rows: readonly string[][], header = true): string {
  const w = cols.map((c) => Math.max(c.min ?? 0, header ? c.header.length : 0));
  for (const r of rows) for (let j = 0; j < cols.length; j++) w[j] = Math.max(w[j]!, (r[j] ?? '').length);
  const line = (cells: readonly string[]) =>
    cols
      .map((c, j) => {
        const v = cells[j] ?? '';
        if (j === cols.length - 1 && !c.right) return v;
        return c.right ? v.padStart(w[j]!) : v.padEnd(w[j]!);
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
