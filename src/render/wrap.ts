/**
 * Text layout that knows East Asian wide characters: display width, wrapping that may break
 * between CJK characters (never before closing punctuation), and tables padded by width.
 * @module
 */

/** True for code points a terminal draws two columns wide (CJK, fullwidth forms). */
function wide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += wide(ch.codePointAt(0)!) ? 2 : 1;
  return w;
}

export function padDisplay(s: string, width: number): string {
  const d = displayWidth(s);
  return d >= width ? s : s + ' '.repeat(width - d);
}

const NO_LINE_START = new Set([...'，。、；：）」』！？》…,.;:)!?']);

/** Break text into units: a run of non-wide characters with its trailing space, or one wide character. */
function units(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of text.replace(/\s+/g, ' ').trim()) {
    if (wide(ch.codePointAt(0)!) || (NO_LINE_START.has(ch) && cur === '' && out.length)) {
      if (cur) {
        out.push(cur);
        cur = '';
      }
      if (NO_LINE_START.has(ch) && out.length) out[out.length - 1] += ch;
      else out.push(ch);
    } else if (ch === ' ') {
      out.push(cur + ' ');
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** Wrap to `width` display columns, each line starting with `indent`. Ends with a newline. */
export function wrapText(text: string, width = 100, indent = ''): string {
  const lines: string[] = [];
  let line = '';
  const room = width - displayWidth(indent);
  for (const u of units(text)) {
    if (line && displayWidth((line + u).trimEnd()) > room) {
      lines.push(indent + line.trimEnd());
      line = u.trimStart();
    } else {
      line += u;
    }
  }
  if (line.trim()) lines.push(indent + line.trimEnd());
  return lines.join('\n') + '\n';
}

/** Rows padded by display width; the last column unpadded; numbers right-aligned when `right[j]`. */
export function widthTable(rows: readonly string[][], right: readonly boolean[] = [], indent = ''): string {
  const n = Math.max(0, ...rows.map((r) => r.length));
  const w = new Array<number>(n).fill(0);
  for (const r of rows)
    r.forEach((c, j) => {
      w[j] = Math.max(w[j]!, displayWidth(c));
    });
  return (
    rows
      .map(
        (r) =>
          indent +
          r
            .map((c, j) => {
              if (right[j]) return ' '.repeat(w[j]! - displayWidth(c)) + c;
              return j === r.length - 1 ? c : padDisplay(c, w[j]!);
            })
            .join('  ')
            .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/**
 * {@link widthTable} within `width` display columns: when the rows are wider, the text
 * columns (not right-aligned, not the first) share what the others leave, each cell wrapped
 * in its column (a row then takes several lines; its first cell starts it).
 */
export function fitTable(rows: readonly string[][], right: readonly boolean[] = [], width = 80): string {
  const n = Math.max(0, ...rows.map((r) => r.length));
  const natural = new Array<number>(n).fill(0);
  for (const r of rows)
    r.forEach((c, j) => {
      natural[j] = Math.max(natural[j]!, displayWidth(c));
    });
  const total = natural.reduce((a, b) => a + b, 0) + 2 * (n - 1);
  if (total <= width) return widthTable(rows, right);
  const flex = natural.map((_, j) => j > 0 && !right[j]);
  const w = [...natural];
  let room = width - 2 * (n - 1) - natural.reduce((a, b, j) => a + (flex[j] ? 0 : b), 0);
  // Narrow columns keep their width; the rest share what is left equally.
  let open = flex.map((f, j) => (f ? j : -1)).filter((j) => j >= 0);
  for (;;) {
    const share = Math.floor(room / Math.max(1, open.length));
    const fits = open.filter((j) => natural[j]! <= share);
    if (fits.length === 0) {
      open.forEach((j, k) => {
        w[j] = share + (k < room - share * open.length ? 1 : 0);
      });
      break;
    }
    for (const j of fits) {
      w[j] = natural[j]!;
      room -= natural[j]!;
    }
    open = open.filter((j) => !fits.includes(j));
    if (open.length === 0) break;
  }
  const out: string[] = [];
  for (const r of rows) {
    const cells = r.map((c, j) => (flex[j] ? wrapText(c, w[j]!).replace(/\n$/, '').split('\n') : [c]));
    const height = Math.max(...cells.map((c) => c.length));
    for (let k = 0; k < height; k++) {
      out.push(
        cells
          .map((c, j) => {
            const s = c[k] ?? '';
            if (right[j]) return ' '.repeat(Math.max(0, w[j]! - displayWidth(s))) + s;
            return j === cells.length - 1 ? s : padDisplay(s, w[j]!);
          })
          .join('  ')
          .trimEnd(),
      );
    }
  }
  return out.join('\n') + '\n';
}
