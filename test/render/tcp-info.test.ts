/** `ls -i`'s cell spelled as `ss -i`: the last-activity ages (issue 15 §4). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { infoCell } from '../../src/render/tcp-info.js';

test('lastsnd, lastrcv and lastack in ss order, each only when not zero', () => {
  const base = { cong: 'cubic', rtoUs: 204_000, mss: 1448, cwnd: 10, bytesAcked: 5, bytesReceived: 7, retrans: 1, totalRetrans: 2, deliveryRate: 1000 };
  const all = infoCell({ ...base, lastSendMs: 1544, lastRecvMs: 344, lastAckMs: 343 });
  assert.equal(all, 'cubic rto:204 mss:1448 cwnd:10 bytes_acked:5 bytes_received:7 lastsnd:1544 lastrcv:344 lastack:343 retrans:1/2 delivery_rate:8.0Kbps');
  const some = infoCell({ ...base, lastSendMs: 0, lastRecvMs: 12, lastAckMs: 0 });
  assert.match(some, / bytes_received:7 lastrcv:12 retrans:/);
  assert.doesNotMatch(some, /lastsnd|lastack/);
  assert.doesNotMatch(infoCell(base), /last/, 'a source without the ages prints none');
});
