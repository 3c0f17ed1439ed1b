/**
 * A JSON scanner for error messages, run only when reading tcpstate's JSON failed: where the
 * first syntax error is and why (V8's messages give a position for some errors only, and
 * quote the input for others), and where the value at a JSON path (`$.sockets[3].local.port`,
 * `[0].states.ESTAB`) is. One pass, no recursion (nesting depth costs a stack entry, not a
 * call), no values built.
 * @module
 */

export interface ScanResult {
  /** The first syntax error: its offset and what was expected there. */
  error?: { at: number; why: string };
  /** Offset of the value at the path asked for. */
  found?: number;
}

interface Frame {
  array: boolean;
  /** Path of this container, or null when the path asked for is not inside it. */
  path: string | null;
  count: number;
}

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** How a JSON path names a child: `$.key` in an object, `[k]` in an array (`[k]` at the top of an array of documents). */
function child(parent: string | null, key: string | number, target: string | undefined): string | null {
  if (parent === null || target === undefined) return null;
  const p = typeof key === 'number' ? `${parent}[${key}]` : `${parent}.${key}`;
  return target === p || target.startsWith(`${p}.`) || target.startsWith(`${p}[`) ? p : null;
}

function shown(text: string, at: number): string {
  if (at >= text.length) return 'the end of the input';
  const c = text.codePointAt(at)!;
  return c < 32 ? `character U+${c.toString(16).padStart(4, '0').toUpperCase()}` : `"${String.fromCodePoint(c)}"`;
}

/**
 * Scan `text` as JSON: the first syntax error, and the offset of the value at `target` (a
 * path as the JSON reader names fields) when there is one.
 */
export function scanJson(text: string, target?: string): ScanResult {
  const n = text.length;
  const stack: Frame[] = [];
  let i = 0;
  let found: number | undefined;
  const ws = () => {
    while (i < n && isWs(text.charCodeAt(i))) i++;
  };
  const err = (why: string): ScanResult => ({ error: { at: i, why: `${why}, found ${shown(text, i)}` }, found });

  /** A string at i (its opening quote): its end (after the closing quote), or an error. */
  const str = (): number | string => {
    let j = i + 1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 34) return j + 1;
      if (c < 32) {
        i = j;
        return 'a control character inside a string';
      }
      if (c === 92) {
        const e = text.charCodeAt(j + 1);
        if (e === 117) {
          if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(j + 2, j + 6))) {
            i = j;
            return 'a \\u escape with four hex digits';
          }
          j += 6;
        } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) j += 2;
        else {
          i = j;
          return 'an escape such as \\n, \\" or \\u0041';
        }
      } else j++;
    }
    i = n;
    return 'the closing quote of a string';
  };

  // Each turn reads one value at i (path `path`), then the punctuation after it.
  let path: string | null = target === undefined ? null : '';
  for (;;) {
    ws();
    if (found === undefined && path !== null && (path === target || (stack.length === 0 && target === '$'))) found = i;
    const c = text.charCodeAt(i);
    if (i >= n) return err('expected a value');
    if (c === 123 || c === 91) {
      const array = c === 91;
      // The top-level object is `$`; the documents of a top-level array are `[k]`.
      const own = stack.length === 0 && !array && path !== null ? '$' : path;
      i++;
      ws();
      if (text.charCodeAt(i) === (array ? 93 : 125)) {
        i++;
      } else {
        stack.push({ array, path: own, count: 0 });
        if (array) {
          path = child(own, 0, target);
          continue;
        }
        if (text.charCodeAt(i) !== 34) return err('expected a property name in double quotes');
        const start = i;
        const end = str();
        if (typeof end === 'string') return err(`expected ${end}`);
        i = end;
        ws();
        if (text.charCodeAt(i) !== 58) return err('expected ":" after a property name');
        i++;
        path = child(own, keyOf(text, start, end), target);
        continue;
      }
    } else if (c === 34) {
      const end = str();
      if (typeof end === 'string') return err(`expected ${end}`);
      i = end;
    } else if (c === 45 || isDigit(c)) {
      if (c === 45) i++;
      if (text.charCodeAt(i) === 48) i++;
      else if (isDigit(text.charCodeAt(i))) while (isDigit(text.charCodeAt(i))) i++;
      else return err('expected a digit');
      if (text.charCodeAt(i) === 46) {
        i++;
        if (!isDigit(text.charCodeAt(i))) return err('expected a digit after the decimal point');
        while (isDigit(text.charCodeAt(i))) i++;
      }
      if ((text.charCodeAt(i) | 32) === 101) {
        i++;
        if (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45) i++;
        if (!isDigit(text.charCodeAt(i))) return err('expected a digit in the exponent');
        while (isDigit(text.charCodeAt(i))) i++;
      }
    } else {
      const word = text.startsWith('true', i) ? 4 : text.startsWith('false', i) ? 5 : text.startsWith('null', i) ? 4 : 0;
      if (word === 0) return err('expected a value (object, array, string, number, true, false or null)');
      i += word;
    }
    // After a value: close containers, or go on to the next element or property.
    for (;;) {
      const top = stack[stack.length - 1];
      ws();
      if (!top) {
        if (i < n) return err('expected the end of the input after the JSON value');
        return { found };
      }
      const close = top.array ? 93 : 125;
      const d = text.charCodeAt(i);
      if (d === close) {
        i++;
        stack.pop();
        continue;
      }
      if (d !== 44) return err(`expected "," or "${top.array ? ']' : '}'}" after ${top.array ? 'an array element' : 'a property value'}`);
      i++;
      top.count++;
      if (top.array) {
        path = child(top.path, top.count, target);
        break;
      }
      ws();
      if (text.charCodeAt(i) !== 34) return err('expected a property name in double quotes');
      const start = i;
      const end = str();
      if (typeof end === 'string') return err(`expected ${end}`);
      i = end;
      ws();
      if (text.charCodeAt(i) !== 58) return err('expected ":" after a property name');
      i++;
      path = child(top.path, keyOf(text, start, end), target);
      break;
    }
  }
}

function keyOf(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/** 1-based line and column (in UTF-16 code units) of an offset. */
export function lineColumn(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let from = 0;
  for (let j = text.indexOf('\n'); j >= 0 && j < at; j = text.indexOf('\n', j + 1)) {
    line++;
    from = j + 1;
  }
  return { line, column: at - from + 1 };
}
