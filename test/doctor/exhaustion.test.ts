/**
 * The time-to-exhaustion model of time-wait-ports (a pure function): hand-checked cases
 * and properties over random inputs.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { exhaustionSec, TIME_WAIT_MS } from '../../src/doctor/rules/time-wait-ports.js';

test('exhaustion: hand-checked cases', () => {
  // Empty range of 100 ports, 10 new connections/s held 60 s each: full after 10 s.
  assert.equal(exhaustionSec(0, [], 10, TIME_WAIT_MS, 100), 10);
  // 1 per second never fills 100 ports (60 at most).
  assert.equal(exhaustionSec(0, [], 1, TIME_WAIT_MS, 100), undefined);
  // Already full: now.
  assert.equal(exhaustionSec(40, new Array(60).fill(30_000), 0, TIME_WAIT_MS, 100), 0);
  // 90 TIME_WAIT expiring in 1 s free room faster than 10/s fills it: the fill comes after they go.
  assert.equal(exhaustionSec(0, new Array(90).fill(1_000), 10, TIME_WAIT_MS, 100), 10);
  // With tcp_tw_reuse (1 s delay) only the last second of connections holds ports.
  assert.equal(exhaustionSec(0, [], 50, 1000, 100), undefined);
  assert.equal(exhaustionSec(0, [], 150, 1000, 100), 0.7);
});

test('exhaustion: more load never makes it later', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 50 }),
      fc.array(fc.integer({ min: 1, max: TIME_WAIT_MS }), { maxLength: 60 }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      fc.integer({ min: 1, max: 200 }),
      (held, left, r1, r2, range) => {
        const [lo, hi] = r1 <= r2 ? [r1, r2] : [r2, r1];
        const a = exhaustionSec(held, left, lo, TIME_WAIT_MS, range) ?? Infinity;
        const b = exhaustionSec(held, left, hi, TIME_WAIT_MS, range) ?? Infinity;
        const c = exhaustionSec(held + 1, left, lo, TIME_WAIT_MS, range) ?? Infinity;
        assert.ok(b <= a, `rate ${hi} exhausts at ${b}, rate ${lo} at ${a}`);
        assert.ok(c <= a);
        // Never more than everything at once: then never.
        if (held + lo * 60 + left.length < range) assert.equal(a, Infinity);
        // A steady state at or above the range is reached within 60 s.
        if (held + lo * 60 >= range) assert.ok(a <= 60);
      },
    ),
  );
});
