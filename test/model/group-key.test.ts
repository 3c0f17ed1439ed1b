/**
 * `--by` keys: networks by prefix per family (`rnet` is /24 for IPv4 and /64 for IPv6, as an
 * operator groups peers), `rnet/N` N for IPv4 and /64 for IPv6, `rnet/N,N6` one each; bad keys name
 * the option.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCounter, parseGroupKey } from '../../src/model/count.js';
import { ESTABLISHED } from '../../src/model/state.js';
import { SocketTable } from '../../src/model/table.js';
import { isTcpstateError } from '../../src/model/errors.js';

function peers(addrs: [4 | 6, number[]][]): SocketTable {
  const t = new SocketTable(8);
  for (const [family, bytes] of addrs) {
    const i = t.length++;
    t.family[i] = family;
    t.state[i] = ESTABLISHED;
    t.raddr.set(bytes, i * 16);
  }
  return t;
}

test('rnet groups IPv4 peers by /24 and IPv6 peers by /64; rnet/N and rnet/N,N6 as written', () => {
  assert.deepEqual(parseGroupKey('rnet'), { by: 'rnet', bits: 24, bits6: 64 });
  assert.deepEqual(parseGroupKey('rnet/16'), { by: 'rnet', bits: 16, bits6: 64 });
  assert.deepEqual(parseGroupKey('lnet/24,48'), { by: 'lnet', bits: 24, bits6: 48 });
  const t = peers([
    [4, [10, 1, 2, 3]],
    [4, [10, 1, 2, 200]],
    [4, [10, 1, 3, 1]],
    [6, [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]],
    [6, [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0xff, 0, 0, 0, 0, 0, 0, 2]],
    [6, [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1]],
  ]);
  const g = new GroupCounter(parseGroupKey('rnet'));
  g.add(t, undefined);
  const sizes = [...g.groups.values()].map((c) => c[ESTABLISHED]).sort();
  assert.deepEqual(sizes, [1, 1, 2, 2], [...g.groups.keys()].join(' '));
  for (const bad of ['rnet/33,64', 'rnet/40', 'rnet/24,129', 'lport/24', 'peer']) {
    assert.throws(
      () => parseGroupKey(bad, '--by'),
      (e: unknown) => isTcpstateError(e) && e.code === 'ERR_USAGE' && e.where.field === '--by' && e.message.includes('bad --by'),
      bad,
    );
    // The library's and the API's name for it: the option key.
    assert.throws(
      () => parseGroupKey(bad),
      (e: unknown) => isTcpstateError(e) && e.where.field === 'by' && !e.message.includes('--'),
      bad,
    );
  }
});
