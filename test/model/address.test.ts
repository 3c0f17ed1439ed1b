import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AF_INET, AF_INET6, formatEndpoint, formatV6, networkOf, parseAddress, parsePrefix, prefixContains } from '../../src/model/address.js';

/** WHATWG URL host serialization is an independent RFC 5952 implementation (mapped IPv4 aside). */
function urlFormat(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

test('IPv6 formatting agrees with the WHATWG URL serializer (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 15 }), (raw, zeros) => {
      const b = Uint8Array.from(raw);
      b.fill(0, zeros, Math.min(16, zeros + 6)); // make zero runs common
      const isMapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
      const text = formatV6(b, 0);
      if (!isMapped) assert.equal(text, urlFormat(b));
      const back = parseAddress(text);
      assert.ok(back && back.family === AF_INET6, text);
      assert.deepEqual(back.bytes, b);
    }),
    { numRuns: 2000 },
  );
});

test('IPv4 parse/format round trip (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
      const text = `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
      const a = parseAddress(text);
      assert.ok(a && a.family === AF_INET);
      assert.deepEqual([...a.bytes.slice(0, 4)], [...b]);
    }),
  );
});

test('endpoints print as ss prints them', () => {
  const v4 = parseAddress('127.0.0.1')!.bytes;
  assert.equal(formatEndpoint(AF_INET, v4, 0, 22), '127.0.0.1:22');
  assert.equal(formatEndpoint(AF_INET, new Uint8Array(16), 0, 0), '0.0.0.0:*');
  assert.equal(formatEndpoint(AF_INET6, parseAddress('::1')!.bytes, 0, 8080), '[::1]:8080');
  assert.equal(formatEndpoint(AF_INET6, parseAddress('::ffff:127.0.0.1')!.bytes, 0, 80), '[::ffff:127.0.0.1]:80');
  assert.equal(formatEndpoint(AF_INET6, new Uint8Array(16), 0, 0), '[::]:*');
  assert.equal(formatEndpoint(AF_INET6, new Uint8Array(16), 0, 0, true), '*:*');
});

test('garbage never parses as an address (property)', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      const a = parseAddress(s);
      if (a) assert.ok(a.family === AF_INET || a.family === AF_INET6);
    }),
    { numRuns: 3000 },
  );
  for (const bad of ['1.2.3', '1.2.3.256', '::1::2', '1:2:3:4:5:6:7:8:9', 'g::1', '', '[::1', '01.2.3.4.5']) {
    assert.equal(parseAddress(bad), undefined, bad);
  }
});

test('CIDR prefixes, ss short forms, mapped IPv4', () => {
  const p = parsePrefix('10.0.0.0/8')!;
  assert.ok(prefixContains(p, AF_INET, parseAddress('10.200.1.1')!.bytes, 0));
  assert.ok(!prefixContains(p, AF_INET, parseAddress('11.0.0.1')!.bytes, 0));
  assert.ok(prefixContains(p, AF_INET6, parseAddress('::ffff:10.1.2.3')!.bytes, 0), 'IPv4 prefix matches mapped IPv6');
  const short = parsePrefix('193.233.7/24')!;
  assert.ok(prefixContains(short, AF_INET, parseAddress('193.233.7.9')!.bytes, 0));
  const v6 = parsePrefix('[2001:db8::]/32')!;
  assert.ok(prefixContains(v6, AF_INET6, parseAddress('2001:db8:1::5')!.bytes, 0));
  assert.ok(!prefixContains(v6, AF_INET6, parseAddress('2001:db9::5')!.bytes, 0));
  assert.equal(parsePrefix('10.0.0.0/33'), undefined);
  assert.equal(networkOf(AF_INET, parseAddress('10.1.2.3')!.bytes, 0, 24), '10.1.2.0/24');
  assert.equal(networkOf(AF_INET6, parseAddress('::ffff:10.1.2.3')!.bytes, 0, 16), '10.1.0.0/16');
  assert.equal(networkOf(AF_INET6, parseAddress('2001:db8:aa::1')!.bytes, 0, 48), '2001:db8:aa::/48');
});
