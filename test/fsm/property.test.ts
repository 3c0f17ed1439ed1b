import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { eventInfo } from '../../src/fsm/events.js';
import { allowed, type Profile } from '../../src/fsm/machine.js';
import { FSM_STATES } from '../../src/fsm/rfc9293.js';
import { type Action, type Side, World } from '../../src/fsm/simulate.js';
import { SYN_RECV } from '../../src/model/state.js';

/** The actions open to the world now: any non-segment event a side allows, any delivery or loss. */
function choices(w: World): Action[] {
  const out: Action[] = [];
  for (const side of ['A', 'B'] as Side[]) {
    for (const e of allowed(w.state(side), { profile: w.profile })) {
      if (eventInfo(e).kind !== 'segment') out.push({ kind: 'event', side, event: e, word: `${side}:${e}` });
    }
    const from: Side = side === 'A' ? 'B' : 'A';
    if (w.inFlight(side).length) {
      out.push({ kind: 'deliver', from, word: `${from}>${side}` });
      out.push({ kind: 'lose', from, word: `${from}>${side}:lost` });
    }
  }
  return out;
}

for (const profile of ['linux', 'rfc'] as Profile[]) {
  test(`random event sequences never reach an undefined (state, event) pair (${profile})`, () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 80 }), (picks) => {
        const w = new World(profile);
        const taken: string[] = [];
        for (const p of picks) {
          const c = choices(w);
          assert.ok(c.length > 0, 'some action is always possible (CLOSED can always open)');
          const a = c[p % c.length]!;
          taken.push(a.word);
          try {
            w.apply(a);
          } catch (e) {
            throw new Error(`after ${taken.join(' ')}: ${(e as Error).message}`);
          }
          for (const side of ['A', 'B'] as Side[]) {
            const st = w.state(side);
            assert.ok(FSM_STATES.includes(st.code), `unknown state ${st.code}`);
            assert.equal(st.origin !== undefined, st.code === SYN_RECV, 'only SYN_RECV carries an origin');
          }
        }
        // Draining the links always terminates and is defined too.
        w.apply({ kind: 'deliver-all', word: 'deliver' });
      }),
      { numRuns: 400 },
    );
  });
}
