/**
 * Per-slot columns grown as a capture's connection table grows: a copy in a larger array,
 * the new slots zero.
 * @module
 */

/** `a` copied into a new array of `n` bytes. */
export function grown8(a: Uint8Array, n: number): Uint8Array<ArrayBuffer> {
  const x = new Uint8Array(n);
  x.set(a);
  return x;
}

/** `a` copied into a new array of `n` 32-bit words. */
export function grown32(a: Uint32Array, n: number): Uint32Array<ArrayBuffer> {
  const x = new Uint32Array(n);
  x.set(a);
  return x;
}
