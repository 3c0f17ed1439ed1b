/**
 * IPv6 addresses written as bytes (row-bytes.ts `putIpv6Addr`, `ipv6AddrLength`, used by ls's
 * row writer) against formatV6, the one spelling: every pattern of zero groups, random
 * groups of every width, and runs that tie.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatV6, isV4Mapped } from '../../src/model/address.js';
import { ipv6AddrLength, putIpv6Addr } from '../../src/render/row-bytes.js';

function written(a: Uint8Array): string {
  const b = new Uint8Array(64);
  const end = putIpv6Addr(b, 3, a, 0);
  assert.equal(end - 3, ipv6AddrLength(a, 0));
  return Buffer.from(b.subarray(3, end)).toString('latin1');
}

test('every pattern of zero groups, each other group of 1 to 4 hex digits', () => {
  const widths = [0x1, 0x2f, 0x3a4, 0xbeef];
  for (let mask = 0; mask < 256; mask++) {
    const a = new Uint8Array(16);
    for (let g = 0; g < 8; g++) {
      if (mask & (1 << g)) continue;
      const v = widths[(g + mask) % 4]!;
      a[2 * g] = v >> 8;
      a[2 * g + 1] = v & 255;
    }
    if (isV4Mapped(a, 0)) continue;
    assert.equal(written(a), formatV6(a, 0), `mask ${mask}`);
  }
});

test('random addresses', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }), (groups) => {
      const a = new Uint8Array(16);
      for (let g = 0; g < 8; g++) {
        a[2 * g] = groups[g]! >> 8;
        a[2 * g + 1] = groups[g]! & 255;
      }
      if (!isV4Mapped(a, 0)) assert.equal(written(a), formatV6(a, 0));
    }),
    { numRuns: 2000 },
  );
});
