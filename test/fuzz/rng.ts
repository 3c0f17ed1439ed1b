/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same inputs on
 * every machine, so a finding of the suite's fixed-seed pass is reproduced by its seed.
 */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : this.u32() % n;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() < p * 4294967296;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  /** A new generator whose sequence depends on this one's next value and `salt`. */
  fork(salt: number): Rng {
    return new Rng(this.u32() ^ Math.imul(salt, 0x9e3779b1));
  }
}
