/**
 * Warnings of a capture read: every anomaly is kept as data, but a 100 000-line capture
 * with one systematic problem must not print 100 000 lines. The first {@link PER_CODE}
 * of each code are kept with their location; the rest are counted and summarised in one
 * warning that says how many there were and where the first was.
 * @module
 */
import type { Location, Warning } from '../../model/errors.js';

/** Warnings kept in full per code. */
export const PER_CODE = 10;

export class Warnings {
  private readonly kept: Warning[] = [];
  private readonly counts = new Map<string, number>();
  private readonly firstExtra = new Map<string, Location>();

  add(code: string, message: string, where: Location): void {
    const n = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, n);
    if (n <= PER_CODE) this.kept.push({ code, message, where });
    else if (n === PER_CODE + 1) this.firstExtra.set(code, where);
  }

  /** How many warnings of a code were added (kept or not). */
  count(code: string): number {
    return this.counts.get(code) ?? 0;
  }

  /** The warnings, with one summary per code that overflowed. */
  list(): Warning[] {
    const out = [...this.kept];
    for (const [code, n] of this.counts) {
      if (n <= PER_CODE) continue;
      const w = this.firstExtra.get(code) ?? {};
      out.push({ code, message: `${n - PER_CODE} more ${code} warnings like the above (${n} in all)`, where: w });
    }
    return out;
  }
}
