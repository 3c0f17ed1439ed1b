/**
 * Keys in order as `a.localeCompare(b, 'en', { numeric: true })` orders them (numbers in keys
 * compared as numbers), without starting ICU's collation where the keys are ports or IPv4
 * addresses: its first use costs 15–35 ms of a run.
 * @module
 */

const DIGITS_AND_DOTS = /^[0-9.]*$/;
const RUNS = /[0-9]+|\./g;

/**
 * `a.localeCompare(b, 'en', { numeric: true })`. Keys of digits and dots only are compared
 * here as that collation does: digit runs by value, a dot before any digit, a key before its
 * extensions. A run with a leading zero (where the collation also weighs the zeros) and any
 * other key go to ICU.
 */
export function compareKeys(a: string, b: string): number {
  if (DIGITS_AND_DOTS.test(a) && DIGITS_AND_DOTS.test(b)) {
    const c = digitsAndDots(a, b);
    if (c !== undefined) return c;
  }
  return a.localeCompare(b, 'en', { numeric: true });
}

function digitsAndDots(a: string, b: string): number | undefined {
  const x = a.match(RUNS) ?? [];
  const y = b.match(RUNS) ?? [];
  for (let k = 0; k < x.length && k < y.length; k++) {
    const p = x[k]!;
    const q = y[k]!;
    if (p === q) {
      if (p.length > 1 && p[0] === '0') return undefined;
      continue;
    }
    const pDot = p === '.';
    const qDot = q === '.';
    if (pDot || qDot) return pDot ? -1 : 1;
    if ((p.length > 1 && p[0] === '0') || (q.length > 1 && q[0] === '0')) return undefined;
    if (p.length !== q.length) return p.length < q.length ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}
