/**
 * compareKeys (src/model/key-order.ts) orders keys exactly as localeCompare(…, 'en',
 * { numeric: true }) does: ports, IPv4 addresses and networks, random strings of digits and
 * dots (leading zeros, empty runs, empty keys), and keys it leaves to ICU.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareKeys } from '../../src/model/key-order.js';

const sign = (n: number) => Math.sign(n);

function keys(): string[] {
  const out = ['', '.', '..', '0', '00', '1', '01', '10', '9', '0.0', '1.', '.1', '127.0.0.1', '127.0.0.10', '127.0.0.9', '10.0.0.0/24', '::1', 'a', 'ESTABLISHED', 'other (3)'];
  const rnd = (n: number) => Math.floor(Math.random() * n);
  for (let k = 0; k < 150; k++) out.push(String(rnd(65536)));
  for (let k = 0; k < 150; k++) out.push([rnd(256), rnd(256), rnd(4), rnd(256)].join('.'));
  for (let k = 0; k < 200; k++) {
    let s = '';
    for (let n = rnd(8); n > 0; n--) s += '0123456789..'[rnd(12)];
    out.push(s);
  }
  return out;
}

test('compareKeys gives the sign localeCompare(…, "en", { numeric: true }) gives, for every pair', () => {
  const ks = keys();
  for (const a of ks) for (const b of ks) assert.equal(sign(compareKeys(a, b)), sign(a.localeCompare(b, 'en', { numeric: true })), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
});
